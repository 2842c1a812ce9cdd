"""Tasks that run a use case of the stays on a schedule (above the services, which never enqueue them)."""

from django_tasks import task

from refectoire.stays.services import stay_places_expire


@task()
def expire_stay_places() -> int:
    """Periodic (e.g. every hour): places not confirmed in time go to the waiting list."""
    return len(stay_places_expire())
