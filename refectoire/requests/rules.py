"""The rules a request is checked against when it is sent; each failure says which rule, in French."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from refectoire.billing.models import Credit
from refectoire.documents.enums import DocumentKind
from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.selectors import meal_days
from refectoire.requests.enums import RequestKind, RequestState
from refectoire.requests.models import Request
from refectoire.schools.models import SchoolYear

MIN_CONSECUTIVE_CANTEEN_DAYS = 3
REFUND_DELAY_DAYS = 30


def illness_refund_document_errors(*, has_certificate: bool, has_visa: bool, visa_by_school: bool) -> dict:
    """The documents of a refund for illness: the medical certificate, and the school's visa
    (attached, or to be confirmed by the head of the school). Field → sentence, empty when complete."""
    errors = {}
    if not has_certificate:
        errors["attachment"] = _("Joignez le certificat médical (PDF ou photo).")
    if not has_visa and not visa_by_school:
        errors["visa"] = _(
            "Joignez la demande visée par le responsable de l'établissement, ou cochez la case si c'est lui "
            "qui confirmera son visa à la Caisse."
        )
    return errors


def illness_refund_attachment_errors(*, attachments, visa_by_school: bool) -> list[str]:
    """The same rule read on the documents attached to a request (a visa is no certificate)."""
    kinds = [document.kind for document in attachments]
    return list(
        illness_refund_document_errors(
            has_certificate=any(kind != DocumentKind.SCHOOL_VISA for kind in kinds),
            has_visa=DocumentKind.SCHOOL_VISA in kinds,
            visa_by_school=bool(visa_by_school),
        ).values()
    )


def radiation_document_errors(*, has_certificate: bool) -> list[str]:
    return [] if has_certificate else [_("Joignez le certificat de radiation que l'école vous a remis.")]


def resources_document_errors(*, has_proof: bool) -> list[str]:
    return [] if has_proof else [_("Joignez le justificatif de vos nouvelles ressources.")]


# The fields each change of situation needs (the portal form shows the same rule next to each field).
SITUATION_REQUIRED = {
    "address": ("street_name", "postcode", "city"),
    "separation": ("effective_date",),
    "resources": ("effective_date",),
}
REQUIRED_FOR_CHANGE = _l("Ce champ est obligatoire pour ce changement.")
ONE_CONTACT = _l("Indiquez au moins un nouveau téléphone ou courriel.")
LEAVING_GUARDIAN = _l("Indiquez le co-représentant qui quitte le foyer.")
CUSTODY_CALENDAR = _l("Joignez le calendrier de garde : vous avez choisi une garde selon un calendrier.")


def situation_errors(
    *, data: dict, has_co_guardian: bool, has_custody_calendar: bool, has_proof: bool
) -> dict:
    """A change of situation's rules: field → sentence, empty when the change is complete."""
    change = data.get("change")
    errors = {
        name: str(REQUIRED_FOR_CHANGE) for name in SITUATION_REQUIRED.get(change, ()) if not data.get(name)
    }
    if change == "contact" and not any(data.get(name) for name in ("mobile_phone", "home_phone", "email")):
        errors["mobile_phone"] = str(ONE_CONTACT)
    if change == "resources":
        for error in resources_document_errors(has_proof=has_proof):
            errors["attachment"] = error
    if change == "separation":
        if has_co_guardian and not data.get("leaving_guardian"):
            errors["leaving_guardian"] = str(LEAVING_GUARDIAN)
        if "calendar" in (data.get("custody") or {}).values() and not has_custody_calendar:
            errors["custody_calendar"] = str(CUSTODY_CALENDAR)
    return errors


def _fr(day: datetime.date) -> str:
    return date_format(day, "d/m/Y")


def canteen_days(child, household, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The days from `first` to `last` on which `child` eats at the canteen for `household`.

    Read from the enrollment app's selector (calendar, weekdays, custody, enrollment).
    """
    if last < first:
        return []
    by_child = meal_days(caisse=household.caisse, start=first, end=last, household_ids=[household.pk])
    return sorted(by_child.get((household.pk, child.pk), []))


def refunded_days(child, household) -> set[datetime.date]:
    """The days of `child` already refunded to `household`: the days of its credits, and the canteen
    days of an accepted refund for illness that has no credit (yet)."""
    days = set()
    for credit in Credit.objects.for_household(household).filter(child=child):
        days.update(datetime.date.fromisoformat(day) for day in credit.days)
    accepted = (
        Request.objects.for_household(household)
        .filter(
            kind=RequestKind.ILLNESS_REFUND, state=RequestState.ACCEPTED, children=child, credit__isnull=True
        )
        .only("data")
    )
    for request in accepted:
        first = datetime.date.fromisoformat(request.data["first_day"])
        last = datetime.date.fromisoformat(request.data["last_day"])
        days.update(canteen_days(child, household, first, last))
    return days


def already_refunded_error(days) -> str:
    return _("Ces jours ont déjà été remboursés : %(days)s.") % {
        "days": ", ".join(_fr(d) for d in sorted(days))
    }


def illness_refund_field_errors(
    *, child, household, first: datetime.date, last: datetime.date, sent_on: datetime.date
) -> list[tuple[str, str]]:
    """Why a refund for illness cannot be asked (empty when it can): (field, sentence) per broken
    rule, the field being "first_day" or "last_day", the date the parent is asked to check.

    Days already refunded are named (the rule "déjà remboursés"); the 3-day rule is checked only
    when none of the days was refunded, so that the parent reads the rule that really fails.
    """
    if last < first:
        return [("last_day", _("Le dernier jour d'absence est avant le premier : vérifiez les deux dates."))]
    errors = []
    days = canteen_days(child, household, first, last)
    already = set(days) & refunded_days(child, household)
    if already:
        errors.append(("first_day", already_refunded_error(already)))
    elif len(days) < MIN_CONSECUTIVE_CANTEEN_DAYS:
        errors.append(
            (
                "first_day",
                _(
                    "Du %(first)s au %(last)s, il y a %(count)d jour(s) de cantine. Le remboursement pour "
                    "maladie demande au moins %(min)d jours de cantine de suite : vérifiez les dates d'absence."
                )
                % {
                    "min": MIN_CONSECUTIVE_CANTEEN_DAYS,
                    "first": _fr(first),
                    "last": _fr(last),
                    "count": len(days),
                },
            )
        )
    deadline = last + datetime.timedelta(days=REFUND_DELAY_DAYS)
    if sent_on > deadline:
        errors.append(
            (
                "last_day",
                _(
                    "Le délai est dépassé : la demande devait être envoyée au plus tard le %(deadline)s, "
                    "%(delay)d jours après le dernier jour d'absence."
                )
                % {"delay": REFUND_DELAY_DAYS, "deadline": _fr(deadline)},
            )
        )
    return errors


def illness_refund_errors(
    *, child, household, first: datetime.date, last: datetime.date, sent_on: datetime.date
) -> list[str]:
    """The sentences of `illness_refund_field_errors`, one per broken rule."""
    return [
        error
        for _field, error in illness_refund_field_errors(
            child=child, household=household, first=first, last=last, sent_on=sent_on
        )
    ]


def enrollment_first_day(child) -> datetime.date | None:
    """The first day of the child's current enrollment.

    Read from the enrollment app when the child has an active enrollment; otherwise the first
    day of the Caisse's current school year (the earliest an enrollment of this year can start).
    """
    starts = (
        Enrollment.objects.filter(child=child, state="active")
        .order_by("start_date")
        .values_list("start_date", flat=True)
    )
    if starts:
        return starts[0]
    year = SchoolYear.objects.for_caisse(child.household.caisse).containing(timezone.localdate()).first()
    return year.first_day if year else None


def radiation_errors(*, children, last_day: datetime.date) -> list[str]:
    errors = []
    for child in children:
        start = enrollment_first_day(child)
        if start and last_day < start:
            errors.append(
                _(
                    "Le dernier jour de %(child)s est avant le début de son inscription, le %(start)s : "
                    "choisissez un jour à partir de cette date."
                )
                % {"child": child.first_name, "start": _fr(start)}
            )
    return errors
