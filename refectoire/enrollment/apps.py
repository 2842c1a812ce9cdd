from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "refectoire.enrollment"
    label = "enrollment"

    def ready(self):
        # reason: apps.py is imported before the models are loaded; the importer needs them
        from refectoire.enrollment.import_hooks import create_enrollments
        from refectoire.households.importer import ENROLLMENTS_HOOK_ORDER, register_hook

        register_hook(create_enrollments, order=ENROLLMENTS_HOOK_ORDER)
