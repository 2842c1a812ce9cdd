"""The DSFR's MIT-licensed components, without the French State's identity.

The DSFR's stylesheets and scripts (shipped by the django-dsfr package) carry the State's identity:
the Marianne font (its @font-face rules and font-family), and the « bloc-marque » (`.fr-logo`, whose
rules draw the Marianne and « République française »). Its terms reserve them to State entities; a
Caisse des écoles is not one. `strip_state_identity_css` and `strip_state_identity_js` remove them
and put Réfectoire's font in their place; `manage.py vendor_dsfr` writes the result under
refectoire/static/dsfr/dist/ (see docs/design.md), and a test checks that what is committed is what
the installed package gives.
"""

from pathlib import Path

# Réfectoire's font (refectoire/static/fonts/), designed for legibility by low-vision readers.
FONT_FAMILY = '"Atkinson Hyperlegible"'
# The DSFR's palette names a red after the Marianne; the name goes, the colours stay.
PALETTE_RENAMES = {"red-marianne": "red-brique"}
STATE_FONTS = ("Marianne", "Spectral")

# Files served from the installed django-dsfr package, processed; paths below static/dsfr/dist/.
VENDORED_FILES = (
    "dsfr/dsfr.min.css",
    "dsfr/dsfr.module.min.js",
    "dsfr/dsfr.nomodule.min.js",
    "utility/utility.min.css",
)


def dsfr_dist() -> Path:
    import dsfr  # reason: the vendored DSFR package is only needed by the vendor_dsfr command

    return Path(dsfr.__file__).resolve().parent / "static" / "dsfr" / "dist"


def _blocks(css: str):
    """Top-level items of a stylesheet: (prelude, body) for a block, (statement, None) otherwise."""
    start = depth = index = 0
    body_start = None
    quote = None
    length = len(css)
    while index < length:
        char = css[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif css.startswith("/*", index):
            end = css.find("*/", index + 2)
            index = length if end < 0 else end + 1
        elif char == "{":
            depth += 1
            if depth == 1:
                body_start = index + 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                yield css[start : body_start - 1], css[body_start:index]
                start = index + 1
        elif char == ";" and depth == 0:
            yield css[start : index + 1], None
            start = index + 1
        index += 1
    if css[start:].strip():
        yield css[start:], None


def _selectors(prelude: str) -> list[str]:
    """A selector list split on its top-level commas (not those inside :is(), :not()...)."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def _strip_rules(css: str) -> str:
    out = []
    for prelude, body in _blocks(css):
        if body is None:
            out.append(prelude)
            continue
        head = prelude.strip()
        if head.startswith("@font-face"):
            if not any(font in body for font in STATE_FONTS):
                out.append(f"{prelude}{{{body}}}")
        elif head.startswith(("@media", "@supports", "@layer", "@container")):
            inner = _strip_rules(body)
            if inner.strip():
                out.append(f"{prelude}{{{inner}}}")
        elif head.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            kept = [selector for selector in _selectors(prelude) if "fr-logo" not in selector]
            if kept:
                out.append(f"{','.join(kept)}{{{body}}}")
    return "".join(out)


def _rename_palette(text: str) -> str:
    for old, new in PALETTE_RENAMES.items():
        text = text.replace(old, new)
    return text


def strip_state_identity_css(css: str) -> str:
    css = _strip_rules(css)
    css = css.replace("font-family:Marianne,", f"font-family:{FONT_FAMILY},")
    css = css.replace("font-family:Spectral,", "font-family:")
    css = _rename_palette(css)
    _check_clean(css)
    return css


def strip_state_identity_js(js: str) -> str:
    # The scripts only name the fonts: a console style (inside a "..." string, hence the single quotes)
    # and the list of fonts whose loading they watch.
    js = js.replace("font-family:Marianne", "font-family:'Atkinson Hyperlegible'")
    js = js.replace('["Marianne","Spectral"]', '["Atkinson Hyperlegible"]')
    js = _rename_palette(js)
    _check_clean(js)
    return js


def _check_clean(text: str) -> None:
    lowered = text.lower()
    for word in ("marianne", "spectral", "fr-logo", "république", "republique"):
        if word in lowered:
            raise ValueError(f"the DSFR asset still names {word!r}: update refectoire/core/dsfr_assets.py")


def vendored_text(relative: str) -> str:
    """What static/dsfr/dist/<relative> holds: the package's file without the State's identity."""
    text = (dsfr_dist() / relative).read_text(encoding="utf-8")
    if relative.endswith(".css"):
        return strip_state_identity_css(text)
    return strip_state_identity_js(text)
