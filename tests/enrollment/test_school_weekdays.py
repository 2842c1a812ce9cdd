"""« Indiquez les jours de présence de votre enfant » : Monday to Friday, at least one, only the days the
chosen school serves; the server refuses the others next to the field, and the browser offers only them."""

import re

import pytest

from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.services import enrollment_create
from tests.enrollment.factories import family

pytestmark = pytest.mark.django_db
DAYS_OFFERED = (
    "Choisissez parmi les jours proposés : du lundi au vendredi, les jours où la cantine est servie."
)


def form_url(curl, cde11, child, year):
    return curl(cde11, "portal:enrollment_form", child_uuid=child.uuid, year_uuid=year.uuid)


def weekdays_fieldset(html: str) -> str:
    return re.search(r'<fieldset[^>]*id="id_weekdays-group".*?</fieldset>', html, re.S).group(0)


def test_a_weekday_the_school_does_not_serve_is_refused_next_to_the_field_and_the_choices_are_kept(
    client, curl, cde11, parent_a, current_year, belleville
):
    household, (child,) = family(cde11, parent_a)
    client.force_login(parent_a)
    response = client.post(
        form_url(curl, cde11, child, current_year),
        {"school": belleville.pk, "weekdays": ["1", "3"], "shared_custody": "non"},
    )
    assert response.status_code == 200
    fieldset = weekdays_fieldset(response.content.decode())
    assert "La cantine de École maternelle Belleville ne sert pas le mercredi." in fieldset.replace(
        "&#x27;", "'"
    )
    assert (
        'aria-labelledby="id_weekdays-legend id_weekdays-error"' in fieldset
        or "fr-fieldset--error" in fieldset
    )
    # What the parent ticked is still ticked.
    assert re.search(r'value="1"[^>]*checked', fieldset) and re.search(r'value="3"[^>]*checked', fieldset)
    assert not Enrollment.objects.exists()


def test_saturday_is_not_a_choice(client, curl, cde11, parent_a, current_year, keller):
    household, (child,) = family(cde11, parent_a)
    client.force_login(parent_a)
    response = client.post(
        form_url(curl, cde11, child, current_year),
        {"school": keller.pk, "weekdays": ["6"], "shared_custody": "non"},
    )
    assert response.status_code == 200
    assert DAYS_OFFERED in response.content.decode().replace("&#x27;", "'")
    assert not Enrollment.objects.exists()


def test_each_school_of_the_list_says_which_days_it_serves(
    client, curl, cde11, parent_a, current_year, keller, belleville
):
    household, (child,) = family(cde11, parent_a)
    client.force_login(parent_a)
    html = client.get(form_url(curl, cde11, child, current_year)).content.decode()
    assert re.search(rf'<option value="{belleville.pk}" data-weekdays="1245"', html)
    assert re.search(rf'<option value="{keller.pk}" data-weekdays="12345"', html)
    assert 'data-school-weekdays="weekdays"' in html
    assert "/static/js/school-weekdays.js" in html
    assert "<script>" not in html  # no inline script: the Content Security Policy allows none


def test_a_rhythm_change_offers_only_the_days_of_the_childs_school(
    client, curl, cde11, parent_a, current_year, belleville
):
    household, (child,) = family(cde11, parent_a)
    enrollment = enrollment_create(
        household=household, child=child, school=belleville, school_year=current_year, weekdays="12"
    )
    client.force_login(parent_a)
    url = curl(cde11, "portal:rhythm_change", enrollment_uuid=enrollment.uuid)
    html = client.get(url).content.decode()
    assert ">Lundi<" in html and ">Jeudi<" in html and ">Mercredi<" not in html
    response = client.post(url, {"weekdays": ["1", "3"]})
    assert response.status_code == 200
    assert DAYS_OFFERED in response.content.decode().replace("&#x27;", "'")
    assert not enrollment.rhythm_changes.exists()
    assert client.post(url, {"weekdays": ["1", "4"]}).status_code == 302
    assert enrollment.rhythm_changes.get().weekdays == "14"
