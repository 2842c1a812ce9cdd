"""Use cases of the pricing app: tariff decisions and the tariff request's lifecycle (grid
administration: `refectoire.pricing.grids`; the family quotient: `refectoire.pricing.quotient`).

Each function takes keyword-only arguments, validates before writing, writes in one
transaction and returns what it made. E-mails leave after commit.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.accounts.language import in_language_of
from refectoire.core.lifecycle import AGENT, PARENT, transition
from refectoire.core.mail import mail_subject
from refectoire.core.money import format_euros
from refectoire.core.uploads import PDF_OR_IMAGE
from refectoire.documents.enums import DocumentKind
from refectoire.documents.services import document_store
from refectoire.pricing.enums import DecisionSource, IncomeSource, TariffRequestReason, TariffRequestState
from refectoire.pricing.models import (
    PricingSettings,
    TariffDecision,
    TariffRequest,
    TariffRequestEvent,
)
from refectoire.pricing.quotient import Declaration, Estimate, declaration_family_quotient, estimate_for
from refectoire.pricing.selectors import current_grids, parts_rule_for
from refectoire.schools.models import BillingPeriod

# --- decisions ---------------------------------------------------------------------------------


@transaction.atomic
def tariff_decision_record(
    *,
    household,
    school_year,
    bracket_number: int,
    family_quotient,
    start_date: datetime.date,
    source,
    request=None,
    decided_by=None,
    decided_on: datetime.date | None = None,
) -> TariffDecision:
    if household.caisse_id != school_year.caisse_id:
        raise ValueError("school year of another Caisse")
    grid = current_grids(caisse=household.caisse, school_years=[school_year]).get(school_year.pk)
    if grid is None:
        raise ValidationError(_("Aucune grille tarifaire pour l'année %(year)s.") % {"year": school_year})
    numbers = {bracket.number for bracket in grid.brackets.all()}
    if bracket_number not in numbers:
        raise ValidationError(
            {"bracket_number": _("Le tarif doit être compris entre 1 et %(n)d.") % {"n": max(numbers)}}
        )
    if family_quotient is not None and Decimal(family_quotient) < 0:
        raise ValidationError({"family_quotient": _("Le quotient familial ne peut pas être négatif.")})
    if not (school_year.first_day <= start_date <= school_year.last_day):
        raise ValidationError(
            {
                "start_date": _("La date d'effet doit être comprise dans l'année scolaire %(year)s.")
                % {"year": school_year}
            }
        )
    first_open_day = first_day_not_invoiced(caisse_id=household.caisse_id, start=start_date)
    if first_open_day is not None:
        raise ValidationError(
            {
                "start_date": _(
                    "Des jours à partir du %(day)s sont déjà facturés : une facture émise ne change pas. "
                    "La date d'effet est au plus tôt le %(first)s."
                )
                % {"day": start_date.strftime("%d/%m/%Y"), "first": first_open_day.strftime("%d/%m/%Y")}
            }
        )
    decision = TariffDecision(
        caisse_id=household.caisse_id,
        household=household,
        school_year=school_year,
        bracket_number=bracket_number,
        family_quotient=None if family_quotient is None else Decimal(family_quotient),
        start_date=start_date,
        decided_on=decided_on or timezone.localdate(),
        source=source,
        request=request,
        decided_by=decided_by,
    )
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def tariff_decide_from_import(*, household, school_year, bracket, family_quotient) -> TariffDecision:
    """The families import: a decided tariff from the first day of the school year.

    Importing the same line again changes nothing (the same decision is returned).
    """
    bracket_number = int(bracket)
    quotient = None if family_quotient in (None, "") else Decimal(str(family_quotient).replace(",", "."))
    existing = TariffDecision.objects.filter(
        household=household,
        school_year=school_year,
        source=DecisionSource.IMPORT,
        start_date=school_year.first_day,
        bracket_number=bracket_number,
        family_quotient=quotient,
    ).first()
    if existing:
        return existing
    return tariff_decision_record(
        household=household,
        school_year=school_year,
        bracket_number=bracket_number,
        family_quotient=quotient,
        start_date=school_year.first_day,
        source=DecisionSource.IMPORT,
    )


# --- tariff requests ---------------------------------------------------------------------------


def tariff_request_estimate(*, caisse, school_year, declaration: Declaration) -> Estimate:
    """The "tarif estimé": the QF and bracket the declaration gives on the year's grid."""
    grid = current_grids(caisse=caisse, school_years=[school_year]).get(school_year.pk)
    if grid is None:
        raise ValidationError(_("Aucune grille tarifaire pour l'année %(year)s.") % {"year": school_year})
    qf = declaration_family_quotient(declaration, rule=parts_rule_for(caisse))
    return estimate_for(grid=grid, family_quotient=qf)


def first_day_not_invoiced(*, caisse_id, start: datetime.date) -> datetime.date | None:
    """None when `start` is not invoiced yet; else the day after the last issued period from `start`.

    An issued billing period's invoices never change: a tariff decision (whatever creates it)
    cannot start on one of its days.
    """
    invoiced_until = (
        BillingPeriod.objects.for_caisse(caisse_id)
        .issued()
        .filter(end_date__gte=start)
        .aggregate(last=Max("end_date"))["last"]
    )
    if invoiced_until is None:
        return None
    return invoiced_until + datetime.timedelta(days=1)


def earliest_start_date(*, request) -> datetime.date:
    """No retroactivity: a decision starts at the earliest on the first day of the billing period
    in which the request was sent (and never before the school year).

    A request opened by a change of resources applies from the day of the change, the earlier
    decision staying in force until then. Never on days already invoiced: an issued invoice does
    not change, so the new tariff starts after the last issued period at the earliest.
    """
    if request.effective_date is not None:
        start = request.effective_date
    else:
        sent_on = timezone.localdate(request.sent_at)
        period = (
            BillingPeriod.objects.for_caisse(request.caisse_id)
            .containing(sent_on)
            .order_by("start_date")
            .first()
        )
        start = period.start_date if period else sent_on
    start = max(start, request.school_year.first_day)
    return first_day_not_invoiced(caisse_id=request.caisse_id, start=start) or start


def _log(request, *, actor, from_state, action, message=""):
    TariffRequestEvent.objects.create(
        request=request,
        actor=actor,
        from_state=from_state,
        to_state=request.state,
        action=action,
        message=message,
    )


def _parent_recipients(household) -> list[str]:
    emails = []
    for guardian in household.guardians.select_related("user"):
        address = (guardian.user.email if guardian.user_id else "") or guardian.email
        if address and address not in emails:
            emails.append(address)
    return emails


def _mail_parents(request, compose) -> None:
    """Compose (subject, body) in the family's language with `compose()` and send it after commit."""
    recipients = _parent_recipients(request.household)
    if not recipients:
        return
    caisse = request.caisse
    url = caisse.absolute_url("portal:tariff", kwargs={"year_uuid": request.school_year.uuid})
    with in_language_of(recipients):
        subject, body = compose()
        text = _("%(body)s\n\nVotre demande : %(url)s\n\n%(caisse)s") % {
            "body": body,
            "url": url,
            "caisse": caisse.name,
        }
    transaction.on_commit(lambda: send_mail(mail_subject(caisse.name, subject), text, None, recipients))


def _apply_declaration(request, declaration: Declaration) -> None:
    for name in Declaration.FIELDS:
        setattr(request, name, getattr(declaration, name))


def _store_proofs(request, *, proofs, user) -> None:
    for uploaded in proofs:
        document = document_store(
            caisse=request.caisse,
            household=request.household,
            uploaded_file=uploaded,
            kind=DocumentKind.INCOME_PROOF,
            uploaded_by=user,
            allowed=PDF_OR_IMAGE,
        )
        request.proofs.add(document)


def _check_proofs(declaration: Declaration, proofs, *, already: int = 0) -> None:
    if declaration.income_source != IncomeSource.API_PARTICULIER and not proofs and not already:
        raise ValidationError({"proofs": _("Joignez un justificatif de ressources.")})


@transaction.atomic
def tariff_request_submit(
    *, household, school_year, user, declaration: Declaration, proofs=(), api_result=None
) -> TariffRequest:
    """ "Demande de tarif dégressif": sent to the Caisse with its proof(s) (or the CAF's answer).

    `api_result` (an `api_particulier.FamilyQuotient` the parent confirmed) stands for the proof.
    """
    if household.caisse_id != school_year.caisse_id:
        raise ValueError("school year of another Caisse")
    if not household.is_validated:
        raise ValidationError(_("Votre foyer doit d'abord être validé par la Caisse des écoles."))
    if (
        TariffRequest.objects.filter(
            household=household, school_year=school_year, reason=TariffRequestReason.YEARLY
        )
        .exclude(state=TariffRequestState.CANCELLED)
        .exists()
    ):
        raise ValidationError(
            _("Une demande de tarif a déjà été faite pour l'année scolaire %(year)s.") % {"year": school_year}
        )
    if api_result is not None:
        declaration = Declaration(
            income_source=IncomeSource.API_PARTICULIER,
            single_parent=declaration.single_parent,
            children_count=declaration.children_count,
            disabled_children_count=declaration.disabled_children_count,
            api_qf=api_result.value,
        )
    _check_proofs(declaration, proofs)
    estimate = tariff_request_estimate(
        caisse=household.caisse, school_year=school_year, declaration=declaration
    )
    request = TariffRequest(
        caisse_id=household.caisse_id,
        household=household,
        school_year=school_year,
        state=TariffRequestState.SENT,
        sent_at=timezone.now(),
        sent_by=user,
        computed_qf=estimate.family_quotient,
        estimated_bracket=estimate.bracket_number,
    )
    _apply_declaration(request, declaration)
    if api_result is not None:
        request.api_qf = api_result.value
        request.api_year = api_result.year
        request.api_month = api_result.month
        request.api_provider = api_result.provider
        request.api_payload = api_result.payload
        request.api_confirmed = True
    request.full_clean()
    request.save()
    _store_proofs(request, proofs=proofs, user=user)
    _log(request, actor=user, from_state="", action="submit")
    _mail_parents(
        request,
        lambda: (
            _("Demande de tarif dégressif %(year)s envoyée") % {"year": school_year},
            _(
                "Votre demande de tarif dégressif %(year)s est bien arrivée à la Caisse des écoles.\n"
                "Tarif estimé : tarif %(number)s (%(price)s par repas). La Caisse des écoles "
                "vérifie vos justificatifs, puis vous envoie sa décision par courriel."
            )
            % {
                "year": school_year,
                "number": estimate.bracket_number,
                "price": format_euros(estimate.unit_price),
            },
        ),
    )
    return request


@transaction.atomic
def tariff_request_complete(*, request, user, declaration: Declaration, proofs=()) -> TariffRequest:
    """The parent completes a request the Caisse sent back ("à compléter"): sent again."""
    request = TariffRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != TariffRequestState.NEEDS_INFO:
        raise ValidationError(_("Cette demande n'est pas à compléter."))
    if declaration.income_source == IncomeSource.API_PARTICULIER:
        raise ValidationError({"income_source": _("Choisissez un justificatif.")})
    _check_proofs(declaration, proofs, already=request.proofs.count())
    estimate = tariff_request_estimate(
        caisse=request.caisse, school_year=request.school_year, declaration=declaration
    )
    _apply_declaration(request, declaration)
    request.computed_qf = estimate.family_quotient
    request.estimated_bracket = estimate.bracket_number
    request.full_clean()
    _store_proofs(request, proofs=proofs, user=user)
    transition(request, TariffRequestState.SENT, by=PARENT, actor=user, action="complete")
    return request


WITHDRAWABLE = (TariffRequestState.SENT, TariffRequestState.IN_REVIEW, TariffRequestState.NEEDS_INFO)


@transaction.atomic
def tariff_request_withdraw(*, request, household, user) -> TariffRequest:
    """ "Retirer ma demande": the parent withdraws a request not decided yet (state annulée).

    It leaves the agents' queue; the family may then send a new one.
    """
    request = TariffRequest.objects.select_for_update().get(pk=request.pk)
    if request.household_id != household.pk:
        raise ValueError("tariff request of another household")
    if request.state not in WITHDRAWABLE:
        raise ValidationError(
            _("Cette demande est « %(state)s » : elle ne peut plus être retirée.")
            % {"state": request.get_state_display()}
        )
    transition(
        request,
        TariffRequestState.CANCELLED,
        by=PARENT,
        actor=user,
        action="withdraw",
        message=_("Demande retirée par la famille."),
    )
    return request


@transaction.atomic
def tariff_request_open_for_resources_change(
    *, household, school_year, effective_date: datetime.date, opened_by, proofs=(), note=""
) -> TariffRequest:
    """A change of resources, accepted by the Caisse: a new tariff request of the household for
    `school_year`, even though one exists (it supersedes it).

    It waits for the family ("à compléter"), pre-filled with what the family declared before
    (composition, figures) and with the proofs it already sent (`proofs`: Documents). The
    earlier decision stays in force until the new one, which applies from `effective_date`.
    """
    if household.caisse_id != school_year.caisse_id:
        raise ValueError("school year of another Caisse")
    if not (school_year.first_day <= effective_date <= school_year.last_day):
        raise ValidationError(
            {
                "effective_date": _("La date du changement doit être dans l'année scolaire %(year)s.")
                % {"year": school_year}
            }
        )
    for document in proofs:
        if document.household_id != household.pk:
            raise ValueError("document of another household")
    earlier = (
        TariffRequest.objects.select_for_update()
        .filter(household=household, school_year=school_year)
        .exclude(state=TariffRequestState.CANCELLED)
        .order_by("-sent_at", "-pk")
        .first()
    )
    if earlier is not None and earlier.state in WITHDRAWABLE:
        raise ValidationError(
            _(
                "Une demande de tarif %(year)s est déjà en cours pour ce foyer : mettez-la à jour "
                "(« demander un complément ») plutôt que d'en ouvrir une autre."
            )
            % {"year": school_year}
        )
    previous = Declaration.of_request(earlier) if earlier is not None else None
    income_source = previous.income_source if previous else IncomeSource.CAF_ATTESTATION
    if income_source == IncomeSource.API_PARTICULIER:
        income_source = IncomeSource.CAF_ATTESTATION
    message = _(
        "Changement de ressources à partir du %(date)s : vérifiez les montants et envoyez les "
        "justificatifs de vos nouvelles ressources (%(proofs)s). Votre tarif actuel s'applique "
        "jusqu'à la décision de la Caisse, qui prendra effet au %(date)s."
    ) % {
        "date": effective_date.strftime("%d/%m/%Y"),
        "proofs": _(
            "attestation CAF ou MSA de moins de 3 mois indiquant le quotient familial, avis "
            "d'imposition, ou justificatifs de vos ressources mensuelles"
        ),
    }
    if note:
        message = f"{message}\n{note}"
    request = TariffRequest(
        caisse_id=household.caisse_id,
        household=household,
        school_year=school_year,
        state=TariffRequestState.NEEDS_INFO,
        reason=TariffRequestReason.RESOURCES_CHANGE if earlier is not None else TariffRequestReason.YEARLY,
        supersedes=earlier,
        effective_date=effective_date,
        sent_at=timezone.now(),
        sent_by=opened_by,
        income_source=income_source,
        single_parent=household.is_single_parent,
        children_count=previous.children_count if previous else max(household.children.count(), 1),
        disabled_children_count=previous.disabled_children_count if previous else 0,
        declared_qf=previous.declared_qf if previous else None,
        benefits_number=previous.benefits_number if previous else "",
        reference_tax_income=previous.reference_tax_income if previous else None,
        fiscal_parts=previous.fiscal_parts if previous else None,
        monthly_resources=previous.monthly_resources if previous else None,
        monthly_benefits=previous.monthly_benefits if previous else None,
        agent_message=message,
    )
    request.full_clean(exclude=["sent_by"])
    request.save()
    request.proofs.set(proofs)
    _log(request, actor=opened_by, from_state="", action="open_resources_change", message=message)
    return request


@transaction.atomic
def tariff_request_take(*, request, agent) -> TariffRequest:
    """An agent takes the request in hand: "en cours"."""
    request = TariffRequest.objects.select_for_update().get(pk=request.pk)
    transition(request, TariffRequestState.IN_REVIEW, by=AGENT, actor=agent, action="take")
    return request


@transaction.atomic
def tariff_request_decide(
    *, request, agent, bracket_number: int, family_quotient, start_date: datetime.date | None = None
) -> TariffDecision:
    """Décider: the bracket (and QF) from `start_date`, never before the request's billing period."""
    request = TariffRequest.objects.select_for_update().get(pk=request.pk)
    earliest = earliest_start_date(request=request)
    start_date = start_date or earliest
    if start_date < earliest:
        raise ValidationError(
            {
                "start_date": _(
                    "Pas de rétroactivité : la date d'effet ne peut pas précéder le %(date)s "
                    "(premier jour de la période de facturation de la demande)."
                )
                % {"date": earliest.strftime("%d/%m/%Y")}
            }
        )
    if not request.can_become(TariffRequestState.DECIDED):
        raise ValidationError(
            _("Cette demande est « %(state)s » : elle ne peut pas être décidée.")
            % {"state": request.get_state_display()}
        )
    decision = tariff_decision_record(
        household=request.household,
        school_year=request.school_year,
        bracket_number=bracket_number,
        family_quotient=family_quotient,
        start_date=start_date,
        source=DecisionSource.REQUEST,
        request=request,
        decided_by=agent,
    )
    grid = current_grids(caisse=request.caisse, school_years=[request.school_year])[request.school_year_id]
    price = next(b.unit_price for b in grid.brackets.all() if b.number == decision.bracket_number)
    qf_text = (
        f", quotient familial {format_euros(decision.family_quotient)}"
        if decision.family_quotient is not None
        else ""
    )
    message = f"tarif {decision.bracket_number}{qf_text}, à partir du {start_date:%d/%m/%Y}"
    transition(request, TariffRequestState.DECIDED, by=AGENT, actor=agent, action="decide", message=message)
    _mail_parents(
        request,
        lambda: (
            _("Votre tarif %(year)s : tarif %(number)s")
            % {"year": request.school_year, "number": decision.bracket_number},
            (
                _(
                    "La Caisse des écoles a décidé votre tarif pour l'année scolaire %(year)s : "
                    "tarif %(number)s, soit %(price)s par repas, à partir du %(start)s."
                )
                % {
                    "year": request.school_year,
                    "number": decision.bracket_number,
                    "price": format_euros(price),
                    "start": start_date.strftime("%d/%m/%Y"),
                }
            )
            + (
                " "
                + _("Quotient familial retenu : %(quotient)s.")
                % {"quotient": format_euros(decision.family_quotient)}
                if decision.family_quotient is not None
                else ""
            ),
        ),
    )
    return decision


@transaction.atomic
def tariff_request_ask_complement(*, request, agent, message: str) -> TariffRequest:
    """Demander un complément: back to the parent with the message; the declared values stay."""
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Indiquez au parent ce qu'il doit compléter.")})
    request = TariffRequest.objects.select_for_update().get(pk=request.pk)
    request.agent_message = message
    transition(
        request,
        TariffRequestState.NEEDS_INFO,
        by=AGENT,
        actor=agent,
        action="ask_complement",
        message=message,
    )
    _mail_parents(
        request,
        lambda: (
            _("Demande de tarif %(year)s : à compléter") % {"year": request.school_year},
            _(
                "La Caisse des écoles a besoin d'un complément pour votre demande de tarif %(year)s :"
                "\n\n%(message)s\n\nAjoutez-le dans votre espace famille (lien ci-dessous) : "
                "la Caisse des écoles reprend alors votre demande."
            )
            % {"year": request.school_year, "message": message},
        ),
    )
    return request


@transaction.atomic
def tariff_request_refuse(*, request, agent, message: str = "") -> TariffDecision:
    """Refuser: the highest bracket (tarif 10) applies, recorded as a decision."""
    request = TariffRequest.objects.select_for_update().get(pk=request.pk)
    if not request.can_become(TariffRequestState.REFUSED):
        raise ValidationError(
            _("Cette demande est « %(state)s » : elle ne peut pas être refusée.")
            % {"state": request.get_state_display()}
        )
    grid = current_grids(caisse=request.caisse, school_years=[request.school_year]).get(
        request.school_year_id
    )
    if grid is None:
        raise ValidationError(
            _("Aucune grille tarifaire pour l'année %(year)s.") % {"year": request.school_year}
        )
    top = grid.highest_bracket
    decision = tariff_decision_record(
        household=request.household,
        school_year=request.school_year,
        bracket_number=top.number,
        family_quotient=None,
        start_date=earliest_start_date(request=request),
        source=DecisionSource.REFUSAL,
        request=request,
        decided_by=agent,
    )
    request.agent_message = (message or "").strip()
    transition(
        request,
        TariffRequestState.REFUSED,
        by=AGENT,
        actor=agent,
        action="refuse",
        message=request.agent_message,
    )
    _mail_parents(
        request,
        lambda: (
            _("Demande de tarif %(year)s refusée") % {"year": request.school_year},
            (
                _(
                    "Votre demande de tarif dégressif %(year)s est refusée. Le tarif %(number)s "
                    "(%(price)s par repas) s'applique. Vous pouvez écrire à la Caisse des écoles "
                    "depuis votre espace famille pour en savoir plus."
                )
                % {
                    "year": request.school_year,
                    "number": top.number,
                    "price": format_euros(top.unit_price),
                }
            )
            + (
                "\n\n" + _("Motif : %(message)s") % {"message": request.agent_message}
                if request.agent_message
                else ""
            ),
        ),
    )
    return decision


# --- settings ----------------------------------------------------------------------------------


@transaction.atomic
def pricing_settings_update(
    *, caisse, token: str = "", remove_token: bool = False, **fields
) -> PricingSettings:
    """The parts rule and the API Particulier settings of `caisse`. An empty token keeps the current one."""
    settings, _created = PricingSettings.objects.select_for_update().get_or_create(caisse=caisse)
    for name, value in fields.items():
        setattr(settings, name, value)
    if remove_token:
        settings.api_particulier_token = ""
    elif token:
        settings.api_particulier_token = token.strip()
    settings.full_clean()
    settings.save()
    return settings
