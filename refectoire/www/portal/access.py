"""Who may see a portal screen: the parent's household in the Caisse of the address.

`household()` is the one way a portal view finds the user's household; each caller says whether
only a validated household will do (enrollment, absences, tariff) or any state (the household's
own pages, requests, invoices, stays).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from refectoire.households.models import Household


def household(
    request, *, validated_only: bool, related: tuple[str, ...] = ("guardians", "children")
) -> Household | None:
    """The user's household in request.caisse (one at most), or None. `related`: the members the
    page reads (a page that only filters by household passes `()`: one query)."""
    households = Household.objects.for_user(request.user, request.caisse)
    if validated_only:
        households = households.validated()
    found = households.prefetch_related(*related).first()
    if found is not None:
        found.caisse = request.caisse  # the row it was filtered by: `household.caisse` reads nothing
    return found


def household_required(view):
    """The view gets the user's household of request.caisse; without one, a page that says so."""

    def wrapper(request, *args, **kwargs):
        found = household(request, validated_only=False)
        if found is None:
            if kwargs:
                raise Http404
            return render(request, "portal/requests/no_household.html", status=200)
        return view(request, found, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_required(wrapper)
