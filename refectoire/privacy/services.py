"""Use cases of personal data: exports, erasure requests, holds, anonymisation and the purge."""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refectoire.accounts.models import AccessLog
from refectoire.billing.models import Invoice
from refectoire.caisses.urls import caisse_reverse
from refectoire.core.lifecycle import AGENT, PARENT, SYSTEM, transition
from refectoire.core.personal_data import anonymising
from refectoire.households.models import Household
from refectoire.messaging.notifications import notify_household
from refectoire.privacy.enums import AnonymisationTrigger, ErasureState, ExportState
from refectoire.privacy.models import (
    Anonymisation,
    AnonymisationHold,
    DataExport,
    ErasureRequest,
    PrivacySettings,
)
from refectoire.privacy.registry import sections
from refectoire.privacy.selectors import (
    accounting_kept_until,
    households_due,
    privacy_settings_for,
)
from refectoire.privacy.tasks import data_export_build_task

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- settings


@transaction.atomic
def privacy_settings_update(*, caisse, **values) -> PrivacySettings:
    found = PrivacySettings.objects.select_for_update().filter(caisse=caisse).first()
    found = found or PrivacySettings(caisse=caisse)
    for name, value in values.items():
        setattr(found, name, value)
    found.full_clean()
    found.save()
    return found


# ---------------------------------------------------------------- export


@transaction.atomic
def data_export_request(*, household, user) -> DataExport:
    """Queue the building of the household's export for `user` (a guardian with an account)."""
    if not household.guardians.filter(user=user).exists():
        raise ValidationError(_("Seul un représentant du foyer peut demander ses données."))
    if (
        DataExport.objects.for_owner(user, household)
        .filter(state__in=[ExportState.QUEUED, ExportState.BUILDING])
        .exists()
    ):
        raise ValidationError(_("Vos données sont déjà en préparation : vous recevrez un courriel."))
    export = DataExport.objects.create(caisse=household.caisse, household=household, owner=user)
    transaction.on_commit(lambda: data_export_build_task.enqueue(export_id=export.pk))
    return export


@transaction.atomic
def data_export_download(*, export: DataExport, user) -> DataExport:
    """Mark the export downloaded by its owner: the link works once."""
    export = DataExport.objects.select_for_update().get(pk=export.pk)
    if export.owner_id != user.pk:
        raise ValidationError(_("Ce fichier est réservé à la personne qui l'a demandé."))
    if export.state != ExportState.READY or (export.expires_at and export.expires_at <= timezone.now()):
        raise ValidationError(_("Ce lien a déjà servi ou a expiré : demandez un nouveau fichier."))
    return transition(export, ExportState.DOWNLOADED, actor=user, by=PARENT, downloaded_at=timezone.now())


def data_exports_expire(*, now=None) -> int:
    """Delete the files of downloaded exports and of those past their 7 days (hourly job)."""
    now = now or timezone.now()
    count = 0
    due = DataExport.objects.filter(state=ExportState.DOWNLOADED) | DataExport.objects.filter(
        state=ExportState.READY, expires_at__lte=now
    )
    for export in due:
        with transaction.atomic():
            export = DataExport.objects.select_for_update().get(pk=export.pk)
            name = export.file.name
            transition(export, ExportState.EXPIRED, actor=None, by=SYSTEM, file="")
            if name:
                storage = export.file.storage
                transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
            count += 1
    return count


# ---------------------------------------------------------------- erasure requests


@dataclass
class ErasureObstacles:
    """Why an erasure request may be refused or delayed (shown to the family and to the agent)."""

    unpaid_invoices: int = 0
    accounting_until: datetime.date | None = None
    open_holds: list = field(default_factory=list)


def erasure_obstacles(*, household, on=None) -> ErasureObstacles:
    on = on or timezone.localdate()
    return ErasureObstacles(
        unpaid_invoices=Invoice.objects.filter(household=household).unpaid().count(),
        accounting_until=accounting_kept_until(household=household, on=on),
        open_holds=list(AnonymisationHold.objects.filter(household=household, lifted_at__isnull=True)),
    )


@transaction.atomic
def erasure_request_create(*, household, user, message: str = "") -> ErasureRequest:
    if not household.guardians.filter(user=user).exists():
        raise ValidationError(_("Seul un représentant du foyer peut demander la suppression du compte."))
    if ErasureRequest.objects.filter(household=household, state=ErasureState.SUBMITTED).exists():
        raise ValidationError(_("Une demande de suppression est déjà en cours."))
    request = ErasureRequest(caisse=household.caisse, household=household, requested_by=user, message=message)
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def erasure_request_cancel(*, request: ErasureRequest, user) -> ErasureRequest:
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    return transition(request, ErasureState.CANCELLED, actor=user, by=PARENT)


@transaction.atomic
def erasure_request_decide(
    *, request: ErasureRequest, agent, accept: bool, message: str = ""
) -> ErasureRequest:
    """Accept (the account is closed and the household anonymised) or refuse with a reason."""
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if not accept and not message.strip():
        raise ValidationError({"decision_message": _("Dites à la famille pourquoi sa demande est refusée.")})
    if accept and Invoice.objects.filter(household=request.household).unpaid().exists():
        raise ValidationError(
            _("Des factures de ce foyer ne sont pas réglées : refusez la demande en le disant à la famille.")
        )
    to = ErasureState.ACCEPTED if accept else ErasureState.REFUSED
    household = request.household
    if not accept:
        # Told before anything changes. Lazy texts: written in the family's language, not the agent's.
        notify_household(
            household=household,
            subject=gettext_lazy("Votre demande de suppression de compte"),
            intro=gettext_lazy("La Caisse a répondu à votre demande de suppression de compte."),
            url=settings.BASE_URL + caisse_reverse(household.caisse, "portal:privacy"),
        )
    transition(
        request,
        to,
        actor=agent,
        by=AGENT,
        message=message,
        decision_message=message,
        decided_at=timezone.now(),
    )
    if accept:
        household_anonymise(household=household, trigger=AnonymisationTrigger.REQUEST, actor=agent)
        anonymise_erasure_texts(household)
    return request


def anonymise_erasure_texts(household):
    """The family's own words in its erasure requests go too."""
    requests = ErasureRequest.objects.filter(household=household)
    ErasureRequest.history.model.objects.filter(household_id=household.pk).update(
        message="", decision_message=""
    )
    requests.update(message="", decision_message="")


# ---------------------------------------------------------------- holds


@transaction.atomic
def anonymisation_hold_set(*, household, agent, reason: str) -> AnonymisationHold:
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez pourquoi ce foyer doit être conservé.")})
    hold = AnonymisationHold(
        caisse=household.caisse, household=household, held_by=agent, reason=reason.strip()
    )
    hold.full_clean()
    hold.save()
    return hold


@transaction.atomic
def anonymisation_hold_lift(*, hold: AnonymisationHold, agent) -> AnonymisationHold:
    hold = AnonymisationHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is None:
        hold.lifted_at = timezone.now()
        hold.lifted_by = agent
        hold.save(update_fields=["lifted_at", "lifted_by", "updated_at"])
    return hold


# ---------------------------------------------------------------- anonymisation


@transaction.atomic
def household_anonymise(*, household, trigger, actor=None, on=None) -> Anonymisation:
    """Erase or replace the household's personal data in every app (rows and history), all or
    nothing. Accounting records keep amounts and numbers; while they are within their retention,
    the debtor's name and address stay (`debtor_kept_until`), erased by a later purge."""
    on = on or timezone.localdate()
    household = Household.objects.select_for_update().select_related("caisse").get(pk=household.pk)
    if (
        trigger == AnonymisationTrigger.INACTIVITY
        and AnonymisationHold.objects.filter(household=household, lifted_at__isnull=True).exists()
    ):
        raise ValidationError(_("Ce foyer est suspendu : il n'est pas anonymisé."))
    kept_until = accounting_kept_until(household=household, on=on)
    counts: dict[str, int] = {}
    with anonymising(household, keep_debtor=kept_until is not None):
        for section in sections():
            for category, number in section.anonymise(household).items():
                counts[category] = counts.get(category, 0) + number
    anonymise_erasure_texts(household)
    # Export files of this household are deleted too.
    for export in DataExport.objects.filter(household=household).exclude(file=""):
        name, storage = export.file.name, export.file.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    counts["data_exports"] = DataExport.objects.filter(household=household).update(
        file="", state=ExportState.EXPIRED
    )
    return Anonymisation.objects.create(
        caisse=household.caisse,
        household=household,
        trigger=trigger,
        actor=actor if actor is not None and actor.is_authenticated else None,
        counts=counts,
        debtor_kept_until=kept_until,
    )


class DryRun(Exception):
    """Rolls back a dry run's transaction."""


@dataclass
class PurgeReport:
    households: int = 0
    held: int = 0
    failed: int = 0
    debtors: int = 0
    access_log: int = 0
    exports: int = 0
    counts: dict = field(default_factory=dict)

    def add(self, counts):
        for category, number in counts.items():
            self.counts[category] = self.counts.get(category, 0) + number


def personal_data_purge(*, caisse, dry_run: bool = False, on=None) -> PurgeReport:
    """Anonymise the Caisse's households past their retention (each all or nothing), erase the
    debtors' identity past the accounting retention, purge the access log past its retention.
    `dry_run` does it all in transactions rolled back, so its counts are exact."""
    on = on or timezone.localdate()
    report = PurgeReport()
    settings_ = privacy_settings_for(caisse)
    for household in households_due(caisse=caisse, on=on):
        if household.held:
            report.held += 1
            continue
        try:
            with transaction.atomic():
                done = household_anonymise(
                    household=household, trigger=AnonymisationTrigger.INACTIVITY, on=on
                )
                report.add(done.counts)
                report.households += 1
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
        except Exception:
            logger.exception("household %s: anonymisation failed, nothing changed", household.pk)
            report.failed += 1
    for done in Anonymisation.objects.filter(caisse=caisse, debtor_kept_until__lte=on):
        try:
            with transaction.atomic():
                again = household_anonymise(
                    household=done.household, trigger=AnonymisationTrigger.ACCOUNTING, on=on
                )
                Anonymisation.objects.filter(pk=done.pk).update(debtor_kept_until=None)
                report.add(again.counts)
                report.debtors += 1
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
    since = timezone.now() - datetime.timedelta(days=settings_.access_log_days)
    old = AccessLog.objects.filter(caisse=caisse, at__lt=since)
    report.access_log = old.count() if dry_run else old.delete()[0]
    if not dry_run:
        report.exports = data_exports_expire()
    return report
