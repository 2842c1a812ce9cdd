"""« Prélèvement automatique »: the household's mandate, signing it (ticking + password), revoking it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from refectoire.core.forms import add_service_errors
from refectoire.core.lifecycle import PARENT
from refectoire.directdebit.models import Mandate
from refectoire.directdebit.selectors import live_mandate, next_debit, sepa_settings_for
from refectoire.directdebit.services import mandate_revoke, mandate_sign
from refectoire.www.portal.access import household_required
from refectoire.www.portal.directdebit.forms import MandateForm, RevokeForm


@household_required
def directdebit(request, household):
    sepa = sepa_settings_for(request.caisse)
    if sepa is None:
        raise Http404
    mandate = live_mandate(household)
    form = MandateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mandate_sign(
                household=household,
                user=request.user,
                holder_name=form.cleaned_data["holder_name"],
                iban=form.cleaned_data["iban"],
                bic=form.cleaned_data["bic"],
                accepted=form.cleaned_data["accepted"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Mandat signé : vos prochaines factures seront prélevées. Le mandat est dans « Mes documents »."
                ),
            )
            return redirect("portal:directdebit")
    past = Mandate.objects.filter(household=household).exclude(pk=getattr(mandate, "pk", None))
    return render(
        request,
        "portal/directdebit/page.html",
        {
            "sepa": sepa,
            "mandate": mandate,
            "form": form,
            "revoke_form": RevokeForm(),
            "next_debit": next_debit(household) if mandate else None,
            "past_mandates": past.order_by("-signed_at"),
            "show_form": mandate is None or request.GET.get("changer") == "1" or form.is_bound,
        },
    )


@household_required
def directdebit_revoke(request, household):
    mandate = live_mandate(household)
    if mandate is None or sepa_settings_for(request.caisse) is None:
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["confirm"]:
            form.add_error("confirm", _("Cochez la case pour confirmer la révocation."))
        else:
            try:
                mandate_revoke(mandate=mandate, actor=request.user, by=PARENT)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Mandat révoqué : vos prochaines factures seront à payer en ligne ou à la Caisse."),
                )
                return redirect("portal:directdebit")
    return render(request, "portal/directdebit/revoke.html", {"mandate": mandate, "form": form})
