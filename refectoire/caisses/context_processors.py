import re

from django.utils.safestring import mark_safe

from refectoire.caisses.selectors import agent_role_for
from refectoire.caisses.theme import DEFAULT_PRIMARY, palette_css


def caisse(request):
    current = getattr(request, "caisse", None)
    role = None
    user = getattr(request, "user", None)  # absent on a page of error raised before authentication
    if current is not None and user is not None and user.is_authenticated:
        role = agent_role_for(user, current)
    return {"caisse": current, "agent_role": role}


def theme(request):
    """The colour tokens of the page: the Caisse's primary colour, or Réfectoire's own."""
    current = getattr(request, "caisse", None)
    colour = current.accent_colour if current is not None else DEFAULT_PRIMARY
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
        colour = DEFAULT_PRIMARY
    return {"theme_colour": colour, "theme_css": mark_safe(palette_css(colour))}  # noqa: S308 (hex only)
