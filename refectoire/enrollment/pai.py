"""Use cases of the PAI (projet d'accueil individualisé): the parent declares it with the signed
document, an agent validates or refuses it with a reason, the family is told by e-mail, and is
reminded 30 days before it ends. Health data: see docs/menus.md for who may see it."""

import datetime

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.accounts.language import in_language_of
from refectoire.core.lifecycle import AGENT, PARENT, transition
from refectoire.core.mail import mail_subject
from refectoire.documents.enums import DocumentKind
from refectoire.documents.services import document_store
from refectoire.enrollment.enums import Allergen, PaiKind, PaiState
from refectoire.enrollment.models import Pai
from refectoire.households.selectors import household_emails

REMINDER_DAYS = 30


def _notify(pai, subject: str, intro: str) -> None:
    """One e-mail to the guardians, in their language, with no health data beyond the child's name."""
    recipients = household_emails(pai.household)
    if not recipients:
        return
    caisse = pai.caisse
    with in_language_of(recipients):
        subject = str(subject)
        body = _(
            "Bonjour,\n\n%(intro)s\n\nVos PAI : %(url)s\n\n"
            "Ce courriel est envoyé automatiquement, merci de ne pas y répondre.\n%(caisse)s"
        ) % {"intro": intro, "url": caisse.absolute_url("portal:pai_list"), "caisse": caisse.name}
    transaction.on_commit(
        lambda: send_mail(mail_subject(caisse.name, subject), body, None, recipients, fail_silently=False)
    )


def _clean_allergens(allergens) -> list[str]:
    codes = list(dict.fromkeys(allergens or []))
    known = set(Allergen.values)
    if any(code not in known for code in codes):
        raise ValidationError({"allergens": _("Choisissez les allergènes dans la liste.")})
    return [code for code in Allergen.values if code in codes]


@transaction.atomic
def pai_declare(
    *,
    household,
    child,
    kind: str,
    allergens,
    starts_on: datetime.date,
    ends_on: datetime.date,
    uploaded_file,
    actor,
) -> Pai:
    """The parent declares a PAI for `child`, with the signed PAI; it waits for an agent."""
    errors = {}
    if child.household_id != household.pk:
        raise ValidationError(_("Cet enfant n'est pas dans votre foyer."))
    if kind not in PaiKind.values:
        errors["kind"] = _("Choisissez le type de PAI.")
    try:
        codes = _clean_allergens(allergens)
    except ValidationError as error:
        errors.update(error.message_dict)
        codes = []
    if kind != PaiKind.EVICTION and kind in PaiKind.values and not codes and not errors.get("allergens"):
        errors["allergens"] = _("Indiquez au moins un allergène concerné.")
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = _("La fin de validité doit suivre son début.")
        elif ends_on > _one_year_after(starts_on):
            errors["ends_on"] = _("Un PAI vaut une année scolaire au plus : indiquez une fin plus proche.")
    if uploaded_file is None:
        errors["document"] = _("Joignez le PAI signé.")
    if errors:
        raise ValidationError(errors)
    try:
        document = document_store(
            caisse=household.caisse,
            household=household,
            uploaded_file=uploaded_file,
            kind=DocumentKind.PAI,
            uploaded_by=actor,
        )
    except ValidationError as error:
        raise ValidationError({"document": error.messages}) from error
    return Pai.objects.create(
        caisse=household.caisse,
        household=household,
        child=child,
        kind=kind,
        allergens=codes,
        starts_on=starts_on,
        ends_on=ends_on,
        document=document,
        declared_by=actor,
    )


def _one_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _locked(pai) -> Pai:
    return Pai.objects.select_for_update().select_related("caisse", "household", "child").get(pk=pai.pk)


@transaction.atomic
def pai_validate(*, pai, agent) -> Pai:
    pai = _locked(pai)
    transition(pai, PaiState.VALIDATED, actor=agent, by=AGENT, decided_by=agent, decided_at=timezone.now())
    _notify(
        pai,
        _("PAI validé"),
        _("Le PAI de %(child)s est validé : la cantine en tient compte du %(start)s au %(end)s.")
        % {
            "child": pai.child.first_name,
            "start": f"{pai.starts_on:%d/%m/%Y}",
            "end": f"{pai.ends_on:%d/%m/%Y}",
        },
    )
    return pai


@transaction.atomic
def pai_refuse(*, pai, agent, reason: str) -> Pai:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Écrivez le motif du refus : la famille le lira.")})
    pai = _locked(pai)
    transition(
        pai,
        PaiState.REFUSED,
        actor=agent,
        by=AGENT,
        message=reason,
        reason=reason,
        decided_by=agent,
        decided_at=timezone.now(),
    )
    _notify(
        pai,
        _("PAI refusé"),
        _("Le PAI de %(child)s n'est pas validé.") % {"child": pai.child.first_name}
        + "\n"
        + _("Motif : %(message)s") % {"message": reason},
    )
    return pai


@transaction.atomic
def pai_cancel(*, pai, actor, by=PARENT, reason: str = "") -> Pai:
    pai = _locked(pai)
    return transition(pai, PaiState.CANCELLED, actor=actor, by=by, message=reason.strip())


def pai_remind_expiring(*, today: datetime.date | None = None) -> int:
    """Remind the family of every validated PAI ending within 30 days (once per PAI); the number sent."""
    today = today or timezone.localdate()
    due = Pai.objects.validated().filter(
        ends_on__gte=today,
        ends_on__lte=today + datetime.timedelta(days=REMINDER_DAYS),
        expiry_reminded_at=None,
    )
    sent = 0
    for pai_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            pai = _locked(Pai(pk=pai_id))
            if pai.expiry_reminded_at is not None or pai.state != PaiState.VALIDATED:
                continue
            pai.expiry_reminded_at = timezone.now()
            pai.save(update_fields=["expiry_reminded_at", "updated_at"])
            _notify(
                pai,
                _("PAI bientôt échu"),
                _(
                    "Le PAI de %(child)s prend fin le %(end)s. Pensez à déclarer le nouveau PAI signé "
                    "pour que la cantine continue d'en tenir compte."
                )
                % {"child": pai.child.first_name, "end": f"{pai.ends_on:%d/%m/%Y}"},
            )
            sent += 1
    return sent
