"""What an uploaded file really is, judged by its content, never by its name or the browser's word.

`inspect_upload` returns the checked facts or raises a ValidationError in French.
"""

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from refectoire.documents.enums import FileType

MAX_UPLOAD_SIZE = 10 * 1024 * 1024
MAX_PDF_PAGES = 50
PDF_ONLY = frozenset({FileType.PDF})
PDF_OR_IMAGE = frozenset({FileType.PDF, FileType.JPEG, FileType.PNG})


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    pages: int
    extension: str


def _read(uploaded) -> bytes:
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    return data


def _check_pdf(data: bytes) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if b"%PDF-" not in data[:1024]:
        raise ValidationError(_("Ce fichier n'est pas un PDF valide."), code="not_pdf")
    if not data[:8].startswith(b"%PDF-"):
        # A PDF header hidden after other content: a polyglot file, refused.
        raise ValidationError(_("Ce fichier n'est pas un PDF valide."), code="polyglot")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("Ce PDF est protégé par un mot de passe : envoyez une version sans protection."),
                code="encrypted",
            )
        pages = len(reader.pages)
        for page in reader.pages[:MAX_PDF_PAGES]:
            page.mediabox  # noqa: B018  (reading each page proves the file is whole)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, IndexError, AttributeError) as error:
        raise ValidationError(_("Ce PDF est endommagé ou illisible."), code="broken_pdf") from error
    if pages == 0:
        raise ValidationError(_("Ce PDF ne contient aucune page."), code="empty_pdf")
    if pages > MAX_PDF_PAGES:
        raise ValidationError(
            _("Ce PDF a trop de pages (%(max)d au plus).") % {"max": MAX_PDF_PAGES}, code="too_many_pages"
        )
    return pages


def _check_image(data: bytes) -> str:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Cette image est endommagée ou illisible."), code="broken_image") from error
    if kind == "JPEG":
        return FileType.JPEG
    if kind == "PNG":
        return FileType.PNG
    raise ValidationError(_("Seules les images JPEG et PNG sont acceptées."), code="image_type")


def _accepted_label(allowed) -> str:
    return ", ".join(FileType(kind).label for kind in sorted(allowed, key=list(FileType).index))


def inspect_upload(uploaded, *, allowed=PDF_OR_IMAGE, max_size: int = MAX_UPLOAD_SIZE) -> CheckedFile:
    size = uploaded.size
    if not size:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    if size > max_size:
        raise ValidationError(
            _("Le fichier dépasse %(max)d Mo.") % {"max": max_size // (1024 * 1024)}, code="too_large"
        )
    data = _read(uploaded)
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        if FileType.PDF not in allowed:
            raise ValidationError(
                _("Format refusé : %(types)s seulement.") % {"types": _accepted_label(allowed)}
            )
        pages = _check_pdf(data)
        content_type, extension = FileType.PDF, "pdf"
    elif data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n"):
        content_type = _check_image(data)
        if content_type not in allowed:
            raise ValidationError(
                _("Format refusé : %(types)s seulement.") % {"types": _accepted_label(allowed)}
            )
        pages, extension = 1, "jpg" if content_type == FileType.JPEG else "png"
    else:
        raise ValidationError(
            _("Format refusé : %(types)s seulement.") % {"types": _accepted_label(allowed)}, code="type"
        )
    return CheckedFile(
        content_type=str(content_type),
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
        extension=extension,
    )
