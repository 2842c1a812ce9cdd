"""Demo: the children of the demo's validated households enrolled for 2026-2027 (skipped quietly when
the households demo did not create them)."""

from refectoire.caisses.models import Caisse
from refectoire.enrollment.enums import Custody
from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.services import absence_rules_ensure, enrollment_create
from refectoire.households.models import Child

# Children of the demo by first name: (school code, weekdays, custody); others get the first school.
PLANS = {
    "cde11": ("0750011B", "12345"),
    "cde19": ("0750019B", "1245"),
}


def seed(*, stdout):
    count = 0
    for slug, (school_code, weekdays) in PLANS.items():
        caisse = Caisse.objects.filter(slug=slug).first()
        if caisse is None:
            continue
        # The absence rules: the working day before, noon; the default reasons (Paris-like).
        absence_rules_ensure(caisse=caisse)
        school = caisse.schools.filter(code=school_code).first()
        year = caisse.school_years.filter(label="2026-2027").first()
        if school is None or year is None:
            continue
        children = Child.objects.filter(
            household__caisse=caisse, household__state="validated"
        ).select_related("household")
        for child in children:
            if Enrollment.objects.filter(household=child.household, child=child, school_year=year).exists():
                continue
            enrollment_create(
                household=child.household,
                child=child,
                school=school,
                school_year=year,
                weekdays=weekdays,
                custody=Custody.FULL,
            )
            count += 1
    stdout.write(f"  {count} inscription(s) 2026-2027 créée(s)")
