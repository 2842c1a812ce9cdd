"""The accessibility statement of a Caisse (déclaration d'accessibilité, RGAA), linked from every footer."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

# What the audit supports: axe-core on every page the journeys pass and keyboard and screen reader checks
# by hand, not yet a full RGAA audit by an independent auditor: « partiellement conforme ».


@require_GET
def statement(request):
    return render(request, "public/accessibility.html")
