from django import template

from refectoire.requests.selectors import latest_activity

register = template.Library()


@register.inclusion_tag("portal/requests/_latest_block.html", takes_context=True)
def latest_requests_and_messages(context):
    """The dashboard block "Mes dernières demandes et messages" (the 5 latest)."""
    request = context["request"]
    return {"items": latest_activity(user=request.user, caisse=request.caisse), "request": request}
