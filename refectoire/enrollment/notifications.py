"""E-mails to the guardians about their absences: sent after commit, through the mail queue; no
personal data beyond the dates, the details are in their space."""

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from refectoire.enrollment.enums import AbsenceState
from refectoire.households.selectors import household_emails


def notify_absence_decision(absence) -> None:
    """ "Votre absence a été acceptée / refusée", with the agent's reason and a link to "Mes absences"."""
    recipients = household_emails(absence.household)
    if not recipients:
        return
    caisse = absence.household.caisse
    values = {
        "first": absence.first_day.strftime("%d/%m/%Y"),
        "last": absence.last_day.strftime("%d/%m/%Y"),
    }
    if absence.state == AbsenceState.ACCEPTED:
        subject = _("Absence acceptée")
        intro = _("L'absence du %(first)s au %(last)s est acceptée : ces repas ne seront pas facturés.")
    else:
        subject = _("Absence refusée")
        intro = _(
            "L'absence du %(first)s au %(last)s n'est pas acceptée : les repas prévus restent facturés."
        )
    intro = intro % values
    if absence.decision_message:
        intro += "\n" + _("Motif : %(message)s") % {"message": absence.decision_message}
    body = _(
        "Bonjour,\n\n%(intro)s\n\nVos absences : %(url)s\n\n"
        "Ce courriel est envoyé automatiquement, merci de ne pas y répondre.\n%(caisse)s"
    ) % {"intro": intro, "url": caisse.absolute_url("portal:absence_list"), "caisse": caisse.name}
    transaction.on_commit(
        lambda: send_mail(f"{subject} — {caisse.name}", body, None, recipients, fail_silently=False)
    )
