from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.caisses import services as caisse_services
from refectoire.caisses.models import Caisse
from refectoire.messaging import services as messaging_services
from refectoire.messaging.models import NewsItem
from refectoire.www.backoffice.access import agent_required, manager_required
from refectoire.www.backoffice.adult_meals.views import adult_meals_home_queues
from refectoire.www.backoffice.billing.views import billing_queues
from refectoire.www.backoffice.enrollment.views import enrollment_queues
from refectoire.www.backoffice.forms import CaisseProfileForm, CguForm, NewsForm
from refectoire.www.backoffice.household.views import home_queue as household_queue
from refectoire.www.backoffice.requests.views import request_queues
from refectoire.www.backoffice.stays.views import stays_home_queues
from refectoire.www.backoffice.tariff.views import home_queue as tariff_queue


@agent_required
def home(request):
    return render(request, "backoffice/home.html", {"queues": home_queues(request)})


def home_queues(request) -> list[dict]:
    """The queues of the back-office home; each domain adds its own as it is built."""
    return [
        *household_queue(request),
        *enrollment_queues(request),
        tariff_queue(request),
        *request_queues(request),
        *stays_home_queues(request),
        *adult_meals_home_queues(request),
        *billing_queues(request),
    ]


@manager_required
@require_http_methods(["GET", "POST"])
def caisse_profile(request):
    # Another instance than request.caisse: the form writes what was typed on its instance, and the
    # page around it (name, colour, logo) must show the Caisse as saved until the profile is valid.
    caisse = Caisse.objects.get(pk=request.caisse.pk)
    form = CaisseProfileForm(request.POST or None, request.FILES or None, instance=caisse)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            caisse_services.caisse_update_profile(
                caisse=caisse, logo=fields.pop("logo"), remove_logo=fields.pop("remove_logo", False), **fields
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le profil de la Caisse a été enregistré."))
            return redirect("backoffice:caisse_profile")
    return render(request, "backoffice/caisse_profile.html", {"form": form})


@manager_required
@require_http_methods(["GET", "POST"])
def cgu_edit(request):
    caisse = request.caisse
    form = CguForm(request.POST or None, initial={"cgu_text": caisse.cgu_text})
    if request.method == "POST" and form.is_valid():
        caisse_services.caisse_update_cgu(caisse=caisse, cgu_text=form.cleaned_data["cgu_text"])
        messages.success(request, _("Les conditions générales d'utilisation ont été publiées."))
        return redirect("backoffice:cgu_edit")
    return render(request, "backoffice/cgu_edit.html", {"form": form})


@manager_required
def news_list(request):
    return render(request, "backoffice/news_list.html", {"news": NewsItem.objects.for_caisse(request.caisse)})


@manager_required
@require_http_methods(["GET", "POST"])
def news_edit(request, news_uuid=None):
    news = None
    if news_uuid is not None:
        news = get_object_or_404(NewsItem.objects.for_caisse(request.caisse), uuid=news_uuid)
    form = NewsForm(request.POST or None, instance=news)
    if request.method == "POST" and form.is_valid():
        messaging_services.news_save(caisse=request.caisse, news=news, **form.cleaned_data)
        messages.success(request, _("L'actualité a été enregistrée."))
        return redirect("backoffice:news_list")
    return render(request, "backoffice/news_edit.html", {"form": form, "news": news})


@manager_required
@require_POST
def news_delete(request, news_uuid):
    news = get_object_or_404(NewsItem.objects.for_caisse(request.caisse), uuid=news_uuid)
    messaging_services.news_delete(caisse=request.caisse, news=news)
    messages.success(request, _("L'actualité a été supprimée."))
    return redirect("backoffice:news_list")
