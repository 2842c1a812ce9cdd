"""A Caisse's colours: WCAG contrast, and the DSFR colour tokens its primary colour replaces.

The DSFR's components draw actions, titles and active states with the « blue-france » tokens;
Réfectoire sets them from the Caisse's primary colour, with lighter tints for the backgrounds.
The primary colour is text on white and on those tints, and white text is written on it, so it
must reach WCAG AA's 4.5:1 against all of them.
"""

import math

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Réfectoire's own default: a calm slate blue, not the State's « bleu France ».
DEFAULT_PRIMARY = "#25527a"
WHITE = "#ffffff"
WCAG_AA_NORMAL_TEXT = 4.5
# Share of white in each tint of the primary colour (light backgrounds of the components).
TINTS = {"alt": 0.95, "contrast": 0.9, "open": 0.88, "action-low": 0.88}
LIGHTEST_BACKGROUND_WITH_TEXT = 0.88


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(max(0, min(255, channel))):02x}" for channel in rgb)


def mix(colour: str, other: str, share_of_other: float) -> str:
    return _hex(a + (b - a) * share_of_other for a, b in zip(_rgb(colour), _rgb(other), strict=True))


def relative_luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def primary_contrast(colour: str) -> float:
    """The primary colour's weakest contrast: against white and its lightest tint behind text."""
    tint = mix(colour, WHITE, LIGHTEST_BACKGROUND_WITH_TEXT)
    return min(contrast_ratio(colour, WHITE), contrast_ratio(colour, tint))


def validate_primary_colour(colour: str) -> None:
    """WCAG AA for normal text (4.5:1), checked when a manager saves the Caisse's colour."""
    if not isinstance(colour, str) or len(colour) != 7 or not colour.startswith("#"):
        return  # the format is the format validator's message
    try:
        ratio = primary_contrast(colour)
    except ValueError:
        return
    if ratio < WCAG_AA_NORMAL_TEXT:
        raise ValidationError(
            _(
                "Cette couleur n'est pas assez contrastée avec les fonds clairs des pages (le blanc et les "
                "teintes claires tirées de la couleur) : %(ratio)s pour 1, il faut au moins 4,5 pour 1 "
                "(niveau AA des règles d'accessibilité). Choisissez une couleur plus foncée."
            )
            # Rounded down: a ratio of 4.46 must not read « 4,5 pour 1 ».
            % {"ratio": number_format(math.floor(ratio * 10) / 10, 1)},
            code="contrast",
        )


def palette(colour: str) -> dict[str, str]:
    """The DSFR tokens that carry the Caisse's colour, as CSS custom properties."""
    hover, active = mix(colour, "#000000", 0.2), mix(colour, "#000000", 0.35)
    # --caisse-accent: the name the stylesheets used before the theme; kept for templates that use it.
    tokens = {"--refectoire-primary": colour, "--caisse-accent": colour}
    for kind in ("action-high", "active"):
        tokens[f"--background-{kind}-blue-france"] = colour
        tokens[f"--background-{kind}-blue-france-hover"] = hover
        tokens[f"--background-{kind}-blue-france-active"] = active
    for name in ("text-action-high", "text-title", "text-label", "text-active", "border-action-high"):
        tokens[f"--{name}-blue-france"] = colour
    tokens["--border-active-blue-france"] = colour
    tokens["--border-default-blue-france"] = mix(colour, WHITE, 0.5)
    tokens["--border-plain-blue-france"] = colour
    tokens["--artwork-major-blue-france"] = colour
    for name, share in TINTS.items():
        tint = mix(colour, WHITE, share)
        tokens[f"--background-{name}-blue-france"] = tint
        tokens[f"--background-{name}-blue-france-hover"] = mix(tint, "#000000", 0.06)
        tokens[f"--background-{name}-blue-france-active"] = mix(tint, "#000000", 0.1)
    return tokens


def palette_css(colour: str) -> str:
    return ":root{" + "".join(f"{name}:{value};" for name, value in palette(colour).items()) + "}"
