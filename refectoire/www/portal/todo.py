"""« À faire » and the children's cards of « Mon espace »: what needs the parent now, read in a fixed
number of queries whatever the size of the family or of the Caisse.

Each item has a deadline (or none), one sentence and one button. The items, most urgent first:
an unpaid invoice (« à régler avant le … », « Payer »), a place in a stay to confirm, a child to
enroll for next year, a tariff request to make for next year, an absence to justify (illness
declared late: the refund needs a medical certificate within 30 days), a request or a tariff
request the Caisse asked to complete. An item leaves as soon as what it asks is done.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from refectoire.billing.models import Invoice
from refectoire.caisses.urls import caisse_reverse
from refectoire.core.display import starts_with_vowel
from refectoire.core.money import format_euros
from refectoire.directdebit.selectors import sepa_settings_for, with_debit_flags
from refectoire.enrollment.enums import AbsenceState, EnrollmentState, weekday_names
from refectoire.enrollment.models import Absence, Enrollment
from refectoire.enrollment.selectors import meal_days, with_meal_flags
from refectoire.pricing.enums import TariffRequestState
from refectoire.pricing.models import TariffDecision, TariffRequest
from refectoire.pricing.selectors import CaissePricing, caisse_pricing, household_decisions
from refectoire.requests.enums import RequestKind, RequestState
from refectoire.requests.models import Request
from refectoire.stays.enums import ChoiceState
from refectoire.stays.models import StayChoice
from refectoire.www.common.tariff import tariff_in_force_text

# The illness refund needs its medical certificate within this many days of the absence's first day.
ILLNESS_PROOF_DAYS = 30
# Items without a deadline (the Caisse waits for an answer) come after the dated ones.
FAR = datetime.date.max


@dataclass(frozen=True)
class TodoItem:
    kind: str  # invoice, stay, enrollment, tariff, absence, request, tariff_info
    title: str
    text: str
    deadline: datetime.date | None
    action: str
    url: str

    @property
    def deadline_text(self) -> str:
        return f"{self.deadline:%d/%m/%Y}" if self.deadline else ""

    def is_late(self, today: datetime.date) -> bool:
        return self.deadline is not None and self.deadline < today


def _dated(deadline: datetime.date | None) -> tuple:
    return (deadline or FAR,)


# What « À faire » asks of a household that is rare (a stay place, a late illness, a request to
# complete) or a few days a month (an unpaid invoice): one query says which of them there is
# (`with_pending`), and only those are then read. Each function below is the one rule of its item.


def _unpaid_invoices(household, caisse_id):
    return Invoice.objects.filter(caisse_id=caisse_id, household=household).unpaid()


def _allocated_places(household, caisse_id):
    return StayChoice.objects.filter(
        application__household=household, stay__caisse_id=caisse_id, state=ChoiceState.ALLOCATED
    )


def _late_illnesses(household, today):
    return Absence.objects.filter(
        household=household,
        state=AbsenceState.PENDING,
        notice_kept=False,
        reason__is_illness=True,
        first_day__gte=today - datetime.timedelta(days=ILLNESS_PROOF_DAYS),
    )


def _incomplete_requests(household, caisse_id):
    return Request.objects.filter(household=household, caisse_id=caisse_id, state=RequestState.INCOMPLETE)


PENDING = ("pending_invoice", "pending_stay", "pending_absence", "pending_request")  # with_pending's


def with_pending(households, *, caisse, today: datetime.date):
    """`households` (a queryset of `caisse`), each told in the same query which rare items of
    « À faire » it has: `family_dashboard` then reads only those."""
    household = OuterRef("pk")
    return households.annotate(
        pending_invoice=Exists(_unpaid_invoices(household, caisse.pk)),
        pending_stay=Exists(_allocated_places(household, caisse.pk)),
        pending_absence=Exists(_late_illnesses(household, today)),
        pending_request=Exists(_incomplete_requests(household, caisse.pk)),
    )


def _pending(household, today) -> dict[str, bool]:
    if all(hasattr(household, name) for name in PENDING):
        return {name: getattr(household, name) for name in PENDING}
    found = with_pending(
        type(household).objects.filter(pk=household.pk), caisse=household.caisse, today=today
    )
    return found.values(*PENDING).get()


def _unpaid(household) -> list[Invoice]:
    """The household's invoices left to pay, soonest due first; where the Caisse offers direct
    debit, read `with_debit_flags` for the « Prélèvement » tile (directdebit.next_debit_day)."""
    invoices = _unpaid_invoices(household, household.caisse_id).select_related("period")
    if sepa_settings_for(household.caisse_id) is not None:
        invoices = with_debit_flags(invoices)
    return list(invoices.order_by("due_date", "number"))


def _invoices(household, unpaid) -> list[TodoItem]:
    items = []
    for invoice in unpaid:
        amount = format_euros(invoice.amount_due)
        if invoice.due_date:
            text = _("%(amount)s à régler avant le %(day)s.") % {
                "amount": amount,
                "day": f"{invoice.due_date:%d/%m/%Y}",
            }
        else:
            text = _("%(amount)s à régler.") % {"amount": amount}
        items.append(
            TodoItem(
                "invoice",
                _("Facture n° %(number)s — %(label)s") % {"number": invoice.number, "label": invoice.label},
                text,
                invoice.due_date,
                _("Payer"),
                caisse_reverse(
                    household.caisse, "portal:invoice_detail", kwargs={"invoice_uuid": invoice.uuid}
                ),
            )
        )
    return items


def _stays(household) -> list[TodoItem]:
    items = []
    choices = (
        _allocated_places(household, household.caisse_id)
        .select_related("child", "stay", "application")
        .order_by("confirm_by", "pk")
    )
    for choice in choices:
        deadline = choice.confirm_by.date() if choice.confirm_by else None
        items.append(
            TodoItem(
                "stay",
                _("Place à confirmer : %(child)s, %(stay)s")
                % {"child": choice.child.first_name, "stay": choice.stay.title},
                _("Une place est retenue pour %(child)s. Confirmez-la avant le %(day)s.")
                % {"child": choice.child.first_name, "day": f"{deadline:%d/%m/%Y}"}
                if deadline
                else _("Une place est retenue pour %(child)s. Confirmez-la.")
                % {"child": choice.child.first_name},
                deadline,
                _("Confirmer la place"),
                caisse_reverse(
                    household.caisse,
                    "portal:stay_application",
                    kwargs={"application_uuid": choice.application.uuid},
                ),
            )
        )
    return items


def _enrollments(household, children, years, enrollments, today) -> list[TodoItem]:
    items = []
    enrolled = {(e.child_id, e.school_year_id) for e in enrollments if e.state == EnrollmentState.ACTIVE}
    for year in years:
        opens, closes = year.enrollment_opens_on, year.enrollment_closes_on
        if not opens or opens > today or (closes and closes < today):
            continue
        for child in children:
            if (child.pk, year.pk) in enrolled:
                continue
            items.append(
                TodoItem(
                    "enrollment",
                    _("Inscrire %(child)s à la cantine pour %(year)s")
                    % {"child": child.first_name, "year": year.label},
                    _("Les inscriptions sont ouvertes jusqu'au %(day)s.") % {"day": f"{closes:%d/%m/%Y}"}
                    if closes
                    else _("Les inscriptions sont ouvertes."),
                    closes,
                    _("Inscrire %(child)s") % {"child": child.first_name},
                    caisse_reverse(
                        household.caisse,
                        "portal:enrollment_form",
                        kwargs={"child_uuid": child.uuid, "year_uuid": year.uuid},
                    ),
                )
            )
    return items


def _tariff_requests(household) -> list:
    """The household's tariff requests, not cancelled (read once: « À faire » and the tiles)."""
    return list(
        TariffRequest.objects.filter(household=household, caisse_id=household.caisse_id)
        .exclude(state=TariffRequestState.CANCELLED)
        .select_related("school_year")
    )


def _tariffs(household, years, requests, pricing: CaissePricing) -> list[TodoItem]:
    """Next year's request to make (before the rentrée, when the highest tariff would apply), and
    any request the Caisse asked to complete; `years`: the coming ones, `pricing`: their grids."""
    items = []
    for request in requests:
        if request.state == TariffRequestState.NEEDS_INFO:
            items.append(
                TodoItem(
                    "tariff_info",
                    _("Demande de tarif %(year)s à compléter") % {"year": request.school_year.label},
                    request.agent_message or _("La Caisse des écoles attend un complément."),
                    None,
                    _("Compléter"),
                    caisse_reverse(
                        household.caisse, "portal:tariff", kwargs={"year_uuid": request.school_year.uuid}
                    ),
                )
            )
    asked = {request.school_year_id for request in requests}
    with_grid = [year for year in years if year.pk in pricing.grids and year.pk not in asked]
    if with_grid:  # a coming year with a grid and no request: was its tariff decided without one?
        decided = set(
            TariffDecision.objects.filter(household=household, school_year__in=with_grid).values_list(
                "school_year_id", flat=True
            )
        )
        with_grid = [year for year in with_grid if year.pk not in decided]
    for year in with_grid:
        items.append(
            TodoItem(
                "tariff",
                _("Demande de tarif %(year)s à faire") % {"year": year.label},
                _("Sans demande avant la rentrée du %(day)s, le tarif le plus élevé s'applique.")
                % {"day": f"{year.first_day:%d/%m/%Y}"},
                year.first_day,
                _("Faire ma demande de tarif"),
                caisse_reverse(household.caisse, "portal:tariff", kwargs={"year_uuid": year.uuid}),
            )
        )
    return items


def _absences(household, today) -> list[TodoItem]:
    """Illness declared late and still waiting: the refund asks for a medical certificate."""
    absences = list(_late_illnesses(household, today).select_related("child"))
    if not absences:
        return []
    refunded = set(
        Request.objects.filter(
            household=household,
            caisse_id=household.caisse_id,
            kind=RequestKind.ILLNESS_REFUND,
            created_at__gte=min(absence.created_at for absence in absences),
        )
        .exclude(state__in=[RequestState.DRAFT, RequestState.CANCELLED])
        .values_list("children", flat=True)
    )
    items = []
    for absence in absences:
        if absence.child_id in refunded:
            continue
        deadline = absence.first_day + datetime.timedelta(days=ILLNESS_PROOF_DAYS)
        items.append(
            TodoItem(
                "absence",
                (
                    _("Absence d'%(child)s à justifier")
                    if starts_with_vowel(absence.child.first_name)
                    else _("Absence de %(child)s à justifier")
                )
                % {"child": absence.child.first_name},
                _(
                    "Absence pour maladie du %(first)s au %(last)s : envoyez le certificat médical avant le %(day)s."
                )
                % {
                    "first": f"{absence.first_day:%d/%m/%Y}",
                    "last": f"{absence.last_day:%d/%m/%Y}",
                    "day": f"{deadline:%d/%m/%Y}",
                },
                deadline,
                _("Envoyer le certificat"),
                caisse_reverse(
                    household.caisse, "portal:request_create", kwargs={"kind_slug": "remboursement-maladie"}
                ),
            )
        )
    return items


def _requests(household) -> list[TodoItem]:
    return [
        TodoItem(
            "request",
            _("%(kind)s : à compléter") % {"kind": request.get_kind_display()},
            _("La Caisse des écoles vous demande un document ou une correction."),
            None,
            _("Compléter ma demande"),
            caisse_reverse(household.caisse, "portal:request_detail", kwargs={"request_uuid": request.uuid}),
        )
        for request in _incomplete_requests(household, household.caisse_id).order_by("submitted_at", "pk")
    ]


@dataclass
class Dashboard:
    """Everything « Mon espace » shows a validated household, read in a fixed number of queries."""

    todo: list[TodoItem]
    children: list["ChildCard"]
    school_year_label: str
    # What the tiles read too (tiles.dashboard_tiles): the Caisse's years and grids, the
    # household's tariff requests not cancelled.
    pricing: CaissePricing | None = None
    tariff_requests: list | None = None
    unpaid: list | None = None  # the household's invoices left to pay (`_unpaid`)
    decisions: list | None = None  # its tariff decisions (`pricing.selectors.household_decisions`)


@dataclass(frozen=True)
class ChildCard:
    child: object
    school: str
    days: str
    eats_today: bool | None  # None: not enrolled today
    eats_tomorrow: bool | None
    tariff: str
    planning_url: str

    @property
    def planning_label(self) -> str:
        name = self.child.first_name
        if starts_with_vowel(name):
            return _("Planning d'%(name)s") % {"name": name}
        return _("Planning de %(name)s") % {"name": name}

    @property
    def today_text(self) -> str:
        if self.eats_today is None:
            return ""
        return (
            _("Mange à la cantine aujourd'hui")
            if self.eats_today
            else _("Ne mange pas à la cantine aujourd'hui")
        )

    @property
    def tomorrow_text(self) -> str:
        if self.eats_tomorrow is None:
            return ""
        return _("Mange à la cantine demain") if self.eats_tomorrow else _("Ne mange pas à la cantine demain")


def _child_cards(household, children, enrollments, tariff_text, today) -> list[ChildCard]:
    tomorrow = today + datetime.timedelta(days=1)
    current = {}
    for enrollment in enrollments:
        if (
            enrollment.state == EnrollmentState.ACTIVE
            and enrollment.start_date <= tomorrow
            and enrollment.end_date >= today
        ):
            current.setdefault(enrollment.child_id, enrollment)
    days = (
        meal_days(
            caisse=household.caisse,
            start=today,
            end=tomorrow,
            household_ids=[household.pk],
            enrollments=enrollments,
        )
        if current
        else {}
    )
    cards = []
    for child in children:
        enrollment = current.get(child.pk)
        served = days.get((household.pk, child.pk), [])
        cards.append(
            ChildCard(
                child=child,
                school=enrollment.school.name if enrollment else "",
                days=weekday_names(enrollment.weekdays) if enrollment else "",
                eats_today=(today in served) if enrollment and enrollment.start_date <= today else None,
                eats_tomorrow=(tomorrow in served)
                if enrollment and enrollment.end_date >= tomorrow
                else None,
                tariff=tariff_text if enrollment else "",
                planning_url=caisse_reverse(
                    household.caisse, "portal:planning", kwargs={"enrollment_uuid": enrollment.uuid}
                )
                if enrollment
                else "",
            )
        )
    return cards


def family_dashboard(*, household, today: datetime.date, tariff_text: str | None = None) -> Dashboard:
    """« À faire » (most urgent first) and one card per child of a validated `household`; the
    cards tell the tariff in force today (`tariff_text`, or read here). A `household` read
    `with_pending` saves a query."""
    children = list(household.children.all())
    enrollments = list(
        with_meal_flags(
            Enrollment.objects.filter(household=household, caisse_id=household.caisse_id),
            caisse=household.caisse,
            start=today,
            end=today + datetime.timedelta(days=1),  # the children's cards: today and tomorrow
        )
        .select_related("school")
        .order_by("start_date")
    )
    pricing = caisse_pricing(caisse=household.caisse_id)  # the Caisse's years and grids, cached
    years = [year for year in pricing.years if year.first_day > today]
    requests = _tariff_requests(household)
    decisions = household_decisions(household)  # today's tariff, and last year's on its tile
    if tariff_text is None:
        tariff_text = tariff_in_force_text(household, today, known=pricing, decisions=decisions)
    pending = _pending(household, today)
    unpaid = _unpaid(household) if pending["pending_invoice"] else []
    todo = [
        *_invoices(household, unpaid),
        *(_stays(household) if pending["pending_stay"] else []),
        *_enrollments(household, children, years, enrollments, today),
        *_tariffs(household, years, requests, pricing),
        *(_absences(household, today) if pending["pending_absence"] else []),
        *(_requests(household) if pending["pending_request"] else []),
    ]
    todo.sort(key=lambda item: _dated(item.deadline))
    return Dashboard(
        todo=todo,
        children=_child_cards(household, children, enrollments, tariff_text, today),
        school_year_label=_year_label(pricing.years, today),
        pricing=pricing,
        tariff_requests=requests,
        unpaid=unpaid,
        decisions=decisions,
    )


def _year_label(years, today) -> str:
    """The current school year's label (« 2026-2027 »), as `tiles.school_year_label` reads it."""
    current = next((year for year in years if year.first_day <= today <= year.last_day), None)
    if current is None and years:
        current = years[-1]
    if current is not None:
        return current.label
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"
