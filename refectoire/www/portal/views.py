from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from refectoire.directdebit.selectors import sepa_settings_for, with_debit_summary
from refectoire.households.models import Household
from refectoire.www.portal.tiles import adult_meal_tiles, dashboard_tiles, service_groups
from refectoire.www.portal.todo import family_dashboard, with_pending


@login_required
def dashboard(request):
    """ "Mon espace": « À faire » first, then one card per child, then the services by group. A
    household not validated yet sees where its declaration stands; school staff, their meals."""
    today = timezone.localdate()
    households = with_pending(
        Household.objects.for_user(request.user, request.caisse), caisse=request.caisse, today=today
    )
    if sepa_settings_for(request.caisse) is not None:  # the « Prélèvement » tile, in the same query
        households = with_debit_summary(households, today=today)
    household = households.select_related("caisse").prefetch_related("children").first()
    context = {"person": request.user, "household": household, "tiles": [], "adult_tiles": []}
    if household is not None and household.is_validated:
        family = family_dashboard(household=household, today=today)
        unpaid = sum(1 for item in family.todo if item.kind == "invoice")
        tiles = dashboard_tiles(
            request.caisse,
            household,
            unpaid=unpaid,
            year=family.school_year_label,
            pricing=family.pricing,
            tariff_requests=family.tariff_requests,
            unpaid_invoices=family.unpaid,
            decisions=family.decisions,
        )
        context.update(
            {
                "todo": family.todo,
                "child_cards": family.children,
                "tiles": tiles,
                "groups": service_groups(tiles),
                "today": today,
            }
        )
    else:
        # A person registered for adult meals only (school staff) sees those first; the family
        # block then only invites them to declare a family, should they have one.
        context["adult_tiles"] = adult_meal_tiles(request.caisse, request.user)
    context["family"] = {
        "household": household,
        "tiles": context["tiles"],
        "adult_tiles": context["adult_tiles"],
    }
    return render(request, "portal/dashboard.html", context)
