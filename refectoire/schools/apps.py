from django.apps import AppConfig

from refectoire.core import reference


class SchoolsConfig(AppConfig):
    name = "refectoire.schools"
    label = "schools"

    def ready(self):
        # core/reference.py: the pages' cache (canteen staff: the role of the menu, schools/staff.py)
        reference.watch(
            "schools.SchoolYear",
            "schools.CalendarEntry",
            "schools.Closure",
            "schools.School",
            "schools.CanteenStaff",
        )
