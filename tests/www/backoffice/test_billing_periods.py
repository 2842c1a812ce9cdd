"""One screen for a billing period, from « Facturation » and from « Années scolaires » (issue 14).

The « Années scolaires » screen had its own copy of the period form, under the same URL names,
that saved the period itself: a manager could change an issued period there (its due date, its
label, its payment opening) although `billing_period_save` refuses it. Both screens now lead to
the one that calls the service.
"""

import datetime
import re

import pytest

from refectoire.schools.models import BillingPeriod
from tests.billing.factories import BillingPeriodFactory, InvoiceFactory

ISSUED = "déjà facturée"
# What a manager may try to change on an issued period.
CHANGES = [{"end_date": "2027-05-15"}, {"due_date": "2027-06-30"}, {"label": "Mars à mai 2027"}]


@pytest.fixture
def issued_period(cde11):
    period = BillingPeriodFactory(caisse=cde11)
    InvoiceFactory(caisse=cde11, period=period, issued=True)
    return period


def period_form(period, **changes):
    data = {
        "school_year": period.school_year_id,
        "label": period.label,
        "start_date": "2027-03-01",
        "end_date": "2027-04-30",
        "payment_opens_at": "2027-04-02T14:00",
        "due_date": "2027-05-31",
    }
    return data | changes


def link_of(page, label):
    """The href of the link whose text is `label` on `page`."""
    match = re.search(rf'<a[^>]*href="([^"]+)"[^>]*>\s*{re.escape(label)}\s*</a>', page)
    assert match, label
    return match.group(1).replace("&amp;", "&")


def test_the_school_year_screen_links_to_the_one_billing_period_screen(
    client, curl, cde11, manager_cde11, issued_period
):
    client.force_login(manager_cde11)
    year = issued_period.school_year
    page = client.get(curl(cde11, "backoffice:school_year_detail", year_uuid=year.uuid)).content.decode()
    assert link_of(page, issued_period.label) == (
        curl(cde11, "backoffice:billing_period_edit", period_uuid=issued_period.uuid) + f"?annee={year.uuid}"
    )
    assert link_of(page, "Ajouter une période") == (
        curl(cde11, "backoffice:billing_period_create") + f"?annee={year.uuid}"
    )


@pytest.mark.parametrize("changes", CHANGES, ids=["end date", "due date", "label"])
def test_an_issued_period_changes_from_no_school_year_address(
    client, curl, cde11, manager_cde11, issued_period, changes
):
    """The addresses of the old copy (below /annees/<year>/periodes/) no longer answer."""
    client.force_login(manager_cde11)
    year_page = curl(cde11, "backoffice:school_year_detail", year_uuid=issued_period.school_year.uuid)
    for old in (f"{year_page}periodes/{issued_period.uuid}/", f"{year_page}periodes/nouvelle/"):
        response = client.post(old, period_form(issued_period, **changes))
        assert response.status_code == 404, old
    issued_period.refresh_from_db()
    assert (issued_period.label, issued_period.end_date, issued_period.due_date) == (
        "Mars / Avril 2027",
        datetime.date(2027, 4, 30),
        datetime.date(2027, 5, 31),
    )
    assert BillingPeriod.objects.filter(caisse=cde11).count() == 1


@pytest.mark.parametrize("changes", CHANGES, ids=["end date", "due date", "label"])
def test_an_issued_period_opened_from_its_school_year_is_refused_in_french(
    client, curl, cde11, manager_cde11, issued_period, changes
):
    client.force_login(manager_cde11)
    year = issued_period.school_year
    page = client.get(curl(cde11, "backoffice:school_year_detail", year_uuid=year.uuid)).content.decode()
    response = client.post(link_of(page, issued_period.label), period_form(issued_period, **changes))
    assert response.status_code == 200
    content = response.content.decode()
    assert ISSUED in content
    assert f'value="{next(iter(changes.values()))}"' in content  # what was typed is kept
    issued_period.refresh_from_db()
    assert (issued_period.label, issued_period.end_date, issued_period.due_date) == (
        "Mars / Avril 2027",
        datetime.date(2027, 4, 30),
        datetime.date(2027, 5, 31),
    )


def test_a_period_added_from_its_school_year_goes_back_to_it(
    client, curl, cde11, manager_cde11, issued_period
):
    client.force_login(manager_cde11)
    year = issued_period.school_year
    page = client.get(curl(cde11, "backoffice:school_year_detail", year_uuid=year.uuid)).content.decode()
    create = link_of(page, "Ajouter une période")
    form_page = client.get(create).content.decode()
    assert re.search(rf'<option value="{year.pk}" selected>', form_page)
    response = client.post(
        create,
        period_form(issued_period, label="Mai / Juin 2027", start_date="2027-05-01", end_date="2027-06-30"),
    )
    assert response.status_code == 302
    assert response["Location"] == curl(cde11, "backoffice:school_year_detail", year_uuid=year.uuid)
    assert BillingPeriod.objects.filter(caisse=cde11, school_year=year, label="Mai / Juin 2027").exists()
