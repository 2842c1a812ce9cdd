"""One lifecycle mechanism for every object with a state (household, enrollment, rhythm change,
absence, tariff request, request, invoice, payment, online payment attempt, stay choice, adult
registration). docs/lifecycles.md lists the tables.

A lifecycle is one table in its app's enums, shaped `from -> {to: who}`: the states an object may
go to from each state, and who may make each move (`PARENT`, `AGENT`, `SYSTEM`, `ADULT`). A terminal
state maps to an empty dict. The app registers the table with its model, its event model (a
`TransitionEvent`) and the French sentence a refused move raises (`register`).

`transition()` is the one way to move: it checks the table and who asks, sets the state, saves the
object, writes one event row, all in the caller's transaction, and returns the saved object.
`transition_many()` does the same for many objects with two queries; `transition_bulk()` moves rows
by id without loading them (the invoices of a run: one UPDATE and one INSERT … SELECT).
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

# The roles, re-exported: services name them with transition().
from refectoire.core.roles import ADULT, AGENT, PARENT, ROLES, SYSTEM  # noqa: F401


class TransitionEvent(models.Model):
    """The log row of one move: when, who, from which state to which, and why.

    Concrete event models add the foreign key to their object and, when they have them, `action`
    (what the row records) or other columns; they may redeclare a column to add choices or a
    verbose name.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


@dataclass(frozen=True)
class Lifecycle:
    """What `transition()` needs to move an object of one model."""

    states: type[models.TextChoices]
    table: dict  # from -> {to: frozenset of who}
    event_model: type[TransitionEvent]
    event_field: str  # the event's foreign key to the object
    refused: str  # lazy French sentence; may use %(from)s, %(to)s and %(state)s (= from)
    state_field: str = "state"
    # The object the event belongs to when it is not the moving object itself (a rhythm change is
    # logged in its enrollment's history), and whether the event's state columns take the move.
    event_owner: str | None = None
    records_states: bool = True
    # Columns the event copies from the moving object (a payment's log row carries its Caisse).
    event_copies: tuple[str, ...] = ()

    def allowed(self, from_state, to_state, *, by=None) -> bool:
        who = self.table.get(self.states(from_state), {}).get(self.states(to_state))
        return who is not None and (by is None or by in who)


_LIFECYCLES: dict[type[models.Model], Lifecycle] = {}


def register(model: type[models.Model], lifecycle: Lifecycle) -> None:
    """Declare `model`'s lifecycle (called once, at the bottom of the app's models module)."""
    _LIFECYCLES[model] = lifecycle


def lifecycles() -> dict[type[models.Model], Lifecycle]:
    return dict(_LIFECYCLES)


def lifecycle_of(obj_or_model) -> Lifecycle:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for klass in model.__mro__:
        if klass in _LIFECYCLES:
            return _LIFECYCLES[klass]
    raise LookupError(f"{model.__name__} has no registered lifecycle")


def can_move(obj, to_state, *, by=None) -> bool:
    lifecycle = lifecycle_of(obj)
    return lifecycle.allowed(getattr(obj, lifecycle.state_field), to_state, by=by)


def check_move(obj, to_state, *, by) -> Lifecycle:
    """Raise the lifecycle's ValidationError unless `by` may move `obj` to `to_state`."""
    lifecycle = lifecycle_of(obj)
    from_state = getattr(obj, lifecycle.state_field)
    if by not in ROLES:
        raise ValueError(f"unknown role {by!r}")
    if not lifecycle.allowed(from_state, to_state, by=by):
        label = lifecycle.states(from_state).label
        raise ValidationError(
            lifecycle.refused % {"from": label, "to": lifecycle.states(to_state).label, "state": label}
        )
    return lifecycle


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _event(lifecycle, obj, from_state, to_state, *, actor, action, message, event_fields):
    extra = {name: getattr(obj, name) for name in lifecycle.event_copies}
    extra.update(event_fields or {})
    if action is not None:
        extra["action"] = action
    if not lifecycle.records_states:
        from_state = to_state = ""
    owner = getattr(obj, lifecycle.event_owner) if lifecycle.event_owner else obj
    return lifecycle.event_model(
        **{lifecycle.event_field: owner},
        actor=_actor(actor),
        from_state=from_state,
        to_state=to_state,
        message=message,
        **extra,
    )


def transition(
    obj,
    to_state,
    *,
    actor,
    by,
    action=None,
    message="",
    event_fields=None,
    update_fields=None,
    **fields,
):
    """Move `obj` to `to_state` if its lifecycle allows `by` to; set `fields` on it, save it (only
    `update_fields`, the state and `fields` when `update_fields` is given), write one event row and
    return the saved object. Runs in the caller's transaction (lock the row first when it matters).
    """
    lifecycle = check_move(obj, to_state, by=by)
    from_state = getattr(obj, lifecycle.state_field)
    setattr(obj, lifecycle.state_field, to_state)
    for name, value in fields.items():
        setattr(obj, name, value)
    if update_fields is None:
        obj.save()
    else:
        names = {lifecycle.state_field, *fields, *update_fields}
        if any(field.name == "updated_at" for field in obj._meta.concrete_fields):
            names.add("updated_at")
        obj.save(update_fields=sorted(names))
    _event(
        lifecycle,
        obj,
        from_state,
        to_state,
        actor=actor,
        action=action,
        message=message,
        event_fields=event_fields,
    ).save()
    return obj


def transition_many(
    objs: Iterable, to_state, *, actor, by, action=None, message="", update_fields=()
) -> list:
    """`transition()` for many saved objects of one model at once: every move is checked first, then
    one bulk update (the state and `update_fields`) and one bulk insert of the events."""
    objs = list(objs)
    if not objs:
        return objs
    lifecycle = check_move(objs[0], to_state, by=by)
    events = []
    for obj in objs:
        check_move(obj, to_state, by=by)
        from_state = getattr(obj, lifecycle.state_field)
        setattr(obj, lifecycle.state_field, to_state)
        events.append(
            _event(
                lifecycle,
                obj,
                from_state,
                to_state,
                actor=actor,
                action=action,
                message=message,
                event_fields=None,
            )
        )
    type(objs[0]).objects.bulk_update(objs, [lifecycle.state_field, *update_fields], batch_size=1000)
    lifecycle.event_model.objects.bulk_create(events, batch_size=2000)
    return objs


def transition_bulk(
    model,
    ids: list[int],
    to_state,
    *,
    from_state,
    actor,
    by,
    action=None,
    message="",
    values=None,
    numbering=None,
    using="default",
) -> int:
    """`transition()` for many rows of `model` in `from_state`, by id, without loading them.

    Checks the move once (every row is in `from_state`), then in the caller's transaction:
    - one UPDATE setting the state, `values` (column → value, the same for every row) and, when
      `numbering=(column, first)`, `column = first + position` by the rows' order in `ids`;
      on PostgreSQL `UPDATE … FROM unnest(ids) WITH ORDINALITY`, elsewhere one prepared statement
      per row (executemany);
    - one INSERT … SELECT of the event rows (the lifecycle's `event_copies` read from the rows).
    Raises ValueError, so the caller's transaction rolls back, if any row was not in `from_state`.
    Returns the number of rows moved.
    """
    ids = list(ids)
    if not ids:
        return 0
    lifecycle = lifecycle_of(model)
    if lifecycle.event_owner:
        raise ValueError("transition_bulk() does not handle events owned by another object")
    if by not in ROLES:
        raise ValueError(f"unknown role {by!r}")
    if not lifecycle.allowed(from_state, to_state, by=by):
        label = lifecycle.states(from_state).label
        raise ValidationError(
            lifecycle.refused % {"from": label, "to": lifecycle.states(to_state).label, "state": label}
        )
    connection = connections[using]
    ops = connection.ops
    meta = model._meta
    table, pk = meta.db_table, meta.pk.column
    quote = ops.quote_name
    now = django_timezone.now()
    values = dict(values or {})
    if any(field.name == "updated_at" for field in meta.concrete_fields):
        values.setdefault("updated_at", now)

    def column_value(name, value):
        field = meta.get_field(name)
        return field.column, field.get_db_prep_save(value, connection)

    assignments = [column_value(lifecycle.state_field, to_state)] + [
        column_value(name, value) for name, value in values.items()
    ]
    state_column = meta.get_field(lifecycle.state_field).column
    from_value = str(from_state)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sets = [f"{quote(column)} = %s" for column, _value in assignments]
            params = [value for _column, value in assignments]
            if numbering:
                number_column, first = numbering
                sets.append(f"{quote(meta.get_field(number_column).column)} = %s + u.n - 1")
                params.append(first)
            cursor.execute(
                f"UPDATE {quote(table)} AS t SET {', '.join(sets)} "
                f"FROM unnest(%s::bigint[]) WITH ORDINALITY AS u(id, n) "
                f"WHERE t.{quote(pk)} = u.id AND t.{quote(state_column)} = %s",
                [*params, ids, from_value],
            )
            moved = cursor.rowcount
            id_source, id_params = "unnest(%s::bigint[]) AS u(id)", [ids]
        else:
            sets = [f"{quote(column)} = %s" for column, _value in assignments]
            params = [value for _column, value in assignments]
            if numbering:
                number_column, first = numbering
                sets.append(f"{quote(meta.get_field(number_column).column)} = %s")
            where = f"WHERE {quote(pk)} = %s AND {quote(state_column)} = %s"
            sql = f"UPDATE {quote(table)} SET {', '.join(sets)} {where}"
            if numbering:
                rows = [
                    (*params, first + offset, pk_value, from_value) for offset, pk_value in enumerate(ids)
                ]
            else:
                rows = [(*params, pk_value, from_value) for pk_value in ids]
            cursor.executemany(sql, rows)
            moved = cursor.rowcount
            id_source, id_params = "(SELECT value AS id FROM json_each(%s)) AS u", [json.dumps(ids)]
        if moved != len(ids):
            raise ValueError(
                f"transition_bulk: {len(ids) - moved} row(s) of {meta.label} were not in state {from_value!r}"
            )
        event_meta = lifecycle.event_model._meta
        records = lifecycle.records_states
        constants = {
            "created_at": now,
            "actor": _actor(actor),
            "from_state": from_value if records else "",
            "to_state": str(to_state) if records else "",
            "message": message,
        }
        if action is not None:
            constants["action"] = action
        columns, selects, params = [event_meta.get_field(lifecycle.event_field).column], ["u.id"], []
        for name, value in constants.items():
            field = event_meta.get_field(name)
            if name == "actor":
                value = value.pk if value is not None else None
                field = field.target_field
            columns.append(event_meta.get_field(name).column)
            selects.append("%s")
            params.append(field.get_db_prep_save(value, connection))
        for name in lifecycle.event_copies:
            columns.append(event_meta.get_field(name).column)
            selects.append(f"t.{quote(meta.get_field(name).column)}")
        cursor.execute(
            f"INSERT INTO {quote(event_meta.db_table)} ({', '.join(quote(column) for column in columns)}) "
            f"SELECT {', '.join(selects)} FROM {id_source} JOIN {quote(table)} AS t ON t.{quote(pk)} = u.id",
            [*params, *id_params],
        )
    return moved


def reachable(lifecycle: Lifecycle, start) -> set:
    """The states reachable from `start` by the table (start included)."""
    seen, todo = set(), [lifecycle.states(start)]
    while todo:
        state = todo.pop()
        if state in seen:
            continue
        seen.add(state)
        todo.extend(lifecycle.table.get(state, {}))
    return seen
