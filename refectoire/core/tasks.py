import base64

from django_tasks import task

from refectoire.core.delivery import deliver_raw


@task(queue_name="default", priority=10)
def deliver_email(*, raw_b64: str, from_email: str, recipients: list[str]) -> int:
    """Deliver one queued message; a failure leaves the task failed and visible in the admin."""
    return deliver_raw(raw=base64.b64decode(raw_b64), from_email=from_email, recipients=recipients)


@task(queue_name="default", priority=0)
def worker_heartbeat() -> bool:
    """Nothing to do: a worker that runs it has been seen (queued by the readiness check, /health/ready/)."""
    return True
