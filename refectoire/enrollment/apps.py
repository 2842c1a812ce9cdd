from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "refectoire.enrollment"
    label = "enrollment"
