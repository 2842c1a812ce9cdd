import datetime

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.accounts.language import in_language_of
from refectoire.adultmeals.enums import Employer, RegistrationState
from refectoire.adultmeals.models import AdultExtraMeal, AdultRegistration, AdultRegistrationEvent
from refectoire.billing.enums import InvoiceKind, InvoiceState
from refectoire.core.lifecycle import ADULT, AGENT, can_move, transition
from refectoire.core.mail import mail_subject


def _lock(registration) -> None:
    AdultRegistration.objects.select_for_update().filter(pk=registration.pk).exists()
    registration.refresh_from_db()


@transaction.atomic
def adult_registration_submit(
    *, caisse, user, school, role, employer, weekdays, starts_on, employer_name=""
) -> AdultRegistration:
    """A member of a school's staff asks to eat at the canteen on `weekdays` from `starts_on`."""
    if school.caisse_id != caisse.pk:
        raise ValueError("school of another Caisse")
    if employer == Employer.OTHER and not employer_name:
        raise ValidationError({"employer_name": _("Indiquez le nom de votre employeur.")})
    days = "".join(sorted(set(weekdays)))
    outside = [day for day in days if day not in school.weekdays]
    if outside:
        raise ValidationError({"weekdays": _("L'établissement ne sert pas de repas certains de ces jours.")})
    still_running = (
        AdultRegistration.objects.filter(
            caisse=caisse, user=user, school=school, state=RegistrationState.ENDED, ends_on__gte=starts_on
        )
        .order_by("-ends_on")
        .first()
    )
    if still_running is not None:
        raise ValidationError(
            {
                "starts_on": _(
                    "Votre inscription précédente dans cet établissement court jusqu'au %(day)s : "
                    "choisissez un premier jour après cette date."
                )
                % {"day": still_running.ends_on.strftime("%d/%m/%Y")}
            }
        )
    registration = AdultRegistration(
        caisse=caisse,
        user=user,
        school=school,
        role=role,
        employer=employer,
        employer_name=employer_name if employer == Employer.OTHER else "",
        weekdays=days,
        starts_on=starts_on,
    )
    registration.full_clean()
    registration.save()
    AdultRegistrationEvent.objects.create(
        registration=registration, actor=user, to_state=registration.state, message=_("Inscription envoyée.")
    )
    return registration


@transaction.atomic
def adult_registration_validate(*, registration, actor) -> AdultRegistration:
    _lock(registration)
    registration.decided_at, registration.decided_by = timezone.now(), actor
    return transition(
        registration, RegistrationState.VALIDATED, actor=actor, by=AGENT, message=_("Inscription validée.")
    )


@transaction.atomic
def adult_registration_reject(*, registration, actor, reason: str) -> AdultRegistration:
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    _lock(registration)
    registration.decided_at, registration.decided_by, registration.decision_reason = (
        timezone.now(),
        actor,
        reason,
    )
    return transition(registration, RegistrationState.REJECTED, actor=actor, by=AGENT, message=reason)


def _invoiced_until(registration) -> datetime.date | None:
    """The last day of the latest billing period already invoiced to `registration`."""
    return registration.invoices.filter(
        kind=InvoiceKind.INVOICE,
        state__in=[InvoiceState.ISSUED, InvoiceState.CANCELLED],
        period__isnull=False,
    ).aggregate(last=Max("period__end_date"))["last"]


@transaction.atomic
def adult_registration_end(
    *, registration, last_day: datetime.date, actor, reason: str = "", today: datetime.date | None = None
) -> AdultRegistration:
    """End a validated registration after `last_day` (included): the billing runs bill up to it.

    The adult (`actor` is the registration's user, « Mettre fin à mon inscription ») picks a day
    not in the past; an agent any day from the first one (the teacher left mid-period), with a
    reason, and the adult is told by e-mail. Days already invoiced stay invoiced: the last day is
    never before the end of the last invoiced period.
    """
    today = today or timezone.localdate()
    _lock(registration)
    by_adult = actor is not None and actor.pk == registration.user_id
    reason = reason.strip()
    if not can_move(registration, RegistrationState.ENDED):
        raise ValidationError(_("Seule une inscription validée peut prendre fin."))
    if last_day < registration.starts_on:
        raise ValidationError(
            {
                "last_day": _(
                    "Le dernier jour ne peut pas précéder le premier jour de l'inscription (%(day)s)."
                )
                % {"day": registration.starts_on.strftime("%d/%m/%Y")}
            }
        )
    if by_adult and last_day < today:
        raise ValidationError({"last_day": _("Le dernier jour ne peut pas être dans le passé.")})
    if not by_adult and not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la fin de l'inscription.")})
    invoiced_until = _invoiced_until(registration)
    if invoiced_until is not None and last_day < invoiced_until:
        raise ValidationError(
            {
                "last_day": _(
                    "Les repas jusqu'au %(day)s sont déjà facturés : choisissez ce jour ou un jour après "
                    "(un trop-perçu se rembourse par un avoir)."
                )
                % {"day": invoiced_until.strftime("%d/%m/%Y")}
            }
        )
    registration.ends_on = last_day
    message = _("Fin de l'inscription : dernier jour le %(day)s.") % {"day": last_day.strftime("%d/%m/%Y")}
    if reason:
        message = f"{message} {reason}"
    transition(
        registration, RegistrationState.ENDED, actor=actor, by=ADULT if by_adult else AGENT, message=message
    )
    if not by_adult:
        transaction.on_commit(lambda: _ended_by_agent_email(registration, reason))
    return registration


def _ended_by_agent_email(registration, reason: str) -> None:
    email = registration.user.email
    if not email:
        return
    caisse = registration.caisse
    with in_language_of([email]):
        send_mail(
            subject=mail_subject(caisse.name, _("Fin de votre inscription à la restauration adulte")),
            message=_(
                "Bonjour,\n\nLa Caisse des écoles a mis fin à votre inscription à la restauration adulte "
                "de l'établissement « %(school)s ». Dernier jour : le %(day)s ; les repas sont facturés "
                "jusqu'à ce jour inclus.\n\nMotif : %(reason)s\n\nRestauration adulte : %(url)s"
                "\n\n%(caisse)s\n%(contact)s"
            )
            % {
                "school": registration.school.name,
                "day": registration.ends_on.strftime("%d/%m/%Y"),
                "reason": reason,
                "url": caisse.absolute_url("portal:adult_meals"),
                "caisse": caisse.name,
                "contact": caisse.contact_email,
            },
            from_email=None,
            recipient_list=[email],
        )


@transaction.atomic
def adult_registration_cancel(*, registration, actor, reason: str = "") -> AdultRegistration:
    """The adult cancels a registration still waiting for validation (nothing was billed)."""
    _lock(registration)
    if not can_move(registration, RegistrationState.CANCELLED):
        raise ValidationError(_("Seule une inscription en attente de validation peut être annulée."))
    message = _("Inscription annulée.")
    if reason.strip():
        message = f"{message} {reason.strip()}"
    by = ADULT if actor is not None and actor.pk == registration.user_id else AGENT
    return transition(registration, RegistrationState.CANCELLED, actor=actor, by=by, message=message)


@transaction.atomic
def adult_extra_meals_record(*, registration, day, count: int, actor) -> AdultExtraMeal | None:
    """Set the number of off-schedule meals of `registration` on `day` (0 removes the line).

    An ended registration still receives them up to its last day."""
    ended_before = (
        registration.state == RegistrationState.ENDED
        and registration.ends_on is not None
        and day <= registration.ends_on
    )
    if registration.state != RegistrationState.VALIDATED and not ended_before:
        raise ValidationError(_("Seule une inscription validée reçoit des repas."))
    if count < 0:
        raise ValidationError({"count": _("Le nombre de repas ne peut pas être négatif.")})
    if count == 0:
        AdultExtraMeal.objects.filter(registration=registration, day=day).delete()
        return None
    meal, _created = AdultExtraMeal.objects.update_or_create(
        registration=registration, day=day, defaults={"count": count, "recorded_by": actor}
    )
    return meal
