"""The DSFR's stylesheets and scripts lose the State's identity and keep everything else."""

import shutil
import subprocess

import pytest

from refectoire.core.dsfr_assets import strip_state_identity_css, strip_state_identity_js, vendored_text


def test_the_marianne_font_faces_go_and_the_font_family_becomes_ours():
    css = (
        '@font-face{font-family:Marianne;src:url(../fonts/Marianne-Bold.woff2) format("woff2")}'
        "@font-face{font-family:Other;src:url(other.woff2)}"
        "body{font-family:Marianne,arial,sans-serif}.fr-text--alt{font-family:Spectral,georgia,serif!important}"
    )
    assert strip_state_identity_css(css) == (
        "@font-face{font-family:Other;src:url(other.woff2)}"
        'body{font-family:"Atkinson Hyperlegible",arial,sans-serif}'
        ".fr-text--alt{font-family:georgia,serif!important}"
    )


def test_the_bloc_marque_rules_go_even_inside_media_queries_and_selector_lists():
    css = (
        '.fr-logo:before{background-image:url("data:image/svg+xml;charset=utf8,%3Csvg%3E{}%3C/svg%3E")}'
        "@media (min-width:62em){.fr-logo{font-size:1rem}.fr-header{padding:0}}"
        "@media print{.fr-logo{color:#000}}"
        ".fr-footer__brand .fr-logo,.fr-footer__brand :is(a,p){margin:0}"
    )
    assert strip_state_identity_css(css) == (
        "@media (min-width:62em){.fr-header{padding:0}}.fr-footer__brand :is(a,p){margin:0}"
    )


def test_the_palette_keeps_its_colours_under_another_name():
    css = ":root{--red-marianne-425-625:#c9191e}.fr-badge--red-marianne{color:var(--red-marianne-425-625)}"
    assert strip_state_identity_css(css) == (
        ":root{--red-brique-425-625:#c9191e}.fr-badge--red-brique{color:var(--red-brique-425-625)}"
    )


def test_the_scripts_watch_our_font_instead():
    js = 'this.styles=["font-family:Marianne","line-height: 1.5"];const O=["Marianne","Spectral"];'
    assert strip_state_identity_js(js) == (
        'this.styles=["font-family:\'Atkinson Hyperlegible\'","line-height: 1.5"];const O=["Atkinson Hyperlegible"];'
    )


def test_an_identity_element_left_behind_stops_the_build():
    with pytest.raises(ValueError, match="république"):
        strip_state_identity_css('.fr-header:after{content:"République française"}')


@pytest.mark.skipif(not shutil.which("node"), reason="node n'est pas installé")
@pytest.mark.parametrize("relative", ["dsfr/dsfr.module.min.js", "dsfr/dsfr.nomodule.min.js"])
def test_the_processed_scripts_are_still_valid_javascript(relative, tmp_path):
    script = tmp_path / "script.mjs"
    script.write_text(vendored_text(relative), encoding="utf-8")
    result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
