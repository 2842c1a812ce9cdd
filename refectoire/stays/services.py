"""Use cases of the holiday stays: publish, apply, allocate, confirm, withdraw, invoice.

The allocation rule is written in docs/stays-allocation.md; keep both in step.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.accounts.language import in_language_of
from refectoire.core.lifecycle import AGENT, PARENT, SYSTEM, can_move, transition
from refectoire.core.mail import mail_subject
from refectoire.core.translated import translated
from refectoire.core.uploads import PDF_OR_IMAGE, FileType, inspect_upload
from refectoire.documents.services import document_store, file_save_in_transaction
from refectoire.stays.enums import PLACE_STATES, ChoiceState, RequiredDocument
from refectoire.stays.invoicing import stay_invoice_credit
from refectoire.stays.models import (
    HolidayStay,
    StayAllocation,
    StayApplication,
    StayApplicationDocument,
    StayChoice,
    StayChoiceEvent,
    StayPhoto,
    StayPrice,
    StayProfile,
)
from refectoire.stays.selectors import (
    child_ref,
    child_went_on_a_stay,
    places_held,
    stay_ineligibility_reasons,
)
from refectoire.stays.tasks import issue_stay_invoice

IMAGES_ONLY = frozenset({FileType.JPEG, FileType.PNG})
MAX_CHOICES = 3


# --- Catalogue ------------------------------------------------------------------------------------


@transaction.atomic
def stay_save(*, caisse, stay: HolidayStay | None = None, prices: dict[int, Decimal] | None = None, **fields):
    """Create or change a stay of `caisse`; `prices` maps bracket numbers (1..10) to prices."""
    stay = stay or HolidayStay(caisse=caisse)
    if stay.caisse_id != caisse.pk:
        raise ValueError("stay of another Caisse")
    for name, value in fields.items():
        setattr(stay, name, value)
    stay.full_clean()
    given = {bracket: price for bracket, price in (prices or {}).items() if price is not None}
    if stay.fixed_price is None and not given and not (stay.pk and stay.prices.exists() and prices is None):
        raise ValidationError({"fixed_price": _("Indiquez un prix fixe ou un prix par tranche.")})
    held = places_held(stay) if stay.pk else 0
    if stay.capacity < held:
        raise ValidationError(
            {
                "capacity": _(
                    "%(held)d places sont déjà attribuées : la capacité ne peut pas être plus petite."
                )
                % {"held": held}
            }
        )
    stay.save()
    if StayAllocation.objects.filter(stay=stay).exists():
        # More places after the allocation: the waiting list moves up.
        _promote_next(stay, actor=None, now=timezone.now())
    if prices is not None:
        for bracket, price in prices.items():
            if price is None:
                StayPrice.objects.filter(stay=stay, bracket_number=bracket).delete()
                continue
            if not 1 <= bracket <= 10 or price < 0:
                raise ValidationError(_("Tranche ou prix invalide."))
            StayPrice.objects.update_or_create(stay=stay, bracket_number=bracket, defaults={"price": price})
    return stay


@transaction.atomic
def stay_photo_add(*, stay: HolidayStay, uploaded_file, caption: str) -> StayPhoto:
    """A photo of the stay, checked by content (JPEG or PNG only)."""
    checked = inspect_upload(uploaded_file, allowed=IMAGES_ONLY)
    photo = StayPhoto(stay=stay, content_type=checked.content_type, caption=caption)
    file_save_in_transaction(
        field_file=photo.file, name=f"photo.{checked.extension}", content=checked.content
    )
    photo.save()
    return photo


# --- The child's stay profile and the application -------------------------------------------------


@transaction.atomic
def stay_profile_save(*, child, **fields) -> StayProfile:
    profile = StayProfile.objects.filter(child=child).first() or StayProfile(child=child)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


def _log(choice: StayChoice, *, from_state: str, actor=None, message: str = "") -> None:
    StayChoiceEvent.objects.create(
        choice=choice, actor=actor, from_state=from_state, to_state=choice.state, message=message
    )


@transaction.atomic
def stay_application_submit(
    *, household, child, stays: list[HolidayStay], user, documents: dict | None = None, today=None
) -> StayApplication:
    """Apply for `child` to up to 3 stays, ranked in the order given; attach `documents` {kind: file}."""
    today = today or timezone.localdate()
    if child.household_id != household.pk:
        raise ValueError("child of another household")
    if not household.is_validated:
        raise ValidationError(_("Votre foyer doit être validé par la Caisse avant de demander un séjour."))
    stays = [stay for stay in stays if stay is not None]
    if not stays:
        raise ValidationError(_("Choisissez au moins un séjour."))
    if len(stays) > MAX_CHOICES:
        raise ValidationError(_("Trois choix au plus."))
    if len({stay.pk for stay in stays}) != len(stays):
        raise ValidationError(_("Un même séjour ne peut pas être choisi deux fois."))
    for stay in stays:
        if stay.caisse_id != household.caisse_id or not stay.is_published:
            raise ValueError("stay not offered by this Caisse")
        if not stay.is_open_on(today):
            raise ValidationError(
                _("Les demandes pour « %(stay)s » sont ouvertes du %(start)s au %(end)s.")
                % {
                    "stay": stay.title,
                    "start": stay.application_opens_on.strftime("%d/%m/%Y"),
                    "end": stay.application_closes_on.strftime("%d/%m/%Y"),
                }
            )
        reasons = stay_ineligibility_reasons(stay=stay, child=child)
        if reasons:
            raise ValidationError(f"« {stay.title} » : " + " ".join(reasons))
        if StayChoice.objects.active().filter(child=child, stay=stay).exists():
            raise ValidationError(
                _("Une demande est déjà en cours pour %(child)s et « %(stay)s ».")
                % {"child": child.first_name, "stay": stay.title}
            )
    application = StayApplication.objects.create(
        caisse=household.caisse, household=household, child=child, submitted_by=user
    )
    for rank, stay in enumerate(stays, start=1):
        choice = StayChoice.objects.create(application=application, child=child, stay=stay, rank=rank)
        _log(
            choice,
            from_state="",
            actor=user,
            message=_("Demande déposée (choix n°%(rank)d).") % {"rank": rank},
        )
    for kind, uploaded in (documents or {}).items():
        if uploaded:
            stay_application_attach_document(
                application=application, kind=kind, uploaded_file=uploaded, user=user
            )
    return application


@transaction.atomic
def stay_application_attach_document(*, application: StayApplication, kind: str, uploaded_file, user):
    if kind not in RequiredDocument.values:
        raise ValueError(f"unknown document kind {kind}")
    document = document_store(
        caisse=application.caisse,
        household=application.household,
        uploaded_file=uploaded_file,
        kind=kind,
        uploaded_by=user,
        allowed=PDF_OR_IMAGE,
    )
    return StayApplicationDocument.objects.create(application=application, document=document, kind=kind)


# --- Places: taking, releasing, promoting ---------------------------------------------------------


def _notify_place(choice: StayChoice) -> None:
    household = choice.application.household
    recipients = sorted({g.user.email for g in household.guardians.all() if g.user_id and g.user.email})
    if not recipients:
        return
    caisse = choice.stay.caisse
    with in_language_of(recipients):
        subject = _("Séjour « %(stay)s » : une place pour %(child)s") % {
            "stay": translated(choice.stay, "title"),
            "child": choice.child.first_name,
        }
        body = _(
            "Bonjour,\n\nUne place est réservée pour %(child)s au séjour « %(stay)s » du %(start)s au %(end)s.\n"
            "Confirmez-la dans votre espace famille avant le %(deadline)s : %(url)s\n"
            "Sans confirmation à cette date, la place est proposée à la famille suivante "
            "sur la liste d'attente.\n\n%(caisse)s"
        ) % {
            "child": choice.child.first_name,
            "stay": translated(choice.stay, "title"),
            "start": choice.stay.start_date.strftime("%d/%m/%Y"),
            "end": choice.stay.end_date.strftime("%d/%m/%Y"),
            "deadline": timezone.localtime(choice.confirm_by).strftime("%d/%m/%Y %H:%M"),
            "url": caisse.absolute_url("portal:stays_home"),
            "caisse": caisse.name,
        }
    transaction.on_commit(lambda: send_mail(mail_subject(caisse.name, subject), body, None, recipients))


def _take_place(choice: StayChoice, *, actor, message: str, now) -> StayChoice:
    """Give `choice` a place; the application's worse-ranked wishes end (their places are released)."""
    stay = choice.stay
    transition(
        choice,
        ChoiceState.ALLOCATED,
        actor=actor,
        by=SYSTEM,
        message=message,
        waiting_rank=choice.waiting_rank,
        confirm_by=now + datetime.timedelta(days=stay.confirmation_days),
    )
    _notify_place(choice)
    others = StayChoice.objects.select_for_update().filter(
        application_id=choice.application_id,
        rank__gt=choice.rank,
        state__in=[ChoiceState.SUBMITTED, ChoiceState.WAITING, ChoiceState.ALLOCATED],
    )
    for other in others:
        _release(
            other,
            actor=actor,
            message=_("Place obtenue sur le choix n°%(rank)d.") % {"rank": choice.rank},
            now=now,
        )
    return choice


def _release(
    choice: StayChoice, *, actor, message: str, now, to_state=ChoiceState.CANCELLED, by=SYSTEM
) -> StayChoice:
    held_a_place = choice.state in PLACE_STATES
    transition(choice, to_state, actor=actor, by=by, message=message)
    if choice.invoice_id is not None:
        # An invoiced place goes: a credit note of its invoice, in the same transaction.
        stay_invoice_credit(choice=choice, actor=actor, reason=message)
    if held_a_place:
        _promote_next(choice.stay, actor=actor, now=now)
    return choice


def _promote_next(stay: HolidayStay, *, actor, now) -> list[StayChoice]:
    """Fill the free places of an allocated stay from its waiting list, in waiting-list order."""
    promoted = []
    if timezone.localtime(now).date() >= stay.start_date:
        return promoted
    while places_held(stay) < stay.capacity:
        nxt = (
            StayChoice.objects.select_for_update()
            .filter(stay=stay, state=ChoiceState.WAITING)
            .order_by("waiting_rank", "pk")
            .first()
        )
        if nxt is None:
            break
        promoted.append(
            _take_place(nxt, actor=actor, message=_("Place libérée : sortie de la liste d'attente."), now=now)
        )
    return promoted


@transaction.atomic
def stay_choice_withdraw(*, choice: StayChoice, actor, reason: str = "", now=None, by=PARENT) -> StayChoice:
    """The family (or an agent, `by=AGENT`) withdraws a wish; a place it held goes to the next on the
    waiting list."""
    now = now or timezone.now()
    choice = StayChoice.objects.select_for_update().get(pk=choice.pk)
    return _release(choice, actor=actor, message=reason or _("Désistement."), now=now, by=by)


@transaction.atomic
def stay_choice_refuse(*, choice: StayChoice, actor, reason: str) -> StayChoice:
    if not reason:
        raise ValidationError(_("Indiquez le motif du refus."))
    choice = StayChoice.objects.select_for_update().get(pk=choice.pk)
    return transition(choice, ChoiceState.REFUSED, actor=actor, by=AGENT, message=reason)


@transaction.atomic
def stay_choice_confirm(*, choice: StayChoice, actor, now=None) -> StayChoice:
    """The family confirms the place within the delay; the application's other wishes end."""
    now = now or timezone.now()
    choice = StayChoice.objects.select_for_update().get(pk=choice.pk)
    if not can_move(choice, ChoiceState.CONFIRMED, by=PARENT):
        raise ValidationError(_("Seule une place retenue peut être confirmée."))
    if choice.confirm_by and now > choice.confirm_by:
        raise ValidationError(_("Le délai de confirmation est dépassé."))
    transition(
        choice, ChoiceState.CONFIRMED, actor=actor, by=PARENT, message=_("Place confirmée par la famille.")
    )
    others = (
        StayChoice.objects.select_for_update()
        .filter(application_id=choice.application_id)
        .exclude(pk=choice.pk)
    )
    for other in others.filter(state__in=[ChoiceState.SUBMITTED, ChoiceState.WAITING, ChoiceState.ALLOCATED]):
        _release(other, actor=actor, message=_("Place confirmée sur un autre séjour."), now=now)
    choice_id = choice.pk

    transaction.on_commit(lambda: issue_stay_invoice.enqueue(choice_id))
    return choice


@transaction.atomic
def stay_places_expire(*, now=None) -> list[StayChoice]:
    """Places not confirmed in time go back: each is cancelled and the waiting list moves up."""
    now = now or timezone.now()
    expired = []
    overdue = StayChoice.objects.select_for_update().filter(state=ChoiceState.ALLOCATED, confirm_by__lt=now)
    for choice in overdue.order_by("confirm_by", "pk"):
        choice.refresh_from_db()
        if choice.state != ChoiceState.ALLOCATED:
            continue
        expired.append(_release(choice, actor=None, message=_("Délai de confirmation dépassé."), now=now))
    return expired


# --- Allocation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationLine:
    child_ref: str
    choice_rank: int
    result: str  # "allocated", "waiting" or "withdrawn" (see docs/formats-stays.md)
    waiting_rank: int | None

    def as_line(self) -> str:
        return f"{self.child_ref};{self.choice_rank};{self.result};{self.waiting_rank or ''}"


@transaction.atomic
def stay_allocate(*, stay: HolidayStay, seed: int, actor=None, now=None) -> StayAllocation:
    """Give the places of `stay` once its window is closed (docs/stays-allocation.md).

    Wishes are taken rank by rank; inside a rank, children who never went on a stay first, then the
    order of a lottery drawn with random.Random(seed) over the wishes sorted by child reference.
    Places are given while some are free; the others form the waiting list, in the same order.
    """
    now = now or timezone.now()
    if not 0 <= seed < 2**63:
        raise ValidationError(_("La graine est un nombre entier positif."))
    stay = HolidayStay.objects.select_for_update().get(pk=stay.pk)
    if StayAllocation.objects.filter(stay=stay).exists():
        raise ValidationError(_("Les places de ce séjour ont déjà été attribuées."))
    if timezone.localtime(now).date() <= stay.application_closes_on:
        raise ValidationError(
            _("Les demandes sont ouvertes jusqu'au %(day)s : attribuez les places après la clôture.")
            % {"day": stay.application_closes_on.strftime("%d/%m/%Y")}
        )
    candidates = list(stay.choices.filter(state=ChoiceState.SUBMITTED).select_related("child"))
    candidates.sort(key=lambda choice: (child_ref(choice.child), choice.rank, choice.pk))
    random.Random(seed).shuffle(candidates)
    position = {choice.pk: index for index, choice in enumerate(candidates, start=1)}
    went = {
        choice.pk for choice in candidates if child_went_on_a_stay(child=choice.child, before=stay.start_date)
    }
    ordered = sorted(candidates, key=lambda choice: (choice.rank, choice.pk in went, position[choice.pk]))

    lines = []
    waiting_rank = 0
    for choice in ordered:
        choice.refresh_from_db()
        choice.had_priority = choice.pk not in went
        choice.lottery_position = position[choice.pk]
        if choice.state != ChoiceState.SUBMITTED:
            # Ended meanwhile by a better place obtained on another stay.
            choice.save(update_fields=["had_priority", "lottery_position", "updated_at"])
            lines.append(AllocationLine(child_ref(choice.child), choice.rank, "withdrawn", None))
            continue
        if places_held(stay) < stay.capacity:
            _take_place(
                choice, actor=actor, message=_("Place attribuée (graine %(seed)d).") % {"seed": seed}, now=now
            )
            lines.append(AllocationLine(child_ref(choice.child), choice.rank, "allocated", None))
        else:
            waiting_rank += 1
            transition(
                choice,
                ChoiceState.WAITING,
                actor=actor,
                by=SYSTEM,
                message=_("Liste d'attente, rang %(rank)d (graine %(seed)d).")
                % {"rank": waiting_rank, "seed": seed},
                waiting_rank=waiting_rank,
            )
            lines.append(AllocationLine(child_ref(choice.child), choice.rank, "waiting", waiting_rank))
    return StayAllocation.objects.create(
        stay=stay, seed=seed, allocated_by=actor, result="\n".join(line.as_line() for line in lines)
    )
