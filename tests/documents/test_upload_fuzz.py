"""Generated hostile PDFs and images: every check ends in a stored file or a French refusal (no
500), and no accepted file costs its check more than the budget of memory."""

import struct

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refectoire.core.uploads import inspect_upload
from tests.documents import hostile

MEMORY_BUDGET_KB = 100 * 1024
TOKENS = [
    b"/JavaScript",
    b"/J#53",
    b"/Kids [",
    b"]",
    b"<<",
    b">>",
    b" 0 R ",
    b"startxref\n0\n%%EOF",
    b"%%EOF",
    b"1 0 obj",
    b"/Length 999999999",
    b"stream\n",
    b"\xff\xd9",
    b"\xff\xda\x00\x02",
    b"IEND",
    b"PK\x05\x06" + b"\x00" * 18,
    b"\x00" * 64,
]
BASES = {
    "pdf": hostile.pdf_plain(2),
    "png": hostile.png_photo(24, 16),
    "jpeg": hostile.jpeg_photo(32, 24),
}


@st.composite
def hostile_files(draw):
    data = bytearray(BASES[draw(st.sampled_from(sorted(BASES)))])
    if data.startswith(b"\x89PNG") and draw(st.booleans()):
        width, height = draw(st.integers(0, 2**31 - 1)), draw(st.integers(0, 2**31 - 1))
        data[16:24] = struct.pack(">II", width, height)  # IHDR claims (its CRC now wrong or not)
    if data.startswith(b"\xff\xd8") and draw(st.booleans()):
        frame = data.find(b"\xff\xc0")
        data[frame + 5 : frame + 9] = struct.pack(
            ">HH", draw(st.integers(0, 65535)), draw(st.integers(0, 65535))
        )
    for _edit in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "flip", "truncate", "repeat"]))
        if action == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS + [draw(st.binary(min_size=1, max_size=16))]))
        elif action == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif action == "truncate" and at > 8:
            del data[at:]
        elif action == "repeat":
            data[at:at] = draw(st.sampled_from(TOKENS)) * draw(st.integers(1, 20_000))
    return bytes(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=hostile_files())
def test_every_generated_upload_is_stored_or_refused_within_budget(content):
    try:
        checked = inspect_upload(SimpleUploadedFile("fichier", content))
    except ValidationError as refusal:
        assert refusal.messages and all(message.strip() for message in refusal.messages)
        assert refusal.code != "unchecked", "a check failed instead of judging the file"
    else:
        assert checked.content
        assert 0 < checked.peak_kilobytes < MEMORY_BUDGET_KB
