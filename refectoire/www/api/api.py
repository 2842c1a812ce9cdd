"""The partners' API of a Caisse, /<caisse>/api/v1/: one NinjaAPI, every operation scoped to
request.caisse and, for a token limited to one school, to that school. Errors are problem details
(problems.py); calls are logged by urls.py."""

import datetime
import hashlib
import json

from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from refectoire.core.money import round_money
from refectoire.enrollment import selectors as enrollment_selectors
from refectoire.enrollment import services as enrollment_services
from refectoire.enrollment.models import Attendance
from refectoire.menus import selectors as menu_selectors
from refectoire.partners.enums import ApiScope
from refectoire.pricing.selectors import current_grids
from refectoire.schools.calendar import CalendarBits, Window
from refectoire.schools.models import CalendarEntry, Closure, School, SchoolYear
from refectoire.www.api import schemas
from refectoire.www.api.auth import UNKNOWN, TokenAuth
from refectoire.www.api.problems import ApiProblem, Problem, problem_openapi, problem_response

DESCRIPTION = """L'API des partenaires d'une Caisse des écoles (cuisines centrales, écoles, ville).

Chaque appel porte un jeton créé par un gestionnaire dans le back office
(`Authorization: Bearer rfc_…`), limité à des droits (scopes), parfois à un établissement et à une
date. Dates ISO 8601, montants en euros sous forme de chaînes (`"2.28"`), erreurs au format
RFC 9457 (`application/problem+json`, `detail` en français). Voir docs/api.md.
"""

api = NinjaAPI(
    title="Réfectoire — API des partenaires",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
MAX_FORECAST_DAYS = 93
MAX_CALENDAR_DAYS = 366
MAX_MENU_DAYS = 62
# How long the first time a forecast's content was computed is remembered (its Last-Modified).
SEEN_SECONDS = 7 * 24 * 3600
COMMON_ERRORS = (400, 401, 403, 422, 429)
WITH_SCHOOL_ERRORS = (400, 401, 403, 404, 422, 429)


# Errors -------------------------------------------------------------------------------------


@api.exception_handler(ApiProblem)
def _problem(request, exc):
    return problem_response(request, exc.status, exc.detail, headers=exc.headers, errors=exc.errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem_response(request, 401, UNKNOWN, headers={"WWW-Authenticate": 'Bearer realm="api"'})


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(request, 404, str(exc) or "Introuvable.")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return problem_response(request, exc.status_code, str(exc))


def _location(loc) -> str:
    parts = [str(part) for part in loc if part not in ("query", "path", "body", "payload")]
    return ".".join(parts) or "requête"


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    errors = [
        {"field": _location(error.get("loc", ())), "message": error.get("msg", "")} for error in exc.errors
    ]
    detail = "Paramètres invalides : " + ", ".join(sorted({error["field"] for error in errors}))
    return problem_response(request, 422, detail + ".", errors=errors)


@api.exception_handler(DjangoValidationError)
def _refused(request, exc):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "requête", "message": message} for message in exc.messages]
    return problem_response(request, 422, " ".join(error["message"] for error in errors), errors=errors)


# Helpers ------------------------------------------------------------------------------------


def _school(request, code: str) -> School:
    """The school of request.caisse with `code`; 404 if none, 403 if the token is limited to another."""
    school = School.objects.for_caisse(request.caisse).filter(code=code).first()
    if school is None:
        raise Http404(f"Aucun établissement de code « {code} » dans cette Caisse.")
    _check_school(request, school)
    return school


def _check_school(request, school: School) -> None:
    token = getattr(request, "api_token", None)
    if token is not None and token.school_id and token.school_id != school.pk:
        raise ApiProblem(403, f"Ce jeton est limité à l'établissement « {token.school.code} ».")


def _schools(request, code: str | None) -> list[School]:
    """The schools an operation covers: `code`, else the token's school, else every school."""
    if code:
        return [_school(request, code)]
    token = getattr(request, "api_token", None)
    if token is not None and token.school_id:
        return [token.school]
    return list(School.objects.for_caisse(request.caisse).order_by("code"))


def _window(start: datetime.date, end: datetime.date, limit: int) -> None:
    if not (FIRST_DAY <= start <= LAST_DAY and FIRST_DAY <= end <= LAST_DAY):
        raise ApiProblem(422, "Les dates doivent être comprises entre 2000 et 2100.")
    if end < start:
        raise ApiProblem(422, "La date de fin (end) doit suivre la date de début (start).")
    if (end - start).days + 1 > limit:
        raise ApiProblem(422, f"La période demandée dépasse {limit} jours.")


def _euros(value) -> str:
    return f"{round_money(value):.2f}"


def _json_with_etag(request, out: dict, *, kind: str) -> HttpResponse:
    """`out` as JSON with an `ETag` (its digest) and a `Last-Modified` (when that digest was first
    served); 304 to a matching `If-None-Match` or a later `If-Modified-Since`."""
    body = json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode()
    digest = hashlib.sha256(body).hexdigest()[:32]
    etag = f'"{digest}"'
    seen_key = f"refectoire:api-{kind}-seen:{request.caisse.pk}:{digest}"
    cache.add(seen_key, int(timezone.now().timestamp()), timeout=SEEN_SECONDS)
    first_seen = cache.get(seen_key) or int(timezone.now().timestamp())
    headers = {"ETag": etag, "Last-Modified": http_date(first_seen), "Cache-Control": "private, no-cache"}
    if_none_match = request.headers.get("If-None-Match")
    if_modified_since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    not_modified = (
        etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
        if if_none_match
        else if_modified_since is not None and first_seen <= if_modified_since
    )
    response = (
        HttpResponse(status=304) if not_modified else HttpResponse(body, content_type="application/json")
    )
    for name, value in headers.items():
        response[name] = value
    return response


# Forecast -----------------------------------------------------------------------------------


@api.get(
    "/forecast",
    response={200: schemas.ForecastOut},
    auth=TokenAuth(ApiScope.FORECAST_READ),
    tags=["forecast"],
    summary="Repas prévus par établissement et par jour",
    openapi_extra={
        "responses": {
            "304": {"description": "Inchangé depuis `If-None-Match` / `If-Modified-Since`."},
            **problem_openapi(*WITH_SCHOOL_ERRORS),
        }
    },
)
def forecast(request, start: datetime.date, end: datetime.date, school: str | None = None):
    """Scope `forecast:read`. Les repas prévus de chaque jour de [start, end] (93 jours au plus), par
    établissement (tous, ou `school`, ou celui du jeton), avec leur répartition par option et les repas
    PAI à part : les chiffres des « Effectifs prévus » du back office. Réponse avec `ETag` et
    `Last-Modified` : renvoyez-les en `If-None-Match` / `If-Modified-Since` pour obtenir un 304."""
    _window(start, end, MAX_FORECAST_DAYS)
    schools = _schools(request, school)
    restrict = school is not None or getattr(request.auth, "school_id", None)
    rows = enrollment_selectors.kitchen_forecast(
        caisse=request.caisse, start=start, end=end, school_ids=[s.pk for s in schools] if restrict else None
    )
    codes = {s.pk: s.code for s in schools}
    # Plain dicts, not schema objects: a month of a large Caisse is thousands of rows (the shape is
    # ForecastOut's, which the tests hold it to).
    out = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "schools": [{"code": s.code, "name": s.name} for s in schools],
        "days": [
            {
                "school": codes[row.school_id],
                "day": row.day.isoformat(),
                "meals": row.meals,
                "by_option": dict(row.by_option),
                "pai_meals": row.pai_meals,
            }
            for row in rows
            if row.school_id in codes
        ],
    }
    return _json_with_etag(request, out, kind="forecast")


# Attendance ---------------------------------------------------------------------------------


def _attendance_out(school: School, day: datetime.date) -> schemas.AttendanceOut:
    rows = (
        Attendance.objects.filter(enrollment__school=school, enrollment__caisse=school.caisse_id, day=day)
        .select_related("enrollment")
        .order_by("enrollment__child__last_name", "enrollment__child__first_name", "pk")
    )
    return schemas.AttendanceOut(
        school=school.code,
        day=day,
        records=[
            schemas.AttendanceRecordOut(
                enrollment=row.enrollment.uuid, present=row.present, recorded_at=row.updated_at
            )
            for row in rows
        ],
    )


@api.get(
    "/schools/{code}/attendance/{day}",
    response={200: schemas.AttendanceOut},
    auth=TokenAuth(ApiScope.ATTENDANCE_READ),
    tags=["attendance"],
    summary="Pointage d'un établissement pour un jour",
    openapi_extra={"responses": problem_openapi(*WITH_SCHOOL_ERRORS)},
)
def attendance_read(request, code: str, day: datetime.date):
    """Scope `attendance:read`. Qui a mangé (ou non) à la cantine de l'établissement ce jour-là."""
    _window(day, day, 1)
    return _attendance_out(_school(request, code), day)


@api.put(
    "/schools/{code}/attendance/{day}",
    response={200: schemas.AttendanceOut},
    auth=TokenAuth(ApiScope.ATTENDANCE_WRITE),
    tags=["attendance"],
    summary="Enregistrer le pointage d'un jour",
    openapi_extra={"responses": problem_openapi(*WITH_SCHOOL_ERRORS)},
)
def attendance_write(request, code: str, day: datetime.date, payload: schemas.AttendanceIn):
    """Scope `attendance:write`. Enregistre la présence des enfants attendus ce jour (identifiés par
    leur inscription). Idempotent : renvoyer le même pointage ne change rien ; une correction est
    acceptée le jour même seulement ; refusé (422) pour un jour où la cantine est fermée ou un enfant
    non attendu."""
    _window(day, day, 1)
    school = _school(request, code)
    enrollment_services.attendance_record(
        caisse=request.caisse,
        school=school,
        day=day,
        presences={str(record.enrollment): record.present for record in payload.presences},
        today=timezone.localdate(),
    )
    return _attendance_out(school, day)


# Enrollments --------------------------------------------------------------------------------


@api.get(
    "/schools/{code}/enrollments",
    response={200: schemas.EnrollmentsOut},
    auth=TokenAuth(ApiScope.ENROLLMENTS_READ),
    tags=["enrollments"],
    summary="Enfants inscrits à la cantine d'un établissement",
    openapi_extra={"responses": problem_openapi(*WITH_SCHOOL_ERRORS)},
)
def enrollments(
    request, code: str, day: datetime.date | None = None, weekday: int | None = Query(None, ge=1, le=5)
):
    """Scope `enrollments:read`. Les enfants inscrits le jour `day` (aujourd'hui par défaut), avec
    leurs jours de présence ; `weekday` (1 = lundi … 5 = vendredi) ne garde que ceux de ce jour.
    Données minimales : prénom et nom, rien de la famille."""
    day = day or timezone.localdate()
    _window(day, day, 1)
    school = _school(request, code)
    children = [
        schemas.EnrolledChild(
            enrollment=enrollment.uuid,
            first_name=enrollment.child.first_name,
            last_name=enrollment.child.last_name,
            weekdays=[int(digit) for digit in weekdays],
        )
        for enrollment, weekdays in enrollment_selectors.enrolled_children(
            caisse=request.caisse, school=school, day=day
        )
        if weekday is None or str(weekday) in weekdays
    ]
    return schemas.EnrollmentsOut(school=school.code, day=day, children=children)


# Calendar -----------------------------------------------------------------------------------


@api.get(
    "/calendar",
    response={200: schemas.CalendarOut},
    auth=TokenAuth(ApiScope.CALENDAR_READ),
    tags=["calendar"],
    summary="Jours d'école, vacances, jours fériés et fermetures",
    openapi_extra={"responses": problem_openapi(*WITH_SCHOOL_ERRORS)},
)
def calendar(request, start: datetime.date, end: datetime.date, school: str | None = None):
    """Scope `calendar:read`. Pour [start, end] (366 jours au plus) : les jours où chaque cantine sert
    (tous les établissements, ou `school`, ou celui du jeton), les vacances et jours fériés de la
    Caisse, et les fermetures."""
    _window(start, end, MAX_CALENDAR_DAYS)
    schools = _schools(request, school)
    window = Window(start, end)
    bits = CalendarBits.load(caisse=request.caisse, window=window, school_ids=[s.pk for s in schools])
    closures = (
        Closure.objects.for_caisse(request.caisse)
        .overlapping(start, end)
        .select_related("school")
        .order_by("first_day", "pk")
    )
    school_ids = {s.pk for s in schools}
    return schemas.CalendarOut(
        start=start,
        end=end,
        schools=[
            schemas.SchoolDays(code=s.code, name=s.name, school_days=window.dates(bits.school_days(s.pk)))
            for s in schools
        ],
        holidays=[
            schemas.Holiday(
                kind=entry.kind, name=entry.name, first_day=entry.first_day, last_day=entry.last_day
            )
            for entry in CalendarEntry.objects.for_caisse(request.caisse)
            .overlapping(start, end)
            .order_by("first_day", "pk")
        ],
        closures=[
            schemas.ClosureOut(
                school=closure.school.code if closure.school_id else None,
                first_day=closure.first_day,
                last_day=closure.last_day,
                reason=closure.reason,
            )
            for closure in closures
            if closure.school_id is None or closure.school_id in school_ids
        ],
    )


# Menus --------------------------------------------------------------------------------------


@api.get(
    "/schools/{code}/menus",
    response={200: schemas.MenusOut},
    auth=TokenAuth(ApiScope.MENUS_READ),
    tags=["menus"],
    summary="Menus publiés d'un établissement",
    openapi_extra={
        "responses": {
            "304": {"description": "Inchangé depuis `If-None-Match` / `If-Modified-Since`."},
            **problem_openapi(*WITH_SCHOOL_ERRORS),
        }
    },
)
def menus(request, code: str, start: datetime.date, end: datetime.date):
    """Scope `menus:read`. Les menus publiés servis à l'établissement du [start, end] (62 jours au
    plus) : par jour, les plats par composante avec leurs allergènes et leurs labels, et le repas
    végétarien. Un brouillon n'est jamais servi. Réponse avec `ETag` et `Last-Modified`, comme
    `forecast`."""
    _window(start, end, MAX_MENU_DAYS)
    school = _school(request, code)
    group = menu_selectors.group_of_school(request.caisse, school)
    days = []
    for week in menu_selectors.published_weeks_of_school(
        caisse=request.caisse, school=school, start=start, end=end
    ):
        for menu_day in menu_selectors.week_days(week):
            if start <= menu_day.day <= end:
                days.append(
                    {
                        "day": menu_day.day.isoformat(),
                        "vegetarian": menu_day.is_vegetarian,
                        "dishes": [
                            {
                                "course": dish.course,
                                "name": dish.name,
                                "allergens": list(dish.allergens),
                                "labels": list(dish.labels),
                            }
                            for dish in menu_day.dishes
                        ],
                    }
                )
    out = {
        "school": school.code,
        "group": group.name if group is not None else None,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "days": days,
    }
    return _json_with_etag(request, out, kind="menus")


# Tariffs ------------------------------------------------------------------------------------


@api.get(
    "/tariffs",
    response={200: schemas.TariffsOut},
    auth=TokenAuth(ApiScope.TARIFFS_READ, optional=True),
    tags=["tariffs"],
    summary="Grilles tarifaires (données ouvertes)",
    openapi_extra={"responses": problem_openapi(*COMMON_ERRORS), "security": [{"TokenAuth": []}, {}]},
)
def tariffs(request):
    """Scope `tariffs:read`, ou sans jeton (données ouvertes). La grille en vigueur de chaque année
    scolaire : prix du repas par tarif et bornes de quotient familial, en euros."""
    years = {year.pk: year for year in SchoolYear.objects.for_caisse(request.caisse)}
    grids = sorted(
        current_grids(caisse=request.caisse).values(), key=lambda grid: years[grid.school_year_id].first_day
    )
    return schemas.TariffsOut(
        grids=[
            schemas.GridOut(
                school_year=years[grid.school_year_id].label,
                first_day=years[grid.school_year_id].first_day,
                last_day=years[grid.school_year_id].last_day,
                version=grid.version,
                adult_meal_price=_euros(grid.adult_meal_price),
                exceptional_meal_price=_euros(grid.exceptional_meal_price),
                brackets=[
                    schemas.BracketOut(
                        number=bracket.number,
                        qf_min=bracket.qf_min,
                        qf_max=bracket.qf_max,
                        unit_price=_euros(bracket.unit_price),
                    )
                    for bracket in grid.ordered_brackets()
                ],
            )
            for grid in grids
        ]
    )


# The Problem schema in components, for the error responses' $ref.
_openapi_schema = api.get_openapi_schema


def _with_problem(*args, **kwargs):
    schema = _openapi_schema(*args, **kwargs)
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    defs = schema["components"]["schemas"]["Problem"].pop("$defs", {})
    defs.update(schema["components"]["schemas"])
    schema["components"]["schemas"] = defs
    return schema


api.get_openapi_schema = _with_problem
