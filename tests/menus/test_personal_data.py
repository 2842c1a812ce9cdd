"""menus/personal_data.py: the PAI and meal options of a household, exported and anonymised (history too)."""

import datetime
import json

from refectoire.enrollment.enums import PaiKind
from refectoire.enrollment.models import Pai
from refectoire.enrollment.pai import pai_declare, pai_refuse
from refectoire.menus import personal_data
from tests.menus.conftest import signed_pai

D = datetime.date


def test_export_and_anonymise_a_households_pai(cde11, family_a, family_b, agent_cde11):
    household, child = family_a
    pai = pai_declare(
        household=household,
        child=child,
        kind=PaiKind.ADAPTED_MEAL,
        allergens=["arachides"],
        starts_on=D(2026, 9, 1),
        ends_on=D(2027, 6, 30),
        uploaded_file=signed_pai(),
        actor=None,
    )
    pai_refuse(pai=pai, agent=agent_cde11, reason="Document illisible")
    other = pai_declare(
        household=family_b[0],
        child=family_b[1],
        kind=PaiKind.EVICTION,
        allergens=["lait"],
        starts_on=D(2026, 9, 1),
        ends_on=D(2027, 6, 30),
        uploaded_file=signed_pai(),
        actor=None,
    )
    exported = personal_data.export_household(household)
    json.dumps(exported)
    assert exported["pai"][0]["allergens"] == "Arachides" and exported["pai"][0]["starts_on"] == "2026-09-01"
    assert len(personal_data.files_of_household(household)) == 1

    assert personal_data.anonymise_household(household) == {"pai": 1}
    pai.refresh_from_db()
    assert (pai.allergens, pai.reason) == ([], "")
    assert all(row.allergens == [] and row.reason == "" for row in Pai.history.filter(id=pai.pk))
    assert Pai.objects.get(pk=other.pk).allergens == ["lait"]
