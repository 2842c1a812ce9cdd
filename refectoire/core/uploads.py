"""What an uploaded file really is, judged by its content, never by its name or the browser's word.

`inspect_upload` returns the checked facts, and the bytes to store, or raises a ValidationError in
French. The parsers (pypdf, Pillow) run in a child process (core/upload_probe.py) whose memory and
CPU time the kernel bounds: a bomb costs that child a few seconds at most, never the web worker.
Every way the check can fail is a refusal with a message, never a 500.

Generic: the documents of households (documents/) and the Caisse's logo (caisses/) both use it.
"""

import hashlib
import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from refectoire.core import upload_probe as probe

logger = logging.getLogger(__name__)


class FileType(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"


MAX_UPLOAD_SIZE = 10 * 1024 * 1024
MAX_PDF_PAGES = probe.MAX_PDF_PAGES
# Wall-clock limits of one check. A file's verdict is the child's CPU limit (probe.CPU_SECONDS),
# so the same file gets the same answer whatever the load: past CHECK_TIMEOUT_SECONDS a child
# still using CPU time (a loaded machine made it wait for a core) is given more time, up to
# CHECK_STARVED_TIMEOUT_SECONDS; one that stopped using any is stopped.
CHECK_TIMEOUT_SECONDS = 10
CHECK_STARVED_TIMEOUT_SECONDS = 60
PDF_ONLY = frozenset({FileType.PDF})
PDF_OR_IMAGE = frozenset({FileType.PDF, FileType.JPEG, FileType.PNG})
# A file whose name Django's parser would have dropped (see www/middleware.py). It holds a
# character the parser strips from every real name: no upload can forge it.
UNUSABLE_FILE_NAME = "\n.."
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    pages: int
    extension: str
    content: bytes  # what is stored: a PDF as sent, an image re-encoded
    peak_kilobytes: int = 0  # the peak memory of the check (bench/uploads.py reports it)


def _messages(max_pixels: int) -> dict:
    too_complex = _(
        "Ce PDF est trop grand ou trop complexe pour être vérifié : imprimez-le en PDF ou "
        "scannez-le, puis envoyez cette version."
    )
    return {
        "polyglot": _("Ce fichier contient autre chose qu'un document PDF ou une image : il est refusé."),
        "active_content": _(
            "Ce PDF contient du contenu actif (JavaScript, lancement de programme ou fichier joint) : "
            "imprimez-le en PDF puis envoyez cette version."
        ),
        "encrypted": _("Ce PDF est protégé par un mot de passe : envoyez une version sans protection."),
        "too_complex": too_complex,
        "empty_pdf": _("Ce PDF ne contient aucune page."),
        "too_many_pages": _("Ce PDF a trop de pages (%(max)d au plus).") % {"max": MAX_PDF_PAGES},
        "broken_pdf": _("Ce PDF est endommagé ou illisible."),
        "image_too_large": _(
            "Cette image est trop grande (%(max)d millions de pixels au plus) : réduisez-la puis "
            "envoyez-la à nouveau."
        )
        % {"max": max_pixels // 1_000_000},
        "broken_image": _("Cette image est endommagée ou illisible."),
    }


def _refusal(code: str, max_pixels: int = probe.MAX_JPEG_PIXELS) -> ValidationError:
    return ValidationError(_messages(max_pixels)[code], code=code)


def _probe(data: bytes, *, pdf: bool) -> tuple[dict, bytes]:
    """Run the parsers on `data` in a bounded child process; its answer, or a refusal."""
    over_budget = "too_complex" if pdf else "image_too_large"
    png = data.startswith(b"\x89PNG")
    max_pixels = probe.MAX_IMAGE_PIXELS if png else probe.MAX_JPEG_PIXELS
    try:
        returncode, stdout, stderr = _run_probe(data)
    except subprocess.TimeoutExpired as error:
        raise _refusal(over_budget, max_pixels) from error
    if returncode != 0:
        # Stopped by the kernel (CPU or memory limit) or out of memory: over its budget.
        logger.info("upload check stopped (%s): %s", returncode, stderr[-300:])
        raise _refusal(over_budget, max_pixels)
    header, _newline, content = stdout.partition(b"\n")
    facts = json.loads(header)
    if "refused" in facts:
        raise _refusal(facts["refused"], max_pixels)
    return facts, content


def _run_probe(data: bytes) -> tuple[int, bytes, bytes]:
    """The child's exit code and output. Past CHECK_TIMEOUT_SECONDS it gets another such span as
    long as it used CPU time in the last one (a loaded machine makes it wait for a core), up to
    CHECK_STARVED_TIMEOUT_SECONDS; a child that stopped working is stopped (TimeoutExpired)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "refectoire.core.upload_probe"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=_PROJECT_ROOT,
    )
    with child:
        waited, used, pending = 0, 0.0, data
        while True:
            try:
                # A retried communicate() goes on writing and reading where it stopped.
                stdout, stderr = child.communicate(pending, timeout=CHECK_TIMEOUT_SECONDS)
                return child.returncode, stdout, stderr
            except subprocess.TimeoutExpired:
                pending = None
                waited += CHECK_TIMEOUT_SECONDS
                now_used = _cpu_seconds(child.pid)
                if now_used <= used or waited >= CHECK_STARVED_TIMEOUT_SECONDS:
                    child.kill()
                    child.communicate()
                    raise
                used = now_used


def _cpu_seconds(pid: int) -> float:
    """CPU time used so far by a running child (Linux's /proc); 0 where it cannot be read (then
    CHECK_TIMEOUT_SECONDS is a plain wall-clock limit)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        # After the command's name: state is field 3, utime 14 and stime 15 (proc(5)).
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _refuse_type(allowed) -> ValidationError:
    labels = ", ".join(FileType(kind).label for kind in sorted(allowed, key=list(FileType).index))
    return ValidationError(
        _("Ce type de fichier n'est pas accepté. Formats acceptés : %(types)s.") % {"types": labels},
        code="type",
    )


def _inspect(uploaded, allowed, max_size) -> CheckedFile:
    if uploaded.name == UNUSABLE_FILE_NAME:
        raise ValidationError(
            _(
                "Le nom de ce fichier n'est pas valide : renommez-le (par exemple « document.pdf »), puis envoyez-le."
            ),
            code="file_name",
        )
    size = uploaded.size
    if not size:
        raise ValidationError(
            _("Ce fichier est vide : choisissez le bon fichier et envoyez-le de nouveau."), code="empty"
        )
    if size > max_size:
        raise ValidationError(
            _(
                "Ce fichier dépasse %(max)d Mo : réduisez sa taille (une photo moins grande, un PDF compressé), "
                "puis envoyez-le de nouveau."
            )
            % {"max": max_size // (1024 * 1024)},
            code="too_large",
        )
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    if b"%PDF-" in data[:1024]:
        if FileType.PDF not in allowed:
            raise _refuse_type(allowed)
        if not data.startswith(b"%PDF-"):
            # A PDF header hidden after other content: a polyglot file, refused.
            raise ValidationError(
                _(
                    "Ce fichier n'est pas un PDF lisible : enregistrez le document de nouveau en PDF, puis envoyez-le."
                ),
                code="polyglot",
            )
        facts, content = _probe(data, pdf=True)
        return CheckedFile(
            content_type=FileType.PDF.value,
            size=size,
            sha256=hashlib.sha256(data).hexdigest(),
            pages=facts["pages"],
            extension="pdf",
            content=data,
            peak_kilobytes=facts.get("peak_kb", 0),
        )
    kind = {b"\xff\xd8\xff": FileType.JPEG, b"\x89PNG\r\n\x1a\n": FileType.PNG}
    content_type = next((value for magic, value in kind.items() if data.startswith(magic)), None)
    if content_type is None or content_type not in allowed:
        raise _refuse_type(allowed)
    facts, content = _probe(data, pdf=False)
    return CheckedFile(
        content_type=content_type.value,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=1,
        extension="jpg" if content_type == FileType.JPEG else "png",
        content=content,
        peak_kilobytes=facts.get("peak_kb", 0),
    )


def inspect_upload(uploaded, *, allowed=PDF_OR_IMAGE, max_size: int = MAX_UPLOAD_SIZE) -> CheckedFile:
    """The checked facts of `uploaded`; a ValidationError in French for whatever is refused.

    A form's field and the service storing the file both call it: the answer is kept on the
    upload, so that the file is checked once.
    """
    cached = getattr(uploaded, "_refectoire_checked", None)
    if cached is not None and cached[0] == (frozenset(allowed), max_size):
        return cached[1]
    try:
        checked = _inspect(uploaded, allowed, max_size)
    except ValidationError:
        raise
    except Exception as error:  # a check that fails is a refusal, never a 500
        logger.exception("upload check failed")
        raise ValidationError(
            _("Ce fichier n'a pas pu être vérifié : envoyez-le à nouveau, ou dans un autre format."),
            code="unchecked",
        ) from error
    uploaded._refectoire_checked = ((frozenset(allowed), max_size), checked)
    return checked
