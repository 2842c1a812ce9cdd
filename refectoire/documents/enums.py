from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    INCOME_PROOF = "income_proof", _("Justificatif de ressources")
    CUSTODY_CALENDAR = "custody_calendar", _("Calendrier de garde alternée")
    MEDICAL_CERTIFICATE = "medical_certificate", _("Certificat médical")
    SCHOOL_VISA = "school_visa", _("Visa du responsable de l'établissement")
    RADIATION_CERTIFICATE = "radiation_certificate", _("Certificat de radiation")
    HEALTH_FORM = "health_form", _("Fiche sanitaire")
    VACCINATION = "vaccination", _("Certificat de vaccination")
    ATTACHMENT = "attachment", _("Pièce jointe")
    SEPA_MANDATE = "sepa_mandate", _("Mandat de prélèvement SEPA")
    PAI = "pai", _("PAI signé")
