"""`{{ amount|euros }}`: every amount in a template, through the one money formatter (a builtin)."""

from django import template

from refectoire.core.money import format_euros

register = template.Library()


@register.filter
def euros(value) -> str:
    """« 2 035,30 € »; an empty value shows as « — »."""
    if value is None or value == "":
        return "—"
    return format_euros(value)
