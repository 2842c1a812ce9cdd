"""The agents' adult meals: the validation queue, the registrations and the meals off-schedule."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refectoire.adultmeals import services
from refectoire.adultmeals.enums import RegistrationState
from refectoire.adultmeals.models import AdultRegistration
from refectoire.adultmeals.selectors import adult_meals_for_period, pending_registrations
from refectoire.core.forms import add_service_errors
from refectoire.www.backoffice.access import agent_required
from refectoire.www.backoffice.adult_meals.forms import AdultRegistrationEndForm
from refectoire.www.backoffice.queues import queue
from refectoire.www.backoffice.stays.forms import AdultExtraMealForm, ReasonForm


def adult_meals_home_queues(request) -> list[dict]:
    return [
        queue(
            label=_("Restauration adulte : inscriptions à valider"),
            queryset=pending_registrations(request.caisse),
            since="created_at",
            url=reverse("backoffice:adult_meals_list"),
        )
    ]


def _registrations(request):
    return AdultRegistration.objects.for_caisse(request.caisse).select_related("user", "school")


@agent_required
def adult_meals_list(request):
    registrations = _registrations(request)
    return render(
        request,
        "backoffice/adult_meals/list.html",
        {
            "pending": registrations.filter(state=RegistrationState.SUBMITTED).order_by("created_at"),
            "others": registrations.exclude(state=RegistrationState.SUBMITTED),
        },
    )


def _month(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


@agent_required
def adult_registration_detail(request, registration_uuid, extra_form=None, end_form=None):
    registration = get_object_or_404(_registrations(request), uuid=registration_uuid)
    start, end = _month(timezone.localdate())
    meals = adult_meals_for_period(caisse=request.caisse, start=start, end=end).get(registration.pk, 0)
    return render(
        request,
        "backoffice/adult_meals/detail.html",
        {
            "registration": registration,
            "events": registration.events.select_related("actor"),
            "extra_meals": registration.extra_meals.order_by("-day")[:31],
            "reason_form": ReasonForm(),
            "extra_form": extra_form or AdultExtraMealForm(initial={"day": timezone.localdate(), "count": 1}),
            "month_start": start,
            "month_end": end,
            "month_meals": meals,
            "invoices": registration.invoices.issued().order_by("-number"),
            "end_form": end_form or AdultRegistrationEndForm(),
        },
    )


@agent_required
@require_POST
def adult_registration_validate(request, registration_uuid):
    registration = get_object_or_404(_registrations(request), uuid=registration_uuid)
    try:
        services.adult_registration_validate(registration=registration, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("L'inscription est validée."))
    return redirect("backoffice:adult_registration_detail", registration_uuid=registration.uuid)


@agent_required
@require_POST
def adult_registration_reject(request, registration_uuid):
    registration = get_object_or_404(_registrations(request), uuid=registration_uuid)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif du refus."))
    else:
        try:
            services.adult_registration_reject(
                registration=registration, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("L'inscription est refusée."))
    return redirect("backoffice:adult_registration_detail", registration_uuid=registration.uuid)


@agent_required
@require_POST
def adult_extra_meals_record(request, registration_uuid):
    registration = get_object_or_404(_registrations(request), uuid=registration_uuid)
    form = AdultExtraMealForm(request.POST)
    if form.is_valid():
        try:
            services.adult_extra_meals_record(
                registration=registration,
                day=form.cleaned_data["day"],
                count=form.cleaned_data["count"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Les repas hors planning sont enregistrés."))
            return redirect("backoffice:adult_registration_detail", registration_uuid=registration.uuid)
    return adult_registration_detail(request, registration_uuid=registration.uuid, extra_form=form)


@agent_required
@require_POST
def adult_registration_end(request, registration_uuid):
    """The agent ends a validated registration on any day from its first one, with a reason."""
    registration = get_object_or_404(_registrations(request), uuid=registration_uuid)
    form = AdultRegistrationEndForm(request.POST)
    if form.is_valid():
        try:
            services.adult_registration_end(
                registration=registration,
                last_day=form.cleaned_data["last_day"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("L'inscription prend fin le %(day)s ; la personne en est informée par courriel.")
                % {"day": registration.ends_on.strftime("%d/%m/%Y")},
            )
            return redirect("backoffice:adult_registration_detail", registration_uuid=registration.uuid)
    return adult_registration_detail(request, registration_uuid=registration.uuid, end_form=form)
