"""camt.054.001.02 notifications as a French bank writes them for returned direct debits."""

from decimal import Decimal

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"


def transaction(*, end_to_end="", mandate="", amount=None, reason=None) -> str:
    refs = ""
    if end_to_end:
        refs += f"<EndToEndId>{end_to_end}</EndToEndId>"
    if mandate:
        refs += f"<MndtId>{mandate}</MndtId>"
    amount_details = (
        f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>' if amount is not None else ""
    )
    returned = f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn><AddtlInf>Retour prelevement</AddtlInf></RtrInf>"
    return f"<TxDtls><Refs>{refs}</Refs>{amount_details}{returned if reason else ''}</TxDtls>"


def entry(transactions: list[str], *, amount=Decimal("42.00"), returned=True) -> str:
    family = "<SubFmlyCd>UPDD</SubFmlyCd>" if returned else "<SubFmlyCd>ESDD</SubFmlyCd>"
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{"DBIT" if returned else "CRDT"}</CdtDbtInd>'
        f"{'<RvslInd>true</RvslInd>' if returned else ''}<Sts>BOOK</Sts>"
        "<BookgDt><Dt>2027-04-12</Dt></BookgDt><ValDt><Dt>2027-04-12</Dt></ValDt>"
        f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd>{family}</Fmly></Domn></BkTxCd>"
        f"<NtryDtls>{''.join(transactions)}</NtryDtls></Ntry>"
    )


def notification(entries: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="{NAMESPACE}"><BkToCstmrDbtCdtNtfctn>'
        "<GrpHdr><MsgId>AVIS-20270412-1</MsgId><CreDtTm>2027-04-12T07:00:00</CreDtTm></GrpHdr>"
        "<Ntfctn><Id>NTF-20270412-1</Id><CreDtTm>2027-04-12T07:00:00</CreDtTm>"
        "<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>"
        f"{''.join(entries)}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()


def returned(debit, reason: str) -> bytes:
    """A notification returning one debit for `reason`."""
    return notification(
        [
            entry(
                [transaction(end_to_end=debit.end_to_end_id, amount=debit.amount, reason=reason)],
                amount=debit.amount,
            )
        ]
    )
