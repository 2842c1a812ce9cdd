"""Reads of personal-data management: a Caisse's settings, the households due for anonymisation,
the agents' access log."""

import datetime

from django.db.models import Exists, OuterRef, Q

from refectoire.accounts.models import AccessLog
from refectoire.billing.models import Invoice
from refectoire.enrollment.models import Enrollment
from refectoire.households.models import Household
from refectoire.payments.models import Payment
from refectoire.pricing.models import TariffRequest
from refectoire.privacy.enums import ErasureState
from refectoire.privacy.models import (
    NOTICE_DAYS,
    Anonymisation,
    AnonymisationHold,
    ErasureRequest,
    PrivacySettings,
)
from refectoire.requests.models import OPEN_STATES, Request
from refectoire.stays.models import StayApplication


def privacy_settings_for(caisse) -> PrivacySettings:
    """The Caisse's settings, or the lawful defaults (unsaved) when it never changed them."""
    found = PrivacySettings.objects.filter(caisse=caisse).first()
    return found if found is not None else PrivacySettings(caisse=caisse)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _recent(cutoff: datetime.date) -> Q:
    """A household has been active on or after `cutoff`, or still has something open."""
    moment = datetime.datetime.combine(cutoff, datetime.time.min, tzinfo=datetime.UTC)
    household = OuterRef("pk")
    return (
        Q(created_at__gte=moment)
        | Q(updated_at__gte=moment)
        | Q(guardians__user__last_login__gte=moment)
        | Exists(Enrollment.objects.filter(household=household, end_date__gte=cutoff))
        | Exists(Invoice.objects.filter(household=household).unpaid())
        | Exists(Invoice.objects.filter(household=household, issued_at__gte=moment))
        | Exists(Payment.objects.filter(household=household, paid_on__gte=cutoff))
        | Exists(
            Request.objects.filter(household=household).filter(
                Q(state__in=OPEN_STATES) | Q(created_at__gte=moment)
            )
        )
        | Exists(TariffRequest.objects.filter(household=household, sent_at__gte=moment))
        | Exists(StayApplication.objects.filter(household=household, created_at__gte=moment))
        | Exists(ErasureRequest.objects.filter(household=household, state=ErasureState.SUBMITTED))
    )


def anonymised_household_ids(caisse):
    return Anonymisation.objects.filter(caisse=caisse).values("household_id")


def households_due(*, caisse, on: datetime.date, ahead_days: int = 0):
    """The Caisse's households that `on` (+ `ahead_days`) have been inactive for its retention:
    nothing open, no enrollment, invoice, payment, request or login for `inactive_years`."""
    settings = privacy_settings_for(caisse)
    cutoff = years_before(on + datetime.timedelta(days=ahead_days), settings.inactive_years)
    active = Household.objects.for_caisse(caisse).filter(_recent(cutoff)).values("pk")
    return (
        Household.objects.for_caisse(caisse)
        .exclude(pk__in=anonymised_household_ids(caisse))
        .exclude(pk__in=active)
        .annotate(
            held=Exists(AnonymisationHold.objects.filter(household=OuterRef("pk"), lifted_at__isnull=True))
        )
        .order_by("updated_at", "pk")
    )


def households_due_soon(*, caisse, on: datetime.date):
    """What the agents see: the households due now or within a month, holds included."""
    return households_due(caisse=caisse, on=on, ahead_days=NOTICE_DAYS).prefetch_related("guardians")


def accounting_kept_until(*, household, on: datetime.date) -> datetime.date | None:
    """The day the household's newest invoice or payment leaves the accounting retention, if later
    than `on` (its debtor's identity is kept until then)."""
    settings = privacy_settings_for(household.caisse)
    last_invoice = (
        Invoice.objects.filter(household=household, issued_at__isnull=False)
        .order_by("-issued_at")
        .values_list("issued_at", flat=True)
        .first()
    )
    last_payment = (
        Payment.objects.filter(household=household)
        .order_by("-paid_on")
        .values_list("paid_on", flat=True)
        .first()
    )
    days = [d for d in (last_invoice.date() if last_invoice else None, last_payment) if d is not None]
    if not days:
        return None
    until = years_before(max(days), -settings.accounting_years)
    return until if until > on else None


def access_log_for(*, caisse, household_id=None, agent_id=None, since=None):
    entries = AccessLog.objects.filter(caisse=caisse)
    if household_id is not None:
        entries = entries.filter(household_id=household_id)
    if agent_id is not None:
        entries = entries.filter(agent_id=agent_id)
    if since is not None:
        entries = entries.filter(at__gte=since)
    return entries.order_by("-at", "-pk")
