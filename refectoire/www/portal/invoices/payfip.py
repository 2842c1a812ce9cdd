"""Paying invoices online through PayFIP: start, return of the parent, server notification."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.billing.models import Invoice
from refectoire.households.models import Household
from refectoire.payments import payfip as payfip_client
from refectoire.payments.enums import OperationState, PayfipBackend
from refectoire.payments.models import PayfipOperation
from refectoire.payments.services import (
    answer_awaited_until,
    payfip_operation_settle,
    payfip_operation_start,
    payfip_settings_for,
    pending_attempt,
    retry_from,
)

logger = logging.getLogger(__name__)


def _urls(request):
    return (
        request.build_absolute_uri(reverse("portal:payment_return")),
        request.build_absolute_uri(reverse("portal:payfip_notification")),
    )


def _start(request, household, invoices, adult_registration=None):
    return_url, notify_url = _urls(request)
    operation, url = payfip_operation_start(
        caisse=request.caisse,
        household=household,
        adult_registration=adult_registration,
        invoices=invoices,
        user=request.user,
        return_url=return_url,
        notify_url=notify_url,
    )
    if operation_is_dummy(request.caisse):
        params = payfip_client.dummy_bank_query(url)
        request.session["dummy_bank"] = params
        return redirect("portal:dummy_bank")
    return redirect(url)


def _operations(request):
    """The operations of the user's households, and those of the user's adult meals."""
    return PayfipOperation.objects.filter(caisse=request.caisse).filter(
        Q(household__in=Household.objects.for_user(request.user, request.caisse))
        | Q(adult_registration__user=request.user, adult_registration__caisse=request.caisse)
    )


def operation_is_dummy(caisse) -> bool:
    payfip = payfip_settings_for(caisse)
    return bool(payfip and payfip.backend == PayfipBackend.DUMMY)


@login_required
@require_http_methods(["GET", "POST"])
def invoice_pay(request, invoice_uuid):
    """ "Payer la facture": before the opening hour, when it opens; after, off to PayFIP."""
    invoice = get_object_or_404(
        Invoice.objects.for_user(request.user, request.caisse).select_related(
            "household", "adult_registration"
        ),
        uuid=invoice_uuid,
    )
    attempt = pending_attempt([invoice.pk])
    payfip = payfip_settings_for(request.caisse)
    if request.method == "POST":
        try:
            return _start(request, invoice.household, [invoice], invoice.adult_registration)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except payfip_client.PayFiPError as error:
            logger.warning("PayFIP indisponible : %s", error)
            messages.error(
                request, "Le service de paiement PayFIP ne répond pas. Réessayez dans quelques minutes."
            )
        return redirect("portal:invoice_pay", invoice_uuid=invoice.uuid)
    return render(
        request,
        "portal/invoices/pay.html",
        {
            "invoice": invoice,
            "payment_open": invoice.payment_is_open(),
            "attempt": attempt,
            "awaited_until": timezone.localtime(answer_awaited_until(attempt)) if attempt else None,
            "retry_from": timezone.localtime(retry_from(attempt)) if attempt else None,
            "payment_pending": attempt is not None and timezone.now() < retry_from(attempt),
            "online_payment": payfip is not None,
            "opens_at": timezone.localtime(invoice.payment_opens_at) if invoice.payment_opens_at else None,
        },
    )


@login_required
@require_POST
def invoices_pay_several(request):
    """One payment for several unpaid invoices (when the Caisse allows it), oldest first."""
    household = get_object_or_404(Household.objects.for_user(request.user, request.caisse))
    uuids = request.POST.getlist("invoices")
    invoices = list(
        Invoice.objects.for_user(request.user, request.caisse).filter(household=household, uuid__in=uuids)
    )
    if len(invoices) != len(set(uuids)):
        raise Http404
    try:
        return _start(request, household, invoices)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except payfip_client.PayFiPError:
        messages.error(
            request, "Le service de paiement PayFIP ne répond pas. Réessayez dans quelques minutes."
        )
    return redirect("portal:invoice_list")


@login_required
def payment_return(request):
    """Back from PayFIP: ask PayFIP what happened (never trust the address) and say it."""
    idop = request.GET.get("idop") or request.GET.get("idOp") or request.GET.get("transaction_id") or ""
    operation = get_object_or_404(
        _operations(request),
        idop=idop,
    )
    settled = payfip_operation_settle(
        idop=operation.idop, source="return", query_string=request.GET.urlencode()
    )
    return render(
        request,
        "portal/invoices/payment_return.html",
        {
            "operation": settled,
            "states": OperationState,
            "invoices": list(settled.invoices.order_by("number")),
        },
    )


@csrf_exempt
@require_POST
def payfip_notification(request):
    """PayFIP's server notification (`idOp=…`): only a hint; the outcome comes from PayFIP itself."""
    idop = request.POST.get("idOp") or request.POST.get("idop") or ""
    if not idop:
        return HttpResponseBadRequest("idOp manquant")
    operation = PayfipOperation.objects.filter(caisse=request.caisse, idop=idop).first()
    if operation is None:
        logger.warning("PayFIP : notification pour un idOp inconnu (%s)", request.caisse.slug)
        return HttpResponse("ok", content_type="text/plain")
    payfip_operation_settle(idop=operation.idop, source="notification")
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_http_methods(["GET", "POST"])
def dummy_bank(request):
    """The bank of eopayment's dummy backend, in the demo only: pay or refuse, then come back."""
    if not (settings.DEMO or settings.TESTING) or not operation_is_dummy(request.caisse):
        raise Http404
    params = request.session.get("dummy_bank")
    if not params:
        raise Http404
    operation = get_object_or_404(
        _operations(request),
        idop=params.get("transaction_id", ""),
    )
    if request.method == "POST":
        paid = request.POST.get("choice") == "pay"
        query = payfip_client.dummy_return_query(params, paid=paid)
        request.session.pop("dummy_bank", None)
        return redirect(f"{reverse('portal:payment_return')}?{query}")
    return render(request, "portal/invoices/dummy_bank.html", {"operation": operation})
