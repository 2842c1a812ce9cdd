"""`manage.py simulate_tariff --caisse cde11 --year 2026-2027 --monthly-resources 3200 --parts 3`
prints `qf=1066.67 bracket=5 price=3.62`: the computation of the simulator and of the agents."""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.pricing.quotient import bracket_for_qf, compute_family_quotient
from refectoire.pricing.selectors import grid_for_year, parts_rule_for
from refectoire.schools.models import SchoolYear


def decimal(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as error:
        raise CommandError(f"Nombre invalide : {text}") from error


class Command(BaseCommand):
    help = "Calcule le quotient familial, le tarif et le prix du repas."

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True)
        parser.add_argument("--year", required=True)
        parser.add_argument(
            "--monthly-resources", type=decimal, help="ressources mensuelles nettes imposables"
        )
        parser.add_argument(
            "--monthly-benefits", type=decimal, default=Decimal("0"), help="prestations familiales"
        )
        parser.add_argument(
            "--parts", type=decimal, help="nombre de parts (sinon calculé par la règle de la Caisse)"
        )
        parser.add_argument(
            "--children", type=int, help="nombre d'enfants à charge (pour calculer les parts)"
        )
        parser.add_argument("--disabled-children", type=int, default=0)
        parser.add_argument("--single-parent", action="store_true")
        parser.add_argument(
            "--reference-tax-income", type=decimal, help="revenu fiscal de référence (annuel)"
        )
        parser.add_argument("--fiscal-parts", type=decimal)
        parser.add_argument("--qf", type=decimal, help="quotient familial connu (attestation CAF)")

    def handle(self, *args, **options):
        caisse = Caisse.objects.filter(slug=options["caisse"]).first()
        if caisse is None:
            raise CommandError(f"Caisse inconnue : {options['caisse']}")
        year = SchoolYear.objects.filter(caisse=caisse, label=options["year"]).first()
        if year is None:
            raise CommandError(f"Année scolaire inconnue pour {caisse.slug} : {options['year']}")
        grid = grid_for_year(year)
        if grid is None:
            raise CommandError(f"Aucune grille tarifaire pour {caisse.slug} {year.label}")
        try:
            if options["qf"] is not None:
                qf = options["qf"].quantize(Decimal("0.01"))
            elif options["reference_tax_income"] is not None:
                qf = compute_family_quotient(
                    reference_tax_income=options["reference_tax_income"], fiscal_parts=options["fiscal_parts"]
                )
            elif options["monthly_resources"] is not None:
                qf = compute_family_quotient(
                    monthly_resources=options["monthly_resources"],
                    monthly_benefits=options["monthly_benefits"],
                    parts=options["parts"],
                    rule=parts_rule_for(caisse),
                    single_parent=options["single_parent"],
                    children=options["children"],
                    disabled_children=options["disabled_children"],
                )
            else:
                raise CommandError("Donnez --monthly-resources, --reference-tax-income ou --qf.")
        except ValueError as error:
            raise CommandError(str(error)) from error
        bracket = bracket_for_qf(grid, qf)
        self.stdout.write(f"qf={qf:.2f} bracket={bracket.number} price={bracket.unit_price:.2f}")
