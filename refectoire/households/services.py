"""Use cases of the household: declare, submit, validate, correct, reject, link by the service key, add a member."""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.core.lifecycle import AGENT, PARENT, transition
from refectoire.core.models import ADDRESS_FIELDS
from refectoire.households import emails
from refectoire.households.enums import (
    ChangeKind,
    ChangeState,
    GuardianRole,
    HouseholdAction,
    HouseholdState,
)
from refectoire.households.models import Child, Guardian, Household, HouseholdChange, HouseholdEvent

GUARDIAN_FIELDS = (
    "civility",
    "last_name",
    "birth_name",
    "first_name",
    "birth_date",
    *ADDRESS_FIELDS,
    "home_phone",
    "mobile_phone",
    "email",
    "benefits_member",
    "benefits_regime",
    "benefits_organisation",
    "benefits_number",
)
CHILD_FIELDS = ("first_name", "last_name", "birth_date", "sex")

# Service key: letters and digits that cannot be mistaken for one another on a printed letter.
KEY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
KEY_MAX_TRIES = 5
KEY_PAUSE_SECONDS = 15 * 60


def _log(household, *, action, actor=None, from_state="", to_state="", message="") -> HouseholdEvent:
    return HouseholdEvent.objects.create(
        household=household,
        action=action,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        message=message,
    )


def _transition(household, *, to_state, action, actor, by, message="") -> Household:
    fields = {}
    if to_state == HouseholdState.SUBMITTED:
        fields["submitted_at"] = timezone.now()
    if to_state == HouseholdState.VALIDATED:
        fields["validated_at"] = timezone.now()
    return transition(household, to_state, actor=actor, by=by, action=action, message=message, **fields)


def _locked(household) -> Household:
    return Household.objects.select_for_update().get(pk=household.pk)


def household_of(*, user, caisse):
    return Household.objects.for_user(user, caisse).first()


# --- Declaration ("Déclarer mon entourage") ---------------------------------------------------


@transaction.atomic
def household_create_draft(*, caisse, user) -> Household:
    """The household of `user` in `caisse`, its holder pre-filled from the account; one per account and Caisse."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one draft at a time
    existing = household_of(user=user, caisse=caisse)
    if existing is not None:
        raise ValidationError(_("Vous avez déjà un foyer auprès de cette Caisse des écoles."))
    household = Household.objects.create(caisse=caisse)
    Guardian.objects.create(
        household=household,
        user=user,
        role=GuardianRole.PRIMARY,
        civility=user.civility,
        last_name=user.last_name,
        birth_name=user.birth_name,
        first_name=user.first_name,
        birth_date=user.birth_date,
        email=user.email,
        mobile_phone=user.mobile_phone,
        **{name: getattr(user, name) for name in ADDRESS_FIELDS},
    )
    _log(household, action=HouseholdAction.CREATED, actor=user, to_state=HouseholdState.DRAFT)
    return household


def _check_editable(household, actor_is_agent: bool):
    if actor_is_agent:
        return
    if household.state != HouseholdState.DRAFT:
        raise ValidationError(
            _(
                "Votre demande a été envoyée : vous ne pouvez plus la modifier. La Caisse des écoles vous "
                "écrira par courriel, et vous demandera une correction si besoin."
            )
        )


def _clean_fields(data: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    return data


def _edit_event(household, *, actor, actor_is_agent, what):
    if actor_is_agent:
        _log(household, action=HouseholdAction.AGENT_EDIT, actor=actor, message=what)


@transaction.atomic
def guardian_change(*, guardian, actor, actor_is_agent=False, **fields) -> Guardian:
    """Change a representative. A parent only while the household is a draft; an agent at any time."""
    household = _locked(guardian.household)
    _check_editable(household, actor_is_agent)
    for name, value in _clean_fields(fields, GUARDIAN_FIELDS).items():
        setattr(guardian, name, value if value is not None or name == "birth_date" else "")
    guardian.full_clean(exclude=["household", "user"])
    guardian.save()
    _edit_event(household, actor=actor, actor_is_agent=actor_is_agent, what=f"{guardian.full_name}")
    return guardian


@transaction.atomic
def co_guardian_add(*, household, actor, same_address=False, actor_is_agent=False, **fields) -> Guardian:
    household = _locked(household)
    _check_editable(household, actor_is_agent)
    if household.guardians.filter(role=GuardianRole.CO_GUARDIAN).exists():
        raise ValidationError(_("Le foyer a déjà un co-représentant."))
    fields = dict(_clean_fields(fields, GUARDIAN_FIELDS))
    if same_address:
        holder = household.guardians.get(role=GuardianRole.PRIMARY)
        fields.update({name: getattr(holder, name) for name in ADDRESS_FIELDS})
    guardian = Guardian(household=household, role=GuardianRole.CO_GUARDIAN, **fields)
    guardian.full_clean(exclude=["user"])
    guardian.save()
    if household.is_single_parent:
        household.is_single_parent = False
        household.save(update_fields=["is_single_parent", "updated_at"])
    _edit_event(household, actor=actor, actor_is_agent=actor_is_agent, what=f"+ {guardian.full_name}")
    return guardian


@transaction.atomic
def co_guardian_remove(*, guardian, actor) -> None:
    household = _locked(guardian.household)
    _check_editable(household, False)
    if guardian.role != GuardianRole.CO_GUARDIAN:
        raise ValidationError(_("Le titulaire du compte ne peut pas être retiré."))
    guardian.delete()


@transaction.atomic
def co_guardian_leave(*, guardian, actor, on_date, reason="") -> Household:
    """A separation, accepted by the Caisse: the co-representative leaves the household.

    Its row goes (its history stays), so an account linked to it loses access to this household;
    the household becomes single-parent. Returns the household.
    """
    household = _locked(guardian.household)
    if guardian.role != GuardianRole.CO_GUARDIAN:
        raise ValidationError(
            _("Le titulaire du compte ne peut pas quitter le foyer : il en est le titulaire.")
        )
    name = guardian.full_name
    had_account = guardian.user_id is not None
    guardian.delete()
    household.is_single_parent = True
    household.save(update_fields=["is_single_parent", "updated_at"])
    message = _("%(name)s quitte le foyer le %(day)s.") % {"name": name, "day": on_date.strftime("%d/%m/%Y")}
    if had_account:
        message += " " + _("Son compte n'a plus accès à ce foyer.")
    if reason:
        message += f" {reason}"
    _log(household, action=HouseholdAction.GUARDIAN_LEFT, actor=actor, message=message)
    return household


@transaction.atomic
def household_set_single_parent(*, household, actor, is_single_parent: bool) -> Household:
    household = _locked(household)
    _check_editable(household, False)
    if is_single_parent and household.guardians.filter(role=GuardianRole.CO_GUARDIAN).exists():
        raise ValidationError(_("Retirez d'abord le co-représentant pour vous déclarer parent isolé."))
    household.is_single_parent = is_single_parent
    household.save(update_fields=["is_single_parent", "updated_at"])
    return household


@transaction.atomic
def child_add(*, household, actor, actor_is_agent=False, **fields) -> Child:
    household = _locked(household)
    _check_editable(household, actor_is_agent)
    child = Child(household=household, **_clean_fields(fields, CHILD_FIELDS))
    child.full_clean()
    child.save()
    _edit_event(household, actor=actor, actor_is_agent=actor_is_agent, what=f"+ {child.full_name}")
    return child


@transaction.atomic
def child_change(*, child, actor, actor_is_agent=False, **fields) -> Child:
    household = _locked(child.household)
    _check_editable(household, actor_is_agent)
    for name, value in _clean_fields(fields, CHILD_FIELDS).items():
        setattr(child, name, value)
    child.full_clean()
    child.save()
    _edit_event(household, actor=actor, actor_is_agent=actor_is_agent, what=f"{child.full_name}")
    return child


@transaction.atomic
def child_remove(*, child, actor) -> None:
    household = _locked(child.household)
    _check_editable(household, False)
    child.delete()


def household_missing(household) -> list[str]:
    """What still prevents "Valider ma demande", in the parent's words (empty when ready)."""
    missing = []
    guardians = list(household.guardians.all())
    primary = next((g for g in guardians if g.role == GuardianRole.PRIMARY), None)
    co = next((g for g in guardians if g.role == GuardianRole.CO_GUARDIAN), None)
    if primary is None or not primary.is_complete:
        missing.append(_("Complétez les champs obligatoires du titulaire du compte."))
    if co is None and not household.is_single_parent:
        missing.append(_("Ajoutez un co-représentant, ou cochez « Je suis un parent isolé »."))
    if co is not None and not co.is_complete:
        missing.append(_("Complétez les champs obligatoires du co-représentant."))
    children = list(household.children.all())
    if not children:
        missing.append(_("Ajoutez au moins un enfant."))
    for child in children:
        if not child.is_complete:
            missing.append(_("Complétez les informations de %(name)s.") % {"name": child.first_name})
    return missing


@transaction.atomic
def household_submit(*, household, actor) -> Household:
    """ "Valider ma demande": the household goes to the Caisse, the family gets an acknowledgement."""
    household = _locked(household)
    missing = household_missing(household)
    if missing:
        raise ValidationError(missing)
    _transition(
        household, to_state=HouseholdState.SUBMITTED, action=HouseholdAction.SUBMITTED, actor=actor, by=PARENT
    )
    transaction.on_commit(lambda: emails.household_received_email(household))
    return household


# --- Decisions of the Caisse --------------------------------------------------------------------


@transaction.atomic
def household_validate(*, household, agent) -> Household:
    household = _locked(household)
    _transition(
        household, to_state=HouseholdState.VALIDATED, action=HouseholdAction.VALIDATED, actor=agent, by=AGENT
    )
    transaction.on_commit(lambda: emails.household_validated_email(household))
    return household


@transaction.atomic
def household_ask_correction(*, household, agent, message: str) -> Household:
    """Back to draft with every value kept; the parent reads the agent's message."""
    if not message.strip():
        raise ValidationError(_("Écrivez le message à la famille : ce qu'elle doit corriger."))
    household = _locked(household)
    _transition(
        household,
        to_state=HouseholdState.DRAFT,
        action=HouseholdAction.CORRECTION_ASKED,
        actor=agent,
        by=AGENT,
        message=message.strip(),
    )
    transaction.on_commit(lambda: emails.household_correction_email(household, message.strip()))
    return household


@transaction.atomic
def household_reject(*, household, agent, reason: str) -> Household:
    if not reason.strip():
        raise ValidationError(_("Indiquez le motif du refus."))
    household = _locked(household)
    _transition(
        household,
        to_state=HouseholdState.REJECTED,
        action=HouseholdAction.REJECTED,
        actor=agent,
        by=AGENT,
        message=reason.strip(),
    )
    transaction.on_commit(lambda: emails.household_rejected_email(household, reason.strip()))
    return household


# --- Service key ("Service — Clé : Enfance") ------------------------------------------------------


def new_service_key(taken: set[str]) -> str:
    """A key like ENF-7K3M-Q9TX not in `taken` (which it joins); 31^8 possible keys."""
    while True:
        body = "".join(secrets.choice(KEY_ALPHABET) for _ in range(8))
        key = f"ENF-{body[:4]}-{body[4:]}"
        if key not in taken:
            taken.add(key)
            return key


def service_key_generate() -> str:
    """A new key that no household has (keys are unique across every Caisse)."""
    while True:
        key = new_service_key(set())
        if not Household.objects.filter(service_key=key).exists():
            return key


def normalise_key(raw: str) -> str:
    compact = "".join(ch for ch in raw.upper() if ch.isalnum())
    if compact.startswith("ENF"):
        compact = compact[3:]
    if len(compact) != 8:
        return raw.strip().upper()
    return f"ENF-{compact[:4]}-{compact[4:]}"


def _tries_key(user) -> str:
    return f"households:service-key-tries:{user.pk}"


def service_key_tries_left(user) -> int:
    return max(0, KEY_MAX_TRIES - cache.get(_tries_key(user), 0))


def _count_failure(user) -> None:
    key = _tries_key(user)
    if cache.add(key, 1, KEY_PAUSE_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, KEY_PAUSE_SECONDS)


class ServiceKeyError(ValidationError):
    pass


class ServiceKeyThrottled(ServiceKeyError):
    pass


def household_link_with_service_key(*, caisse, user, key: str) -> Household:
    """Link `user` to the household known to the Caisse under `key`: at once, no validation needed.

    An unknown or already used key counts toward the pause (5 tries, then 15 minutes).
    """
    if service_key_tries_left(user) <= 0:
        raise ServiceKeyThrottled(
            _("Trop d'essais : la saisie de la clé est suspendue pendant 15 minutes. Réessayez plus tard.")
        )
    try:
        return _link(caisse=caisse, user=user, key=normalise_key(key))
    except ServiceKeyError:
        _count_failure(user)
        raise


@transaction.atomic
def _link(*, caisse, user, key: str) -> Household:
    if household_of(user=user, caisse=caisse) is not None:
        raise ValidationError(_("Votre compte est déjà lié à un foyer de cette Caisse des écoles."))
    household = Household.objects.select_for_update().filter(caisse=caisse, service_key=key).first()
    if household is None:
        raise ServiceKeyError(
            _("Cette clé est inconnue. Vérifiez-la sur le courrier de la Caisse des écoles.")
        )
    if household.service_key_used_at is not None:
        raise ServiceKeyError(_("Cette clé a déjà été utilisée. Contactez la Caisse des écoles."))
    guardian = (
        household.guardians.filter(user__isnull=True)
        .order_by("role")  # "co_guardian" < "primary": prefer the holder below
        .last()
    )
    if guardian is None:
        raise ServiceKeyError(_("Cette clé a déjà été utilisée. Contactez la Caisse des écoles."))
    guardian.user = user
    if not guardian.email:
        guardian.email = user.email
    guardian.save()
    household.service_key_used_at = timezone.now()
    household.save(update_fields=["service_key_used_at", "updated_at"])
    _log(household, action=HouseholdAction.KEY_LINKED, actor=user, message=guardian.full_name)
    return household


# --- "Ajouter un membre" to a validated household -----------------------------------------------


@transaction.atomic
def household_change_request(*, household, actor, kind: str, data: dict) -> HouseholdChange:
    """A new child or co-representative for a validated household, pending until the Caisse validates it."""
    household = _locked(household)
    if household.state != HouseholdState.VALIDATED:
        raise ValidationError(_("Votre foyer doit d'abord être validé par la Caisse des écoles."))
    if kind == ChangeKind.ADD_CHILD:
        Child(household=household, **_clean_fields(data, CHILD_FIELDS)).full_clean()
    elif kind == ChangeKind.ADD_CO_GUARDIAN:
        if (
            household.guardians.filter(role=GuardianRole.CO_GUARDIAN).exists()
            or household.changes.filter(kind=ChangeKind.ADD_CO_GUARDIAN, state=ChangeState.PENDING).exists()
        ):
            raise ValidationError(_("Le foyer a déjà un co-représentant."))
        Guardian(
            household=household, role=GuardianRole.CO_GUARDIAN, **_clean_fields(data, GUARDIAN_FIELDS)
        ).full_clean(exclude=["user"])
    else:
        raise ValueError(kind)
    stored = {
        key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in data.items()
    }
    change = HouseholdChange.objects.create(household=household, kind=kind, data=stored, requested_by=actor)
    _log(household, action=HouseholdAction.CHANGE_ASKED, actor=actor, message=change.display_name)
    return change


def _member_from(change):
    data = dict(change.data)
    if data.get("birth_date"):
        data["birth_date"] = datetime.date.fromisoformat(data["birth_date"])
    if change.kind == ChangeKind.ADD_CHILD:
        return Child(household=change.household, **data)
    return Guardian(household=change.household, role=GuardianRole.CO_GUARDIAN, **data)


@transaction.atomic
def household_change_accept(*, change, agent) -> HouseholdChange:
    change = HouseholdChange.objects.select_for_update().get(pk=change.pk)
    if change.state != ChangeState.PENDING:
        raise ValidationError(_("Cet ajout a déjà été traité."))
    member = _member_from(change)
    member.full_clean(exclude=["user"])
    member.save()
    change.state = ChangeState.ACCEPTED
    change.decided_by = agent
    change.decided_at = timezone.now()
    change.save()
    _log(change.household, action=HouseholdAction.CHANGE_ACCEPTED, actor=agent, message=change.display_name)
    transaction.on_commit(lambda: emails.change_decided_email(change))
    return change


@transaction.atomic
def household_change_refuse(*, change, agent, reason: str) -> HouseholdChange:
    if not reason.strip():
        raise ValidationError(_("Indiquez le motif du refus."))
    change = HouseholdChange.objects.select_for_update().get(pk=change.pk)
    if change.state != ChangeState.PENDING:
        raise ValidationError(_("Cet ajout a déjà été traité."))
    change.state = ChangeState.REFUSED
    change.decided_by = agent
    change.decided_at = timezone.now()
    change.reason = reason.strip()
    change.save()
    _log(
        change.household,
        action=HouseholdAction.CHANGE_REFUSED,
        actor=agent,
        message=f"{change.display_name} : {change.reason}",
    )
    transaction.on_commit(lambda: emails.change_decided_email(change))
    return change
