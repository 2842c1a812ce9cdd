"""The parents' holiday stays: catalogue, the child's stay profile, applications and their follow-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.households.models import Child, Household
from refectoire.stays import services
from refectoire.stays.enums import ChoiceState
from refectoire.stays.models import HolidayStay, StayApplication, StayChoice, StayPhoto, StayProfile
from refectoire.stays.selectors import stay_ineligibility_reasons, stays_open_for_child
from refectoire.www.portal import access
from refectoire.www.portal.stays.forms import StayApplicationForm, StayDocumentForm, StayProfileForm


def _child(request, child_uuid):
    return get_object_or_404(
        Child.objects.filter(household__in=Household.objects.for_user(request.user, request.caisse)),
        uuid=child_uuid,
    )


def _application(request, application_uuid):
    return get_object_or_404(
        StayApplication.objects.filter(
            caisse=request.caisse, household__in=Household.objects.for_user(request.user, request.caisse)
        ),
        uuid=application_uuid,
    )


def _choice(request, choice_uuid):
    return get_object_or_404(
        StayChoice.objects.filter(
            stay__caisse=request.caisse,
            application__household__in=Household.objects.for_user(request.user, request.caisse),
        ).select_related("stay", "application"),
        uuid=choice_uuid,
    )


def _published(request):
    return HolidayStay.objects.for_caisse(request.caisse).published()


@login_required
def stays_home(request):
    """« Séjours de vacances »: per child, the applications and the stays open to them."""
    household = access.household(request, validated_only=False)
    children = []
    if household is not None:
        for child in household.children.all():
            applications = (
                StayApplication.objects.for_household(household)
                .filter(child=child)
                .prefetch_related("choices__stay", "choices__invoice", "documents")
            )
            children.append(
                {
                    "child": child,
                    "open_stays": stays_open_for_child(caisse=request.caisse, child=child),
                    "applications": applications,
                    "has_profile": hasattr(child, "stay_profile"),
                }
            )
    stays = _published(request).filter(end_date__gte=_today())
    return render(
        request,
        "portal/stays/home.html",
        {"household": household, "children": children, "stays": stays},
    )


def _today():
    return timezone.localdate()


@login_required
def stay_detail(request, stay_uuid):
    stay = get_object_or_404(_published(request).prefetch_related("prices", "photos"), uuid=stay_uuid)
    household = access.household(request, validated_only=False)
    eligibility = []
    if household is not None:
        for child in household.children.all():
            eligibility.append(
                {"child": child, "reasons": stay_ineligibility_reasons(stay=stay, child=child)}
            )
    return render(request, "portal/stays/detail.html", {"stay": stay, "eligibility": eligibility})


@login_required
def stay_photo(request, photo_uuid):
    photo = get_object_or_404(
        StayPhoto.objects.filter(stay__caisse=request.caisse, stay__is_published=True), uuid=photo_uuid
    )
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def stay_profile_edit(request, child_uuid):
    child = _child(request, child_uuid)
    profile = StayProfile.objects.filter(child=child).first()
    form = StayProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.stay_profile_save(child=child, **fields)
        messages.success(
            request, _("La fiche séjour de %(child)s est enregistrée.") % {"child": child.first_name}
        )
        return redirect("portal:stay_apply", child_uuid=child.uuid)
    return render(request, "portal/stays/profile.html", {"form": form, "child": child})


@login_required
@require_http_methods(["GET", "POST"])
def stay_apply(request, child_uuid):
    child = _child(request, child_uuid)
    household = child.household
    if not hasattr(child, "stay_profile"):
        messages.info(
            request, _("Complétez d'abord la fiche séjour de %(child)s.") % {"child": child.first_name}
        )
        return redirect("portal:stay_profile_edit", child_uuid=child.uuid)
    stays = stays_open_for_child(caisse=request.caisse, child=child)
    form = StayApplicationForm(request.POST or None, request.FILES or None, stays=stays)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.stay_application_submit(
                household=household,
                child=child,
                stays=form.chosen_stays(),
                user=request.user,
                documents=form.documents(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Votre demande de séjour pour %(child)s est déposée.") % {"child": child.first_name},
            )
            return redirect("portal:stay_application", application_uuid=application.uuid)
    return render(
        request,
        "portal/stays/apply.html",
        {"form": form, "child": child, "stays": stays, "household": household},
    )


@login_required
@require_http_methods(["GET", "POST"])
def stay_application(request, application_uuid):
    application = _application(request, application_uuid)
    form = StayDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_application_attach_document(
                application=application,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("La pièce est envoyée."))
            return redirect("portal:stay_application", application_uuid=application.uuid)
    choices = application.choices.select_related("stay", "invoice").order_by("rank")
    return render(
        request,
        "portal/stays/application.html",
        {
            "application": application,
            "choices": choices,
            "form": form,
            "missing": application.missing_documents(),
            "documents": application.documents.select_related("document"),
        },
    )


@login_required
@require_POST
def stay_choice_confirm(request, choice_uuid):
    choice = _choice(request, choice_uuid)
    try:
        services.stay_choice_confirm(choice=choice, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("La place est confirmée."))
    return redirect("portal:stay_application", application_uuid=choice.application.uuid)


@login_required
@require_POST
def stay_choice_withdraw(request, choice_uuid):
    choice = _choice(request, choice_uuid)
    if choice.state not in (
        ChoiceState.SUBMITTED,
        ChoiceState.WAITING,
        ChoiceState.ALLOCATED,
        ChoiceState.CONFIRMED,
    ):
        raise Http404
    services.stay_choice_withdraw(choice=choice, actor=request.user, reason=_("Désistement de la famille."))
    messages.success(request, _("Votre désistement est enregistré."))
    return redirect("portal:stay_application", application_uuid=choice.application.uuid)
