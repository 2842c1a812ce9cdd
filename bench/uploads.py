"""The check of an upload (issue 13): the worst files the checks accept, and the bombs they refuse.

Each file goes through `inspect_upload` as a form's field does; the check's child process reports
its own peak memory (VmHWM) and the kernel its CPU time. Target: the worst accepted file is checked
in under 1 s and 100 MB.
"""

import io
import os
import random
import resource
import sys
import time

RUNS = 3


def _noisy_image(width: int, height: int, mode: str, *, grain: int, seed: int):
    """A photo-like image: smooth noise `grain` pixels wide (compresses like a real photo)."""
    from PIL import Image

    rng = random.Random(seed)
    small = (max(1, width // grain), max(1, height // grain))
    channels = len(mode)
    noise = Image.frombytes(
        mode, small, bytes(rng.getrandbits(8) for _ in range(small[0] * small[1] * channels))
    )
    return noise.resize((width, height), Image.Resampling.BILINEAR)


def _encoded(image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, **options)
    return out.getvalue()


def _fit(build, limit: int = 10 * 1024 * 1024) -> bytes:
    """The largest file `build(step)` makes under `limit`, trying coarser steps until it fits."""
    for step in range(1, 40):
        data = build(step)
        if len(data) <= limit:
            return data
    raise RuntimeError("no file fits")


def worst_pdf() -> bytes:
    """10 MB, 50 pages each with an uncompressed image, and objects up to the budget."""
    from refectoire.core.upload_probe import MAX_PDF_OBJECTS, MAX_PDF_PAGES
    from tests.documents.hostile import _pdf

    rng = random.Random(13)
    pages = MAX_PDF_PAGES
    image_bytes = (10 * 1024 * 1024 - 1_200_000) // pages
    side = int((image_bytes / 3) ** 0.5)
    first_page = 3
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = b" ".join(b"%d 0 R" % (first_page + 3 * i) for i in range(pages))
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages)
    for index in range(pages):
        content, image = first_page + 3 * index + 1, first_page + 3 * index + 2
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /XObject << /Im0 %d 0 R >> >> >>" % (content, image)
        )
        drawing = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
        objects.append(b"<< /Length %d >>\nstream\n" % len(drawing) + drawing + b"\nendstream")
        pixels = rng.randbytes(side * side * 3)
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Length %d >>\nstream\n"
            % (side, side, len(pixels))
            + pixels
            + b"\nendstream"
        )
    assert len(objects) == first_page - 1 + 3 * pages
    filler = MAX_PDF_OBJECTS - len(objects) - 10
    objects += [b"<< /Annotation (note %d) /Rect [0 0 10 10] >>" % i for i in range(filler)]
    return _pdf(objects)


def worst_jpeg_full_size() -> bytes:
    """A 10 MB photo of 13 megapixels (4,160 × 3,120), decoded whole."""
    image = _noisy_image(4160, 3120, "RGB", grain=2, seed=1)
    return _fit(lambda step: _encoded(image, format="JPEG", quality=92 - 4 * step))


def worst_jpeg_half_size() -> bytes:
    """A 10 MB photo of 52 megapixels (8,320 × 6,240), decoded at half its size."""
    image = _noisy_image(8320, 6240, "RGB", grain=4, seed=2)
    return _fit(lambda step: _encoded(image, format="JPEG", quality=80 - 5 * step))


def worst_png() -> bytes:
    """A 10 MB PNG of 13 megapixels with transparency (RGBA: 4 bytes a pixel): a band of noise
    (which no compression shrinks) over a plain background."""
    from PIL import Image

    width, height = 4160, 3120
    band = (10 * 1024 * 1024 - 200_000) // (width * 4)
    image = Image.new("RGBA", (width, height), (240, 240, 230, 255))
    image.paste(Image.frombytes("RGBA", (width, band), random.Random(3).randbytes(width * band * 4)), (0, 0))
    return _encoded(image, format="PNG", compress_level=1)


def refused_files() -> dict:
    from tests.documents import hostile

    return {
        "PDF, startxref faux et 500 objets de 10 000 nombres (10 Mo)": hostile.pdf_xref_rebuild_bomb(),
        "PDF, 300 000 /Kids (1,8 Mo)": hostile.pdf_many_kids(),
        "PNG 13 300 × 13 300 RGBA (688 Ko)": hostile.png_of_zeros(13_300, 13_300),
        "JPEG de 633 octets annonçant 12 000 × 12 000": hostile.jpeg_claiming(),
    }


def measure(data: bytes) -> tuple[float, float, int, str]:
    """Wall time, CPU time of the check's child, its peak memory (kB), and the outcome."""
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from refectoire.core.uploads import inspect_upload

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        checked = inspect_upload(SimpleUploadedFile("fichier", data))
        outcome, peak = "acceptée", checked.peak_kilobytes
    except ValidationError as refusal:
        outcome, peak = f"refusée : « {refusal.messages[0]} »", 0
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak, outcome


def run() -> None:
    from bench.machine import django_setup

    django_setup()
    from django.utils import timezone, translation

    from bench.machine import describe, write_section
    from refectoire.core.upload_probe import ADDRESS_SPACE, CPU_SECONDS
    from refectoire.core.uploads import CHECK_TIMEOUT_SECONDS

    translation.activate("fr")
    accepted = {
        "PDF de 10 Mo : 50 pages d'images, 10 000 objets": worst_pdf(),
        "JPEG de 10 Mo, 13 mégapixels (décodé entier)": worst_jpeg_full_size(),
        "JPEG de 10 Mo, 52 mégapixels (décodé à moitié)": worst_jpeg_half_size(),
        "PNG de 10 Mo, 13 mégapixels RGBA": worst_png(),
    }
    rows = []
    worst_wall = worst_peak = 0.0
    for group, files in [("acceptés", accepted), ("refusés", refused_files())]:
        for label, data in files.items():
            runs = [measure(data) for _run in range(RUNS)]
            wall = max(run[0] for run in runs)
            cpu = max(run[1] for run in runs)
            peak = max(run[2] for run in runs) / 1024
            outcome = runs[0][3]
            if group == "acceptés":
                assert outcome == "acceptée", (label, outcome)
                worst_wall, worst_peak = max(worst_wall, wall), max(worst_peak, peak)
            size = f"{len(data) / 1024 / 1024:.1f} Mo"
            peak_text = f"{peak:.0f}" if peak else "—"
            rows.append(f"| {label} | {size} | {wall:.2f} | {cpu:.2f} | {peak_text} | {outcome} |")
            print(f"{label}: {wall:.2f} s, CPU {cpu:.2f} s, {peak_text} Mio, {outcome}", file=sys.stdout)
    machine = describe()
    load = os.getloadavg()[0]
    body = (
        "## Vérification des fichiers envoyés (uploads)\n\n"
        "`./dev bench uploads`: each file goes through `inspect_upload` as a form's field does; the "
        "parsers run in a child process (core/upload_probe.py) limited to "
        f"{CPU_SECONDS} s of CPU and {ADDRESS_SPACE // 1024 // 1024} Mio of address space, stopped after "
        f"{CHECK_TIMEOUT_SECONDS} s. Worst of {RUNS} runs: wall time of the check (the start of the "
        "child included), CPU time of the child, its peak resident memory (VmHWM). "
        "The web worker itself only holds the file (10 Mo at most) and the re-encoded image.\n\n"
        f"Machine: {machine}. Measured on {timezone.localdate():%d/%m/%Y}, load average "
        f"{load:.1f} on {os.cpu_count()} cores"
        + (
            " (the machine was shared: wall times include waiting for a core; the CPU time is what one "
            "check costs).\n\n"
            if load >= 1
            else " (an idle machine).\n\n"
        )
        + "| file | size | wall (s) | CPU (s) | peak memory (Mio) | outcome |\n"
        "| --- | ---: | ---: | ---: | ---: | --- |\n" + "\n".join(rows) + "\n\n"
        f"Worst accepted file: {worst_wall:.2f} s and {worst_peak:.0f} Mio. Target: under 1 s and 100 Mo."
    )
    write_section("uploads", body)
