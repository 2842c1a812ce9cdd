"""A Caisse's logo and favicon, as served to the browser."""

import io
import re
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from refectoire.caisses.models import Caisse

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts" / "atkinson-hyperlegible"
BOLD_FONT = FONTS / "atkinson-hyperlegible-latin-700-normal.woff2"
REGULAR_FONT = FONTS / "atkinson-hyperlegible-latin-400-normal.woff2"
FAVICON_SIZE = 180  # also the « apple-touch-icon » size; browsers scale it down for a tab
LOGO_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


def logo_content_type(caisse: Caisse) -> str:
    return LOGO_CONTENT_TYPES[caisse.logo.name.rsplit(".", 1)[-1].lower()]


def favicon_text(caisse: Caisse) -> str:
    """What the favicon says without a logo: the arrondissement (« 11e ») or the name's first letter."""
    numbered = re.search(r"\b(\d{1,3}(?:e|er))\b", caisse.name)
    if numbered:
        return numbered.group(1)
    return (caisse.name.strip()[:1] or "?").upper()


def favicon_png(caisse: Caisse) -> bytes:
    """The logo fitted in a white square, or the favicon text in white on the primary colour."""
    size = FAVICON_SIZE
    if caisse.logo:
        with caisse.logo.open("rb") as file, Image.open(file) as logo:
            logo = logo.convert("RGBA")
            logo.thumbnail((size, size), Image.Resampling.LANCZOS)
            icon = Image.new("RGBA", (size, size), "#ffffff")
            icon.alpha_composite(logo, ((size - logo.width) // 2, (size - logo.height) // 2))
    else:
        icon = Image.new("RGBA", (size, size), caisse.accent_colour)
        text = favicon_text(caisse)
        draw = ImageDraw.Draw(icon)
        font = ImageFont.truetype(str(BOLD_FONT), size=round(size * (0.62 if len(text) < 3 else 0.46)))
        draw.text((size / 2, size / 2), text, fill="#ffffff", font=font, anchor="mm")
    output = io.BytesIO()
    icon.convert("RGB").save(output, format="PNG", optimize=True)
    return output.getvalue()
