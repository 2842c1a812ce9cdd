from django import template

from refectoire.households.selectors import household_for_user
from refectoire.www.portal.tiles import adult_meal_tiles, dashboard_tiles

register = template.Library()


@register.simple_tag(takes_context=True)
def family_dashboard(context):
    """The household block of "Mon espace": the household (if any) and the tiles once it is validated."""
    request = context["request"]
    household = household_for_user(user=request.user, caisse=request.caisse)
    tiles = (
        dashboard_tiles(request.caisse, household) if household is not None and household.is_validated else []
    )
    # A person registered for adult meals only (school staff) sees those first; the family
    # block then only invites them to declare a family, should they have one.
    adult_tiles = [] if tiles else adult_meal_tiles(request.caisse, request.user)
    return {"household": household, "tiles": tiles, "adult_tiles": adult_tiles}
