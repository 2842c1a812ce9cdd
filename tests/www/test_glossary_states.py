"""docs/glossary-states.md explains, in plain French, every state label a parent can read."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from refectoire.adultmeals.enums import RegistrationState
from refectoire.billing.enums import PayableState
from refectoire.enrollment.enums import AbsenceState, DayStatus, EnrollmentState, RhythmChangeState
from refectoire.households.enums import ChangeState, HouseholdState
from refectoire.payments.enums import PaymentState
from refectoire.pricing.enums import TariffRequestState
from refectoire.requests.enums import RequestState
from refectoire.stays.enums import ChoiceState

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary-states.md"
PARENT_STATES = [
    HouseholdState,
    ChangeState,
    EnrollmentState,
    RhythmChangeState,
    AbsenceState,
    DayStatus,
    TariffRequestState,
    PayableState,
    PaymentState,
    RequestState,
    ChoiceState,
    RegistrationState,
]


def sections() -> dict[str, set[str]]:
    """`app.Enum` → the labels of its table in the glossary."""
    found, current = {}, None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## .*\(`([\w.]+)`\)", line)
        if heading:
            current = found.setdefault(heading.group(1), set())
        elif current is not None and line.startswith("| ") and not line.startswith("| ---"):
            current.add(line.split("|")[1].strip())
    return found


@pytest.mark.parametrize("enum", PARENT_STATES, ids=lambda enum: enum.__name__)
def test_every_state_a_parent_sees_is_explained_in_the_glossary(enum):
    key = f"{enum.__module__.split('.')[1]}.{enum.__name__}"
    explained = sections().get(key)
    assert explained is not None, f"docs/glossary-states.md has no section for {key}"
    with translation.override("fr"):
        missing = [str(member.label) for member in enum if str(member.label) not in explained]
    assert not missing, f"{key}: labels missing from docs/glossary-states.md: {missing}"


def test_the_glossary_explains_each_label_in_a_sentence():
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("| ") and not line.startswith(("| ---", "| libellé")):
            meaning = line.split("|")[2].strip()
            assert meaning.endswith("."), line
