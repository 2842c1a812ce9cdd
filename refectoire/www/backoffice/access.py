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
from refectoire.schools.staff import canteen_staff_for


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
            if _mfa_missing(request, staff=False):
                return redirect("mfa_activate_totp")
            request.agent_role = role
            request.canteen_staff = None
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


manager_required = agent_required(manager=True)


def _mfa_missing(request, *, staff: bool) -> bool:
    """True (with a message) when REFECTOIRE_AGENT_MFA requires two-factor authentication and the
    account has none: the same rule for agents and canteen staff, who both read health data."""
    if settings.AGENT_MFA == "required" and not is_mfa_enabled(request.user):
        if staff:
            text = _(
                "La double authentification est obligatoire pour le personnel de restauration : "
                "configurez-la pour continuer."
            )
        else:
            text = _(
                "La double authentification est obligatoire pour les agents : configurez-la pour continuer."
            )
        messages.warning(request, text)
        return True
    return False


def agent_or_canteen_staff_required(view_func):
    """An agent of request.caisse, or a canteen staff member of it (the attendance list and the PAI
    page); anyone else gets a 404 like agent_required. Sets request.agent_role (None for staff) and
    request.canteen_staff (None for agents); the view limits staff to their schools."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        role = agent_role_for(request.user, request.caisse)
        staff = None if role is not None else canteen_staff_for(request.user, request.caisse)
        if role is None and staff is None:
            raise Http404
        if _mfa_missing(request, staff=staff is not None):
            return redirect("mfa_activate_totp")
        request.agent_role = role
        request.canteen_staff = staff
        return view_func(request, *args, **kwargs)

    return wrapper
