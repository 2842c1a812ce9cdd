from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "refectoire.enrollment"
    label = "enrollment"

    def ready(self):
        from refectoire.enrollment.import_hooks import create_enrollments  # reason: reads models, loaded after apps.py
        from refectoire.households.importer import ENROLLMENTS_HOOK_ORDER, register_hook  # reason: reads models, loaded after apps.py

        register_hook(create_enrollments, order=ENROLLMENTS_HOOK_ORDER)
