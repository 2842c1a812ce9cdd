"""Personal data for the agents: the Caisse's settings (managers), the households due for
anonymisation within a month and their holds, the families' erasure requests, and the access log
(managers), read on screen and exported as CSV per family or per agent."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.accounts.access_log import access_log_for_request
from refectoire.accounts.enums import AccessKind
from refectoire.accounts.models import User
from refectoire.core.forms import add_service_errors
from refectoire.households.models import Household
from refectoire.privacy.enums import ErasureState
from refectoire.privacy.models import NOTICE_DAYS, AnonymisationHold, ErasureRequest
from refectoire.privacy.selectors import access_log_for, households_due_soon, privacy_settings_for
from refectoire.privacy.services import (
    anonymisation_hold_lift,
    anonymisation_hold_set,
    erasure_obstacles,
    erasure_request_decide,
    privacy_settings_update,
)
from refectoire.www.backoffice.access import agent_required, manager_required
from refectoire.www.backoffice.privacy.forms import (
    AccessLogFilterForm,
    ErasureDecisionForm,
    HoldForm,
    PrivacySettingsForm,
)

ACCESS_LOG_PAGE = 500


@manager_required
@require_http_methods(["GET", "POST"])
def settings_edit(request):
    form = PrivacySettingsForm(request.POST or None, instance=privacy_settings_for(request.caisse))
    if request.method == "POST" and form.is_valid():
        try:
            privacy_settings_update(caisse=request.caisse, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Les réglages des données personnelles ont été enregistrés."))
            return redirect("backoffice:privacy_settings")
    return render(request, "backoffice/privacy/settings.html", {"form": form})


@agent_required
def due_list(request):
    households = list(households_due_soon(caisse=request.caisse, on=timezone.localdate()))
    holds = {
        hold.household_id: hold
        for hold in AnonymisationHold.objects.filter(caisse=request.caisse, lifted_at__isnull=True)
    }
    return render(
        request,
        "backoffice/privacy/due.html",
        {
            "households": [(household, holds.get(household.pk)) for household in households],
            "notice_days": NOTICE_DAYS,
            "settings": privacy_settings_for(request.caisse),
            "form": HoldForm(),
        },
    )


@agent_required
@require_POST
def hold_set(request, household_uuid):
    household = get_object_or_404(Household.objects.for_caisse(request.caisse), uuid=household_uuid)
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            anonymisation_hold_set(
                household=household, agent=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Le foyer %(ref)s ne sera pas anonymisé.") % {"ref": household.reference}
            )
    else:
        messages.error(request, _("Indiquez pourquoi ce foyer doit être conservé."))
    return redirect("backoffice:privacy_due")


@agent_required
@require_POST
def hold_lift(request, hold_uuid):
    hold = get_object_or_404(AnonymisationHold.objects.filter(caisse=request.caisse), uuid=hold_uuid)
    anonymisation_hold_lift(hold=hold, agent=request.user)
    messages.success(request, _("La suspension est levée."))
    return redirect("backoffice:privacy_due")


@agent_required
def erasure_list(request):
    erasures = ErasureRequest.objects.for_caisse(request.caisse).select_related("household")
    return render(
        request,
        "backoffice/privacy/erasures.html",
        {
            "open": erasures.filter(state=ErasureState.SUBMITTED),
            "closed": erasures.exclude(state=ErasureState.SUBMITTED)[:50],
        },
    )


@agent_required
@require_http_methods(["GET", "POST"])
def erasure_decide(request, erasure_uuid):
    erasure = get_object_or_404(
        ErasureRequest.objects.for_caisse(request.caisse).select_related("household"), uuid=erasure_uuid
    )
    form = ErasureDecisionForm(request.POST or None)
    if request.method == "POST" and erasure.state == ErasureState.SUBMITTED and form.is_valid():
        try:
            erasure_request_decide(
                request=erasure,
                agent=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                message=form.cleaned_data["decision_message"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La décision est enregistrée."))
            return redirect("backoffice:privacy_erasures")
    access_log_for_request(
        request,
        kind=AccessKind.HOUSEHOLD,
        object_id=erasure.household.uuid,
        household_id=erasure.household_id,
    )
    return render(
        request,
        "backoffice/privacy/erasure.html",
        {
            "erasure": erasure,
            "form": form,
            "obstacles": erasure_obstacles(household=erasure.household),
            "is_open": erasure.state == ErasureState.SUBMITTED,
        },
    )


def _filtered_log(request):
    form = AccessLogFilterForm(request.GET or None)
    household = agent = None
    entries = access_log_for(caisse=request.caisse)
    if form.is_valid():
        if form.cleaned_data["household"]:
            household = (
                Household.objects.for_caisse(request.caisse)
                .filter(reference=form.cleaned_data["household"])
                .first()
            )
            entries = entries.filter(household_id=household.pk if household else -1)
        if form.cleaned_data["agent"]:
            agent = User.objects.filter(
                email__iexact=form.cleaned_data["agent"], agent_roles__caisse=request.caisse
            ).first()
            entries = entries.filter(agent_id=agent.pk if agent else -1)
    return form, entries, household, agent


@manager_required
def access_log(request):
    form, entries, household, agent = _filtered_log(request)
    return render(
        request,
        "backoffice/privacy/access_log.html",
        {
            "form": form,
            "entries": entries.select_related("agent")[:ACCESS_LOG_PAGE],
            "page_size": ACCESS_LOG_PAGE,
            "query": request.GET.urlencode(),
        },
    )


@manager_required
def access_log_csv(request):
    """The log as CSV (UTF-8 with BOM, « ; »: opens in a French spreadsheet), for a family's
    request « which agents looked at my file » or a manager's review of an agent."""
    _form, entries, household, agent = _filtered_log(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{household.reference}" if household else (f"-agent-{agent.pk}" if agent else "")
    response["Content-Disposition"] = (
        f'attachment; filename="consultations-{request.caisse.slug}{suffix}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["date", "heure", "agent", "consultation", "objet", "foyer", "ecran"])
    references = dict(Household.objects.for_caisse(request.caisse).values_list("pk", "reference"))
    for entry in entries.iterator():
        moment = timezone.localtime(entry.at)
        writer.writerow(
            [
                moment.strftime("%d/%m/%Y"),
                moment.strftime("%H:%M:%S"),
                entry.agent_name,
                entry.get_kind_display(),
                entry.object_id,
                references.get(entry.household_id, ""),
                entry.screen,
            ]
        )
    return response
