"""« Restauration adulte »: school staff register from their own account to eat at the canteen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from refectoire.adultmeals.models import AdultRegistration
from refectoire.adultmeals.services import adult_registration_submit
from refectoire.www.portal.forms_adult_meals import AdultRegistrationForm


@login_required
@require_http_methods(["GET", "POST"])
def adult_meals_home(request):
    form = AdultRegistrationForm(request.POST or None, caisse=request.caisse)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            adult_registration_submit(
                caisse=request.caisse,
                user=request.user,
                school=data["school"],
                role=data["role"],
                employer=data["employer"],
                employer_name=data["employer_name"],
                weekdays="".join(data["weekdays"]),
                starts_on=data["starts_on"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, _("Votre inscription est envoyée à la Caisse des écoles, qui va la valider.")
            )
            return redirect("portal:adult_meals")
    registrations = AdultRegistration.objects.for_user(request.user, request.caisse).select_related("school")
    return render(request, "portal/adult_meals/home.html", {"form": form, "registrations": registrations})
