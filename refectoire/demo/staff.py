"""Demo: one canteen staff account per Caisse (« personnel de restauration »), for the school of the
child with the demo PAI, so its attendance list shows the PAI marker. Through the staff service; a
second run changes nothing."""

from refectoire.caisses.models import Caisse
from refectoire.demo.people import STAFF, demo_account
from refectoire.enrollment.enums import EnrollmentState
from refectoire.enrollment.models import Enrollment
from refectoire.schools.models import CanteenStaff
from refectoire.schools.staff import canteen_staff_create


def seed(*, stdout) -> None:
    for slug, username, email, civility, first_name, last_name, parent in STAFF:
        caisse = Caisse.objects.filter(slug=slug).first()
        enrollment = (
            Enrollment.objects.for_caisse(caisse)
            .filter(state=EnrollmentState.ACTIVE, household__guardians__user__username=parent)
            .select_related("school")
            .order_by("child__birth_date", "pk")
            .first()
            if caisse is not None
            else None
        )
        if enrollment is None:
            continue
        user = demo_account(
            username=username,
            email=email,
            caisse=caisse,
            civility=civility,
            first_name=first_name,
            last_name=last_name,
        )
        if CanteenStaff.objects.filter(caisse=caisse, user=user).exists():
            continue
        canteen_staff_create(
            caisse=caisse,
            first_name=first_name,
            last_name=last_name,
            email=email,
            schools=[enrollment.school],
        )
        stdout.write(f"  /{slug}/  personnel de cantine : {enrollment.school.name}")
