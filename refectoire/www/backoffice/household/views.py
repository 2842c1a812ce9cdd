"""The agents' household screens: "Foyers à valider", search, detail with history, decisions, import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.accounts.access_log import access_log_for_request
from refectoire.accounts.enums import AccessKind
from refectoire.core.forms import add_service_errors
from refectoire.documents.models import Document
from refectoire.enrollment.models import Enrollment
from refectoire.households import selectors, services
from refectoire.households.enums import GuardianRole, HouseholdState
from refectoire.households.importer import ImportRejected, import_families
from refectoire.households.letters import service_key_letters_pdf
from refectoire.households.models import Guardian, Household, HouseholdChange
from refectoire.payments.services import household_balance
from refectoire.www.backoffice.access import agent_required, manager_required
from refectoire.www.backoffice.household.forms import ImportForm, MessageForm, QueueFilterForm, ReasonForm
from refectoire.www.backoffice.queues import queue
from refectoire.www.common.forms import ChildForm, GuardianForm
from refectoire.www.common.tariff import tariff_in_force_text
from refectoire.www.files import document_response


def home_queue(request) -> list[dict]:
    """The entries of the back-office home for households."""
    caisse = request.caisse
    return [
        queue(
            label=_("Foyers à valider"),
            queryset=Household.objects.for_caisse(caisse).filter(state=HouseholdState.SUBMITTED),
            since="submitted_at",
            url=reverse("backoffice:household_queue") + "?state=submitted",
        ),
        queue(
            label=_("Ajouts de membres à valider"),
            queryset=HouseholdChange.objects.for_caisse(caisse).pending(),
            since="created_at",
            url=reverse("backoffice:household_queue") + "?state=changes",
        ),
    ]


def _household(request, household_uuid) -> Household:
    return get_object_or_404(Household.objects.for_caisse(request.caisse), uuid=household_uuid)


@agent_required
def household_queue(request):
    params = request.GET if request.GET else {"state": HouseholdState.SUBMITTED}
    form = QueueFilterForm(params)
    households = Household.objects.none()
    if form.is_valid():
        households = selectors.household_queue(caisse=request.caisse, **form.cleaned_data)[:200]
    return render(request, "backoffice/households/queue.html", {"form": form, "households": households})


@agent_required
def household_search(request):
    query = request.GET.get("q", "").strip()
    results = selectors.household_search(caisse=request.caisse, query=query) if query else []
    return render(request, "backoffice/households/search.html", {"query": query, "results": results})


@agent_required
def household_detail(request, household_uuid):
    household = get_object_or_404(
        Household.objects.for_caisse(request.caisse).prefetch_related(
            Prefetch("guardians", queryset=Guardian.objects.select_related("user").order_by("-role")),
            "children",
        ),
        uuid=household_uuid,
    )
    access_log_for_request(
        request, kind=AccessKind.HOUSEHOLD, object_id=household.uuid, household_id=household.pk
    )
    return render(
        request,
        "backoffice/households/detail.html",
        {
            "household": household,
            "guardians": list(household.guardians.all()),
            "children": list(household.children.all()),
            "changes": list(household.changes.order_by("-created_at")),
            "documents": Document.objects.for_household(household).available(),
            "enrollments": Enrollment.objects.filter(household=household, caisse=request.caisse)
            .select_related("child", "school", "school_year")
            .order_by("-school_year__first_day", "child__first_name"),
            "tariff_text": tariff_in_force_text(household, timezone.localdate()),
            "balance": household_balance(household=household),
            "history": selectors.household_history(household),
            "message_form": MessageForm(),
            "reason_form": ReasonForm(),
            "is_submitted": household.state == HouseholdState.SUBMITTED,
        },
    )


def _decide(request, household_uuid, action):
    household = _household(request, household_uuid)
    try:
        action(household)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:household_detail", household_uuid=household.uuid)


@agent_required
@require_POST
def household_validate(request, household_uuid):
    def act(household):
        services.household_validate(household=household, agent=request.user)
        messages.success(request, _("Le foyer a été validé ; la famille est prévenue par courriel."))

    return _decide(request, household_uuid, act)


@agent_required
@require_POST
def household_ask_correction(request, household_uuid):
    def act(household):
        services.household_ask_correction(
            household=household, agent=request.user, message=request.POST.get("message", "")
        )
        messages.success(request, _("La demande de correction a été envoyée à la famille."))

    return _decide(request, household_uuid, act)


@agent_required
@require_POST
def household_reject(request, household_uuid):
    def act(household):
        services.household_reject(
            household=household, agent=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Le foyer a été refusé ; la famille est prévenue par courriel."))

    return _decide(request, household_uuid, act)


def _change(request, household_uuid, change_uuid) -> HouseholdChange:
    household = _household(request, household_uuid)
    return get_object_or_404(household.changes, uuid=change_uuid)


@agent_required
@require_POST
def change_accept(request, household_uuid, change_uuid):
    change = _change(request, household_uuid, change_uuid)
    try:
        services.household_change_accept(change=change, agent=request.user)
        messages.success(request, _("L'ajout a été validé."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:household_detail", household_uuid=household_uuid)


@agent_required
@require_POST
def change_refuse(request, household_uuid, change_uuid):
    change = _change(request, household_uuid, change_uuid)
    try:
        services.household_change_refuse(
            change=change, agent=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("L'ajout a été refusé."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:household_detail", household_uuid=household_uuid)


@agent_required
@require_http_methods(["GET", "POST"])
def guardian_edit(request, household_uuid, guardian_uuid):
    """Edit a representative on the family's behalf; the change is kept in the history."""
    household = _household(request, household_uuid)
    guardian = get_object_or_404(household.guardians, uuid=guardian_uuid)
    access_log_for_request(
        request, kind=AccessKind.HOUSEHOLD, object_id=guardian.uuid, household_id=household.pk
    )
    form = GuardianForm(request.POST or None, instance=guardian, role=GuardianRole.PRIMARY)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_change(
                guardian=guardian, actor=request.user, actor_is_agent=True, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Les informations ont été enregistrées pour la famille."))
            return redirect("backoffice:household_detail", household_uuid=household.uuid)
    return render(
        request,
        "backoffice/households/member_form.html",
        {"form": form, "household": household, "title": guardian.full_name, "is_guardian": True},
    )


@agent_required
@require_http_methods(["GET", "POST"])
def child_edit(request, household_uuid, child_uuid=None):
    household = _household(request, household_uuid)
    child = get_object_or_404(household.children, uuid=child_uuid) if child_uuid else None
    if child is not None:
        access_log_for_request(
            request, kind=AccessKind.CHILD, object_id=child.uuid, household_id=household.pk
        )
    form = ChildForm(request.POST or None, instance=child)
    if request.method == "POST" and form.is_valid():
        try:
            if child is None:
                services.child_add(
                    household=household, actor=request.user, actor_is_agent=True, **form.service_fields()
                )
            else:
                services.child_change(
                    child=child, actor=request.user, actor_is_agent=True, **form.service_fields()
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Les informations ont été enregistrées pour la famille."))
            return redirect("backoffice:household_detail", household_uuid=household.uuid)
    title = child.full_name if child else _("Ajouter un enfant")
    return render(
        request,
        "backoffice/households/member_form.html",
        {"form": form, "household": household, "title": title, "is_guardian": False},
    )


@agent_required
def household_document(request, household_uuid, document_uuid):
    household = _household(request, household_uuid)
    document = get_object_or_404(Document.objects.for_household(household).available(), uuid=document_uuid)
    access_log_for_request(
        request, kind=AccessKind.DOCUMENT, object_id=document.uuid, household_id=household.pk
    )
    return document_response(document)


@manager_required
@require_http_methods(["GET", "POST"])
def household_import(request):
    """The import of known families, as an upload (managers only)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_families(
                caisse=request.caisse,
                content=form.cleaned_data["file"].read(),
                dry_run=form.cleaned_data["dry_run"],
                options={"year": form.cleaned_data["year"]},
            )
        except ImportRejected as rejected:
            report = rejected.report
    return render(request, "backoffice/households/import.html", {"form": form, "report": report})


@manager_required
def service_key_letters(request):
    pdf, _count = service_key_letters_pdf(caisse=request.caisse)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="lettres-cles-enfance.pdf"'
    return response
