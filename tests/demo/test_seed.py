"""The demo data: the same data on every run, its steps in one written order, nothing forgotten."""

import importlib
import io
import pkgutil

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

import refectoire.demo
from refectoire.billing.models import Invoice
from refectoire.caisses.models import AgentRole
from refectoire.demo.people import DEMO_PASSWORD
from refectoire.demo.steps import STEPS
from refectoire.schools.models import CanteenStaff

pytestmark = pytest.mark.django_db

# Rows per model after `seed_demo`, by model name (stable when a model moves to another app). Left
# out: the history tables (one row per save) and what depends on today's date (the illness refund
# request of the last week and its certificate, Léo's stay and its invoice).
COUNTS = {
    "AbsenceReason": 8,
    "AbsenceRules": 2,
    "AdultExtraMeal": 3,
    "AdultRegistration": 2,
    "AdultRegistrationEvent": 4,
    "AgentRole": 4,
    "AnonymisationHold": 2,
    "ApiToken": 1,
    "BillingPeriod": 20,
    "BillingRun": 2,
    "CalendarEntry": 56,
    "CanteenStaff": 2,
    "Caisse": 2,
    "Child": 21,
    "ChildLink": 2,
    "Conversation": 1,
    "CustodyWeek": 88,
    "Debit": 2,
    "DebitBatch": 1,
    "DebitEvent": 3,
    "Dish": 102,
    "EmailAddress": 13,
    "Enrollment": 13,
    "EnrollmentEvent": 14,
    "FaqEntry": 10,
    "Guardian": 17,
    "HolidayStay": 3,
    "Household": 14,
    "HouseholdEvent": 21,
    "InvoiceCounter": 2,
    "Mandate": 2,
    "MandateEvent": 2,
    "MealOption": 4,
    "MealOptionChoice": 2,
    "MenuGroup": 3,
    "MenuWeek": 6,
    "MenuWeekEvent": 6,
    "Message": 2,
    "NewsItem": 7,
    "Pai": 2,
    "PaiEvent": 1,
    "PayfipSettings": 2,
    "Payment": 2,
    "PaymentAllocation": 2,
    "PaymentLog": 3,
    "PricingSettings": 2,
    "PrivacySettings": 2,
    "RhythmChange": 1,
    "School": 9,
    "SchoolYear": 4,
    "SepaSettings": 1,
    "StayPrice": 20,
    "TariffBracket": 40,
    "TariffGrid": 4,
    "TariffRequest": 1,
    "TariffRequestEvent": 1,
    "User": 13,
}
DATED = {
    "Document",  # the tariff request's proof, and the refund's certificate when last week had school
    "Invoice",  # Léo's stay, when he is still of age for it
    "InvoiceEvent",
    "InvoiceLine",
    "Request",
    "RequestEvent",
    "StayAllocation",
    "StayApplication",
    "StayChoice",
    "StayChoiceEvent",
    "StayProfile",
}

# (Caisse, role, username, e-mail): every one logs in with DEMO_PASSWORD.
ACCOUNTS = [
    ("cde11", "agent", "A11-AGENT", "agent@cde11.demo.refectoire.fr"),
    ("cde19", "agent", "A19-AGENT", "agent@cde19.demo.refectoire.fr"),
    ("cde11", "adult", "E11-PROFS", "sophie.garnier@demo.refectoire.fr"),
    ("cde19", "adult", "E19-ATSEM", "nadia.roux@demo.refectoire.fr"),
    ("cde11", "manager", "G11-GESTN", "gestion@cde11.demo.refectoire.fr"),
    ("cde19", "manager", "G19-GESTN", "gestion@cde19.demo.refectoire.fr"),
    ("cde11", "parent", "G4V-RNG6P", "allison.lovinfosse@demo.refectoire.fr"),
    ("cde11", "parent", "P11-CLAIR", "claire.roussel@demo.refectoire.fr"),
    ("cde11", "parent", "P11-MARCP", "marc.petit@demo.refectoire.fr"),
    ("cde19", "parent", "P19-INESM", "ines.moreau@demo.refectoire.fr"),
    ("cde19", "parent", "P19-PATRM", "patrick.moreau@demo.refectoire.fr"),
    ("cde11", "staff", "S11-CANTN", "cantine@cde11.demo.refectoire.fr"),
    ("cde19", "staff", "S19-CANTN", "cantine@cde19.demo.refectoire.fr"),
]


def _models():
    """Réfectoire's models and the e-mail addresses of allauth, without the history tables."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in {"auth", "contenttypes"}
        and not model.__name__.startswith("Historical")
    ]


def _counts(models) -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in models}


def _accounts():
    roles = dict(AgentRole.objects.values_list("user__username", "role"))
    adults = set(
        get_user_model().objects.filter(adult_registrations__isnull=False).values_list("pk", flat=True)
    )
    staff = set(CanteenStaff.objects.values_list("user_id", flat=True))
    return [
        (
            user.signup_caisse.slug,
            roles.get(user.username)
            or ("adult" if user.pk in adults else "staff" if user.pk in staff else "parent"),
            user.username,
            user.email,
        )
        for user in get_user_model().objects.select_related("signup_caisse").order_by("username")
    ]


def test_the_demo_seeds_the_same_rows_and_accounts_as_before_the_package_moved():
    call_command("seed_demo", stdout=io.StringIO())

    by_name = {model.__name__: model for model in _models()}
    assert len(by_name) == len(_models())  # model names are unique across the apps
    counts = {name: model.objects.count() for name, model in by_name.items() if name not in DATED}
    assert {name: count for name, count in counts.items() if count} == COUNTS
    assert Invoice.objects.filter(period__label="Septembre / Octobre 2026").count() == 9
    assert _accounts() == ACCOUNTS
    for user in get_user_model().objects.all():
        assert user.check_password(DEMO_PASSWORD), user.username


def test_running_the_demo_again_changes_no_row_of_any_table():
    models = list(apps.get_models())  # the history tables too: a second run saves nothing
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts(models)
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts(models) == first


def test_every_demo_module_is_a_step_and_the_steps_run_in_their_written_order():
    modules = {
        name
        for _finder, name, _is_package in pkgutil.iter_modules(refectoire.demo.__path__)
        if hasattr(importlib.import_module(f"refectoire.demo.{name}"), "seed")
    }
    assert [step.__module__.removeprefix("refectoire.demo.") for step in STEPS] == [
        "caisses",
        "messaging",
        "households",
        "schools",
        "pricing",
        "enrollment",
        "menus",
        "staff",
        "billing",
        "payments",
        "directdebit",
        "requests",
        "stays",
        "adultmeals",
        "partners",
        "privacy",
    ]
    assert {step.__module__.removeprefix("refectoire.demo.") for step in STEPS} == modules
