"""Personal data of direct debit (common contract): a household's mandates (holder, IBAN, signer)
and its debits. The mandate's PDF is a document of the household (documents exports it)."""

from refectoire.directdebit.models import Debit, DebitCancellation, Mandate

SECTION = "directdebit"

ERASED = "anonymisé"
ERASED_IBAN = "XX00ANONYMISE"


def export_household(household) -> list:
    debits_by_mandate: dict[int, list] = {}
    for debit in Debit.objects.filter(mandate__household=household).select_related("invoice").order_by("pk"):
        debits_by_mandate.setdefault(debit.mandate_id, []).append(
            {
                "invoice": debit.invoice.number,
                "amount": str(debit.amount),
                "sequence_type": debit.sequence_type,
                "collection_date": debit.collection_date.isoformat(),
                "state": debit.state,
                "reject_reason": debit.reject_reason,
            }
        )
    return [
        {
            "reference": mandate.reference,
            "holder_name": mandate.holder_name,
            "iban": mandate.iban,
            "bic": mandate.bic,
            "bank_name": mandate.bank_name,
            "state": mandate.state,
            "signed_at": mandate.signed_at.isoformat(),
            "signer_name": mandate.signer_name,
            "ended_at": mandate.ended_at.isoformat() if mandate.ended_at else None,
            "end_reason": mandate.end_reason,
            "debits": debits_by_mandate.get(mandate.pk, []),
        }
        for mandate in Mandate.objects.filter(household=household).order_by("signed_at", "pk")
    ]


def anonymise_household(household) -> dict[str, int]:
    """Erase holders, IBANs and signers of the household's mandates, and the reasons agents wrote when
    they cancelled one of its debits, in the rows and their history."""
    values = {
        "holder_name": ERASED,
        "iban": ERASED_IBAN,
        "account_hint": ERASED,
        "bic": "",
        "bank_name": "",
        "signer_name": ERASED,
        "end_reason": "",
    }
    mandates = Mandate.objects.filter(household=household)
    ids = list(mandates.values_list("pk", flat=True))
    changed = mandates.update(**values)
    history = Mandate.history.filter(id__in=ids).update(**values)
    cancellations = DebitCancellation.objects.filter(invoice__household=household)
    cancellation_ids = list(cancellations.values_list("pk", flat=True))
    cancelled = cancellations.update(reason=ERASED)
    DebitCancellation.history.filter(id__in=cancellation_ids).update(reason=ERASED)
    return {"mandates": changed, "mandate_history": history, "debit_cancellations": cancelled}
