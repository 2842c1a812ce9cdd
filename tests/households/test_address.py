"""One way to write a postal address, for the account holder and for a guardian of the household."""

from refectoire.accounts.models import User
from refectoire.households.models import Guardian

ADDRESS = {
    "street_number": "12",
    "street_name": "rue de la Roquette",
    "building": "B",
    "apartment": "24",
    "address_complement": "Escalier 3",
    "postcode": "75011",
    "city": "Paris",
}


def test_an_address_in_france_reads_on_three_lines_for_an_account_and_a_guardian():
    lines = ["12 rue de la Roquette", "Bâtiment B, Appartement 24, Escalier 3", "75011 Paris"]
    assert User(**ADDRESS, country="France").address_lines == lines
    assert Guardian(**ADDRESS, country="France").address_lines == lines


def test_the_country_is_written_only_outside_france_and_empty_parts_leave_no_blank_line():
    person = User(street_name="Grand-Rue", postcode="1000", city="Bruxelles", country="Belgique")
    assert person.address_lines == ["Grand-Rue", "1000 Bruxelles", "Belgique"]
    assert Guardian(country="France").address_lines == []
