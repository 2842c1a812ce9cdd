from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "refectoire.enrollment"
    label = "enrollment"

    def ready(self):
        # reason: the hooks import models, importable only once the app registry is ready
        from refectoire.enrollment.import_hooks import create_enrollments
        from refectoire.households.importer import register_hook

        register_hook(create_enrollments)
