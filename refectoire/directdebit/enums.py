from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.roles import AGENT, PARENT, SYSTEM


class Route(models.TextChoices):
    """How the Caisse's debits reach the bank."""

    PES = "pes", _("PES V2 : le comptable public prélève (blocs InfoPrelevementSEPA de l'export ORMC)")
    PAIN008 = "pain008", _("pain.008 : la régie remet un fichier SEPA à sa banque")


class PainVersion(models.TextChoices):
    V02 = "pain.008.001.02", "pain.008.001.02"
    V08 = "pain.008.001.08", _("pain.008.001.08 (adresses structurées)")


class MandateState(models.TextChoices):
    ACTIVE = "active", _("actif")
    SUSPENDED = "suspended", _("suspendu")
    REVOKED = "revoked", _("révoqué")


# A mandate is signed active; the parent or an agent revokes it (a new account replaces it: the
# system revokes the old one); two rejects in a row suspend it (system), an agent may lift that.
MANDATE_LIFECYCLE = {
    MandateState.ACTIVE: {
        MandateState.SUSPENDED: {SYSTEM, AGENT},
        MandateState.REVOKED: {PARENT, AGENT, SYSTEM},
    },
    MandateState.SUSPENDED: {
        MandateState.ACTIVE: {AGENT},
        MandateState.REVOKED: {PARENT, AGENT, SYSTEM},
    },
    MandateState.REVOKED: {},
}


class SequenceType(models.TextChoices):
    FRST = "FRST", _("premier prélèvement (FRST)")
    RCUR = "RCUR", _("prélèvement récurrent (RCUR)")
    FNAL = "FNAL", _("dernier prélèvement (FNAL)")
    OOFF = "OOFF", _("prélèvement ponctuel (OOFF)")


# PES V2 SequencePres codes (CommunRecette.xsd, TSequencePres).
PES_SEQUENCE = {
    SequenceType.OOFF: "01",
    SequenceType.FRST: "02",
    SequenceType.RCUR: "03",
    SequenceType.FNAL: "04",
}


class DebitState(models.TextChoices):
    SENT = "sent", _("transmis")
    REJECTED = "rejected", _("rejeté")


# A debit is written when its batch is generated (sent); the bank's return or an agent rejects it.
DEBIT_LIFECYCLE = {
    DebitState.SENT: {DebitState.REJECTED: {AGENT, SYSTEM}},
    DebitState.REJECTED: {},
}


class RejectReason(models.TextChoices):
    """SEPA reason codes (ISO 20022 ExternalStatusReason1Code) of a rejected or returned debit."""

    AC01 = "AC01", _("Coordonnées bancaires incorrectes (IBAN invalide)")
    AC04 = "AC04", _("Compte clôturé")
    AC06 = "AC06", _("Compte bloqué")
    AC13 = "AC13", _("Compte du débiteur : type de compte non autorisé")
    AG01 = "AG01", _("Prélèvement interdit sur ce compte")
    AG02 = "AG02", _("Code opération incorrect")
    AM04 = "AM04", _("Provision insuffisante")
    AM05 = "AM05", _("Opération en double")
    BE05 = "BE05", _("Créancier non reconnu")
    CNOR = "CNOR", _("Banque du créancier non joignable")
    DNOR = "DNOR", _("Banque du débiteur non joignable")
    FF01 = "FF01", _("Format de fichier invalide")
    MD01 = "MD01", _("Pas de mandat valide")
    MD02 = "MD02", _("Données du mandat manquantes ou incorrectes")
    MD06 = "MD06", _("Remboursement demandé par le débiteur")
    MD07 = "MD07", _("Débiteur décédé")
    MS02 = "MS02", _("Refus du débiteur")
    MS03 = "MS03", _("Raison non communiquée par la banque")
    RC01 = "RC01", _("BIC incorrect")
    RR01 = "RR01", _("Identification du débiteur manquante (réglementaire)")
    RR02 = "RR02", _("Nom ou adresse du débiteur manquant (réglementaire)")
    RR03 = "RR03", _("Nom ou adresse du créancier manquant (réglementaire)")
    RR04 = "RR04", _("Motif réglementaire")
    SL01 = "SL01", _("Service spécifique de la banque du débiteur")
