"""Payments (PayFIP and at the counter) and online payment attempts.

Accounting records are kept: amounts, dates, references. Anonymising replaces the payer's e-mail
given to PayFIP, empties the bank's answer and scrubs names out of cancellation reasons.
"""

from refectoire.core.personal_data import anonymise_each, anonymised_email, row, scrub_rows
from refectoire.payments.models import PayfipOperation, Payment, PaymentLog

SECTION = "payments"


def export_household(household) -> list:
    payments = Payment.objects.filter(caisse_id=household.caisse_id, household=household).prefetch_related(
        "allocations__invoice"
    )
    return [
        {
            **row(
                p, "uuid", "method", "is_refund", "amount", "paid_on", "reference", "state", "cancelled_at"
            ),
            **row(p, "cancel_reason"),
            "invoices": [{"number": a.invoice.number, "amount": str(a.amount)} for a in p.allocations.all()],
        }
        for p in payments.order_by("paid_on", "pk")
    ]


def anonymise_household(household) -> dict[str, int]:
    operations = PayfipOperation.objects.filter(household=household)
    count = anonymise_each(operations, lambda pk: {"email": anonymised_email(f"p{pk}"), "bank_data": {}})
    payments = Payment.objects.filter(household=household)
    scrub_rows(payments, "cancel_reason")
    PaymentLog.objects.filter(payment__in=payments).exclude(message="").update(message="")
    return {"online_payments": count, "payments": payments.count()}
