"""The agents' tariff screens: the « Demandes de tarif » queue, a request's detail and its
decisions, households without a decided tariff, the CSV export; the managers' grids and settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.accounts.access_log import access_log_for_request
from refectoire.accounts.enums import AccessKind
from refectoire.core.forms import add_service_errors
from refectoire.households.models import Household
from refectoire.pricing import grids, quotient, selectors, services
from refectoire.pricing.enums import TariffRequestState
from refectoire.pricing.grids import PARIS_ADULT_MEAL_PRICE, PARIS_BRACKETS, PARIS_EXCEPTIONAL_MEAL_PRICE
from refectoire.pricing.models import TariffDecision, TariffGrid, TariffRequest
from refectoire.pricing.selectors import current_grids, grid_for_year, pricing_settings_for, tariffs_csv
from refectoire.schools.models import SchoolYear
from refectoire.www.backoffice.access import agent_required, manager_required
from refectoire.www.backoffice.queues import queue
from refectoire.www.backoffice.tariff.forms import (
    OPEN,
    ComplementForm,
    DecideForm,
    GridForm,
    PricingSettingsForm,
    RefuseForm,
    RequestFilterForm,
    YearForm,
)
from refectoire.www.files import document_response

PAGE_SIZE = 50


def _years(caisse):
    return list(SchoolYear.objects.for_caisse(caisse).order_by("-first_day"))


@agent_required
def tariff_requests(request):
    """« Demandes de tarif »: the queue, with filters."""
    caisse = request.caisse
    years = _years(caisse)
    data = request.GET.copy()
    data.setdefault("state", OPEN)
    form = RequestFilterForm(data, years=years)
    requests = selectors.tariff_requests_queue(caisse=caisse)
    if form.is_valid():
        requests = selectors.tariff_requests_queue(
            caisse=caisse,
            state=form.cleaned_data["state"],
            school_year_uuid=form.cleaned_data["year"],
            income_source=form.cleaned_data["source"],
            query=form.cleaned_data["q"],
        )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = data.copy()
    query_string.pop("page", None)
    return render(
        request,
        "backoffice/tariff/request_list.html",
        {"form": form, "page": page, "query_string": query_string.urlencode()},
    )


def _get_request(request, request_uuid):
    return get_object_or_404(
        TariffRequest.objects.for_caisse(request.caisse).select_related("household", "school_year"),
        uuid=request_uuid,
    )


def _detail(request, tariff_request, *, decide_form=None, complement_form=None, refuse_form=None, status=200):
    access_log_for_request(
        request,
        kind=AccessKind.TARIFF_REQUEST,
        object_id=tariff_request.uuid,
        household_id=tariff_request.household_id,
    )
    grid = grid_for_year(tariff_request.school_year)
    if grid is None:
        raise Http404
    declaration = quotient.Declaration.of_request(tariff_request)
    try:
        estimate = services.tariff_request_estimate(
            caisse=request.caisse, school_year=tariff_request.school_year, declaration=declaration
        )
    except ValidationError:
        estimate = None
    earliest = services.earliest_start_date(request=tariff_request)
    decide_form = decide_form or DecideForm(
        grid=grid,
        initial={
            "bracket_number": estimate.bracket_number if estimate else grid.highest_bracket.number,
            "family_quotient": estimate.family_quotient if estimate else None,
            "start_date": earliest,
        },
    )
    household = tariff_request.household
    context = {
        "tariff_request": tariff_request,
        "household": household,
        "guardians": household.guardians.all(),
        "children": household.children.all(),
        "estimate": estimate,
        "earliest": earliest,
        "grid": grid,
        "proofs": tariff_request.proofs.available(),
        "events": tariff_request.events.select_related("actor"),
        "decisions": TariffDecision.objects.filter(
            household=household, school_year=tariff_request.school_year
        ).select_related("decided_by"),
        "decide_form": decide_form,
        "complement_form": complement_form or ComplementForm(),
        "refuse_form": refuse_form or RefuseForm(),
        "can_take": tariff_request.can_become(TariffRequestState.IN_REVIEW),
        "can_decide": tariff_request.can_become(TariffRequestState.DECIDED),
        "can_complement": tariff_request.can_become(TariffRequestState.NEEDS_INFO),
        "can_refuse": tariff_request.can_become(TariffRequestState.REFUSED),
    }
    return render(request, "backoffice/tariff/request_detail.html", context, status=status)


@agent_required
def tariff_request_detail(request, request_uuid):
    return _detail(request, _get_request(request, request_uuid))


@agent_required
def tariff_request_proof(request, request_uuid, document_uuid):
    tariff_request = _get_request(request, request_uuid)
    document = get_object_or_404(tariff_request.proofs.available(), uuid=document_uuid)
    access_log_for_request(
        request, kind=AccessKind.DOCUMENT, object_id=document.uuid, household_id=tariff_request.household_id
    )
    return document_response(document)


def _fail(request, error):
    messages.error(request, " ".join(error.messages))


@agent_required
@require_POST
def tariff_request_take(request, request_uuid):
    tariff_request = _get_request(request, request_uuid)
    try:
        services.tariff_request_take(request=tariff_request, agent=request.user)
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("La demande est en cours de traitement."))
    return redirect("backoffice:tariff_request", request_uuid=tariff_request.uuid)


@agent_required
@require_POST
def tariff_request_decide(request, request_uuid):
    tariff_request = _get_request(request, request_uuid)
    grid = grid_for_year(tariff_request.school_year)
    if grid is None:
        raise Http404
    form = DecideForm(request.POST, grid=grid)
    if form.is_valid():
        try:
            decision = services.tariff_request_decide(
                request=tariff_request,
                agent=request.user,
                bracket_number=form.cleaned_data["bracket_number"],
                family_quotient=form.cleaned_data["family_quotient"],
                start_date=form.cleaned_data["start_date"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Tarif %(n)d décidé à partir du %(date)s ; le parent en est informé par courriel.")
                % {"n": decision.bracket_number, "date": decision.start_date.strftime("%d/%m/%Y")},
            )
            return redirect("backoffice:tariff_request", request_uuid=tariff_request.uuid)
    return _detail(request, tariff_request, decide_form=form, status=400)


@agent_required
@require_POST
def tariff_request_complement(request, request_uuid):
    tariff_request = _get_request(request, request_uuid)
    form = ComplementForm(request.POST)
    if form.is_valid():
        try:
            services.tariff_request_ask_complement(
                request=tariff_request, agent=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La demande est renvoyée au parent pour complément."))
            return redirect("backoffice:tariff_request", request_uuid=tariff_request.uuid)
    return _detail(request, tariff_request, complement_form=form, status=400)


@agent_required
@require_POST
def tariff_request_refuse(request, request_uuid):
    tariff_request = _get_request(request, request_uuid)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            decision = services.tariff_request_refuse(
                request=tariff_request, agent=request.user, message=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Demande refusée : le tarif %(n)d s'applique ; le parent en est informé par courriel.")
                % {"n": decision.bracket_number},
            )
            return redirect("backoffice:tariff_request", request_uuid=tariff_request.uuid)
    return _detail(request, tariff_request, refuse_form=form, status=400)


def _selected_year(request, years):
    wanted = request.GET.get("year")
    chosen = next((y for y in years if str(y.uuid) == wanted), None)
    if chosen is None and years:
        with_grid = current_grids(caisse=request.caisse)
        chosen = next((y for y in years if y.pk in with_grid), years[0])
    return chosen


@agent_required
def tariff_households_without(request):
    """Validated households without a decided tariff for the year (tarif le plus élevé)."""
    caisse = request.caisse
    years = _years(caisse)
    year = _selected_year(request, years)
    households = Household.objects.none()
    if year is not None:
        households = selectors.households_without_tariff(caisse=caisse, school_year=year)
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    requests = {}
    if year is not None:
        requests = {
            r.household_id: r
            for r in TariffRequest.objects.filter(
                school_year=year, household_id__in=[h.pk for h in page.object_list]
            ).exclude(state=TariffRequestState.CANCELLED)
        }
    rows = [(household, requests.get(household.pk)) for household in page.object_list]
    return render(
        request,
        "backoffice/tariff/households_without.html",
        {
            "years": years,
            "year": year,
            "page": page,
            "rows": rows,
            "total": page.paginator.count,
            "query_string": f"year={year.uuid}" if year else "",
        },
    )


@agent_required
def tariff_export(request):
    """CSV `household_ref;bracket;family_quotient;start_date;source` of the year's decisions."""
    years = _years(request.caisse)
    year = _selected_year(request, years)
    if year is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tarifs-{request.caisse.slug}-{year.label}.csv"'
    response.write(tariffs_csv(caisse=request.caisse, school_year=year))
    return response


# --- managers: grids and settings ---------------------------------------------------------------


@manager_required
def tariff_grids(request):
    caisse = request.caisse
    years = _years(caisse)
    grids = TariffGrid.objects.for_caisse(caisse).select_related("school_year").prefetch_related("brackets")
    by_year = {year.pk: [] for year in years}
    for grid in grids:
        by_year.setdefault(grid.school_year_id, []).append(grid)
    rows = [(year, sorted(by_year.get(year.pk, []), key=lambda g: -g.version)) for year in years]
    return render(
        request,
        "backoffice/tariff/grid_list.html",
        {"rows": rows, "copy_form": YearForm(years=years), "years": years},
    )


def _get_grid(request, grid_uuid):
    return get_object_or_404(
        TariffGrid.objects.for_caisse(request.caisse).select_related("school_year"), uuid=grid_uuid
    )


@manager_required
@require_http_methods(["GET", "POST"])
def tariff_grid_edit(request, grid_uuid):
    grid = _get_grid(request, grid_uuid)
    form = GridForm(request.POST or None, grid=grid)
    if request.method == "POST" and not grid.is_frozen and form.is_valid():
        try:
            grids.tariff_grid_update(
                grid=grid,
                brackets=form.brackets(),
                adult_meal_price=form.cleaned_data["adult_meal_price"],
                exceptional_meal_price=form.cleaned_data["exceptional_meal_price"],
                # Not posted (an older form, a script): the grid keeps its panier-repas price.
                packed_meal_pricing=form.cleaned_data["packed_meal_pricing"] or None,
                packed_meal_value=form.cleaned_data["packed_meal_value"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La grille a été enregistrée."))
            return redirect("backoffice:tariff_grids")
    return render(request, "backoffice/tariff/grid_edit.html", {"grid": grid, "form": form})


@manager_required
@require_POST
def tariff_grid_copy(request, grid_uuid):
    """A new version of a grid, for a chosen school year (the next one, or the same once frozen)."""
    grid = _get_grid(request, grid_uuid)
    form = YearForm(request.POST, years=_years(request.caisse))
    if not form.is_valid():
        messages.error(request, _("Choisissez l'année scolaire de la nouvelle grille."))
        return redirect("backoffice:tariff_grids")
    copy = grids.tariff_grid_copy(grid=grid, school_year=form.cleaned_data["year"])
    messages.success(
        request,
        _("La grille %(year)s (version %(v)d) a été créée : vérifiez-la.")
        % {"year": copy.school_year, "v": copy.version},
    )
    return redirect("backoffice:tariff_grid_edit", grid_uuid=copy.uuid)


@manager_required
@require_POST
def tariff_grid_create(request):
    """A first grid for a school year, from the Paris grid (the manager then adjusts it)."""
    form = YearForm(request.POST, years=_years(request.caisse))
    if not form.is_valid():
        messages.error(request, _("Choisissez l'année scolaire de la nouvelle grille."))
        return redirect("backoffice:tariff_grids")
    grid = grids.tariff_grid_create(
        caisse=request.caisse,
        school_year=form.cleaned_data["year"],
        brackets=PARIS_BRACKETS,
        adult_meal_price=PARIS_ADULT_MEAL_PRICE,
        exceptional_meal_price=PARIS_EXCEPTIONAL_MEAL_PRICE,
    )
    messages.success(request, _("La grille a été créée à partir de la grille parisienne : vérifiez-la."))
    return redirect("backoffice:tariff_grid_edit", grid_uuid=grid.uuid)


@manager_required
@require_http_methods(["GET", "POST"])
def tariff_settings(request):
    """The parts rule of the family quotient and API Particulier."""
    settings = pricing_settings_for(request.caisse)
    form = PricingSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in PricingSettingsForm.Meta.fields}
        try:
            services.pricing_settings_update(
                caisse=request.caisse,
                token=form.cleaned_data["api_particulier_token"],
                remove_token=form.cleaned_data["remove_token"],
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Les réglages de la tarification ont été enregistrés."))
            return redirect("backoffice:tariff_settings")
    return render(
        request,
        "backoffice/tariff/settings.html",
        {"form": form, "has_token": bool(settings.api_particulier_token)},
    )


def home_queue(request) -> dict:
    """The « Demandes de tarif » tile of the back-office home."""
    return queue(
        label=_("Demandes de tarif"),
        queryset=TariffRequest.objects.for_caisse(request.caisse).filter(
            state__in=selectors.OPEN_REQUEST_STATES
        ),
        since="sent_at",
        url=reverse("backoffice:tariff_requests"),
    )
