from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.roles import AGENT, SYSTEM


class PaymentMethod(models.TextChoices):
    PAYFIP = "payfip", _("paiement en ligne (PayFIP)")
    CHEQUE = "cheque", _("chèque")
    CASH = "cash", _("espèces")
    CESU = "cesu", _("CESU")
    TRANSFER = "transfer", _("virement")
    DIRECT_DEBIT = "sepa", _("prélèvement automatique")


MANUAL_METHODS = [PaymentMethod.CHEQUE, PaymentMethod.CASH, PaymentMethod.CESU, PaymentMethod.TRANSFER]


class PaymentState(models.TextChoices):
    RECORDED = "recorded", _("enregistré")
    CANCELLED = "cancelled", _("annulé")


# A payment recorded by hand is cancelled by an agent (an online payment is refunded instead).
PAYMENT_LIFECYCLE = {
    PaymentState.RECORDED: {PaymentState.CANCELLED: {AGENT}},
    PaymentState.CANCELLED: {},
}


class OperationState(models.TextChoices):
    PENDING = "pending", _("paiement en cours")
    PAID = "paid", _("payé")
    REFUSED = "refused", _("refusé")
    CANCELLED = "cancelled", _("abandonné")
    EXPIRED = "expired", _("expiré")
    REJECTED = "rejected", _("refusé : montant ou référence incohérent")


# An online payment attempt ends once, by PayFIP's answer or by the application closing it (expired).
OPERATION_LIFECYCLE = {
    OperationState.PENDING: {
        OperationState.PAID: {SYSTEM},
        OperationState.REFUSED: {SYSTEM},
        OperationState.CANCELLED: {SYSTEM},
        OperationState.EXPIRED: {SYSTEM},
        OperationState.REJECTED: {SYSTEM},
    },
    OperationState.PAID: {},
    OperationState.REFUSED: {},
    OperationState.CANCELLED: {},
    OperationState.EXPIRED: {},
    OperationState.REJECTED: {},
}

FINAL_OPERATION_STATES = {
    OperationState.PAID,
    OperationState.REFUSED,
    OperationState.CANCELLED,
    OperationState.EXPIRED,
    OperationState.REJECTED,
}


class PayfipMode(models.TextChoices):
    TEST = "T", _("test")
    ACTIVATION = "X", _("activation")
    PRODUCTION = "W", _("production")


class PayfipBackend(models.TextChoices):
    PAYFIP = "payfip_ws", _("PayFIP (service web de la DGFiP)")
    DUMMY = "dummy", _("simulation (démonstration)")
