from django_tasks import task

from refectoire.payments.services import payfip_check_pending


@task()
def payfip_check_pending_task() -> int:
    """Settle online payments that received no notification (run it every few minutes)."""
    return payfip_check_pending()
