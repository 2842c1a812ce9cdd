import logging

from allauth.account.internal.decorators import login_not_required
from allauth.account.views import LogoutView as AllauthLogoutView
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from requests import RequestException

from refectoire.accounts import oidc

logger = logging.getLogger(__name__)


@login_not_required
def login(request, provider_id):
    try:
        view = OAuth2LoginView.adapter_view(oidc.OpenIDConnectAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except RequestException as error:  # the provider's discovery document is out of reach
        return provider_unreachable(request, provider_id, error)


@login_not_required
def callback(request, provider_id):
    try:
        view = OAuth2CallbackView.adapter_view(oidc.OpenIDConnectAdapter(request, provider_id))
        response = view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except RequestException as error:
        return provider_unreachable(request, provider_id, error)
    oidc.account_connected(request)
    return response


def provider_unreachable(request, provider_id, error):
    logger.warning("OpenID Connect %s unreachable: %s", provider_id, error)
    messages.error(
        request,
        _(
            "Le service de connexion ne répond pas pour le moment. Réessayez plus tard, ou connectez-vous "
            "avec votre identifiant et votre mot de passe."
        ),
    )
    return redirect("account_login")


class LogoutView(AllauthLogoutView):
    """allauth's logout; after an OpenID Connect login, on to the provider to end its session too."""

    def post(self, *args, **kwargs):
        had_provider_login = bool(self.request.session.get(oidc.LOGIN_SESSION_KEY))
        end_session = oidc.end_session_request(self.request)
        response = super().post(*args, **kwargs)
        if end_session is not None:
            oidc.remember_logout(self.request, end_session)
            return redirect(end_session.url)
        if had_provider_login:
            messages.warning(
                self.request,
                _(
                    "Vous êtes déconnecté de Réfectoire, mais le service de connexion n'a pas pu être "
                    "prévenu : sur un ordinateur partagé, fermez le navigateur."
                ),
            )
        return response


logout = LogoutView.as_view()


@login_not_required
def logout_callback(request, provider_id):
    """The provider ended its session and sends the browser back: the Caisse's welcome page."""
    provider_name = oidc.logout_returned(request, provider_id)
    if provider_name:
        messages.success(
            request, _("Vous êtes aussi déconnecté de %(provider)s.") % {"provider": provider_name}
        )
    return redirect("public:welcome")
