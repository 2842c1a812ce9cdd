"""Shared helpers of the `personal_data.py` modules (see docs/data-retention.md), and the e-mail log.

Every app holding personal data has a `personal_data.py` with `SECTION`, `export_household(household)`
and `anonymise_household(household)`; `privacy/registry.py` discovers them. The helpers here erase a
value in a model **and in its simple_history rows** with two UPDATEs, so no original value survives
in a history table.

This module is itself core's section ("emails"): the e-mail log (`OutboxEmail`) and the queued
deliveries of the task worker keep the household's addresses and names; anonymising deletes the
messages sent to the household's addresses. It runs first (`ORDER = 0`), while the addresses are
still known.
"""

import contextvars
import datetime
from contextlib import contextmanager
from decimal import Decimal

from django.db.models import Q

from refectoire.core.models import OutboxEmail

SECTION = "emails"
ORDER = 0

# What an anonymised name, address or text reads: never a value of the person.
ANONYMOUS = "Anonyme"

# The e-mail addresses of the household being anonymised (set by the privacy service before the
# sections run: the sections that erase them run after the one that needs them).
_household_emails: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "household_emails", default=()
)


# The household's identity (names, addresses, numbers) while it is anonymised: the sections scrub
# it from the texts that may quote it (an invoice line « Séjour — Léa », a stay's allocation list).
_identity: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("household_identity", default=())

# Whether the debtor's name and postal address stay for the accounting retention (an invoice or a
# payment of the household is younger than it): set by the privacy service, read by households.
_keep_debtor: contextvars.ContextVar[bool] = contextvars.ContextVar("keep_debtor", default=False)


def identity_of(household) -> tuple[str, ...]:
    """The strings that identify the household's people (longest first, to scrub « Dupont-Martin »
    before « Dupont »)."""
    values = set()
    for guardian in household.guardians.select_related("user"):
        values.update(
            [
                guardian.first_name,
                guardian.last_name,
                guardian.birth_name,
                guardian.email,
                guardian.mobile_phone,
            ]
        )
        values.update([guardian.home_phone, guardian.benefits_number, guardian.street_name])
        if guardian.user_id:
            user = guardian.user
            values.update([user.first_name, user.last_name, user.birth_name, user.email, user.mobile_phone])
    for child in household.children.all():
        values.update([child.first_name, child.last_name, child.birth_name])
    return tuple(sorted((v for v in values if v and len(v) >= 2), key=lambda v: (-len(v), v)))


@contextmanager
def anonymising(household, *, keep_debtor: bool = False):
    """The context every section's `anonymise_household` runs in (set by the privacy service)."""
    tokens = (
        _household_emails.set(household_addresses(household)),
        _identity.set(identity_of(household)),
        _keep_debtor.set(keep_debtor),
    )
    try:
        yield
    finally:
        _keep_debtor.reset(tokens[2])
        _identity.reset(tokens[1])
        _household_emails.reset(tokens[0])


def keep_debtor() -> bool:
    return _keep_debtor.get()


def scrub(text: str) -> str:
    """`text` without any identity value of the household being anonymised."""
    if not text:
        return text
    for value in _identity.get():
        if value.lower() in text.lower():
            start = text.lower().find(value.lower())
            while start >= 0:
                text = text[:start] + ANONYMOUS + text[start + len(value) :]
                start = text.lower().find(value.lower(), start + len(ANONYMOUS))
    return text


def scrub_rows(queryset, *fields) -> int:
    """Scrub the identity out of `fields` of each row (and of its history rows) that quotes it."""
    count = 0
    for obj in queryset:
        values = {f: scrub(getattr(obj, f)) for f in fields if scrub(getattr(obj, f)) != getattr(obj, f)}
        if values:
            count += anonymise_rows(queryset.model._default_manager.filter(pk=obj.pk), **values)
    history = getattr(queryset.model, "history", None)
    if history is not None:
        if True:
            pks = [obj.pk for obj in queryset]
            for old in history.model.objects.filter(**{f"{queryset.model._meta.pk.attname}__in": pks}):
                values = {f: scrub(getattr(old, f)) for f in fields}
                if any(values[f] != getattr(old, f) for f in fields):
                    history.model.objects.filter(pk=old.pk).update(**values)
    return count


def anonymised_email(pk) -> str:
    """An address that cannot receive mail (RFC 2606 `.invalid`), unique per row."""
    return f"anonyme-{pk}@anonyme.invalid"


def anonymise_rows(queryset, **values) -> int:
    """Set `values` on every row of `queryset` and on every simple_history row of the same objects.

    Returns the number of live rows changed. The history rows get the same values, so the history
    still says when things changed but no longer what the person's data was.
    """
    pks = list(queryset.values_list("pk", flat=True))
    if not pks or not values:
        return len(pks)
    model = queryset.model
    model._default_manager.filter(pk__in=pks).update(**values)
    history = getattr(model, "history", None)
    if history is not None:
        history.model.objects.filter(**{f"{model._meta.pk.attname}__in": pks}).update(**values)
    return len(pks)


def anonymise_each(queryset, make_values) -> int:
    """`anonymise_rows` with values that depend on the row (a unique e-mail per row)."""
    count = 0
    for pk in queryset.values_list("pk", flat=True):
        count += anonymise_rows(queryset.model._default_manager.filter(pk=pk), **make_values(pk))
    return count


def jsonable(value):
    """A value as the export's JSON writes it: dates in ISO 8601, Decimal as a string."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "hex") and not isinstance(value, (str, bytes, int, float)):
        return str(value)  # UUID
    return value


def row(obj, *fields) -> dict:
    """The fields of `obj` named, JSON-ready (`choice` fields keep their code and get a `_label`)."""
    data = {}
    for name in fields:
        value = getattr(obj, name)
        data[name] = jsonable(value)
        display = getattr(obj, f"get_{name}_display", None)
        if display is not None and value not in ("", None):
            data[f"{name}_label"] = str(display())
    return data


def _outbox_for(emails):
    query = Q()
    for email in emails:
        query |= Q(to__icontains=email)
    return OutboxEmail.objects.filter(query) if emails else OutboxEmail.objects.none()


def export_household(household) -> list:
    emails = _household_emails.get() or household_addresses(household)
    return [
        {"sent_at": jsonable(mail.created_at), "subject": mail.subject}
        for mail in _outbox_for(emails).order_by("created_at")
    ]


def household_addresses(household) -> tuple[str, ...]:
    addresses = set()
    for guardian in household.guardians.select_related("user"):
        addresses.add(guardian.email)
        if guardian.user_id:
            addresses.add(guardian.user.email)
    return tuple(sorted(a.lower() for a in addresses if a))


def anonymise_household(household) -> dict[str, int]:
    """Delete the logged e-mails and the queued deliveries sent to the household's addresses."""
    # reason: django_tasks_db's model is loaded only with the app registry ready
    from django_tasks_db.models import DBTaskResult

    emails = _household_emails.get() or household_addresses(household)
    deleted, _ = _outbox_for(emails).delete()
    tasks = 0
    if emails:
        query = Q()
        for email in emails:
            query |= Q(args_kwargs__icontains=email)
        tasks, _ = DBTaskResult.objects.filter(task_path__endswith="deliver_email").filter(query).delete()
    return {"emails": deleted, "queued_emails": tasks}
