"""The parents' enrollment campaign and the confirmation e-mail, in the enrollment service (issue 14).

Both lived in the portal's view; the rule is now the service's, and the e-mail (sent by the
enrollment notifications) names no child: notifications carry no personal data.
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from refectoire.enrollment.enums import Custody
from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.notifications import notify_enrollment_made
from refectoire.enrollment.services import enrollment_campaign_open, enrollment_create_by_parent
from tests.enrollment.factories import family

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    ("opens", "closes", "today", "open_"),
    [
        (None, None, D(2026, 6, 1), False),
        (D(2026, 5, 1), None, D(2026, 4, 30), False),
        (D(2026, 5, 1), None, D(2026, 5, 1), True),
        (D(2026, 5, 1), D(2026, 6, 30), D(2026, 6, 30), True),
        (D(2026, 5, 1), D(2026, 6, 30), D(2026, 7, 1), False),
    ],
)
def test_the_campaign_is_open_from_its_first_to_its_last_day(current_year, opens, closes, today, open_):
    current_year.enrollment_opens_on, current_year.enrollment_closes_on = opens, closes
    assert enrollment_campaign_open(current_year, today=today) is open_


def enroll(household, child, year, keller, parent, today):
    return enrollment_create_by_parent(
        household=household,
        child=child,
        school=keller,
        school_year=year,
        weekdays="1245",
        custody=Custody.FULL,
        actor=parent,
        today=today,
    )


def test_a_parent_enrolls_while_the_campaign_is_open_from_today(cde11, parent_a, current_year, keller):
    household, (child,) = family(cde11, parent_a)
    today = timezone.localdate()
    enrollment = enroll(household, child, current_year, keller, parent_a, today)
    assert enrollment.start_date == max(today, current_year.first_day)


def test_a_parent_cannot_enroll_once_the_campaign_is_closed(cde11, parent_a, current_year, keller):
    household, (child,) = family(cde11, parent_a)
    current_year.enrollment_closes_on = timezone.localdate() - datetime.timedelta(days=1)
    current_year.save()
    with pytest.raises(ValidationError, match="ne sont pas ouvertes"):
        enroll(household, child, current_year, keller, parent_a, timezone.localdate())
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("waiting", [False, True])
def test_the_confirmation_email_names_no_child(
    cde11, parent_a, current_year, keller, django_capture_on_commit_callbacks, waiting
):
    household, (child,) = family(cde11, parent_a)
    enrollment = enroll(household, child, current_year, keller, parent_a, timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        notify_enrollment_made(enrollment, email=parent_a.email, waiting=waiting)
    (sent,) = mail.outbox
    assert sent.to == [parent_a.email]
    for name in (child.first_name, child.last_name):
        assert name not in sent.subject and name not in sent.body
    assert current_year.label in sent.subject and keller.name in sent.body
    assert f"/cde11/mon-espace/planning/{enrollment.uuid}/" in sent.body
