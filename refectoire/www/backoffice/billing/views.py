"""Agents' billing screens: periods and runs, invoices, payments, credit notes, unpaid (the accounting
exports: `www/backoffice/exports`)."""

import uuid
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.billing import services as billing_services
from refectoire.billing.enums import InvoiceKind, InvoiceState, RunState
from refectoire.billing.exports import (
    unpaid_csv,
)
from refectoire.billing.jobs import billing_run_task
from refectoire.billing.models import BillingRun, Invoice
from refectoire.billing.pdf import invoice_pdf
from refectoire.billing.selectors import invoice_detail_context, run_issue_summary
from refectoire.core.forms import add_service_errors
from refectoire.households.models import Household
from refectoire.payments import services as payment_services
from refectoire.payments.models import PayfipOperation, PayfipSettings, Payment
from refectoire.schools.models import BillingPeriod, SchoolYear
from refectoire.www.backoffice.access import agent_required, manager_required
from refectoire.www.backoffice.billing.forms import (
    BillingPeriodForm,
    CancelForm,
    CreditNoteForm,
    InvoiceSearchForm,
    ManualPaymentForm,
    PayfipSettingsForm,
    RefundForm,
)
from refectoire.www.backoffice.queues import queue

# Periods and runs ------------------------------------------------------------------------


@agent_required
def billing_home(request):
    periods = list(BillingPeriod.objects.for_caisse(request.caisse).select_related("school_year"))
    runs = {run.period_id: run for run in BillingRun.objects.filter(caisse=request.caisse)}
    rows, previous_total = [], None
    for period in periods:
        totals = billing_services.run_totals(period)
        run = runs.get(period.pk)
        difference = totals["total"] - previous_total if previous_total is not None and run else None
        rows.append({"period": period, "run": run, "totals": totals, "difference": difference})
        if run:
            previous_total = totals["total"]
    rows.reverse()
    return render(request, "backoffice/billing/home.html", {"rows": rows})


@manager_required
@require_http_methods(["GET", "POST"])
def period_edit(request, period_uuid=None):
    """The one screen of a billing period, from « Facturation » or from « Années scolaires ».

    Reached from a school year (`?annee=<uuid>`), the year is chosen and the manager goes back
    to it; every change goes through `billing_period_save` (an issued period never changes).
    """
    period = None
    if period_uuid is not None:
        period = get_object_or_404(BillingPeriod.objects.for_caisse(request.caisse), uuid=period_uuid)
    year = _school_year_from(request)
    initial = {"school_year": year} if year and period is None else None
    form = BillingPeriodForm(request.POST or None, instance=period, caisse=request.caisse, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            period = billing_services.billing_period_save(
                caisse=request.caisse, period=period, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La période de facturation est enregistrée."))
            if year and period.school_year_id == year.pk:
                return redirect("backoffice:school_year_detail", year_uuid=year.uuid)
            return redirect("backoffice:billing_home")
    return render(
        request, "backoffice/billing/period_edit.html", {"form": form, "period": period, "year": year}
    )


def _school_year_from(request) -> SchoolYear | None:
    """The school year named by `?annee=` (the « Années scolaires » screen's links), if any."""
    try:
        year_uuid = uuid.UUID(request.GET.get("annee", ""))
    except ValueError:
        return None
    return SchoolYear.objects.for_caisse(request.caisse).filter(uuid=year_uuid).first()


@agent_required
def run_detail(request, period_uuid):
    period = get_object_or_404(BillingPeriod.objects.for_caisse(request.caisse), uuid=period_uuid)
    run = BillingRun.objects.filter(period=period).first()
    invoices = Invoice.objects.filter(period=period, kind=InvoiceKind.INVOICE, credited_invoice__isnull=True)
    return render(
        request,
        "backoffice/billing/run_detail.html",
        {
            "period": period,
            "run": run,
            "totals": billing_services.run_totals(period),
            "invoices": invoices.select_related(
                "household", "adult_registration__user", "adult_registration__school"
            )
            .prefetch_related("household__guardians")
            .order_by("number", "household__reference", "adult_registration_id")[:200],
            "refresh": bool(run and run.state == RunState.COMPUTING),
            "states": RunState,
        },
    )


@agent_required
def run_progress(request, period_uuid):
    """The progress bar alone (polled by the run page while the worker computes)."""
    period = get_object_or_404(BillingPeriod.objects.for_caisse(request.caisse), uuid=period_uuid)
    run = get_object_or_404(BillingRun, period=period)
    return render(request, "backoffice/billing/_progress.html", {"run": run, "period": period})


@manager_required
@require_POST
def run_start(request, period_uuid):
    period = get_object_or_404(BillingPeriod.objects.for_caisse(request.caisse), uuid=period_uuid)
    try:
        billing_services.billing_run_prepare(caisse=request.caisse, period=period)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        billing_run_task.enqueue(request.caisse.pk, period.pk)
        messages.success(request, _("Le calcul des factures est lancé."))
    return redirect("backoffice:billing_run", period_uuid=period.uuid)


@manager_required
@require_http_methods(["GET", "POST"])
def run_issue(request, period_uuid):
    """« Émettre les factures »: a confirmation page with the counts and totals, then the issue."""
    period = get_object_or_404(BillingPeriod.objects.for_caisse(request.caisse), uuid=period_uuid)
    run = get_object_or_404(BillingRun, period=period)
    if run.state != RunState.DRAFT:
        messages.error(request, _("Seule une facturation calculée (brouillon) peut être émise."))
        return redirect("backoffice:billing_run", period_uuid=period.uuid)
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        return render(
            request,
            "backoffice/billing/run_issue_confirm.html",
            {"period": period, "run": run, "summary": run_issue_summary(run)},
        )
    try:
        billing_services.billing_run_issue(run=run, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Les factures sont émises et envoyées aux familles."))
    return redirect("backoffice:billing_run", period_uuid=period.uuid)


# Invoices --------------------------------------------------------------------------------


@agent_required
def invoice_search(request):
    form = InvoiceSearchForm(request.GET or None)
    invoices = (
        Invoice.objects.for_caisse(request.caisse)
        .issued()
        .select_related("household", "adult_registration__user")
        .prefetch_related("household__guardians")
    )
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"].strip()
        condition = (
            Q(household__reference__iexact=q)
            | Q(household__guardians__last_name__icontains=q)
            | Q(adult_registration__user__last_name__icontains=q)
            | Q(adult_registration__user__first_name__icontains=q)
            | Q(adult_registration__user__username__iexact=q)
        )
        if q.isdigit():
            condition |= Q(number=int(q))
        invoices = invoices.filter(condition).distinct()
    return render(
        request,
        "backoffice/billing/invoice_search.html",
        {"form": form, "invoices": invoices.order_by("-number")[:100]},
    )


def _agent_invoice(request, invoice_uuid) -> Invoice:
    return get_object_or_404(
        Invoice.objects.for_caisse(request.caisse).select_related(
            "household", "adult_registration__user", "adult_registration__school", "period", "caisse"
        ),
        uuid=invoice_uuid,
    )


@agent_required
def invoice_detail(request, invoice_uuid):
    invoice = _agent_invoice(request, invoice_uuid)
    context = invoice_detail_context(invoice)
    context.update(
        {
            "events": invoice.events.select_related("actor"),
            "payment_form": ManualPaymentForm(
                initial={"paid_on": timezone.localdate(), "amount": invoice.amount_due}
            ),
            "payments": Payment.objects.filter(allocations__invoice=invoice).distinct(),
            "balance": payment_services.household_balance(household=invoice.household)
            if invoice.household_id
            else None,
            "operations": invoice.operations.order_by("-created_at"),
        }
    )
    return render(request, "backoffice/billing/invoice_detail.html", context)


@agent_required
def invoice_pdf_view(request, invoice_uuid):
    invoice = _agent_invoice(request, invoice_uuid)
    if invoice.number is None:
        return redirect("backoffice:billing_invoice", invoice_uuid=invoice.uuid)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="facture-{invoice.number}.pdf"'
    return response


@agent_required
@require_http_methods(["GET", "POST"])
def payment_create(request, invoice_uuid):
    invoice = _agent_invoice(request, invoice_uuid)
    form = ManualPaymentForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            payment_services.payment_record(
                caisse=request.caisse,
                household=invoice.household,
                adult_registration=invoice.adult_registration,
                invoices=[invoice],
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            codes = {e.code for e in (error.error_list if not hasattr(error, "error_dict") else [])} | {
                e.code for errors in getattr(error, "error_dict", {}).values() for e in errors
            }
            if "already_recorded" in codes:  # « Retour » then sent again: recorded once, say so
                messages.info(request, error.messages[0])
                return redirect("backoffice:billing_invoice", invoice_uuid=invoice.uuid)
            add_service_errors(form, error)
            form.ask_confirmations(codes)
        else:
            messages.success(request, _("Le paiement est enregistré."))
            return redirect("backoffice:billing_invoice", invoice_uuid=invoice.uuid)
    return render(request, "backoffice/billing/payment_form.html", {"form": form, "invoice": invoice})


@agent_required
@require_http_methods(["GET", "POST"])
def payment_cancel(request, payment_uuid):
    payment = get_object_or_404(Payment.objects.for_caisse(request.caisse), uuid=payment_uuid)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment_services.payment_cancel(
                payment=payment, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le paiement est annulé."))
            if payment.household_id is None:
                return redirect(
                    "backoffice:adult_registration_detail", registration_uuid=payment.adult_registration.uuid
                )
            return redirect("backoffice:billing_household", household_uuid=payment.household.uuid)
    return render(request, "backoffice/billing/payment_cancel.html", {"form": form, "payment": payment})


@agent_required
@require_http_methods(["GET", "POST"])
def credit_note_create(request, invoice_uuid):
    invoice = _agent_invoice(request, invoice_uuid)
    form = CreditNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note = billing_services.credit_note_create(
                invoice=invoice,
                reason=data["reason"],
                lines=[(data["line_label"], data["amount"])],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L'avoir %(number)s est émis.") % {"number": note.number})
            return redirect("backoffice:billing_invoice", invoice_uuid=note.uuid)
    return render(request, "backoffice/billing/credit_note_form.html", {"form": form, "invoice": invoice})


@agent_required
def household_account(request, household_uuid):
    """Balance, invoices and payments of a household, with refunds of an overpayment."""
    household = get_object_or_404(Household.objects.for_caisse(request.caisse), uuid=household_uuid)
    return render(
        request,
        "backoffice/billing/household.html",
        {
            "household": household,
            "balance": payment_services.household_balance(household=household),
            "invoices": Invoice.objects.filter(household=household).issued().order_by("-number"),
            "drafts": Invoice.objects.filter(household=household, state=InvoiceState.DRAFT).select_related(
                "period"
            ),
            "payments": Payment.objects.filter(household=household).order_by("-paid_on", "-pk"),
            "refund_form": RefundForm(initial={"paid_on": timezone.localdate()}),
        },
    )


@agent_required
@require_POST
def refund_create(request, household_uuid):
    household = get_object_or_404(Household.objects.for_caisse(request.caisse), uuid=household_uuid)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            payment_services.refund_record(
                caisse=request.caisse, household=household, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Le remboursement est enregistré."))
    else:
        messages.error(request, _("Le remboursement n'est pas valide : vérifiez le montant et la date."))
    return redirect("backoffice:billing_household", household_uuid=household.uuid)


# Unpaid ----------------------------------------------------------------------------------


def _past_due(request):
    return (
        Invoice.objects.for_caisse(request.caisse)
        .past_due(timezone.localdate())
        .select_related("household", "adult_registration__user")
        .prefetch_related("household__guardians")
        .order_by("due_date", "number")
    )


@agent_required
def unpaid_list(request):
    invoices = list(_past_due(request))
    return render(
        request,
        "backoffice/billing/unpaid.html",
        {"invoices": invoices, "total": sum((i.amount_due for i in invoices), Decimal("0.00"))},
    )


@agent_required
@require_POST
def unpaid_remind(request):
    count = billing_services.invoices_send_reminders(caisse=request.caisse, actor=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s relance envoyée, une par foyer ou adulte.",
            "%(count)s relances envoyées, une par foyer ou adulte.",
            count,
        )
        % {"count": count},
    )
    return redirect("backoffice:billing_unpaid")


@agent_required
def unpaid_csv_view(request):
    response = HttpResponse(unpaid_csv(invoices=_past_due(request)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="impayes-{request.caisse.slug}.csv"'
    return response


# Online payments left « en cours » -------------------------------------------------------


@agent_required
def payfip_attempts(request):
    """The online payments still waiting for PayFIP's answer; those past the delay can be closed."""
    now = timezone.now()
    attempts = [
        {"operation": operation, "closable": now >= payment_services.retry_from(operation)}
        for operation in PayfipOperation.objects.filter(caisse=request.caisse)
        .pending()
        .select_related("household", "adult_registration__user")
        .prefetch_related("invoices")
        .order_by("created_at")
    ]
    return render(request, "backoffice/billing/payfip_attempts.html", {"attempts": attempts})


@agent_required
@require_POST
def payfip_attempt_close(request, operation_uuid):
    operation = get_object_or_404(PayfipOperation.objects.filter(caisse=request.caisse), uuid=operation_uuid)
    try:
        operation = payment_services.payfip_operation_close(operation=operation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Paiement en ligne %(refdet)s : %(state)s.")
            % {"refdet": operation.refdet, "state": operation.get_state_display()},
        )
    return redirect("backoffice:billing_payfip_attempts")


# PayFIP settings -------------------------------------------------------------------------


@manager_required
@require_http_methods(["GET", "POST"])
def payfip_settings(request):
    instance = PayfipSettings.objects.filter(caisse=request.caisse).first() or PayfipSettings(
        caisse=request.caisse
    )
    form = PayfipSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Les réglages PayFIP sont enregistrés."))
        return redirect("backoffice:billing_payfip")
    return render(request, "backoffice/billing/payfip_settings.html", {"form": form})


def billing_queues(request) -> list[dict]:
    """The back-office home's billing queue: unpaid invoices past due."""
    return [
        queue(
            label=_("Factures impayées échues"),
            queryset=Invoice.objects.for_caisse(request.caisse).past_due(timezone.localdate()),
            since="due_date",
            url=reverse("backoffice:billing_unpaid"),
        )
    ]
