from django.db import transaction

from refectoire.accounts.models import CguAcceptance


@transaction.atomic
def cgu_accept(*, user, caisse) -> CguAcceptance:
    return CguAcceptance.objects.create(user=user, caisse=caisse, cgu_version=caisse.cgu_updated_at)
