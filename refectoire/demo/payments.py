"""Demo: PayFIP settings of the demo Caisses on eopayment's dummy backend (pay end to end offline)."""

from refectoire.caisses.models import Caisse
from refectoire.payments.models import PayfipSettings


def seed(*, stdout):
    for slug, grouped in (("cde11", True), ("cde19", False)):
        caisse = Caisse.objects.filter(slug=slug).first()
        if caisse is None:
            continue
        PayfipSettings.objects.get_or_create(
            caisse=caisse,
            defaults={"numcli": "123456", "mode": "T", "backend": "dummy", "allow_grouped_payment": grouped},
        )
    stdout.write("payments: PayFIP (simulation) pour cde11 et cde19")
