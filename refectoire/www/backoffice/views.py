import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.billing.enums import RunState
from refectoire.billing.models import BillingRun
from refectoire.caisses import services as caisse_services
from refectoire.caisses.models import Caisse
from refectoire.directdebit.models import RefundToMake
from refectoire.enrollment.enums import PaiState
from refectoire.enrollment.models import Pai
from refectoire.messaging import services as messaging_services
from refectoire.messaging.models import NewsItem
from refectoire.payments.enums import OperationState
from refectoire.payments.models import PayfipOperation
from refectoire.privacy.enums import ErasureState
from refectoire.privacy.models import ErasureRequest
from refectoire.schools.models import BillingPeriod
from refectoire.www.backoffice.access import agent_required, manager_required
from refectoire.www.backoffice.adult_meals.views import adult_meals_home_queues
from refectoire.www.backoffice.billing.views import billing_queues
from refectoire.www.backoffice.enrollment.views import enrollment_queues
from refectoire.www.backoffice.forms import CaisseProfileForm, CguForm, NewsForm
from refectoire.www.backoffice.household.views import home_queue as household_queue
from refectoire.www.backoffice.queues import queue
from refectoire.www.backoffice.requests.views import request_queues
from refectoire.www.backoffice.stays.views import stays_home_queues
from refectoire.www.backoffice.tariff.views import home_queue as tariff_queue


@agent_required
def home(request):
    """« Espace agents »: the work queues that hold something (count, oldest waiting date), and for
    a manager the billing calendar."""
    queues = [entry for entry in home_queues(request) if entry["count"]]
    calendar = billing_calendar(request.caisse) if request.agent_role.is_manager else None
    return render(request, "backoffice/home.html", {"queues": queues, "billing_calendar": calendar})


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
        payments_queue(request),
        pai_queue(request),
        refunds_queue(request),
        erasure_queue(request),
    ]


def pai_queue(request) -> dict:
    """PAI declared by families, waiting for an agent's validation."""
    return queue(
        label=_("PAI à valider"),
        queryset=Pai.objects.filter(caisse=request.caisse, state=PaiState.PENDING),
        since="created_at",
        url=reverse("backoffice:pai_list"),
    )


def refunds_queue(request) -> dict:
    """Debits rejected after their invoice was paid otherwise: money to pay back to the family."""
    return queue(
        label=_("Remboursements à faire après un rejet de prélèvement"),
        queryset=RefundToMake.objects.filter(caisse=request.caisse, done_at__isnull=True),
        since="created_at",
        url=reverse("backoffice:directdebit_home"),
    )


def erasure_queue(request) -> dict:
    """Families asking for their account to be deleted."""
    return queue(
        label=_("Demandes de suppression de compte"),
        queryset=ErasureRequest.objects.filter(caisse=request.caisse, state=ErasureState.SUBMITTED),
        since="created_at",
        url=reverse("backoffice:privacy_erasures"),
    )


# An online payment PayFIP has not answered for this long is looked at by an agent.
PAYMENT_ANSWER_DELAY = datetime.timedelta(hours=2)


def payments_queue(request) -> dict:
    """Online payments still waiting for PayFIP's answer: to reconcile by hand when it never comes."""
    return queue(
        label=_("Paiements en ligne à rapprocher (sans réponse de PayFIP)"),
        queryset=PayfipOperation.objects.filter(
            caisse=request.caisse,
            state=OperationState.PENDING,
            created_at__lt=timezone.now() - PAYMENT_ANSWER_DELAY,
        ),
        since="created_at",
        url=reverse("backoffice:billing_home"),
    )


def billing_calendar(caisse) -> list[dict]:
    """The manager's billing calendar: the next period to compute, the periods to issue, the next
    opening of online payment. Three queries."""
    today = timezone.localdate()
    entries = []
    to_compute = (
        BillingPeriod.objects.for_caisse(caisse).filter(run__isnull=True).order_by("start_date").first()
    )
    if to_compute is not None:
        entries.append(
            {
                "label": _("Période à calculer"),
                "period": to_compute.label,
                "text": _("à calculer après le %(day)s") % {"day": f"{to_compute.end_date:%d/%m/%Y}"}
                if to_compute.end_date >= today
                else _("à calculer : la période est finie depuis le %(day)s")
                % {"day": f"{to_compute.end_date:%d/%m/%Y}"},
            }
        )
    for run in BillingRun.objects.filter(caisse=caisse, state=RunState.DRAFT).select_related("period"):
        entries.append(
            {
                "label": _("Période à émettre"),
                "period": run.period.label,
                "text": _("calculée le %(day)s, à vérifier puis émettre")
                % {"day": f"{timezone.localtime(run.computed_at):%d/%m/%Y}"}
                if run.computed_at
                else _("calculée, à vérifier puis émettre"),
            }
        )
    opening = (
        BillingPeriod.objects.for_caisse(caisse)
        .filter(payment_opens_at__gt=timezone.now())
        .order_by("payment_opens_at")
        .first()
    )
    if opening is not None:
        entries.append(
            {
                "label": _("Ouverture du paiement en ligne"),
                "period": opening.label,
                "text": _("le %(day)s")
                % {"day": f"{timezone.localtime(opening.payment_opens_at):%d/%m/%Y à %H:%M}"},
            }
        )
    return entries


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
