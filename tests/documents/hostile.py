"""Hostile uploads, built in memory: the files of the probe of issue 13, and the worst accepted ones.

Used by tests/documents and by bench/uploads.py.
"""

import io
import struct
import zipfile
import zlib


def _pdf(objects: list[bytes], *, root: int = 1, startxref: int | None = None, tail: bytes = b"") -> bytes:
    """A PDF of `objects` (numbered from 1) with a correct xref table, unless `startxref` is given."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root))
    out.write(b"startxref\n%d\n%%%%EOF\n" % (xref if startxref is None else startxref))
    return out.getvalue() + tail


def _one_page(catalog_extra: bytes = b"", page_extra: bytes = b"", more: list[bytes] = ()) -> bytes:
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page_extra + b">>",
            *more,
        ]
    )


def pdf_plain(pages: int = 1) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
            *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages,
        ]
    )


def pdf_xref_rebuild_bomb(objects: int = 500, numbers: int = 10_000) -> bytes:
    """Wrong `startxref` and big arrays of numbers: pypdf rebuilds the xref (16 s in the probe)."""
    array = b"[" + b" ".join(b"%d" % (i % 10) for i in range(numbers)) + b"]"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    bodies += [b"<< /Data " + array + b" >>"] * objects
    return _pdf(bodies, startxref=123)


def pdf_deep_page_tree(depth: int = 120) -> bytes:
    """A page tree nested `depth` levels deep (pypdf's LimitReachedError past 100)."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = 2 + level
        bodies.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (number + 1))
    bodies.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (depth + 1))
    return _pdf(bodies)


def pdf_many_kids(kids: int = 300_000) -> bytes:
    """A page tree whose root lists `kids` references to one page (1.8 MB, 300,000 /Kids)."""
    references = b" ".join([b"3 0 R"] * kids)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + references + b"] /Count %d >>" % kids,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def pdf_javascript() -> bytes:
    return _one_page(b"/OpenAction 4 0 R ", more=[b"<< /S /JavaScript /JS (app.alert('x')) >>"])


def pdf_javascript_escaped_name() -> bytes:
    return _one_page(b"/OpenAction << /S /J#61vaScript /#4A#53 (app.alert(1)) >> ")


def pdf_launch() -> bytes:
    return _one_page(page_extra=b"/AA << /O << /S /Launch /F (cmd.exe) >> >> ")


def pdf_embedded_exe() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_plain())))
    writer.add_attachment("facture.exe", b"MZ\x90\x00" + b"\x00" * 500)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return out.getvalue()


def pdf_zip_polyglot() -> bytes:
    return pdf_plain() + _zip()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_zeros(width: int, height: int, *, colour_type: int = 6) -> bytes:
    """A valid PNG of `width` × `height` black pixels, compressed row by row (no image in memory)."""
    channels = {0: 1, 2: 3, 6: 4}[colour_type]
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + width * channels)
    idat = bytearray()
    for _row in range(height):
        idat += compressor.compress(row)
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", bytes(idat)) + _chunk(b"IEND", b"")
    )


def png_photo(width: int = 20, height: int = 20) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="PNG")
    return out.getvalue()


def png_with_html() -> bytes:
    return png_photo() + b"<html><script>alert(document.cookie)</script></html>"


def jpeg_photo(width: int = 64, height: int = 48, *, noise: bool = False) -> bytes:
    from PIL import Image

    if noise:
        import os

        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (200, 120, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return out.getvalue()


def jpeg_with_zip() -> bytes:
    return jpeg_photo() + _zip()


def jpeg_claiming(width: int = 12_000, height: int = 12_000) -> bytes:
    """A few hundred bytes of JPEG whose frame header claims `width` × `height`."""
    data = bytearray(jpeg_photo(16, 16))
    frame = data.find(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)
