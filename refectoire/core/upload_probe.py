"""The costly part of checking an upload, run in a child process with bounded memory and CPU time.

`python -m refectoire.core.upload_probe` reads the file on stdin and writes one JSON line on stdout,
`{"kind": "pdf", "pages": 3}` or `{"refused": "<code>"}`, followed for an image by the image
re-encoded (what is stored: no trailing data, no metadata). It imports no Django: the parent,
core/uploads.py, turns each code into a French message. Every exception here is a refusal.
"""

import io
import json
import re
import resource
import sys
import zipfile

MAX_PDF_PAGES = 50
# Far more than a scanned or printed document of 50 pages holds; a page tree of 300,000 /Kids or
# 500 objects of 10,000 numbers rebuilt one by one is refused before pypdf works through it.
MAX_PDF_OBJECTS = 10_000
MAX_PDF_STREAM_BYTES = 50 * 1024 * 1024
# Decoded pixels held in memory at once (4 bytes each: 52 MB), far below Pillow's bomb limit of
# 89 million. A phone photo is 12 megapixels (4,032 × 3,024).
MAX_IMAGE_PIXELS = 13_000_000
# A larger JPEG (up to 4 times) is decoded at half its size, which libjpeg does at no extra cost.
MAX_JPEG_PIXELS = 4 * MAX_IMAGE_PIXELS
# The limits of the child: past them the kernel stops it and the parent refuses the file.
CPU_SECONDS = 3
ADDRESS_SPACE = 768 * 1024 * 1024

ACTIVE_NAMES = frozenset(
    {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"EF", b"RichMedia", b"XFA"}
)
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r /<>\[\]()%{}]+)")
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_BLANK = b"\r\n\t \x00\x0c"


class Refused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _limit_resources():
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _has_active_names(data: bytes) -> bool:
    for match in _NAME.finditer(data):
        name = match.group(1)
        if b"#" in name:
            name = _HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        if name in ACTIVE_NAMES:
            return True
    return False


def _ends_cleanly(data: bytes) -> bool:
    end = data.rfind(b"%%EOF")
    return end < 0 or not data[end + 5 :].strip(_BLANK)


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
# A cross-reference table, or the object of a cross-reference stream.
_XREF_NEAR = re.compile(rb"(?<!start)xref\b|\d+\s+\d+\s+obj\s*<<[^>]{0,200}/Type\s*/XRef")
XREF_SLACK = 64


def _xref_found(data: bytes) -> bool:
    """The last `startxref` points at (or within a few bytes of) a cross-reference table or stream.

    Writers that count line ends wrongly are a few bytes off, which pypdf corrects cheaply; a
    pointer elsewhere makes pypdf rebuild the table by reading every object (seconds for 10 MB).
    """
    found = list(_STARTXREF.finditer(data, max(0, len(data) - 2048)))
    if not found:
        return False
    offset = int(found[-1].group(1))
    return _XREF_NEAR.search(data, max(0, offset - XREF_SLACK), offset + XREF_SLACK + 300) is not None


def check_pdf(data: bytes) -> dict:
    # reason: the web worker imports this module for its limits; the parsers load in the child only
    from pypdf import PdfReader

    if not data.startswith(b"%PDF-") or zipfile.is_zipfile(io.BytesIO(data)) or not _ends_cleanly(data):
        raise Refused("polyglot")
    if len(_OBJECT.findall(data)) > MAX_PDF_OBJECTS:
        raise Refused("too_complex")
    if _has_active_names(data):
        raise Refused("active_content")
    if not _xref_found(data):
        # pypdf would rebuild the table by reading every object (seconds for 10 MB): refused.
        raise Refused("broken_pdf")
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise Refused("encrypted")
    size = reader.trailer.get("/Size", 0)
    if not isinstance(size, int) or size > MAX_PDF_OBJECTS:
        raise Refused("too_complex")
    # Objects packed in compressed object streams are read as the reader sees them.
    streamed = 0
    for number in sorted({number for number, _index in reader.xref_objStm.values()}):
        content = reader.get_object(number).get_data()
        streamed += len(content)
        if streamed > MAX_PDF_STREAM_BYTES:
            raise Refused("too_complex")
        if _has_active_names(content):
            raise Refused("active_content")
    declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    if isinstance(declared, int) and declared > MAX_PDF_PAGES:
        raise Refused("too_many_pages")
    pages = len(reader.pages)
    if pages == 0:
        raise Refused("empty_pdf")
    if pages > MAX_PDF_PAGES:
        raise Refused("too_many_pages")
    for page in reader.pages:
        page.mediabox  # noqa: B018  (reading each page proves the file is whole)
    return {"kind": "pdf", "pages": pages}


def _png_end(data: bytes) -> int:
    """Where the PNG's IEND chunk ends (what follows is not the image)."""
    position = 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position
    raise Refused("broken_image")


def _jpeg_end(data: bytes) -> int:
    """Where the JPEG's end-of-image marker ends, walking its segments and entropy-coded scans."""
    position = 2
    size = len(data)
    while position + 2 <= size:
        if data[position] != 0xFF:
            raise Refused("broken_image")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            return position + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 2
            continue
        if position + 4 > size:
            break
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        position += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next real marker
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= size:
                    raise Refused("broken_image")
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    position += 1 if following == 0xFF else 2
                    continue
                break
    raise Refused("broken_image")


def _allowed_jpeg_trailer(trailer: bytes) -> bool:
    # Phones append a motion photo (an MP4) or Samsung's SEFT block after the picture; both are
    # dropped when the image is re-encoded. Anything else after the image is refused.
    return trailer[4:8] == b"ftyp" or trailer.rstrip(_BLANK).endswith(b"SEFT")


def check_image(data: bytes) -> tuple[dict, bytes]:
    # reason: the web worker imports this module for its limits; the parsers load in the child only
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS
    with Image.open(io.BytesIO(data), formats=["JPEG", "PNG"]) as image:
        kind = image.format
        width, height = image.size
        pixels = width * height
        if pixels == 0:
            raise Refused("broken_image")
        if pixels > (MAX_JPEG_PIXELS if kind == "JPEG" else MAX_IMAGE_PIXELS):
            raise Refused("image_too_large")
        if kind == "PNG":
            trailer = data[_png_end(data) :]
            bits = {"1": 1, "L": 8, "P": 8, "LA": 16, "RGB": 24, "RGBA": 32}.get(image.mode, 64)
            # Deflate packs at most 1,032 bytes into one: fewer bytes cannot hold these pixels.
            if len(data) * 1100 < pixels * bits // 8:
                raise Refused("broken_image")
            if trailer.strip(_BLANK):
                raise Refused("polyglot")
        else:
            trailer = data[_jpeg_end(data) :]
            # A JPEG spends at least one bit on each block of 8 × 8 pixels.
            if len(data) * 8 < pixels // 64:
                raise Refused("broken_image")
            if trailer.strip(_BLANK) and not _allowed_jpeg_trailer(trailer):
                raise Refused("polyglot")
            if pixels > MAX_IMAGE_PIXELS:
                image.draft(image.mode, (width // 2, height // 2))
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
        out = io.BytesIO()
        if kind == "JPEG":
            if image.mode not in {"L", "RGB"}:
                image = image.convert("RGB")
            image.save(out, format="JPEG", quality=90, optimize=False)
        else:
            if image.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
                image = image.convert("RGBA")
            image.save(out, format="PNG", compress_level=1)
    return {"kind": kind.lower(), "pages": 1}, out.getvalue()


def check(data: bytes) -> tuple[dict, bytes]:
    try:
        if data.startswith(b"%PDF-"):
            return check_pdf(data), b""
        return check_image(data)
    except Refused as refusal:
        return {"refused": refusal.code}, b""
    except MemoryError:
        return {"refused": "too_complex" if data.startswith(b"%PDF-") else "image_too_large"}, b""
    except RecursionError:
        return {"refused": "too_complex"}, b""
    except Exception as error:  # every failure of a parser is a refusal, never a crash
        if type(error).__name__ == "DecompressionBombError":
            return {"refused": "image_too_large"}, b""
        kind = "broken_pdf" if data.startswith(b"%PDF-") else "broken_image"
        return {"refused": kind, "error": type(error).__name__}, b""


def _peak_kilobytes() -> int:
    """The peak resident memory of this process (VmHWM, reset at exec unlike ru_maxrss)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    _limit_resources()
    data = sys.stdin.buffer.read()
    facts, content = check(data)
    facts["peak_kb"] = _peak_kilobytes()
    sys.stdout.buffer.write(json.dumps(facts).encode() + b"\n" + content)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
