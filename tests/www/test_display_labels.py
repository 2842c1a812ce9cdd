"""Values as a person reads them: French dates and numbers, labels of choices, never a stored code."""

import datetime
from decimal import Decimal

from refectoire.core.display import field_display, value_display
from refectoire.core.forms import EurosField
from refectoire.enrollment.enums import Custody, weekday_names
from refectoire.enrollment.models import Enrollment
from tests.browser.visible_text import iso_dates, raw_codes, title_problems


def test_plain_values_read_the_french_way():
    assert value_display(datetime.date(2031, 1, 1)) == "01/01/2031"
    assert value_display(Decimal("888.90"), decimal_places=2) == "888,90"
    assert value_display(Decimal("3200.5"), decimal_places=2).replace("\xa0", " ") == "3 200,50"
    assert (value_display(True), value_display(False), value_display(None)) == ("oui", "non", "—")


def test_a_field_reads_through_its_label():
    enrollment = Enrollment(weekdays="1245", custody=Custody.CALENDAR, start_date=datetime.date(2026, 9, 1))
    assert field_display(enrollment, "custody") == "Calendrier de garde"
    assert field_display(enrollment, "weekdays") == "Lundi, Mardi, Jeudi, Vendredi"
    assert field_display(enrollment, "start_date") == "01/09/2026"
    assert weekday_names("12") == "Lundi, Mardi"


def test_a_quotient_field_shows_a_stored_decimal_with_a_comma():
    field = EurosField(label="Quotient")
    assert field.prepare_value(Decimal("888.90")) == "888,90"
    assert field.clean("888,90") == Decimal("888.90")
    assert 'value="888,90"' in field.widget.render("q", field.prepare_value(Decimal("888.90")))


def test_the_crawl_checks_find_codes_iso_dates_and_html_titles():
    assert raw_codes("06/12/2026 — issued — payment_cancelled · calendar") == [
        "calendar",
        "issued",
        "payment_cancelled",
    ]
    # French words that are also values, and codes inside addresses, files or column lists, are fine
    assert raw_codes("Absence signalée ; message ; https://x.fr/issued/ ; a;calendar;b ; draft.pdf") == []
    assert iso_dates("du 2031-01-01 au 02/01/2031, rentrée 2026-2027") == ["2031-01-01"]
    assert title_problems("Ma famille — Caisse") == []
    assert title_problems('Ma famille<section class="fr-mb-4w">Historique')


def test_a_member_addition_shows_its_birth_date_the_french_way():
    from refectoire.households.enums import ChangeKind
    from refectoire.households.models import HouseholdChange

    change = HouseholdChange(
        kind=ChangeKind.ADD_CHILD,
        data={"first_name": "Robin", "last_name": "L", "birth_date": "2021-02-03", "sex": "m"},
    )
    assert change.data_items == [
        ("Prénom", "Robin"),
        ("Nom d'usage", "L"),
        ("Date de naissance", "03/02/2021"),
        ("Sexe", "Garçon"),
    ]
