"""What the API reads and writes: ISO dates, amounts as strings in euros ("2.28")."""

import datetime
import uuid

from ninja import Field, Schema

EUROS = r"^-?\d+\.\d{2}$"


class SchoolOut(Schema):
    code: str = Field(
        description="Code de l'établissement (UAI ou code de la Caisse), utilisé dans les chemins."
    )
    name: str


class ForecastDay(Schema):
    school: str = Field(description="Code de l'établissement.")
    day: datetime.date
    meals: int = Field(description="Repas prévus.")
    by_option: dict[str, int] = Field(
        description="Repas prévus par option de menu (vide tant que la Caisse n'en a pas)."
    )
    pai_meals: int = Field(
        description="Repas d'enfants ayant un PAI, comptés à part (0 tant qu'il n'y en a pas)."
    )


class ForecastOut(Schema):
    start: datetime.date
    end: datetime.date
    schools: list[SchoolOut]
    days: list[ForecastDay] = Field(
        description="Une ligne par établissement et jour de repas ; un jour sans repas n'a pas de ligne."
    )


class AttendanceRecord(Schema):
    enrollment: uuid.UUID = Field(description="Identifiant de l'inscription de l'enfant (voir enrollments).")
    present: bool


class AttendanceRecordOut(AttendanceRecord):
    recorded_at: datetime.datetime


class AttendanceIn(Schema):
    presences: list[AttendanceRecord] = Field(max_length=2000)


class AttendanceOut(Schema):
    school: str
    day: datetime.date
    records: list[AttendanceRecordOut]


class EnrolledChild(Schema):
    enrollment: uuid.UUID
    first_name: str
    last_name: str
    weekdays: list[int] = Field(
        description="Jours de présence en vigueur ce jour-là (ISO : 1 = lundi … 5 = vendredi)."
    )


class EnrollmentsOut(Schema):
    school: str
    day: datetime.date
    children: list[EnrolledChild]


class SchoolDays(Schema):
    code: str
    name: str
    school_days: list[datetime.date] = Field(description="Jours où la cantine sert des repas.")


class Holiday(Schema):
    kind: str = Field(
        description="« school_holiday » (vacances scolaires) ou « public_holiday » (jour férié)."
    )
    name: str
    first_day: datetime.date
    last_day: datetime.date


class ClosureOut(Schema):
    school: str | None = Field(description="Code de l'établissement ; vide : toutes les écoles de la Caisse.")
    first_day: datetime.date
    last_day: datetime.date
    reason: str


class CalendarOut(Schema):
    start: datetime.date
    end: datetime.date
    schools: list[SchoolDays]
    holidays: list[Holiday]
    closures: list[ClosureOut]


class BracketOut(Schema):
    number: int = Field(description="Numéro du tarif (1 = le moins cher).")
    qf_min: int = Field(description="Quotient familial à partir de (euros).")
    qf_max: int | None = Field(
        description="Quotient familial jusqu'à (euros) ; vide pour la dernière tranche."
    )
    unit_price: str = Field(pattern=EUROS, description="Prix du repas en euros.")


class GridOut(Schema):
    school_year: str
    first_day: datetime.date
    last_day: datetime.date
    version: int
    adult_meal_price: str = Field(pattern=EUROS)
    exceptional_meal_price: str = Field(pattern=EUROS)
    brackets: list[BracketOut]


class TariffsOut(Schema):
    grids: list[GridOut]


class MenuDish(Schema):
    course: str = Field(
        description="Composante : entree, plat, accompagnement, produit_laitier, dessert, gouter."
    )
    name: str
    allergens: list[str] = Field(
        description="Codes des 14 allergènes réglementaires (docs/formats-menus.md)."
    )
    labels: list[str] = Field(description="Codes des labels de qualité (docs/formats-menus.md).")


class MenuDayOut(Schema):
    day: datetime.date
    vegetarian: bool = Field(description="Le repas végétarien de la semaine est servi ce jour.")
    dishes: list[MenuDish]


class MenusOut(Schema):
    school: str = Field(description="Code de l'établissement.")
    group: str | None = Field(description="Le groupe de menus (la cuisine) de l'établissement, s'il en a un.")
    start: datetime.date
    end: datetime.date
    days: list[MenuDayOut] = Field(
        description="Les jours des semaines publiées ; un brouillon n'est jamais servi."
    )
