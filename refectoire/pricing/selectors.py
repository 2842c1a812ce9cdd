"""Reads of the pricing app, for billing and the screens.

`brackets_in_force` answers, for a whole Caisse and a period, which bracket and price applies to
each household on each day, in a handful of queries whatever the number of households.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.core import reference
from refectoire.core.lookups import Ids
from refectoire.core.money import format_euros
from refectoire.households.models import Household
from refectoire.pricing.enums import DecisionSource, PackedMealPricing, TariffRequestState
from refectoire.pricing.models import (
    PricingSettings,
    TariffBracket,
    TariffDecision,
    TariffGrid,
    TariffRequest,
    format_percent,
)
from refectoire.pricing.quotient import CAF_PARTS_RULE, PartsRule
from refectoire.schools.models import SchoolYear

ONE_DAY = datetime.timedelta(days=1)


class NoTariffGrid(LookupError):
    """The Caisse has no school year or no tariff grid for a day that must be priced."""


@dataclass(frozen=True)
class BracketInForce:
    first_day: datetime.date
    last_day: datetime.date
    bracket_number: int
    unit_price: Decimal
    family_quotient: Decimal | None
    decision_id: int | None
    reason: str
    # A « panier repas » day (validated PAI, the family brings the meal) is billed at this price,
    # the grid's (fixed, or a share of `unit_price`), with this reason.
    packed_meal_price: Decimal = Decimal("0.00")
    packed_meal_reason: str = ""


def packed_meal_reason(*, grid, bracket_number: int, unit_price: Decimal) -> str:
    """Why a « panier repas » day costs what it costs, for its invoice line."""
    if grid.packed_meal_pricing == PackedMealPricing.SHARE:
        return _("panier repas (PAI) : %(share)s du prix du tarif %(n)s (%(price)s)") % {
            "share": format_percent(grid.packed_meal_value),
            "n": bracket_number,
            "price": format_euros(unit_price),
        }
    return _("panier repas (PAI) : prix fixé par la grille %(year)s") % {"year": grid.school_year.label}


def _packed(grid, bracket_number: int, unit_price: Decimal) -> dict:
    """The panier-repas price and reason of a bracket of `grid`, made once per grid and bracket."""
    cache = grid.__dict__.setdefault("_packed_cache", {})
    key = (bracket_number, unit_price)
    if key not in cache:
        cache[key] = {
            "packed_meal_price": grid.packed_meal_price(unit_price),
            "packed_meal_reason": packed_meal_reason(
                grid=grid, bracket_number=bracket_number, unit_price=unit_price
            ),
        }
    return cache[key]


def _reason_texts() -> tuple[str, str, str]:
    """decision_reason's three sentences (refused, without quotient, with quotient), translated
    once by the caller that words thousands of decisions (brackets_in_force)."""
    return (
        _("tarif %(n)s : demande refusée (décision du %(when)s)"),
        _("tarif %(n)s (décision du %(when)s)"),
        _("tarif %(n)s : quotient familial %(qf)s (décision du %(when)s)"),
    )


def decision_reason(*, bracket_number: int, family_quotient, decided_on, source, texts=None) -> str:
    refused, plain, with_quotient = texts or _reason_texts()
    values = {"n": bracket_number, "when": f"{decided_on.day:02d}/{decided_on.month:02d}/{decided_on.year}"}
    if source == DecisionSource.REFUSAL:
        return refused % values
    if family_quotient is None:
        return plain % values
    return with_quotient % {**values, "qf": format_euros(family_quotient)}


def default_reason(bracket_number: int) -> str:
    return _("tarif %(n)s : aucun justificatif de ressources") % {"n": bracket_number}


def parts_rule_for(caisse) -> PartsRule:
    settings = PricingSettings.objects.filter(caisse=caisse).first()
    return settings.parts_rule if settings else CAF_PARTS_RULE


def pricing_settings_for(caisse) -> PricingSettings:
    settings, _created = PricingSettings.objects.get_or_create(caisse=caisse)
    return settings


def current_grids(*, caisse, school_years=None) -> dict[int, TariffGrid]:
    """The grid in force (highest version) of each school year of `caisse`, brackets prefetched."""
    grids = (
        TariffGrid.objects.filter(caisse=caisse)
        .select_related("school_year")
        .prefetch_related(Prefetch("brackets", queryset=TariffBracket.objects.order_by("number")))
    )
    if school_years is not None:
        grids = grids.filter(school_year__in=school_years)
    result: dict[int, TariffGrid] = {}
    for grid in grids:
        known = result.get(grid.school_year_id)
        if known is None or grid.version > known.version:
            result[grid.school_year_id] = grid
    return result


def grid_for_year(school_year) -> TariffGrid | None:
    return current_grids(caisse=school_year.caisse, school_years=[school_year]).get(school_year.pk)


def grid_in_force(*, caisse, day: datetime.date) -> TariffGrid:
    """The grid that prices `day` (the school year containing it, or the one before during the
    summer), with its adult-meal and exceptional-meal prices. Raises NoTariffGrid."""
    [(year, _lo, _hi)] = _year_ranges(caisse, day, day)
    grid = current_grids(caisse=caisse, school_years=[year]).get(year.pk)
    if grid is None:
        raise NoTariffGrid(f"no tariff grid for {caisse} {year}")
    return grid


@dataclass(frozen=True)
class CaissePricing:
    """What a page already read of a Caisse's pricing, handed to the selectors below so that
    several of them on one page read it once: every school year (by first day) and the grid in
    force of each year that has one (`current_grids`, brackets prefetched)."""

    years: list
    grids: dict


def caisse_pricing(*, caisse, years=None) -> CaissePricing:
    """The Caisse's school years (`years` when the caller read them all, by first day) and grids;
    when the caller read nothing, from the process's reference cache (core/reference.py)."""
    if years is None:
        return reference.cached(
            "pricing", getattr(caisse, "pk", caisse), None, lambda: _caisse_pricing(caisse)
        )
    return CaissePricing(years=list(years), grids=current_grids(caisse=caisse) if years else {})


def _caisse_pricing(caisse) -> CaissePricing:
    years = list(SchoolYear.objects.filter(caisse=caisse).order_by("first_day"))
    return CaissePricing(years=years, grids=current_grids(caisse=caisse) if years else {})


def _year_ranges(caisse, start, end, known: CaissePricing | None = None):
    """The school years covering [start, end], each stretched to the eve of the next one.

    A tariff holds from one rentrée to the next: summer days belong to the year before; days
    before the first known year belong to it.
    """
    if known is not None:
        years = known.years
    else:
        years = list(SchoolYear.objects.filter(caisse=caisse).order_by("first_day"))
    if not years:
        raise NoTariffGrid(f"no school year for {caisse}")
    ranges = []
    for index, year in enumerate(years):
        first = datetime.date.min if index == 0 else year.first_day
        last = years[index + 1].first_day - ONE_DAY if index + 1 < len(years) else datetime.date.max
        lo, hi = max(first, start), min(last, end)
        if lo <= hi:
            ranges.append((year, lo, hi))
    return ranges


def _spans_for(segments, decisions_by_year, texts) -> list[BracketInForce]:
    spans: list[BracketInForce] = []
    for year, lo, hi, grid, default in segments:
        # The decision in force from each start date (the latest recorded wins on the same date).
        current = None
        day = lo
        for decision in decisions_by_year.get(year.pk, ()):
            if decision.start_date > hi:
                break
            if decision.start_date > day:
                spans.append(_span(current, grid, default, day, decision.start_date - ONE_DAY, texts))
                day = decision.start_date
            current = decision
        spans.append(_span(current, grid, default, day, hi, texts))
    return spans


DECISION_ORDER = ("household_id", "start_date", "created_at", "pk")


class _Decision(NamedTuple):
    pk: int
    household_id: int
    school_year_id: int
    bracket_number: int
    family_quotient: Decimal | None
    start_date: datetime.date
    decided_on: datetime.date
    source: str


def _span(decision: _Decision | None, grid, default: BracketInForce, first, last, texts) -> BracketInForce:
    if decision is None:
        if (first, last) == (default.first_day, default.last_day):
            return default
        return BracketInForce(
            first_day=first,
            last_day=last,
            bracket_number=default.bracket_number,
            unit_price=default.unit_price,
            family_quotient=None,
            decision_id=None,
            reason=default.reason,
            packed_meal_price=default.packed_meal_price,
            packed_meal_reason=default.packed_meal_reason,
        )
    prices = _prices(grid)
    number = decision.bracket_number
    if number not in prices:  # a grid with fewer brackets than the decision: the highest applies
        number = max(prices)
    return BracketInForce(
        first_day=first,
        last_day=last,
        bracket_number=number,
        unit_price=prices[number],
        family_quotient=decision.family_quotient,
        decision_id=decision.pk,
        reason=decision_reason(
            bracket_number=number,
            family_quotient=decision.family_quotient,
            decided_on=decision.decided_on,
            source=decision.source,
            texts=texts,
        ),
        **_packed(grid, number, prices[number]),
    )


def _prices(grid) -> dict[int, Decimal]:
    cached = getattr(grid, "_prices_cache", None)
    if cached is None:
        cached = grid._prices_cache = {bracket.number: bracket.unit_price for bracket in grid.brackets.all()}
    return cached


def brackets_in_force(
    *,
    caisse,
    start: datetime.date,
    end: datetime.date,
    household_ids=None,
    known: CaissePricing | None = None,
    decisions: list[_Decision] | None = None,
) -> dict[int, list[BracketInForce]]:
    """For each household of `caisse` (or of `household_ids`), the consecutive non-overlapping
    spans covering [start, end], each with its bracket, price per meal and the reason for the
    invoice line. Four queries whatever the number of households; one (the decisions) with
    `known`, the years and grids the page read already (`caisse_pricing`); none with `decisions`
    too, all the decisions of `household_ids` the page read already (`household_decisions`).
    """
    if end < start:
        raise ValueError("end before start")
    ranges = _year_ranges(caisse, start, end, known)
    if known is not None:
        grids = known.grids
    else:
        grids = current_grids(caisse=caisse, school_years=[year for year, _lo, _hi in ranges])
    segments = []
    for year, lo, hi in ranges:
        grid = grids.get(year.pk)
        if grid is None or not grid.brackets.all():
            raise NoTariffGrid(f"no tariff grid for {caisse} {year}")
        top = grid.ordered_brackets()[-1]
        default = BracketInForce(
            first_day=lo,
            last_day=hi,
            bracket_number=top.number,
            unit_price=top.unit_price,
            family_quotient=None,
            decision_id=None,
            reason=default_reason(top.number),
            **_packed(grid, top.number, top.unit_price),
        )
        segments.append((year, lo, hi, grid, default))

    years = [year for year, _lo, _hi in ranges]
    if decisions is not None:  # read by the page, in the query's order: the same rows, kept here
        if household_ids is None:
            raise ValueError("decisions read by the page are those of its households")
        household_ids = list(household_ids)
        wanted, year_ids = set(household_ids), {year.pk for year in years}
        rows = [
            decision
            for decision in decisions
            if decision.household_id in wanted
            and decision.school_year_id in year_ids
            and decision.start_date <= end
        ]
    else:
        query = (
            TariffDecision.objects.filter(caisse=caisse, school_year__in=years, start_date__lte=end)
            .order_by(*DECISION_ORDER)
            .values_list(*_Decision._fields)
        )
        if household_ids is not None:
            household_ids = list(household_ids)
            # Only these households' decisions, the ids as one array parameter (core/lookups.py).
            query = query.filter(household_id__any=Ids(household_ids))
        else:
            household_ids = list(Household.objects.filter(caisse=caisse).values_list("pk", flat=True))
        # A few households' decisions in one round trip; a Caisse's through a server-side cursor.
        found = query if len(household_ids) <= 100 else query.iterator(chunk_size=5000)
        rows = (_Decision._make(row) for row in found)

    by_household: dict[int, dict[int, list]] = {}
    for decision in rows:
        by_household.setdefault(decision.household_id, {}).setdefault(decision.school_year_id, []).append(
            decision
        )

    default_spans = tuple(default for *_rest, default in segments)
    texts = _reason_texts()
    result: dict[int, list[BracketInForce]] = {}
    for household_id in household_ids:
        decided = by_household.get(household_id)
        result[household_id] = _spans_for(segments, decided, texts) if decided else list(default_spans)
    return result


def household_decisions(household) -> list[_Decision]:
    """Every tariff decision of `household`, in `brackets_in_force`'s order: a page telling several
    of its spans (« Mon espace »: today's tariff, last year's) reads them once and passes them."""
    return [
        _Decision._make(row)
        for row in TariffDecision.objects.filter(caisse_id=household.caisse_id, household=household)
        .order_by(*DECISION_ORDER)
        .values_list(*_Decision._fields)
    ]


def bracket_in_force(
    *, household, day: datetime.date, known: CaissePricing | None = None, decisions=None
) -> BracketInForce:
    """The bracket of `household` on `day` (a span of that single day)."""
    return brackets_in_force(
        caisse=household.caisse,
        start=day,
        end=day,
        household_ids=[household.pk],
        known=known,
        decisions=decisions,
    )[household.pk][0]


# --- the parent's side --------------------------------------------------------------------------


def tariff_years_open(*, caisse, today: datetime.date):
    """The school years a parent may ask a tariff for: with a grid, not over yet."""
    return list(
        SchoolYear.objects.filter(caisse=caisse, last_day__gte=today, tariff_grids__isnull=False)
        .distinct()
        .order_by("first_day")
    )


def dashboard_tariff_years(
    *, caisse, today: datetime.date, known: CaissePricing | None = None
) -> list[tuple]:
    """The school years of the dashboard's « Tarif » tiles, as the guide shows them side by side
    (« Tarif 2025-2026 », « Tarif 2026-2027 »): [(year, past)], oldest first.

    The current year is the latest one open to a request (with a grid, not over); failing that,
    the year containing `today`, or the latest known. The past one is the year just before it:
    its tile reads the decision that applied. Empty when the Caisse has no school year.
    """
    if known is not None:
        years = known.years
        open_years = [year for year in years if year.last_day >= today and year.pk in known.grids]
    else:
        years = list(SchoolYear.objects.for_caisse(caisse).order_by("first_day"))
    if not years:
        return []
    if known is None:
        open_years = tariff_years_open(caisse=caisse, today=today)
    current = open_years[-1] if open_years else None
    if current is None:
        current = next((year for year in years if year.first_day <= today <= year.last_day), years[-1])
    index = next(i for i, year in enumerate(years) if year.pk == current.pk)
    result = [(years[index - 1], True)] if index > 0 else []
    return [*result, (current, False)]


@dataclass(frozen=True)
class TariffTile:
    """What the dashboard shows on the "Tarif 2026-2027" tile."""

    title: str
    state: str  # "none", or a TariffRequestState value
    state_label: str
    text: str
    school_year_uuid: uuid.UUID  # the screens link the tile to the year's tariff page


def _requests_of_year(household, school_year, requests):
    """The household's requests for the year, not cancelled: from `requests` (all the household's
    requests not cancelled, read once by the page) or from the database."""
    if requests is None:
        return TariffRequest.objects.filter(household=household, school_year=school_year).exclude(
            state=TariffRequestState.CANCELLED
        )
    return [request for request in requests if request.school_year_id == school_year.pk]


def _latest_sent(requests):
    unsent = [request for request in requests if request.sent_at is None]
    if unsent:
        return unsent[0]
    return max(requests, key=lambda request: request.sent_at, default=None)


def tariff_tile(
    *,
    household,
    school_year,
    past: bool = False,
    known: CaissePricing | None = None,
    requests=None,
    decisions=None,
) -> TariffTile:
    """The « Tarif <année> » tile. The current year's leads to the request or tells its state;
    a `past` year's reads the tariff that applied: bracket, price per meal and dates.

    `known` (`caisse_pricing`), `requests` (the household's requests not cancelled) and
    `decisions` (`household_decisions`) spare the queries of what the page read already."""
    title = _("Tarif %(year)s") % {"year": school_year.label}
    if past:
        return _past_tariff_tile(
            household=household,
            school_year=school_year,
            title=title,
            known=known,
            requests=requests,
            decisions=decisions,
        )
    grid = known.grids.get(school_year.pk) if known is not None else grid_for_year(school_year)
    top = grid.highest_bracket if grid and grid.brackets.all() else None
    default = (
        _("le tarif %(n)s (%(price)s par repas) s'applique")
        % {"n": top.number, "price": format_euros(top.unit_price)}
        if top
        else _("le tarif le plus élevé s'applique")
    )
    if requests is None:
        request = _requests_of_year(household, school_year, None).first()
    else:  # `.first()` in the model's order: the latest sent (PostgreSQL puts one not sent first)
        request = _latest_sent(_requests_of_year(household, school_year, requests))
    if request is None:
        return TariffTile(
            title=title,
            state="none",
            state_label=_("Aucune demande"),
            text=_("Demande de tarif dégressif %(year)s à faire : sans justificatif, %(default)s.")
            % {"year": school_year.label, "default": default},
            school_year_uuid=school_year.uuid,
        )
    state = TariffRequestState(request.state)
    if state == TariffRequestState.SENT:
        text = _("Demande envoyée le %(day)s.") % {"day": f"{timezone_date(request.sent_at):%d/%m/%Y}"}
    elif state == TariffRequestState.IN_REVIEW:
        text = _("Demande en cours de traitement par la Caisse des écoles.")
    elif state == TariffRequestState.NEEDS_INFO:
        text = _("Demande à compléter : %(message)s") % {"message": request.agent_message}
    else:
        decision = request.decisions.order_by("-created_at", "-pk").first()
        price = _price(grid, decision.bracket_number) if decision and grid else None
        if decision is None:
            text = state.label
        elif state == TariffRequestState.REFUSED:
            text = _("Demande refusée : tarif %(n)s (%(price)s par repas).") % {
                "n": decision.bracket_number,
                "price": format_euros(price),
            }
        else:
            text = _("Tarif %(n)s : %(price)s par repas à partir du %(day)s.") % {
                "n": decision.bracket_number,
                "price": format_euros(price),
                "day": f"{decision.start_date:%d/%m/%Y}",
            }
    return TariffTile(
        title=title,
        state=state.value,
        state_label=str(state.label),
        text=text,
        school_year_uuid=school_year.uuid,
    )


def _past_tariff_tile(
    *, household, school_year, title: str, known=None, requests=None, decisions=None
) -> TariffTile:
    """What applied over the year (the same spans as the billing run): « Tarif 4 : 2,28 € par
    repas du 01/09/2025 au 03/07/2026. »; several spans when a decision changed in the year."""
    if requests is None:
        request = _requests_of_year(household, school_year, None).order_by("-created_at", "-pk").first()
    else:  # the latest recorded
        request = max(
            _requests_of_year(household, school_year, requests),
            key=lambda r: (r.created_at, r.pk),
            default=None,
        )
    if request is None:
        state, state_label = "none", _("Aucune demande")
    else:
        state, state_label = request.state, str(TariffRequestState(request.state).label)
    try:
        spans = brackets_in_force(
            caisse=household.caisse,
            start=school_year.first_day,
            end=school_year.last_day,
            household_ids=[household.pk],
            known=known,
            decisions=decisions,
        )[household.pk]
    except NoTariffGrid:
        text = _("Aucune grille tarifaire pour l'année %(year)s.") % {"year": school_year.label}
    else:
        parts = []
        for span in spans:
            values = {
                "n": span.bracket_number,
                "price": format_euros(span.unit_price),
                "first": f"{span.first_day:%d/%m/%Y}",
                "last": f"{span.last_day:%d/%m/%Y}",
            }
            if span.decision_id is None:
                part = _(
                    "Tarif %(n)s : %(price)s par repas du %(first)s au %(last)s (aucun justificatif de ressources)"
                )
            else:
                part = _("Tarif %(n)s : %(price)s par repas du %(first)s au %(last)s")
            parts.append(part % values)
        text = " ; ".join(parts) + "."
    return TariffTile(
        title=title, state=state, state_label=state_label, text=text, school_year_uuid=school_year.uuid
    )


def timezone_date(moment) -> datetime.date:
    return timezone.localdate(moment)


def _price(grid, number) -> Decimal:
    prices = {bracket.number: bracket.unit_price for bracket in grid.brackets.all()}
    return prices.get(number, prices[max(prices)])


# --- exports --------------------------------------------------------------------------------------

CSV_HEADER = "household_ref;bracket;family_quotient;start_date;source"


def latest_decisions(*, caisse, school_year):
    """The latest decision of each household for the year (latest start date, then latest recorded)."""
    decisions = (
        TariffDecision.objects.filter(caisse=caisse, school_year=school_year)
        .select_related("household")
        .order_by("household_id", "start_date", "created_at", "pk")
    )
    latest = {}
    for decision in decisions:
        latest[decision.household_id] = decision
    return sorted(latest.values(), key=lambda d: d.household.reference or str(d.household.uuid))


def tariffs_csv(*, caisse, school_year) -> str:
    """`household_ref;bracket;family_quotient;start_date;source`, one line per household with a
    decided tariff for the year (its latest decision). See docs/formats-pricing.md."""
    lines = [CSV_HEADER]
    for decision in latest_decisions(caisse=caisse, school_year=school_year):
        quotient = "" if decision.family_quotient is None else f"{decision.family_quotient:.2f}"
        lines.append(
            ";".join(
                [
                    decision.household.reference or str(decision.household.uuid),
                    str(decision.bracket_number),
                    quotient,
                    decision.start_date.isoformat(),
                    decision.source,
                ]
            )
        )
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class AdultPriceInForce:
    """The adult-meal price of the grid in force from `first_day` to `last_day`."""

    first_day: datetime.date
    last_day: datetime.date
    unit_price: Decimal
    reason: str


def adult_meal_prices(*, caisse, start: datetime.date, end: datetime.date) -> list[AdultPriceInForce]:
    """Consecutive spans covering [start, end]: the adult-meal price of each day's school year.

    Strict: a school year without a tariff grid raises NoTariffGrid (the run fails and says why)."""
    ranges = _year_ranges(caisse, start, end)
    grids = current_grids(caisse=caisse, school_years=[year for year, _lo, _hi in ranges])
    spans = []
    for year, lo, hi in ranges:
        grid = grids.get(year.pk)
        if grid is None:
            raise NoTariffGrid(
                _(
                    "Aucune grille tarifaire pour l'année scolaire %(year)s : le prix du repas adulte est inconnu."
                )
                % {"year": year.label}
            )
        spans.append(
            AdultPriceInForce(
                first_day=lo,
                last_day=hi,
                unit_price=grid.adult_meal_price,
                reason=_("prix du repas adulte, grille %(year)s (version %(version)s)")
                % {"year": year.label, "version": grid.version},
            )
        )
    return spans


# The agents' queues ----------------------------------------------------------------------

# The queue's default choice: the requests an agent still has to handle.
OPEN = "open"
OPEN_REQUEST_STATES = (TariffRequestState.SENT, TariffRequestState.IN_REVIEW)


def open_tariff_requests_count(*, caisse) -> int:
    """Requests waiting for an agent (the back-office home's counter)."""
    return TariffRequest.objects.for_caisse(caisse).filter(state__in=OPEN_REQUEST_STATES).count()


def tariff_requests_queue(*, caisse, state: str = OPEN, school_year_uuid=None, income_source="", query=""):
    """« Demandes de tarif »: oldest sent first; `state` is OPEN (sent or in review), "" (all) or
    one state; `query` finds a household by its reference or a representative's name."""
    requests = (
        TariffRequest.objects.for_caisse(caisse)
        .select_related("household", "school_year")
        .prefetch_related("household__guardians")
        .order_by("sent_at", "pk")
    )
    if state == OPEN:
        requests = requests.filter(state__in=OPEN_REQUEST_STATES)
    elif state:
        requests = requests.filter(state=state)
    if school_year_uuid:
        requests = requests.filter(school_year__uuid=school_year_uuid)
    if income_source:
        requests = requests.filter(income_source=income_source)
    if query:
        requests = requests.filter(
            Q(household__reference__icontains=query)
            | Q(household__guardians__last_name__icontains=query)
            | Q(household__guardians__first_name__icontains=query)
        ).distinct()
    return requests


def households_without_tariff(*, caisse, school_year):
    """Validated households with no tariff decided for `school_year` (they pay the highest)."""
    decided = TariffDecision.objects.filter(household=OuterRef("pk"), school_year=school_year)
    return (
        Household.objects.for_caisse(caisse)
        .validated()
        .annotate(has_decision=Exists(decided))
        .filter(has_decision=False)
        .prefetch_related("guardians")
        .order_by("reference", "pk")
    )
