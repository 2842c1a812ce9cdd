"""Demo: each Caisse's personal-data settings (its DPO, the lawful retention defaults), and two
former families the agents see in « Foyers à anonymiser »: one inactive for almost the retention
(anonymised by the nightly purge in a few weeks), one past it but held by an agent with a reason.

Idempotent: settings already there (a manager may have changed them) and households already seeded
are left as they are.
"""

import datetime

from django.utils import timezone

from refectoire.caisses.models import AgentRole, Caisse
from refectoire.households.enums import GuardianRole, HouseholdState
from refectoire.households.models import Child, Guardian, Household
from refectoire.privacy.models import (
    DEFAULT_ACCESS_LOG_DAYS,
    DEFAULT_ACCOUNTING_YEARS,
    DEFAULT_INACTIVE_YEARS,
    PrivacySettings,
)
from refectoire.privacy.selectors import years_before
from refectoire.privacy.services import anonymisation_hold_set, privacy_settings_update

SETTINGS = {
    "cde11": {
        "dpo_name": "Délégué à la protection des données de la Caisse des écoles Paris 11e",
        "dpo_email": "dpo@cdeparis11.fr",
        "dpo_address": "Caisse des écoles Paris 11e — DPO\n12 place Léon Blum\n75011 Paris",
    },
    "cde19": {
        "dpo_name": "Délégué à la protection des données de la Caisse des écoles du 19e",
        "dpo_email": "dpo@cde19.fr",
        "dpo_address": "Caisse des écoles du 19e — DPO\n5-7 place Armand Carrel\n75019 Paris",
    },
}

# (reference suffix, guardian (civility, names, mailbox), child, days of inactivity beyond the retention, hold reason or "")
# Negative days: not yet due (due that many days from today); positive: already due.
FORMER_FAMILIES = [
    (
        "ANCIEN",
        ("m", "Lefèvre", "Antoine", "antoine.lefevre"),
        ("Chloé", datetime.date(2012, 6, 14), "f"),
        -20,
        "",
    ),
    (
        "CONSERVE",
        ("mme", "Garcia", "Lucia", "lucia.garcia"),
        ("Mateo", datetime.date(2011, 10, 2), "m"),
        40,
        "Réclamation de la famille sur sa dernière facture, en cours auprès du médiateur.",
    ),
]


def _settings(caisse):
    if PrivacySettings.objects.filter(caisse=caisse).exists():
        return
    privacy_settings_update(
        caisse=caisse,
        inactive_years=DEFAULT_INACTIVE_YEARS,
        accounting_years=DEFAULT_ACCOUNTING_YEARS,
        access_log_days=DEFAULT_ACCESS_LOG_DAYS,
        **SETTINGS[caisse.slug],
    )


def _former_family(caisse, suffix, guardian, child, days, reason, agent):
    reference = f"DEMO-{suffix}-{caisse.slug}"
    if Household.objects.filter(caisse=caisse, reference=reference).exists():
        return None
    today = timezone.localdate()
    last_activity = years_before(today, DEFAULT_INACTIVE_YEARS) - datetime.timedelta(days=days)
    moment = timezone.make_aware(datetime.datetime.combine(last_activity, datetime.time(10)))
    household = Household.objects.create(
        caisse=caisse,
        reference=reference,
        state=HouseholdState.VALIDATED,
        is_single_parent=True,
        submitted_at=moment,
        validated_at=moment,
    )
    civility, last_name, first_name, mailbox = guardian
    Guardian.objects.create(
        household=household,
        role=GuardianRole.PRIMARY,
        civility=civility,
        last_name=last_name,
        first_name=first_name,
        street_number="3",
        street_name="rue Keller" if caisse.slug == "cde11" else "rue Riquet",
        postcode="75011" if caisse.slug == "cde11" else "75019",
        city="Paris",
        country="France",
        email=f"{mailbox}.{caisse.slug}@demo.refectoire.fr",
    )
    first, birth_date, sex = child
    Child.objects.create(
        household=household, first_name=first, last_name=last_name, birth_date=birth_date, sex=sex
    )
    # Its last activity, long ago (the timestamps are written by the saves above: set them back).
    Household.objects.filter(pk=household.pk).update(created_at=moment, updated_at=moment)
    if reason and agent is not None:
        anonymisation_hold_set(household=household, agent=agent, reason=reason)
    return household


def seed(*, stdout):
    for caisse in Caisse.objects.filter(slug__in=SETTINGS).order_by("slug"):
        _settings(caisse)
        agent = AgentRole.objects.filter(caisse=caisse).select_related("user").order_by("pk").first()
        for suffix, guardian, child, days, reason in FORMER_FAMILIES:
            household = _former_family(
                caisse, suffix, guardian, child, days, reason, agent.user if agent else None
            )
            if household is not None:
                held = " (suspendu)" if reason else ""
                stdout.write(f"  /{caisse.slug}/  foyer à anonymiser {household.reference}{held}")
        stdout.write(f"  /{caisse.slug}/  données personnelles : DPO et durées de conservation")
