"""The one door to PayFIP (DGFiP online payment), through eopayment's `payfip_ws` backend.

In the demo, the Caisse's settings may choose eopayment's `dummy` backend: its "bank" is then
our own demo page (payments:dummy_bank), so that a parent can pay end to end offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

import eopayment
from eopayment import common
from eopayment.payfip_ws import PayFiP, PayFiPError

from refectoire.payments.enums import OperationState, PayfipBackend

__all__ = ["PayFiPError", "PayfipClient", "Outcome", "to_cents"]


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


@dataclass
class Outcome:
    """What PayFIP says of an operation, in our words."""

    state: str
    amount_cents: int | None = None
    refdet: str = ""
    numcli: str = ""
    bank_status: str = ""
    bank_data: dict | None = None


RESULTS = {
    common.PAID: OperationState.PAID,
    common.DENIED: OperationState.REFUSED,
    common.CANCELLED: OperationState.CANCELLED,
    common.EXPIRED: OperationState.EXPIRED,
    common.WAITING: OperationState.PENDING,
}


class PayfipClient:
    def __init__(self, payfip_settings, *, return_url: str = "", notify_url: str = ""):
        self.settings = payfip_settings
        self.kind = payfip_settings.backend
        if self.kind == PayfipBackend.DUMMY:
            options = {
                "normal_return_url": return_url,
                "automatic_return_url": notify_url,
                "origin": payfip_settings.caisse.name,
            }
        else:
            options = {
                "numcli": payfip_settings.numcli,
                "saisie": payfip_settings.mode,
                "normal_return_url": return_url or "https://invalid.example/",
                "automatic_return_url": notify_url or "https://invalid.example/",
            }
        self.payment = eopayment.Payment(self.kind, options)
        if self.kind == PayfipBackend.PAYFIP and payfip_settings.wsdl_url:
            self.payment.backend.payfip = PayFiP(wsdl_url=payfip_settings.wsdl_url)

    def create(self, *, amount: Decimal, email: str, refdet: str, exer: str, subject: str) -> tuple[str, str]:
        """(idop, the address where the parent pays)."""
        if self.kind == PayfipBackend.DUMMY:
            idop, _kind, url = self.payment.request(amount, email=email, orderid=refdet, subject=subject)
            return idop, url
        idop, _kind, url = self.payment.request(
            amount, email=email, refdet=refdet, exer=exer, subject=subject
        )
        return idop, url

    def status(self, *, idop: str, created_at) -> Outcome:
        """Ask PayFIP (recupererDetailPaiementSecurise) what became of `idop`: never trust a POST."""
        response = self.payment.payment_status(idop, transaction_date=created_at)
        return self._outcome(response)

    def dummy_response(self, query_string: str) -> Outcome:
        """The dummy backend has no server to ask: its answer comes back in the return address."""
        return self._outcome(self.payment.response(query_string))

    def _outcome(self, response) -> Outcome:
        data = dict(response.bank_data or {})
        state = RESULTS.get(response.result, "error")
        if self.kind == PayfipBackend.DUMMY:
            amount = (data.get("amount") or [None])[0]
            return Outcome(
                state=state,
                amount_cents=to_cents(Decimal(amount)) if amount else None,
                refdet=(data.get("orderid") or [""])[0],
                bank_status=str(response.bank_status or ""),
                bank_data={key: value for key, value in data.items() if isinstance(key, str)},
            )
        montant = data.get("montant")
        return Outcome(
            state=state,
            amount_cents=int(montant) if montant not in (None, "") else None,
            refdet=data.get("refdet") or "",
            numcli=data.get("numcli") or "",
            bank_status=str(response.bank_status or ""),
            bank_data={key: (str(value) if value is not None else None) for key, value in data.items()},
        )


def dummy_bank_query(url: str) -> dict:
    """The parameters of eopayment's dummy bank address, for our demo bank page."""
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def dummy_return_query(params: dict, *, paid: bool) -> str:
    query = {
        "transaction_id": params["transaction_id"],
        "amount": params.get("amount", ""),
        "orderid": params.get("orderid", ""),
        "signed": "1",
    }
    if paid:
        query["ok"] = "1"
    return urlencode(query)
