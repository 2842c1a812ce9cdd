"""Building a family's export: the JSON of every app's section and the family's PDFs, in one ZIP.

Run by the worker (`tasks.data_export_build_task`, enqueued by `services.data_export_request`); it
tells its progress in `DataExport.progress`, read by the « Mes données » page's live region.
"""

import datetime
import io
import json
import logging
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.accounts.language import in_language_of
from refectoire.caisses.urls import caisse_reverse
from refectoire.core.lifecycle import SYSTEM, transition
from refectoire.core.mail import mail_subject
from refectoire.core.personal_data import jsonable
from refectoire.households.models import Household
from refectoire.privacy.enums import ExportState
from refectoire.privacy.models import EXPORT_DAYS, DataExport
from refectoire.privacy.registry import sections

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "refectoire-donnees-personnelles"
EXPORT_VERSION = 1


def export_document(household) -> dict:
    """The JSON of the export (docs/formats-data-export.md): every app's section."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "caisse": {"slug": household.caisse.slug, "name": household.caisse.name},
        "sections": {section.key: jsonable(section.export(household)) for section in sections()},
    }


def _read(file) -> bytes:
    if hasattr(file, "open") and hasattr(file, "storage"):
        with file.open("rb") as handle:
            return handle.read()
    return file.read()


def data_export_build(*, export: DataExport) -> DataExport:
    """Write the export's ZIP (the JSON, then each PDF), telling its progress as it goes, then
    e-mail its owner the link. A failure leaves it failed (the family may ask again)."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().get(pk=export.pk)
        if export.state != ExportState.QUEUED:
            return export
        transition(export, ExportState.BUILDING, actor=None, by=SYSTEM, progress=5)
    try:
        household = Household.objects.select_related("caisse").get(pk=export.household_id)
        document = export_document(household)
        DataExport.objects.filter(pk=export.pk).update(progress=30)
        files = [item for section in sections() for item in section.files(household)]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("donnees.json", json.dumps(document, ensure_ascii=False, indent=2))
            for number, (name, file) in enumerate(files, start=1):
                try:
                    archive.writestr(name, _read(file))
                except FileNotFoundError:
                    logger.warning("export %s: file %s missing", export.uuid, name)
                DataExport.objects.filter(pk=export.pk).update(progress=30 + 60 * number // len(files))
        content = buffer.getvalue()
    except Exception:
        logger.exception("export %s failed", export.uuid)
        with transaction.atomic():
            export = DataExport.objects.select_for_update().get(pk=export.pk)
            transition(export, ExportState.FAILED, actor=None, by=SYSTEM)
        return export
    with transaction.atomic():
        export = DataExport.objects.select_for_update().get(pk=export.pk)
        export.file.save(f"{export.uuid}.zip", ContentFile(content), save=False)
        now = timezone.now()
        transition(
            export,
            ExportState.READY,
            actor=None,
            by=SYSTEM,
            progress=100,
            size=len(content),
            ready_at=now,
            expires_at=now + datetime.timedelta(days=EXPORT_DAYS),
            file=export.file.name,
        )
        transaction.on_commit(lambda: _email_export_ready(export))
    return export


def _email_export_ready(export):
    owner = export.owner
    caisse = export.caisse
    url = settings.BASE_URL + caisse_reverse(
        caisse, "portal:privacy_export_download", kwargs={"export_uuid": export.uuid}
    )
    with in_language_of([owner.email]):
        subject = mail_subject(caisse.name, _("Vos données sont prêtes"))
        body = _(
            "Bonjour,\n\nLe fichier de vos données est prêt. Il se télécharge une seule fois, "
            "depuis votre espace, connecté à votre compte, jusqu'au %(date)s :\n%(url)s\n\n"
            "Ce courriel est envoyé automatiquement, merci de ne pas y répondre.\n%(caisse)s"
        ) % {
            "date": timezone.localtime(export.expires_at).strftime("%d/%m/%Y"),
            "url": url,
            "caisse": caisse.name,
        }
    send_mail(subject, body, None, [owner.email], fail_silently=False)
