"""The Caisse's colours: WCAG contrast, checked when saved, and the DSFR tokens they replace."""

import math

import pytest
from django.core.exceptions import ValidationError

from refectoire.caisses.theme import (
    DEFAULT_PRIMARY,
    contrast_ratio,
    palette,
    palette_css,
    primary_contrast,
    validate_primary_colour,
)


def test_contrast_ratios_are_those_of_the_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    # The grey known as the lightest that passes AA on white.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#ffffff", "#767676") == contrast_ratio("#767676", "#ffffff")


@pytest.mark.parametrize("colour", [DEFAULT_PRIMARY, "#6a1b9a", "#00695c", "#123456", "#000000"])
def test_dark_colours_are_accepted(colour):
    validate_primary_colour(colour)
    assert primary_contrast(colour) >= 4.5


@pytest.mark.parametrize("colour", ["#ffff00", "#ff0000", "#1f8d49", "#ffffff"])
def test_light_colours_are_refused_with_a_french_message_that_gives_the_ratio(colour):
    with pytest.raises(ValidationError) as error:
        validate_primary_colour(colour)
    message = error.value.messages[0]
    assert "n'est pas assez contrastée" in message
    assert "4,5 pour 1" in message
    shown = math.floor(primary_contrast(colour) * 10) / 10  # rounded down, never up to 4,5
    assert f" : {shown:.1f} pour 1".replace(".", ",") in message


def test_a_colour_that_passes_on_white_but_not_on_the_light_backgrounds_is_refused():
    # #767676 reaches 4.54:1 on white, but the buttons' light tints are drawn from it too.
    assert contrast_ratio("#767676", "#ffffff") >= 4.5
    with pytest.raises(ValidationError):
        validate_primary_colour("#767676")


def test_the_palette_puts_the_colour_on_the_dsfr_action_tokens():
    tokens = palette("#6a1b9a")
    assert tokens["--background-action-high-blue-france"] == "#6a1b9a"
    assert tokens["--text-action-high-blue-france"] == "#6a1b9a"
    assert tokens["--refectoire-primary"] == tokens["--caisse-accent"] == "#6a1b9a"
    # Hover is darker, tints are lighter than the colour.
    assert contrast_ratio(tokens["--background-action-high-blue-france-hover"], "#ffffff") > contrast_ratio(
        "#6a1b9a", "#ffffff"
    )
    for name in ("alt", "contrast", "open", "action-low"):
        assert contrast_ratio("#6a1b9a", tokens[f"--background-{name}-blue-france"]) >= 4.5
    assert palette_css("#6a1b9a").startswith(":root{--refectoire-primary:#6a1b9a;")
