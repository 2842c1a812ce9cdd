"""The letters that give each imported family its service key, as one PDF (WeasyPrint)."""

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from refectoire.households.models import Guardian, Household


def service_key_letters_pdf(*, caisse, include_used: bool = False) -> tuple[bytes, int]:
    from weasyprint import HTML  # reason: loads native libraries (pango) for PDFs only, not every process

    households = (
        Household.objects.for_caisse(caisse)
        .exclude(service_key=None)
        .prefetch_related(Prefetch("guardians", queryset=Guardian.objects.order_by("role").reverse()))
        .order_by("reference", "pk")
    )
    if not include_used:
        households = households.filter(service_key_used_at=None)
    letters = []
    for household in households:
        guardians = list(household.guardians.all())
        holder = next((g for g in guardians if g.role == "primary"), guardians[0] if guardians else None)
        if holder is None:
            continue
        letters.append({"household": household, "holder": holder, "guardians": guardians})
    html = render_to_string(
        "households/service_key_letters.html",
        {
            "caisse": caisse,
            "letters": letters,
            "today": timezone.localdate(),
            "portal_url": caisse.absolute_url("portal:household_profile"),
        },
    )
    return HTML(string=html).write_pdf(), len(letters)
