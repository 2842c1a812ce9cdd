"""« Restauration adulte »: school staff register from their own account to eat at the canteen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from refectoire.adultmeals.models import AdultRegistration
from refectoire.adultmeals.services import adult_registration_submit
from refectoire.billing.enums import PayableState
from refectoire.billing.models import Invoice
from refectoire.payments.services import payfip_settings_for, pending_invoice_ids
from refectoire.www.portal.forms_adult_meals import AdultRegistrationForm


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
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
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
        invoice.display_state = PayableState(invoice.state_code).label
        invoice.can_pay = (
            online and not in_progress and invoice.amount_due > 0 and invoice.payment_is_open(now)
        )
    return invoices
