""" "Mes demandes": the parent's requests, each with its timeline."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from refectoire.documents.enums import DocumentKind
from refectoire.requests import selectors, services
from refectoire.requests.enums import RequestKind, RequestState
from refectoire.requests.models import Request
from refectoire.www.portal import access
from refectoire.www.portal.documents.uploads import store_uploads
from refectoire.www.portal.requests import forms

KIND_FORMS = {
    RequestKind.CORRECTION: (forms.CorrectionForm, "correction", DocumentKind.ATTACHMENT),
    RequestKind.SITUATION: (forms.SituationForm, "changement-de-situation", DocumentKind.ATTACHMENT),
    RequestKind.ILLNESS_REFUND: (
        forms.IllnessRefundForm,
        "remboursement-maladie",
        DocumentKind.MEDICAL_CERTIFICATE,
    ),
    RequestKind.RADIATION: (forms.RadiationForm, "radiation", DocumentKind.RADIATION_CERTIFICATE),
}
SLUGS = {slug: kind for kind, (_form, slug, _doc) in KIND_FORMS.items()}
KIND_HINTS = {
    RequestKind.CORRECTION: gettext_lazy("Une erreur dans votre inscription ou dans votre foyer."),
    RequestKind.SITUATION: gettext_lazy("Adresse, téléphone, courriel, séparation, ressources."),
    RequestKind.ILLNESS_REFUND: gettext_lazy(
        "Absence d'au moins 3 jours consécutifs, certificat médical sous 30 jours."
    ),
    RequestKind.RADIATION: gettext_lazy(
        "Vous quittez l'arrondissement : joignez le certificat de radiation."
    ),
}


def get_request(household, request_uuid):
    return get_object_or_404(Request.objects.for_household(household), uuid=request_uuid)


@access.household_required
def request_list(request, household):
    requests = Request.objects.for_household(household).prefetch_related("children")
    return render(request, "portal/requests/list.html", {"requests": requests})


@access.household_required
def request_new(request, household):
    kinds = [
        {"label": kind.label, "hint": KIND_HINTS[kind], "slug": slug}
        for kind, (_form, slug, _doc) in KIND_FORMS.items()
    ]
    return render(request, "portal/requests/new.html", {"kinds": kinds})


@access.household_required
@require_http_methods(["GET", "POST"])
def request_create(request, household, kind_slug):
    kind = SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    form_class, _slug, document_kind = KIND_FORMS[kind]
    form = form_class(request.POST or None, request.FILES or None, household=household)
    if request.method == "POST" and form.is_valid():
        uploads = [("attachment", document_kind)]
        if "visa" in form.fields:
            uploads.append(("visa", DocumentKind.SCHOOL_VISA))
        if "custody_calendar" in form.fields:
            uploads.append(("custody_calendar", DocumentKind.CUSTODY_CALENDAR))
        submit = "draft" not in request.POST
        try:
            with transaction.atomic():
                attachments = store_uploads(request, household, form, *uploads)
                made = services.request_create(
                    household=household,
                    kind=kind,
                    data=form.data_json(),
                    created_by=request.user,
                    children=form.children() if hasattr(form, "children") else [],
                    attachments=attachments,
                    submit=submit,
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if submit:
                messages.success(request, _("Votre demande a été envoyée à la Caisse."))
            else:
                messages.success(request, _("Votre brouillon est enregistré."))
            return redirect("portal:request_detail", request_uuid=made.uuid)
    return render(request, "portal/requests/create.html", {"form": form, "kind": kind})


@access.household_required
@require_http_methods(["GET", "POST"])
def request_detail(request, household, request_uuid):
    demand = get_request(household, request_uuid)
    complete_form = None
    if demand.state == RequestState.INCOMPLETE:
        complete_form = forms.CompleteForm(request.POST or None, request.FILES or None, household=household)
        if request.method == "POST" and complete_form.is_valid():
            with transaction.atomic():
                attachments = store_uploads(
                    request, household, complete_form, ("attachment", DocumentKind.ATTACHMENT)
                )
                services.request_complete(
                    request=demand,
                    household=household,
                    actor=request.user,
                    message=complete_form.cleaned_data["message"],
                    attachments=attachments,
                )
            messages.success(request, _("Votre demande complétée a été renvoyée à la Caisse."))
            return redirect("portal:request_detail", request_uuid=demand.uuid)
    message_form = None
    if demand.state in (RequestState.SUBMITTED, RequestState.IN_PROGRESS):
        message_form = forms.ReplyForm(request.POST or None, request.FILES or None, household=household)
        if request.method == "POST" and message_form.is_valid():
            with transaction.atomic():
                attachments = store_uploads(
                    request, household, message_form, ("attachment", DocumentKind.ATTACHMENT)
                )
                services.request_message(
                    request=demand,
                    actor=request.user,
                    by_agent=False,
                    message=message_form.cleaned_data["body"],
                    attachments=attachments,
                )
            messages.success(request, _("Votre message est ajouté à la demande."))
            return redirect("portal:request_detail", request_uuid=demand.uuid)
    if request.method == "POST" and complete_form is None and message_form is None:
        raise Http404
    events = demand.events.select_related("actor").prefetch_related("attachments")
    return render(
        request,
        "portal/requests/detail.html",
        {
            "demand": demand,
            "demand_lines": selectors.summary_lines(demand),
            "events": events,
            "complete_form": complete_form,
            "message_form": message_form,
            "can_cancel": demand.can_move(RequestState.CANCELLED, by="parent"),
            "can_submit": demand.state == RequestState.DRAFT,
        },
    )


@access.household_required
def request_submit(request, household, request_uuid):
    demand = get_request(household, request_uuid)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.request_submit(request=demand, household=household, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Votre demande a été envoyée à la Caisse."))
    return redirect("portal:request_detail", request_uuid=demand.uuid)


@access.household_required
def request_cancel(request, household, request_uuid):
    demand = get_request(household, request_uuid)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.request_cancel(request=demand, household=household, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Votre demande est annulée."))
    return redirect("portal:request_detail", request_uuid=demand.uuid)
