"""Who may enter the back office of the current Caisse."""

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from refectoire.caisses.selectors import agent_role_for


def agent_required(view=None, *, manager: bool = False):
    """An agent (or, with manager=True, a manager) of request.caisse; anyone else gets a 404.

    The 404 (not 403) keeps another Caisse's back office from even being confirmed to exist
    for a given address. A plain agent on a manager's page gets a 403.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("account_login"))
            role = agent_role_for(request.user, request.caisse)
            if role is None:
                raise Http404
            if manager and not role.is_manager:
                raise PermissionDenied
            if settings.AGENT_MFA == "required" and not is_mfa_enabled(request.user):
                messages.warning(
                    request,
                    _(
                        "La double authentification est obligatoire pour les agents : configurez-la pour continuer."
                    ),
                )
                return redirect("mfa_activate_totp")
            request.agent_role = role
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


manager_required = agent_required(manager=True)
