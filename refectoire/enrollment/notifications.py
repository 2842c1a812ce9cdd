"""E-mails to the guardians about their absences: sent after commit, through the mail queue; no
personal data beyond the dates, the details are in their space."""

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from refectoire.accounts.language import in_language_of
from refectoire.core.mail import mail_subject
from refectoire.enrollment.enums import AbsenceState, weekday_names
from refectoire.households.selectors import household_emails


def notify_absence_decision(absence) -> None:
    """ "Votre absence a été acceptée / refusée", with the agent's reason and a link to "Mes absences"."""
    recipients = household_emails(absence.household)
    if not recipients:
        return
    caisse = absence.household.caisse
    with in_language_of(recipients):
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
        lambda: send_mail(mail_subject(caisse.name, subject), body, None, recipients, fail_silently=False)
    )


def notify_enrollment_made(enrollment, *, email: str, waiting: bool) -> None:
    """ "Inscription à la restauration scolaire" to the parent who enrolled: the year, the school,
    the days and the custody, never the child's name (the details are in their space)."""
    caisse = enrollment.household.caisse
    with in_language_of([email]):
        subject = _("Inscription à la restauration scolaire %(year)s") % {
            "year": enrollment.school_year.label
        }
        if waiting:
            status = _(
                "est enregistrée. Elle sera effective quand la Caisse des écoles aura saisi votre calendrier "
                "de garde : d'ici là, aucun repas n'est prévu ni facturé sur votre compte."
            )
        else:
            status = _("est effective.")
        body = _(
            "Bonjour,\n\nL'inscription de votre enfant à la restauration scolaire pour %(year)s %(status)s\n"
            "Établissement : %(school)s\nJours de présence : %(days)s\nGarde : %(custody)s\nÀ partir du : %(start)s\n\n"
            "Pensez à demander votre tarif dégressif pour l'année scolaire %(year)s.\n"
            "Planning de l'enfant : %(url)s\n\n%(caisse)s"
        ) % {
            "year": enrollment.school_year.label,
            "status": status,
            "school": enrollment.school.name,
            "days": weekday_names(enrollment.weekdays),
            "custody": enrollment.get_custody_display(),
            "start": enrollment.start_date.strftime("%d/%m/%Y"),
            "url": caisse.absolute_url("portal:planning", kwargs={"enrollment_uuid": enrollment.uuid}),
            "caisse": caisse.name,
        }
    transaction.on_commit(lambda: send_mail(mail_subject(caisse.name, subject), body, None, [email]))
