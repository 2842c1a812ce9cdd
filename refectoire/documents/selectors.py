from refectoire.documents.models import RetentionPolicy

DEFAULT_RETENTION_DAYS = 365


def retention_days(caisse) -> int:
    policy = RetentionPolicy.objects.filter(caisse=caisse).first()
    return policy.closed_request_days if policy else DEFAULT_RETENTION_DAYS
