"""Agents' « Prélèvements »: the Caisse's SEPA settings, mandates (search, view, revoke), the debit
batch of each issued period (generate, download), rejects (by hand or the bank's return file)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refectoire.accounts.access_log import access_log_for_request
from refectoire.accounts.enums import AccessKind
from refectoire.billing.models import Invoice
from refectoire.core.forms import add_service_errors
from refectoire.core.lifecycle import AGENT
from refectoire.directdebit import services
from refectoire.directdebit.banking import iban_formatted
from refectoire.directdebit.enums import MandateState, PainVersion
from refectoire.directdebit.models import Debit, DebitBatch, Mandate, RefundToMake, SepaSettings
from refectoire.directdebit.selectors import batch_candidates, stay_candidates
from refectoire.schools.models import BillingPeriod
from refectoire.www.backoffice.access import agent_required, manager_required
from refectoire.www.backoffice.directdebit.forms import (
    CancelForm,
    MandateSearchForm,
    ReasonForm,
    RejectForm,
    ReturnFileForm,
    SepaSettingsForm,
)


def _settings(request) -> SepaSettings | None:
    return SepaSettings.objects.filter(caisse=request.caisse).first()


@agent_required
def directdebit_home(request):
    sepa = _settings(request)
    form = MandateSearchForm(request.GET or None)
    mandates = Mandate.objects.for_caisse(request.caisse).select_related("household")
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"].strip()
        mandates = mandates.filter(
            Q(reference__icontains=q)
            | Q(holder_name__icontains=q)
            | Q(household__reference__icontains=q)
            | Q(household__guardians__last_name__icontains=q)
        ).distinct()
    periods = BillingPeriod.objects.for_caisse(request.caisse).issued().order_by("-start_date")
    batches = {batch.period_id: batch for batch in DebitBatch.objects.filter(caisse=request.caisse)}
    return render(
        request,
        "backoffice/directdebit/home.html",
        {
            "sepa": sepa,
            "form": form,
            "mandates": mandates.order_by("-signed_at")[:200],
            "periods": [(period, batches.get(period.pk)) for period in periods],
            "refunds": RefundToMake.objects.filter(
                caisse=request.caisse, done_at__isnull=True
            ).select_related("household", "debit__invoice"),
            "returns_form": ReturnFileForm(),
        },
    )


@manager_required
def sepa_settings(request):
    sepa = _settings(request)
    initial = (
        {
            name: getattr(sepa, name)
            for name in (
                "creditor_name",
                "creditor_id",
                "iban",
                "bic",
                "debit_days_after_issue",
                "prenotification_days",
                "route",
                "pain_version",
                "is_active",
                "debit_stays",
            )
        }
        if sepa
        else {"creditor_name": request.caisse.name, "is_active": True, "route": "pain008"}
    )
    form = SepaSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.sepa_settings_save(caisse=request.caisse, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Les réglages du prélèvement sont enregistrés."))
            return redirect("backoffice:directdebit_settings")
    return render(request, "backoffice/directdebit/settings.html", {"form": form})


def _mandate(request, mandate_uuid) -> Mandate:
    return get_object_or_404(
        Mandate.objects.for_caisse(request.caisse).select_related("household", "signed_by", "ended_by"),
        uuid=mandate_uuid,
    )


def _mandate_page(request, mandate, *, full_iban=""):
    access_log_for_request(
        request, kind=AccessKind.HOUSEHOLD, object_id=mandate.household_id, household_id=mandate.household_id
    )
    return render(
        request,
        "backoffice/directdebit/mandate.html",
        {
            "mandate": mandate,
            "full_iban": full_iban,
            "debits": mandate.debits.select_related("invoice", "batch").order_by("-collection_date"),
            "events": mandate.events.select_related("actor"),
            "reason_form": ReasonForm(),
            "can_revoke": mandate.state != MandateState.REVOKED,
        },
    )


@agent_required
def mandate_detail(request, mandate_uuid):
    return _mandate_page(request, _mandate(request, mandate_uuid))


@manager_required
def mandate_iban(request, mandate_uuid):
    """The full IBAN, to managers only; every view of it is logged (who, when)."""
    mandate = _mandate(request, mandate_uuid)
    access_log_for_request(
        request, kind=AccessKind.IBAN, object_id=mandate.pk, household_id=mandate.household_id
    )
    return _mandate_page(request, mandate, full_iban=iban_formatted(mandate.iban))


@agent_required
@require_POST
def mandate_revoke(request, mandate_uuid):
    mandate = _mandate(request, mandate_uuid)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de la révocation."))
        return redirect("backoffice:directdebit_mandate", mandate_uuid=mandate.uuid)
    try:
        services.mandate_revoke(
            mandate=mandate, actor=request.user, by=AGENT, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Mandat révoqué."))
    return redirect("backoffice:directdebit_mandate", mandate_uuid=mandate.uuid)


@agent_required
@require_POST
def mandate_reactivate(request, mandate_uuid):
    mandate = _mandate(request, mandate_uuid)
    try:
        services.mandate_reactivate(mandate=mandate, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Le prélèvement reprend pour ce foyer."))
    return redirect("backoffice:directdebit_mandate", mandate_uuid=mandate.uuid)


def _period(request, period_uuid) -> BillingPeriod:
    return get_object_or_404(BillingPeriod.objects.for_caisse(request.caisse), uuid=period_uuid)


@agent_required
def batch_detail(request, period_uuid):
    period = _period(request, period_uuid)
    batch = DebitBatch.objects.filter(caisse=request.caisse, period=period).first()
    if request.method == "POST":
        if batch is None:
            try:
                batch = services.batch_generate(caisse=request.caisse, period=period, actor=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Le lot de prélèvements est généré ; il ne changera plus."))
        return redirect("backoffice:directdebit_batch", period_uuid=period.uuid)
    refusal = services.batch_refusal(caisse=request.caisse, period=period) if batch is None else ""
    return render(
        request,
        "backoffice/directdebit/batch.html",
        {
            "period": period,
            "batch": batch,
            "refusal": refusal,
            "candidates": batch_candidates(caisse=request.caisse, period=period) if batch is None else [],
            "debits": batch.debits.select_related("invoice__household", "mandate").order_by("pk")
            if batch
            else [],
            "versions": PainVersion.choices,
            "reject_form": RejectForm(),
            "cancel_form": CancelForm(),
            "file_url": reverse("backoffice:directdebit_batch_file", kwargs={"period_uuid": period.uuid}),
        },
    )


@agent_required
def stays_batches(request):
    """The batches of stay invoices (OOFF): those generated, the stay invoices the next will take."""
    if request.method == "POST":
        try:
            batch = services.stays_batch_generate(caisse=request.caisse, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Le lot de prélèvements des séjours est généré ; il ne changera plus.")
            )
            return redirect("backoffice:directdebit_stays_batch", batch_uuid=batch.uuid)
        return redirect("backoffice:directdebit_stays")
    refusal = services.stays_batch_refusal(caisse=request.caisse)
    return render(
        request,
        "backoffice/directdebit/stays.html",
        {
            "refusal": refusal,
            "candidates": [] if refusal else stay_candidates(caisse=request.caisse),
            "batches": DebitBatch.objects.filter(caisse=request.caisse, period__isnull=True).order_by(
                "-generated_at", "-pk"
            ),
            "cancel_form": CancelForm(),
        },
    )


def _stays_batch(request, batch_uuid) -> DebitBatch:
    return get_object_or_404(
        DebitBatch.objects.filter(caisse=request.caisse, period__isnull=True), uuid=batch_uuid
    )


@agent_required
def stays_batch_detail(request, batch_uuid):
    batch = _stays_batch(request, batch_uuid)
    return render(
        request,
        "backoffice/directdebit/batch.html",
        {
            "period": None,
            "batch": batch,
            "debits": batch.debits.select_related("invoice__household", "mandate").order_by("pk"),
            "versions": PainVersion.choices,
            "reject_form": RejectForm(),
            "file_url": reverse("backoffice:directdebit_stays_batch_file", kwargs={"batch_uuid": batch.uuid}),
        },
    )


@agent_required
def stays_batch_download(request, batch_uuid):
    return _download(request, _stays_batch(request, batch_uuid))


@agent_required
@require_POST
def debit_cancel(request, invoice_uuid):
    """Cancel the planned debit of an invoice (before its batch is generated), with a reason."""
    invoice = get_object_or_404(Invoice.objects.for_caisse(request.caisse), uuid=invoice_uuid)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de l'annulation du prélèvement."))
    else:
        try:
            services.debit_cancel(invoice=invoice, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Prélèvement de la facture %(number)s annulé : elle est à régler autrement.")
                % {"number": invoice.number},
            )
    if invoice.period_id is not None:
        return redirect("backoffice:directdebit_batch", period_uuid=invoice.period.uuid)
    return redirect("backoffice:directdebit_stays")


def _download(request, batch):
    if batch is None or batch.route != "pain008" or not batch.count:
        raise Http404
    version = request.GET.get("format") or batch.pain_version
    if version not in PainVersion.values:
        raise Http404
    content = services.batch_file(batch, version=version)
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{batch.message_id}-{version}.xml"'
    return response


@agent_required
def batch_download(request, period_uuid):
    period = _period(request, period_uuid)
    return _download(request, DebitBatch.objects.filter(caisse=request.caisse, period=period).first())


@agent_required
@require_POST
def debit_reject(request, debit_uuid):
    debit = get_object_or_404(
        Debit.objects.for_caisse(request.caisse).select_related("batch__period"), uuid=debit_uuid
    )
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le motif du rejet."))
    else:
        try:
            services.debit_reject(
                debit=debit, reason_code=form.cleaned_data["reason_code"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Rejet enregistré : la facture est à nouveau à payer."))
    if debit.batch.is_stays:
        return redirect("backoffice:directdebit_stays_batch", batch_uuid=debit.batch.uuid)
    return redirect("backoffice:directdebit_batch", period_uuid=debit.batch.period.uuid)


@agent_required
def returns_upload(request):
    form = ReturnFileForm(request.POST or None, request.FILES or None)
    results = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            form.add_error("file", _("Fichier trop lourd (5 Mo au plus)."))
        else:
            try:
                results = services.returns_import(
                    caisse=request.caisse, content=upload.read(), actor=request.user
                )
            except ValidationError as error:
                add_service_errors(form, ValidationError({"file": error.messages}))
    return render(request, "backoffice/directdebit/returns.html", {"form": form, "results": results})


@agent_required
@require_POST
def refund_done(request, refund_uuid):
    refund = get_object_or_404(RefundToMake.objects.filter(caisse=request.caisse), uuid=refund_uuid)
    services.refund_done(refund=refund, actor=request.user)
    messages.success(request, _("Remboursement noté comme fait."))
    return redirect("backoffice:directdebit_home")
