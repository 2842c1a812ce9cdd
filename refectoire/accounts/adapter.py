import datetime
import logging
import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from refectoire.accounts.identifiers import generate_username
from refectoire.accounts.language import in_language_of
from refectoire.accounts.models import User
from refectoire.accounts.oidc import IDTokenRejected
from refectoire.accounts.services import cgu_accept
from refectoire.caisses.selectors import agent_role_for
from refectoire.core.mail import mail_subject
from refectoire.core.models import ADDRESS_FIELDS

logger = logging.getLogger(__name__)

PROFILE_FIELDS = [
    "civility",
    "birth_name",
    "birth_date",
    *ADDRESS_FIELDS,
    "mobile_phone",
]

CGU_SESSION_KEY = "cgu_accepted:{caisse}"


TOO_MANY_LOGIN_ATTEMPTS = _l(
    "Trop de tentatives de connexion ont échoué pour cet identifiant. Par sécurité, la connexion est "
    "suspendue pendant 15 minutes : réessayez plus tard ou choisissez un nouveau mot de passe avec "
    "« J'ai oublié mon mot de passe »."
)
WRONG_CREDENTIALS = _l("L'identifiant (ou le courriel) ou le mot de passe est incorrect.")
TOO_MANY_ACTIVATION_EMAILS = _l(
    "Plusieurs liens d'activation vous ont déjà été envoyés : utilisez le plus récent. Par sécurité, "
    "aucun nouveau lien ne sera envoyé avant 15 minutes."
)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": TOO_MANY_LOGIN_ATTEMPTS,
        "username_password_mismatch": WRONG_CREDENTIALS,
        "email_password_mismatch": WRONG_CREDENTIALS,
    }

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The failed logins of one account count together, whether typed as identifier or e-mail.

        allauth keys them by the text typed, which gave an account 5 attempts per identifier and
        5 more per e-mail. An unknown login keeps its own key.
        """
        login = (credentials.get("email") or credentials.get("username") or "").strip()
        if login:
            users = User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
            pk = users.values_list("pk", flat=True).first()
            if pk is None:
                pk = (
                    EmailAddress.objects.filter(email__iexact=login).values_list("user_id", flat=True).first()
                )
            if pk is not None:
                return f"{get_current_site(request).domain}:account:{pk}"
        return super()._get_login_attempts_cache_key(request, **credentials)

    def is_open_for_signup(self, request):
        # Accounts are created from a Caisse's portal, after its CGU.
        return getattr(request, "caisse", None) is not None

    def populate_username(self, request, user):
        if not user.username:
            user.username = generate_username()

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        for field in PROFILE_FIELDS:
            if field in data:
                setattr(user, field, data[field] or ("" if field != "birth_date" else None))
        user.signup_caisse = getattr(request, "caisse", None)
        if commit:
            user.save()
            caisse = getattr(request, "caisse", None)
            if caisse is not None:
                cgu_accept(user=user, caisse=caisse)
        return user

    def should_send_confirmation_mail(self, request, email_address, signup):
        # allauth skips a resend silently past the limit; the parent is told why no mail comes.
        if not ratelimit.consume(
            request, action="confirm_email", key=email_address.email.lower(), dry_run=True
        ):
            messages.warning(request, TOO_MANY_ACTIVATION_EMAILS)
            return False
        return True

    def get_email_verification_redirect_url(self, email_address):
        self.request.session["activated_username"] = email_address.user.username
        return reverse("account_activated")

    def get_login_redirect_url(self, request):
        # Agents and managers work in the back office of the Caisse they log in to.
        if agent_role_for(request.user, getattr(request, "caisse", None)) is not None:
            return reverse("backoffice:home")
        # Canteen staff read their schools' attendance list (the relation is declared by schools).
        caisse = getattr(request, "caisse", None)
        if (
            caisse is not None
            and request.user.canteen_staff_roles.filter(caisse=caisse, is_active=True).exists()
        ):
            return reverse("backoffice:attendance")
        return reverse("portal:dashboard")

    def format_email_subject(self, subject):
        caisse = getattr(self.request, "caisse", None) if hasattr(self, "request") else None
        return mail_subject(caisse.name, str(subject)) if caisse else str(subject)

    def send_mail(self, template_prefix, email, context):
        context.setdefault("caisse", getattr(self.request, "caisse", None))
        context.setdefault("activation_days", settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS)
        context.setdefault("reset_hours", max(1, settings.PASSWORD_RESET_TIMEOUT // 3600))
        # The visitor's own action: the account's language if it chose one, else the page's.
        with in_language_of([email], default=translation.get_language()):
            return super().send_mail(template_prefix, email, context)

    def add_message(
        self, request, level, message_template=None, message_context=None, extra_tags="", message=None
    ):
        # Only the messages that say something useful to a parent; allauth's "signed in as" is noise.
        if message_template and message_template.endswith("logged_in.txt"):
            return
        return super().add_message(request, level, message_template, message_context, extra_tags, message)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """OpenID Connect ("Mon Paris", FranceConnect): accounts are pre-filled from the claims."""

    def is_open_for_signup(self, request, sociallogin):
        return True

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        claims = {}
        extra = sociallogin.account.extra_data or {}
        claims.update(extra.get("id_token") or {})
        claims.update(extra.get("userinfo") or {})
        user.first_name = claims.get("given_name", user.first_name) or ""
        user.last_name = claims.get("family_name", user.last_name) or ""
        user.username = generate_username()
        birthdate = claims.get("birthdate")
        if birthdate:
            try:
                user.birth_date = datetime.date.fromisoformat(birthdate)
            except ValueError:
                user.birth_date = None
        gender = claims.get("gender")
        if gender in {"female", "male"}:
            user.civility = "mme" if gender == "female" else "m"
        user.signup_caisse = getattr(request, "caisse", None)
        return user

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("portal:dashboard")

    def generate_state_param(self, state: dict) -> str:
        # At least 32 characters (allauth's are 16): 43 random URL-safe characters.
        return secrets.token_urlsafe(32)

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        # Back to the login page, with a word of explanation in French and the other ways in.
        messages.error(request, authentication_error_message(request, provider, exception))
        raise ImmediateHttpResponse(redirect("account_login"))


OTHER_WAYS_IN = _l("Réessayez, ou connectez-vous avec votre identifiant et votre mot de passe.")
PROVIDER_ERRORS = {
    # The `error` an OpenID Connect provider sends back to the callback instead of a code.
    "access_denied": _l("Vous avez annulé la connexion avec %(provider)s."),
    "login_required": _l("%(provider)s demande que vous vous identifiiez de nouveau."),
    "interaction_required": _l("%(provider)s demande que vous vous identifiiez de nouveau."),
    "consent_required": _l("%(provider)s demande votre accord pour transmettre vos informations."),
    "temporarily_unavailable": _l("%(provider)s est momentanément indisponible."),
    "server_error": _l("%(provider)s est momentanément indisponible."),
}
PROVIDER_ERROR = _l("%(provider)s n'a pas pu vous identifier.")
ANSWER_NOT_VERIFIED = _l(
    "La réponse de %(provider)s n'a pas pu être vérifiée : par sécurité, vous n'êtes pas connecté."
)
LOGIN_FAILED = _l("La connexion avec le fournisseur d'identité a échoué. Réessayez plus tard.")


def authentication_error_message(request, provider, exception) -> str:
    """What a parent reads when an OpenID Connect login fails; the technical reason goes to the log."""
    name = getattr(provider, "name", None) or _("Le service de connexion")
    error = request.GET.get("error")
    if error:
        logger.warning(
            "OpenID Connect %s returned %s: %s",
            getattr(provider, "sub_id", "?"),
            error,
            request.GET.get("error_description", ""),
        )
        sentence = PROVIDER_ERRORS.get(error, PROVIDER_ERROR) % {"provider": name}
        return f"{sentence} {OTHER_WAYS_IN}"
    if isinstance(exception, IDTokenRejected):
        logger.warning(
            "OpenID Connect %s login refused: %s", getattr(provider, "sub_id", "?"), exception.reason
        )
        return f"{ANSWER_NOT_VERIFIED % {'provider': name}} {OTHER_WAYS_IN}"
    if exception is not None:
        logger.warning("OpenID Connect %s login failed: %r", getattr(provider, "sub_id", "?"), exception)
    return str(LOGIN_FAILED)
