"""Enrollments (with their rhythm changes) and absences of the household's children.

Anonymising keeps the days and states (they are what was billed) and erases the free texts: reasons,
comments, decision messages, in the rows and their history; each calendar-feed token is renewed.
"""

from refectoire.core.personal_data import anonymise_each, anonymise_rows, row
from refectoire.enrollment.models import (
    Absence,
    AbsenceEvent,
    Enrollment,
    EnrollmentEvent,
    RhythmChange,
    new_token,
)

SECTION = "enrollments"


def export_household(household) -> dict:
    enrollments = Enrollment.objects.filter(household=household).select_related(
        "child", "school", "school_year"
    )
    absences = Absence.objects.filter(household=household).select_related("child", "reason")
    return {
        "enrollments": [
            {
                **row(
                    e, "uuid", "weekdays", "custody", "start_date", "end_date", "state", "cancelled_reason"
                ),
                "child": str(e.child.uuid),
                "school": e.school.name if e.school_id else "",
                "school_year": e.school_year.label,
                "rhythm_changes": [
                    row(rc, "weekdays", "state", "starts_on", "reason", "decision_message")
                    for rc in e.rhythm_changes.order_by("created_at")
                ],
            }
            for e in enrollments.order_by("start_date", "pk")
        ],
        "absences": [
            {
                **row(
                    a, "uuid", "first_day", "last_day", "comment", "state", "meal_count", "decision_message"
                ),
                "child": str(a.child.uuid),
                "reason": a.reason.label if a.reason_id else "",
            }
            for a in absences.order_by("first_day", "pk")
        ],
    }


def anonymise_household(household) -> dict[str, int]:
    enrollments = Enrollment.objects.filter(household=household)
    count = anonymise_each(enrollments, lambda pk: {"cancelled_reason": "", "feed_token": new_token()})
    rhythm = anonymise_rows(
        RhythmChange.objects.filter(enrollment__in=enrollments), reason="", decision_message=""
    )
    EnrollmentEvent.objects.filter(enrollment__in=enrollments).update(message="")
    absences = Absence.objects.filter(household=household)
    absence_count = anonymise_rows(absences, comment="", decision_message="")
    AbsenceEvent.objects.filter(absence__in=absences).update(message="")
    return {"enrollments": count, "rhythm_changes": rhythm, "absences": absence_count}
