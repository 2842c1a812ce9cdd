"""The QR code that opens a Caisse's portal from a phone (as the 11e guide shows it), drawn on the
server as SVG by segno: no script, no image request, no third party."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_code_svg(url: str, *, title: str) -> SafeString:
    """An inline SVG of `url`'s QR code; `title` is its text alternative (role="img")."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff", title=title)
    # segno writes the <title> (escaped) itself; the role makes it read as one image.
    return mark_safe(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))
