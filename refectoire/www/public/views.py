from allauth.account.forms import LoginForm as AllauthLoginForm  # noqa: F401  (type of the welcome form)
from allauth.account.views import SignupView as AllauthSignupView
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from refectoire.accounts.adapter import CGU_SESSION_KEY
from refectoire.accounts.forms import CguAcceptForm, LoginForm
from refectoire.caisses.models import Caisse
from refectoire.core.models import OutboxEmail
from refectoire.messaging.models import NewsItem
from refectoire.www.public.qrcode import qr_code_svg

WELCOME_NEWS_COUNT = 3


def caisse_list(request):
    """`/`: the Caisses this site serves, each linking to its portal."""
    return render(request, "public/caisse_list.html", {"caisses": Caisse.objects.active()})


def welcome(request):
    caisse = request.caisse
    news = NewsItem.objects.published(caisse)[:WELCOME_NEWS_COUNT]
    address = caisse.absolute_url("public:welcome")
    return render(
        request,
        "public/welcome.html",
        {
            "news": news,
            "login_form": LoginForm(request=request),
            "has_more_news": True,
            "address": address,
            "qr_code": qr_code_svg(
                address, title=_("QR code de l'adresse de votre espace famille : %(url)s") % {"url": address}
            ),
        },
    )


def news_list(request):
    return render(request, "public/news_list.html", {"news": NewsItem.objects.published(request.caisse)})


def news_detail(request, news_uuid):
    item = get_object_or_404(NewsItem.objects.published(request.caisse), uuid=news_uuid)
    return render(request, "public/news_detail.html", {"item": item})


def cgu(request):
    return render(request, "public/cgu.html")


@require_http_methods(["GET", "POST"])
def signup_cgu(request):
    """Step 1 of "Créer mon espace personnel": accept the Caisse's CGU."""
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    form = CguAcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request.session[CGU_SESSION_KEY.format(caisse=request.caisse.pk)] = True
        return redirect("account_signup")
    return render(request, "account/signup_cgu.html", {"form": form})


class SignupView(AllauthSignupView):
    """Step 2 of "Créer mon espace personnel": identity, address, contact, password."""

    template_name = "account/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated and not request.session.get(
            CGU_SESSION_KEY.format(caisse=request.caisse.pk)
        ):
            return redirect("signup_cgu")
        return super().dispatch(request, *args, **kwargs)


signup = SignupView.as_view()


def account_activated(request):
    """ "Votre espace a bien été activé pour le nom d'utilisateur : G4V-RNG6P"."""
    username = request.session.get("activated_username")
    if not username:
        return redirect("account_login")
    person = get_user_model().objects.filter(username=username).first()
    return render(request, "account/activated.html", {"username": username, "person": person})


def outbox(request):
    """Demo and DEBUG only: the mail the site sent, so that activation links can be followed."""
    if not settings.DEV_OUTBOX:
        raise Http404
    return render(request, "public/outbox.html", {"emails": OutboxEmail.objects.all()[:100]})


def outbox_detail(request, pk):
    if not settings.DEV_OUTBOX:
        raise Http404
    message = get_object_or_404(OutboxEmail, pk=pk)
    return render(request, "public/outbox_detail.html", {"message": message, "title": _("Courriel")})
