"""The agents' holiday stays: catalogue (managers), lists per stay, allocation, export."""

import csv
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.core.forms import add_service_errors
from refectoire.core.lifecycle import AGENT
from refectoire.stays import services
from refectoire.stays.enums import PLACE_STATES, ChoiceState
from refectoire.stays.models import HolidayStay, StayApplicationDocument, StayChoice
from refectoire.stays.selectors import child_ref, stay_choices
from refectoire.www.backoffice.access import agent_required, manager_required
from refectoire.www.backoffice.queues import queue
from refectoire.www.backoffice.stays.forms import (
    HolidayStayForm,
    ReasonForm,
    StayAllocationForm,
    StayPhotoForm,
)
from refectoire.www.files import document_response


def stays_home_queues(request) -> list[dict]:
    """Back-office home: stays whose places are to be given."""
    return [
        queue(
            label=_("Séjours : places à attribuer"),
            queryset=HolidayStay.objects.for_caisse(request.caisse).filter(
                application_closes_on__lt=timezone.localdate(), allocation__isnull=True, is_published=True
            ),
            since="application_closes_on",
            url=reverse("backoffice:stays_list"),
        )
    ]


def _stays(request):
    return HolidayStay.objects.for_caisse(request.caisse)


@agent_required
def stays_list(request):
    stays = _stays(request).annotate(
        wishes=Count("choices", filter=~Q(choices__state=ChoiceState.CANCELLED)),
        places=Count("choices", filter=Q(choices__state__in=PLACE_STATES)),
        waiting=Count("choices", filter=Q(choices__state=ChoiceState.WAITING)),
    )
    return render(request, "backoffice/stays/list.html", {"stays": stays.order_by("-start_date")})


@manager_required
@require_http_methods(["GET", "POST"])
def stay_edit(request, stay_uuid=None):
    stay = get_object_or_404(_stays(request), uuid=stay_uuid) if stay_uuid else None
    form = HolidayStayForm(request.POST or None, instance=stay)
    if request.method == "POST" and form.is_valid():
        try:
            stay = services.stay_save(
                caisse=request.caisse, stay=stay, prices=form.prices(), **form.fields_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le séjour est enregistré."))
            return redirect("backoffice:stay_detail", stay_uuid=stay.uuid)
    return render(request, "backoffice/stays/edit.html", {"form": form, "stay": stay})


@agent_required
def stay_detail(request, stay_uuid):
    stay = get_object_or_404(_stays(request).prefetch_related("prices", "photos"), uuid=stay_uuid)
    view = request.GET.get("liste", "demandes")
    choices = list(stay_choices(stay))
    lists = {
        "demandes": choices,
        "retenus": [c for c in choices if c.state in PLACE_STATES],
        "attente": sorted(
            (c for c in choices if c.state == ChoiceState.WAITING), key=lambda c: c.waiting_rank or 0
        ),
        "pieces": [
            c
            for c in choices
            if c.state not in (ChoiceState.CANCELLED, ChoiceState.REFUSED)
            and c.application.missing_documents()
        ],
    }
    if view not in lists:
        view = "demandes"
    allocation = getattr(stay, "allocation", None) if stay.is_allocated else None
    return render(
        request,
        "backoffice/stays/detail.html",
        {
            "stay": stay,
            "view": view,
            "rows": lists[view],
            "counts": {name: len(rows) for name, rows in lists.items()},
            "allocation": allocation,
            "allocation_form": StayAllocationForm(initial={"seed": secrets.randbelow(10**9)}),
            "photo_form": StayPhotoForm(),
            "can_allocate": not stay.is_allocated and stay.application_closes_on < timezone.localdate(),
        },
    )


@manager_required
@require_POST
def stay_allocate(request, stay_uuid):
    stay = get_object_or_404(_stays(request), uuid=stay_uuid)
    form = StayAllocationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez une graine : un nombre entier positif."))
        return redirect("backoffice:stay_detail", stay_uuid=stay.uuid)
    try:
        allocation = services.stay_allocate(stay=stay, seed=form.cleaned_data["seed"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Les places sont attribuées (graine du tirage : %(seed)d).") % {"seed": allocation.seed},
        )
    return redirect("backoffice:stay_detail", stay_uuid=stay.uuid)


@manager_required
@require_POST
def stay_photo_add(request, stay_uuid):
    stay = get_object_or_404(_stays(request), uuid=stay_uuid)
    form = StayPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        services.stay_photo_add(
            stay=stay, uploaded_file=form.cleaned_data["photo"], caption=form.cleaned_data["caption"]
        )
        messages.success(request, _("La photo est ajoutée."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("backoffice:stay_detail", stay_uuid=stay.uuid)


@agent_required
@require_POST
def stay_choice_refuse(request, choice_uuid):
    choice = get_object_or_404(
        StayChoice.objects.for_caisse(request.caisse).select_related("stay"), uuid=choice_uuid
    )
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.stay_choice_refuse(choice=choice, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("La demande est refusée."))
    else:
        messages.error(request, _("Indiquez le motif du refus."))
    return redirect("backoffice:stay_detail", stay_uuid=choice.stay.uuid)


@agent_required
@require_POST
def stay_choice_cancel(request, choice_uuid):
    """An agent records a family's withdrawal (by phone, by mail): the waiting list moves up."""
    choice = get_object_or_404(
        StayChoice.objects.for_caisse(request.caisse).select_related("stay"), uuid=choice_uuid
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de l'annulation."))
    else:
        try:
            services.stay_choice_withdraw(
                choice=choice, actor=request.user, reason=form.cleaned_data["reason"], by=AGENT
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("La demande est annulée."))
    return redirect("backoffice:stay_detail", stay_uuid=choice.stay.uuid)


@agent_required
def stay_document(request, document_uuid):
    link = (
        StayApplicationDocument.objects.filter(
            application__caisse=request.caisse, document__uuid=document_uuid
        )
        .select_related("document")
        .first()
    )
    if link is None or link.document.deleted_at is not None:
        raise Http404
    return document_response(link.document)


@agent_required
def stay_participants_csv(request, stay_uuid):
    stay = get_object_or_404(_stays(request), uuid=stay_uuid)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="participants-{stay.start_date:%Y%m%d}-{stay.uuid.hex[:8]}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\n")
    writer.writerow(
        [
            "child_ref", "nom", "prénom", "date_naissance", "niveau", "état", "foyer", "représentant",
            "téléphone", "courriel", "urgence_1_nom", "urgence_1_téléphone", "urgence_2_nom",
            "urgence_2_téléphone", "pièces_manquantes",
        ]
    )  # fmt: skip
    for choice in (
        stay_choices(stay)
        .filter(state__in=PLACE_STATES)
        .prefetch_related("application__household__guardians")
    ):
        child = choice.child
        household = choice.application.household
        guardian = household.primary_guardian
        profile = getattr(child, "stay_profile", None)
        writer.writerow(
            [
                child_ref(child),
                child.last_name,
                child.first_name,
                child.birth_date.strftime("%d/%m/%Y") if child.birth_date else "",
                profile.school_level if profile else "",
                choice.get_state_display(),
                household.reference,
                guardian.full_name if guardian else "",
                (guardian.mobile_phone or guardian.home_phone) if guardian else "",
                guardian.email if guardian else "",
                profile.emergency_contact_1_name if profile else "",
                profile.emergency_contact_1_phone if profile else "",
                profile.emergency_contact_2_name if profile else "",
                profile.emergency_contact_2_phone if profile else "",
                ", ".join(str(kind.label) for kind in choice.application.missing_documents()),
            ]
        )
    return response
