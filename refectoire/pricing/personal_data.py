"""Tariff requests (incomes) and tariff decisions.

Anonymising erases every income figure, the allocataire number, the quotient and the payload of API
Particulier, and the messages, in the rows and their history; a decision keeps its tariff (the
price billed) and loses its quotient.
"""

from refectoire.core.personal_data import anonymise_rows, jsonable, row
from refectoire.pricing.models import TariffDecision, TariffRequest, TariffRequestEvent

SECTION = "tariffs"

INCOMES = {
    "declared_qf": None,
    "benefits_number": "",
    "reference_tax_income": None,
    "fiscal_parts": None,
    "monthly_resources": None,
    "monthly_benefits": None,
    "api_qf": None,
    "api_payload": None,
    "computed_qf": None,
    "agent_message": "",
}


def export_household(household) -> dict:
    requests = TariffRequest.objects.filter(household=household).select_related("school_year")
    decisions = TariffDecision.objects.filter(household=household).select_related("school_year")
    return {
        "tariff_requests": [
            {
                **row(
                    r,
                    "uuid",
                    "state",
                    "reason",
                    "sent_at",
                    "income_source",
                    "single_parent",
                    "children_count",
                ),
                **row(r, "disabled_children_count", "declared_qf", "benefits_number", "reference_tax_income"),
                **row(r, "fiscal_parts", "monthly_resources", "monthly_benefits", "api_qf", "computed_qf"),
                **row(r, "estimated_bracket", "agent_message"),
                "school_year": r.school_year.label,
            }
            for r in requests.order_by("sent_at")
        ],
        "tariff_decisions": [
            {
                **row(d, "uuid", "bracket_number", "family_quotient", "start_date", "decided_on", "source"),
                "school_year": d.school_year.label,
                "request": jsonable(d.request.uuid) if d.request_id else None,
            }
            for d in decisions.order_by("start_date")
        ],
    }


def anonymise_household(household) -> dict[str, int]:
    requests = TariffRequest.objects.filter(household=household)
    count = anonymise_rows(requests, **INCOMES)
    TariffRequestEvent.objects.filter(request__in=requests).update(message="")
    decisions = anonymise_rows(TariffDecision.objects.filter(household=household), family_quotient=None)
    return {"tariff_requests": count, "tariff_decisions": decisions}
