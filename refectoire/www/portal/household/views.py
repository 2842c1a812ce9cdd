"""The parent's household: "Déclarer mon entourage", "Valider ma demande", the service key, "Ma famille"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.core.forms import add_service_errors
from refectoire.documents.models import Document
from refectoire.households import selectors, services
from refectoire.households.enums import ChangeKind, GuardianRole, HouseholdState
from refectoire.households.models import Household
from refectoire.households.services import ADDRESS_FIELDS, GUARDIAN_FIELDS
from refectoire.www.common.forms import ChildForm, GuardianForm
from refectoire.www.files import document_response
from refectoire.www.portal import access
from refectoire.www.portal.household.forms import ServiceKeyForm, SingleParentForm
from refectoire.www.portal.tiles import dashboard_tiles


def _draft_or_404(request) -> Household:
    household = access.household(request, validated_only=False)
    if household is None:
        raise Http404
    return household


def _summary_context(household):
    guardians = list(household.guardians.all())
    return {
        "household": household,
        "holder": next((g for g in guardians if g.role == GuardianRole.PRIMARY), None),
        "co_guardian": next((g for g in guardians if g.role == GuardianRole.CO_GUARDIAN), None),
        "children": list(household.children.all()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def household(request):
    """ "Déclarer mon entourage": start, fill, send; then the state of the request, read-only."""
    household = access.household(request, validated_only=False)
    if request.method == "POST":
        if household is None:
            try:
                services.household_create_draft(caisse=request.caisse, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        return redirect("portal:household")
    if household is None:
        return render(request, "portal/household/start.html")
    if household.state == HouseholdState.VALIDATED:
        return redirect("portal:family")
    context = _summary_context(household)
    context.update(
        {
            "decision": selectors.last_decision(household),
            "missing": services.household_missing(household)
            if household.state == HouseholdState.DRAFT
            else [],
            "single_parent_form": SingleParentForm(initial={"is_single_parent": household.is_single_parent}),
            "editable": household.state == HouseholdState.DRAFT,
            "events": household.events.all(),
        }
    )
    return render(request, "portal/household/household.html", context)


def _guardian_form_view(request, household, guardian, role):
    """One representative's form; "Effacer" empties the address without saving."""
    form_kwargs = {"role": role, "instance": guardian}
    if request.method == "POST" and "clear_address" in request.POST:
        initial = {name: request.POST.get(name, "") for name in GUARDIAN_FIELDS if name not in ADDRESS_FIELDS}
        initial.update({name: "" for name in ADDRESS_FIELDS})
        form = GuardianForm(initial=initial, **form_kwargs)
        messages.info(request, _("L'adresse a été effacée : saisissez la nouvelle adresse puis enregistrez."))
    elif request.method == "POST":
        form = GuardianForm(request.POST, **form_kwargs)
        if form.is_valid():
            fields = form.service_fields()
            try:
                if guardian is None:
                    services.co_guardian_add(
                        household=household,
                        actor=request.user,
                        same_address=form.cleaned_data.get("same_address", False),
                        **fields,
                    )
                else:
                    if form.cleaned_data.get("same_address"):
                        holder = household.guardians.get(role=GuardianRole.PRIMARY)
                        fields.update({name: getattr(holder, name) for name in ADDRESS_FIELDS})
                    services.guardian_change(guardian=guardian, actor=request.user, **fields)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Les informations ont été enregistrées."))
                return redirect("portal:household")
    else:
        form = GuardianForm(**form_kwargs)
    title = _("Titulaire du compte") if role == GuardianRole.PRIMARY else _("Co-représentant")
    return render(
        request,
        "portal/household/guardian_form.html",
        {"form": form, "title": title, "household": household, "guardian": guardian},
    )


@login_required
@require_http_methods(["GET", "POST"])
def guardian_edit(request, guardian_uuid):
    household = _draft_or_404(request)
    guardian = get_object_or_404(household.guardians, uuid=guardian_uuid)
    if household.state != HouseholdState.DRAFT:
        return redirect("portal:household")
    return _guardian_form_view(request, household, guardian, guardian.role)


@login_required
@require_http_methods(["GET", "POST"])
def co_guardian_add(request):
    household = _draft_or_404(request)
    if household.state != HouseholdState.DRAFT:
        return redirect("portal:household")
    return _guardian_form_view(request, household, None, GuardianRole.CO_GUARDIAN)


@login_required
@require_POST
def guardian_remove(request, guardian_uuid):
    household = _draft_or_404(request)
    guardian = get_object_or_404(household.guardians, uuid=guardian_uuid)
    try:
        services.co_guardian_remove(guardian=guardian, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("portal:household")


@login_required
@require_POST
def single_parent(request):
    household = _draft_or_404(request)
    form = SingleParentForm(request.POST)
    form.is_valid()
    try:
        services.household_set_single_parent(
            household=household, actor=request.user, is_single_parent=form.cleaned_data["is_single_parent"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("portal:household")


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request, child_uuid=None):
    """ "Ajouter un enfant" (or change one) while the household is a draft."""
    household = _draft_or_404(request)
    child = get_object_or_404(household.children, uuid=child_uuid) if child_uuid else None
    if household.state != HouseholdState.DRAFT:
        return redirect("portal:household")
    form = ChildForm(request.POST or None, instance=child)
    if request.method == "POST" and form.is_valid():
        try:
            if child is None:
                services.child_add(household=household, actor=request.user, **form.service_fields())
            else:
                services.child_change(child=child, actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L'enfant a été enregistré."))
            return redirect("portal:household")
    return render(request, "portal/household/child_form.html", {"form": form, "child": child})


@login_required
@require_POST
def child_remove(request, child_uuid):
    household = _draft_or_404(request)
    child = get_object_or_404(household.children, uuid=child_uuid)
    try:
        services.child_remove(child=child, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("portal:household")


@login_required
@require_POST
def household_submit(request):
    """ "Valider ma demande"."""
    household = _draft_or_404(request)
    try:
        services.household_submit(household=household, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Votre demande a été transmise à la Caisse des écoles."))
    return redirect("portal:household")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The profile's "Services": "Service — Clé : Enfance"."""
    household = access.household(request, validated_only=False)
    form = ServiceKeyForm(request.POST or None)
    if request.method == "POST" and household is None and form.is_valid():
        try:
            services.household_link_with_service_key(
                caisse=request.caisse, user=request.user, key=form.cleaned_data["key"]
            )
        except ValidationError as error:
            form.add_error("key", error.messages)
        else:
            messages.success(request, _("Votre espace est maintenant lié à votre famille."))
            return redirect("portal:family")
    return render(
        request,
        "portal/household/profile.html",
        {"household": household, "form": form, "tries_left": services.service_key_tries_left(request.user)},
    )


@login_required
def family(request):
    """ "Ma famille": the validated household, its pending additions and the tiles."""
    household = access.household(request, validated_only=False)
    if household is None or household.state != HouseholdState.VALIDATED:
        return redirect("portal:household")
    context = _summary_context(household)
    context.update(
        {
            "pending_changes": [change for change in household.changes.all() if change.state == "pending"],
            "refused_changes": [change for change in household.changes.all() if change.state == "refused"],
            "tiles": dashboard_tiles(request.caisse, household),
            "documents": Document.objects.for_household(household).available(),
            "events": household.events.all(),
        }
    )
    return render(request, "portal/household/family.html", context)


@login_required
def family_document(request, document_uuid):
    """One of the household's documents, only to its own family."""
    household = access.household(request, validated_only=False)
    if household is None:
        raise Http404
    document = get_object_or_404(Document.objects.for_household(household).available(), uuid=document_uuid)
    return document_response(document)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, kind):
    """ "Ajouter un membre": a child or a co-representative, validated later by the Caisse."""
    household = access.household(request, validated_only=False)
    if household is None or household.state != HouseholdState.VALIDATED:
        return redirect("portal:household")
    kinds = {"enfant": ChangeKind.ADD_CHILD, "co-representant": ChangeKind.ADD_CO_GUARDIAN}
    if kind not in kinds:
        raise Http404
    if kinds[kind] == ChangeKind.ADD_CHILD:
        form = ChildForm(request.POST or None)
    else:
        form = GuardianForm(request.POST or None, role=GuardianRole.CO_GUARDIAN)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        if kinds[kind] == ChangeKind.ADD_CO_GUARDIAN and form.cleaned_data.get("same_address"):
            holder = household.guardians.get(role=GuardianRole.PRIMARY)
            data.update({name: getattr(holder, name) for name in ADDRESS_FIELDS})
        try:
            services.household_change_request(
                household=household, actor=request.user, kind=kinds[kind], data=data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Votre demande d'ajout a été transmise à la Caisse des écoles."))
            return redirect("portal:family")
    return render(
        request, "portal/household/member_form.html", {"form": form, "kind": kind, "household": household}
    )
