"""`./dev bench sepa`: build a pain.008 batch of 60,000 debits with sepaxml and validate it against
the official XSD (as « Générer le fichier » does), for both versions, then read a camt.054 return
notification of 6,000 returned debits (validated against the official camt.054.001.02 XSD); the
figures go to docs/benchmarks.md. The debits are made in memory: the build, the validation and the
reading are what is measured."""

import datetime
import os
import resource
import sys
import time
from decimal import Decimal

COUNT = 60_000
RETURNS = 6_000
TARGET_SECONDS = 10


def lines(count: int):
    from refectoire.directdebit.pain008 import DebitLine

    ibans = ["FR1420041010050500013M02606", "FR7630004000031234567890143", "FR7630006000011234567890189"]
    bics = ["PSSTFRPP", "BNPAFRPP", "AGRIFRPP"]
    return [
        DebitLine(
            end_to_end_id=f"cde11-{40000 + n}-7",
            amount=Decimal(20 + n % 80) + Decimal("0.50"),
            sequence_type="FRST" if n % 10 == 0 else "OOFF" if n % 20 == 1 else "RCUR",
            collection_date=datetime.date(2027, 5, 20),
            mandate_reference=f"RUM-CDE11-{n:07d}-01",
            mandate_signed_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=n % 200),
            debtor_name=f"Famille Numéro {n}",
            iban=ibans[n % 3],
            bic=bics[n % 3],
            description=f"Caisse des ecoles Paris 11e facture {40000 + n}",
            address={
                "street_name": "rue de la Roquette",
                "building_number": str(n % 200 + 1),
                "postcode": "75011",
                "town": "Paris",
                "country": "FR",
            },
        )
        for n in range(count)
    ]


def camt054(count: int) -> bytes:
    """A camt.054.001.02 notification returning `count` debits (AM04), one entry each."""
    entries = "".join(
        f'<Ntry><Amt Ccy="EUR">{20 + n % 80}.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>'
        "<Sts>BOOK</Sts><BookgDt><Dt>2027-05-24</Dt></BookgDt>"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>cde11-{40000 + n}-7</EndToEndId>"
        f"<MndtId>RUM-CDE11-{n:07d}-01</MndtId></Refs>"
        "<RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>"
        for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>'
        "<GrpHdr><MsgId>AVIS-20270524-1</MsgId><CreDtTm>2027-05-24T07:00:00</CreDtTm></GrpHdr>"
        "<Ntfctn><Id>NTF-1</Id><CreDtTm>2027-05-24T07:00:00</CreDtTm>"
        "<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>"
        f"{entries}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()


def run() -> None:
    from bench.machine import django_setup

    django_setup()
    from django.utils import timezone

    from bench.machine import describe, write_section
    from refectoire.directdebit import pain008

    creditor = pain008.Creditor(
        name="Caisse des écoles Paris 11e",
        creditor_id="FR70ZZZ611111",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )
    debits = lines(COUNT)
    rows = []
    for version in pain008.VERSIONS:
        pain008.schema(version)  # the XSD parsed once per process, as in a worker
        start, cpu_start = time.perf_counter(), time.process_time()
        content = pain008.build(
            creditor=creditor,
            lines=debits,
            version=version,
            message_id="CDE11-202705-1",
            created_at=datetime.datetime(2027, 5, 1, 10, 0),
        )
        built, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        rows.append(f"| {version} | {COUNT:,} | {built:.1f} | {cpu:.1f} | {len(content) / 1024 / 1024:.1f} |")
        print(
            f"{version}: {COUNT} debits built and validated in {built:.1f} s (CPU {cpu:.1f} s)",
            file=sys.stdout,
        )
    from refectoire.directdebit.returns import camt054_schema, parse_return_file

    camt054_schema()
    notification = camt054(RETURNS)
    start, cpu_start = time.perf_counter(), time.process_time()
    returned = parse_return_file(notification)
    read, read_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert len(returned) == RETURNS
    print(f"camt.054: {RETURNS} returns validated and read in {read:.1f} s (CPU {read_cpu:.1f} s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]
    body = (
        "## Lot de prélèvements SEPA (sepa)\n\n"
        f"`./dev bench sepa`: a batch of {COUNT:,} debits (10 % FRST, 5 % OOFF, 85 % RCUR, structured addresses) "
        "built with sepaxml and validated against the official ISO 20022 XSD shipped by sepaxml, as "
        "« Générer le fichier » does (refectoire/directdebit/pain008.py: build, deterministic ids, "
        "validation with lxml).\n\n"
        f"Machine: {describe()}. Measured on {timezone.localdate():%d/%m/%Y}, load average {load:.1f} "
        f"on {os.cpu_count()} cores"
        + (
            " (a shared machine, loaded by other engineers' test runs: the wall time includes waiting "
            "for a core; the CPU time is what the batch costs one core).\n\n"
            if load >= 1.5
            else " (an idle machine).\n\n"
        )
        + "| version | debits | wall, build + XSD validation (s) | CPU (s) | file (Mio) |\n"
        "| --- | ---: | ---: | ---: | ---: |\n"
        + "\n".join(rows)
        + f"\n| camt.054.001.02 return notification, read | {RETURNS:,} returns | {read:.1f} | {read_cpu:.1f} "
        f"| {len(notification) / 1024 / 1024:.1f} |"
        + f"\n\nPeak memory of the process: {peak:.0f} Mio. Target: under {TARGET_SECONDS} s."
    )
    write_section("sepa", body)
