"""« Restauration adulte »: school staff register from their own account to eat at the canteen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.adultmeals.enums import RegistrationState
from refectoire.adultmeals.models import AdultRegistration
from refectoire.adultmeals.services import (
    adult_registration_cancel,
    adult_registration_end,
    adult_registration_submit,
)
from refectoire.billing.enums import PORTAL_STATE_LABELS, PayableState
from refectoire.billing.models import Invoice
from refectoire.core.forms import add_service_errors
from refectoire.payments.services import payfip_settings_for, pending_invoice_ids
from refectoire.www.portal.adult_meals.forms import AdultRegistrationEndForm, AdultRegistrationForm


def _own_registration(request, registration_uuid):
    """The user's own registration in request.caisse; anyone else's is a 404."""
    return get_object_or_404(
        AdultRegistration.objects.for_user(request.user, request.caisse).select_related("school"),
        uuid=registration_uuid,
    )


@login_required
@require_http_methods(["GET", "POST"])
def adult_meals_home(request):
    form = AdultRegistrationForm(request.POST or None, caisse=request.caisse)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            adult_registration_submit(
                caisse=request.caisse,
                user=request.user,
                school=data["school"],
                role=data["role"],
                employer=data["employer"],
                employer_name=data["employer_name"],
                weekdays="".join(data["weekdays"]),
                starts_on=data["starts_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Votre inscription est envoyée à la Caisse des écoles, qui va la valider.")
            )
            return redirect("portal:adult_meals")
    registrations = AdultRegistration.objects.for_user(request.user, request.caisse).select_related("school")
    return render(
        request,
        "portal/adult_meals/home.html",
        {"form": form, "registrations": registrations, "invoices": _invoices(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def adult_registration_end_view(request, registration_uuid):
    """« Mettre fin à mon inscription »: the adult picks the last day (today or later)."""
    registration = _own_registration(request, registration_uuid)
    if registration.state != RegistrationState.VALIDATED:
        messages.error(request, _("Seule une inscription validée peut prendre fin."))
        return redirect("portal:adult_meals")
    form = AdultRegistrationEndForm(request.POST or None, initial={"last_day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            adult_registration_end(
                registration=registration,
                last_day=form.cleaned_data["last_day"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Votre inscription prend fin le %(day)s : les repas sont facturés jusqu'à ce jour inclus.")
                % {"day": registration.ends_on.strftime("%d/%m/%Y")},
            )
            return redirect("portal:adult_meals")
    return render(request, "portal/adult_meals/end.html", {"registration": registration, "form": form})


@login_required
@require_POST
def adult_registration_cancel_view(request, registration_uuid):
    """« Annuler ma demande »: a registration still waiting for validation."""
    registration = _own_registration(request, registration_uuid)
    try:
        adult_registration_cancel(registration=registration, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Votre demande d'inscription est annulée."))
    return redirect("portal:adult_meals")


def _invoices(request) -> list:
    """The adult's own invoices and credit notes (every school), newest first, with their state."""
    invoices = list(
        Invoice.objects.for_adult(request.user, request.caisse)
        .select_related("adult_registration__school")
        .order_by("-number")
    )
    pending = pending_invoice_ids([invoice.pk for invoice in invoices])
    online = payfip_settings_for(request.caisse) is not None
    today, now = timezone.localdate(), timezone.now()
    for invoice in invoices:
        in_progress = invoice.pk in pending
        invoice.state_code = PayableState.IN_PROGRESS if in_progress else invoice.payable_state(today)
        invoice.display_state = (
            PORTAL_STATE_LABELS[PayableState.IN_PROGRESS]
            if in_progress
            else invoice.portal_state_label(today)
        )
        invoice.can_pay = (
            online and not in_progress and invoice.amount_due > 0 and invoice.payment_is_open(now)
        )
    return invoices
