"""The parent's tariff screens: « Tarif 2026-2027 », the tariff request with its proofs, the
CAF's family quotient through API Particulier, the simulator."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.core.display import value_display
from refectoire.core.forms import add_service_errors
from refectoire.core.money import format_euros
from refectoire.pricing import api_particulier
from refectoire.pricing.enums import IncomeSource, TariffRequestState
from refectoire.pricing.models import PricingSettings, TariffRequest
from refectoire.pricing.quotient import Declaration
from refectoire.pricing.selectors import grid_for_year, tariff_tile, tariff_years_open
from refectoire.pricing.services import (
    WITHDRAWABLE,
    tariff_request_complete,
    tariff_request_estimate,
    tariff_request_submit,
    tariff_request_withdraw,
)
from refectoire.schools.models import SchoolYear
from refectoire.www.common.simulator import simulate
from refectoire.www.files import document_response
from refectoire.www.portal import access
from refectoire.www.portal.tariff.forms import CafConfirmForm, CafConsentForm, TariffRequestForm

API_SESSION_KEY = "tariff_api:{year}"


def _validated_household(request):
    household = access.household(request, validated_only=True)
    if household is None:
        raise Http404
    return household


def _year(request, year_uuid):
    return get_object_or_404(SchoolYear.objects.for_caisse(request.caisse), uuid=year_uuid)


def _open_request(household, year):
    return (
        TariffRequest.objects.for_household(household)
        .filter(school_year=year)
        .exclude(state=TariffRequestState.CANCELLED)
        .first()
    )


def _api_settings(caisse):
    settings = PricingSettings.objects.filter(caisse=caisse).first()
    return settings if settings and settings.api_particulier_enabled else None


@login_required
def tariff_index(request):
    """The parent's « Tarif » tiles, one per school year open to a request."""
    household = access.household(request, validated_only=False)
    tiles = dashboard_tiles(request)
    return render(request, "portal/tariff/index.html", {"household": household, "tiles": tiles})


@login_required
def tariff_home(request, year_uuid):
    """« Tarif 2026-2027 »: the request, its state, the decision."""
    year = _year(request, year_uuid)
    household = _validated_household(request)
    tariff_request = _open_request(household, year)
    year_over = year.last_day < timezone.localdate()
    context = {
        "year": year,
        "year_over": year_over,
        "household": household,
        "tile": tariff_tile(household=household, school_year=year, past=year_over),
        "tariff_request": tariff_request,
        "grid": grid_for_year(year),
        "decision": tariff_request.decisions.order_by("-created_at", "-pk").first()
        if tariff_request
        else None,
        "proofs": tariff_request.proofs.available() if tariff_request else [],
        "can_withdraw": tariff_request is not None and tariff_request.state in WITHDRAWABLE,
        "earlier_decision": tariff_request.supersedes.decisions.order_by("-created_at", "-pk").first()
        if tariff_request and tariff_request.supersedes_id
        else None,
    }
    return render(request, "portal/tariff/home.html", context)


@login_required
@require_POST
def tariff_request_withdrawal(request, request_uuid):
    """« Retirer ma demande »: a request sent but not decided yet; a new one can then be sent."""
    household = _validated_household(request)
    tariff_request = get_object_or_404(TariffRequest.objects.for_household(household), uuid=request_uuid)
    try:
        tariff_request_withdraw(request=tariff_request, household=household, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Votre demande est retirée. Vous pouvez envoyer une nouvelle demande de tarif.")
        )
    return redirect("portal:tariff", year_uuid=tariff_request.school_year.uuid)


def _initial(household):
    return {
        "situation": "single" if household.is_single_parent else "couple",
        "children_count": household.children.count(),
        "disabled_children_count": 0,
    }


# The fields of each income section; the summary shows only the chosen one's.
SOURCE_FIELDS = {
    IncomeSource.CAF_ATTESTATION: {"declared_qf", "benefits_number"},
    IncomeSource.TAX_NOTICE: {"reference_tax_income", "fiscal_parts"},
    IncomeSource.MONTHLY_RESOURCES: {"monthly_resources", "monthly_benefits"},
}
MONEY_FIELDS = {"reference_tax_income", "monthly_resources", "monthly_benefits"}


def declaration_summary(form) -> list[tuple[str, str]]:
    """« Récapitulatif » before sending: each answer as the parent reads it (labels of choices,
    « 1 234,00 € »), the other income sections left out."""
    if not form.is_bound or not hasattr(form, "cleaned_data"):
        return []
    data = form.cleaned_data
    others = set().union(
        *(fields for source, fields in SOURCE_FIELDS.items() if source != data.get("income_source"))
    )
    rows = []
    for name, field in form.fields.items():
        value = data.get(name)
        if name in others or name.startswith("proof") or value in (None, ""):
            continue
        if getattr(field, "choices", None) and not isinstance(value, list | tuple):
            shown = str(dict(field.choices).get(value, value))
        elif name in MONEY_FIELDS:
            shown = format_euros(value)
        else:
            shown = value_display(value)
        rows.append((str(field.label), shown))
    return rows


def _form_page(request, *, year, household, form, result, tariff_request=None):
    return render(
        request,
        "portal/tariff/request_form.html",
        {
            "year": year,
            "household": household,
            "form": form,
            "result": result,
            "summary": declaration_summary(form) if result is not None else [],
            "grid": grid_for_year(year),
            "tariff_request": tariff_request,
            "api_enabled": _api_settings(request.caisse) is not None and tariff_request is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tariff_request_new(request, year_uuid):
    """« Demande de tarif dégressif 2026-2027 »: once per household and school year."""
    year = _year(request, year_uuid)
    household = _validated_household(request)
    if _open_request(household, year) is not None:
        messages.info(request, _("Votre demande de tarif %(year)s a déjà été envoyée.") % {"year": year})
        return redirect("portal:tariff", year_uuid=year.uuid)
    if grid_for_year(year) is None:
        raise Http404
    form = TariffRequestForm(request.POST or None, request.FILES or None, initial=_initial(household))
    result = None
    if request.method == "POST" and form.is_valid():
        declaration = form.declaration()
        try:
            result = tariff_request_estimate(caisse=request.caisse, school_year=year, declaration=declaration)
        except ValidationError as error:
            add_service_errors(form, error)
        if result is not None and request.POST.get("action") == "send" and form.require_proof():
            try:
                tariff_request_submit(
                    household=household,
                    school_year=year,
                    user=request.user,
                    declaration=declaration,
                    proofs=form.proofs(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Votre demande de tarif a été transmise à la Caisse des écoles."),
                )
                return redirect("portal:tariff", year_uuid=year.uuid)
    return _form_page(request, year=year, household=household, form=form, result=result)


@login_required
@require_http_methods(["GET", "POST"])
def tariff_request_completion(request, request_uuid):
    """« À compléter »: the request sent back by the Caisse, its values kept."""
    household = _validated_household(request)
    tariff_request = get_object_or_404(TariffRequest.objects.for_household(household), uuid=request_uuid)
    year = tariff_request.school_year
    if tariff_request.state != TariffRequestState.NEEDS_INFO:
        return redirect("portal:tariff", year_uuid=year.uuid)
    initial = {
        "situation": "single" if tariff_request.single_parent else "couple",
        "children_count": tariff_request.children_count,
        "disabled_children_count": tariff_request.disabled_children_count,
        "income_source": tariff_request.income_source
        if tariff_request.income_source != IncomeSource.API_PARTICULIER
        else "",
        "declared_qf": tariff_request.declared_qf,
        "benefits_number": tariff_request.benefits_number,
        "reference_tax_income": tariff_request.reference_tax_income,
        "fiscal_parts": tariff_request.fiscal_parts,
        "monthly_resources": tariff_request.monthly_resources,
        "monthly_benefits": tariff_request.monthly_benefits,
    }
    form = TariffRequestForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        proofs_required=not tariff_request.proofs.exists(),
    )
    result = None
    if request.method == "POST" and form.is_valid():
        declaration = form.declaration()
        try:
            result = tariff_request_estimate(caisse=request.caisse, school_year=year, declaration=declaration)
        except ValidationError as error:
            add_service_errors(form, error)
        if result is not None and request.POST.get("action") == "send" and form.require_proof():
            try:
                tariff_request_complete(
                    request=tariff_request, user=request.user, declaration=declaration, proofs=form.proofs()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Votre demande complétée a été transmise à la Caisse des écoles.")
                )
                return redirect("portal:tariff", year_uuid=year.uuid)
    return _form_page(
        request, year=year, household=household, form=form, result=result, tariff_request=tariff_request
    )


def _guardian(household, user):
    return next((g for g in household.guardians.all() if g.user_id == user.pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def tariff_caf(request, year_uuid):
    """« Récupérer mon quotient familial auprès de la CAF »: consent and identity, then the call."""
    year = _year(request, year_uuid)
    household = _validated_household(request)
    settings = _api_settings(request.caisse)
    if settings is None or grid_for_year(year) is None:
        raise Http404
    if _open_request(household, year) is not None:
        return redirect("portal:tariff", year_uuid=year.uuid)
    guardian = _guardian(household, request.user)
    person = guardian or request.user
    initial = {
        "birth_name": (getattr(person, "birth_name", "") or person.last_name).upper(),
        "first_names": person.first_name,
        "sex": {"mme": "F", "m": "M"}.get(getattr(person, "civility", ""), ""),
        "birth_date": getattr(person, "birth_date", None),
        "birth_country_code": "99100",
    }
    form = CafConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identity = api_particulier.Identity(
            birth_name=data["birth_name"],
            first_names=data["first_names"].split(),
            sex=data["sex"],
            birth_date=data["birth_date"],
            birth_country_code=data["birth_country_code"],
            birth_town_code=data["birth_town_code"],
        )
        try:
            answer = api_particulier.Client.for_settings(settings).family_quotient(identity)
        except api_particulier.ApiParticulierError as error:
            messages.error(request, error.message)
            return redirect("portal:tariff_request", year_uuid=year.uuid)
        request.session[API_SESSION_KEY.format(year=year.pk)] = {
            "version": settings.api_particulier_version,
            "payload": answer.payload,
        }
        return redirect("portal:tariff_caf_confirm", year_uuid=year.uuid)
    return render(request, "portal/tariff/caf.html", {"year": year, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def tariff_caf_confirm(request, year_uuid):
    """What the CAF returned; the parent confirms « ces informations sont correctes » or not."""
    year = _year(request, year_uuid)
    household = _validated_household(request)
    stored = request.session.get(API_SESSION_KEY.format(year=year.pk))
    if not stored:
        return redirect("portal:tariff_request", year_uuid=year.uuid)
    answer = api_particulier.parse(stored["version"], stored["payload"])
    declaration = Declaration(
        income_source=IncomeSource.API_PARTICULIER,
        single_parent=household.is_single_parent,
        children_count=household.children.count(),
        api_qf=answer.value,
    )
    estimate = tariff_request_estimate(caisse=request.caisse, school_year=year, declaration=declaration)
    form = CafConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        del request.session[API_SESSION_KEY.format(year=year.pk)]
        if form.cleaned_data["answer"] == "no":
            messages.info(
                request,
                _(
                    "Les informations de la CAF ne sont pas retenues : joignez votre justificatif de ressources."
                ),
            )
            return redirect("portal:tariff_request", year_uuid=year.uuid)
        try:
            tariff_request_submit(
                household=household,
                school_year=year,
                user=request.user,
                declaration=declaration,
                api_result=answer,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("portal:tariff", year_uuid=year.uuid)
        messages.success(request, _("Votre demande de tarif a été transmise à la Caisse des écoles."))
        return redirect("portal:tariff", year_uuid=year.uuid)
    return render(
        request,
        "portal/tariff/caf_confirm.html",
        {"year": year, "answer": answer, "estimate": estimate, "form": form},
    )


@login_required
def tariff_proof(request, request_uuid, document_uuid):
    """A proof of the parent's own request, shown in the browser."""
    household = _validated_household(request)
    tariff_request = get_object_or_404(TariffRequest.objects.for_household(household), uuid=request_uuid)
    document = get_object_or_404(tariff_request.proofs.available(), uuid=document_uuid)
    return document_response(document)


@login_required
def tariff_simulator(request):
    return simulate(request, template="portal/tariff/simulator.html", extra_context={"in_portal": True})


@login_required
@require_POST
def tariff_caf_cancel(request, year_uuid):
    year = _year(request, year_uuid)
    request.session.pop(API_SESSION_KEY.format(year=year.pk), None)
    return redirect("portal:tariff_request", year_uuid=year.uuid)


def dashboard_tiles(request) -> list:
    """The « Tarif 2026-2027 » tiles for the parent's dashboard (one per school year open to a
    request); empty until the household is validated. Render with portal/tariff/_tiles.html."""
    household = access.household(request, validated_only=True)
    if household is None:
        return []
    years = tariff_years_open(caisse=request.caisse, today=timezone.localdate())
    return [tariff_tile(household=household, school_year=year) for year in years]
