"""Applying an accepted "Changement de situation" to the household, through the services of the
apps that own what changes (households, enrollment, pricing, accounts), with their history.

Each branch returns what was done, in French, for the request's timeline (the family reads it).
A new child is not a change of situation: it goes through "Ajouter un membre" (HouseholdChange).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refectoire.accounts.services import account_email_change
from refectoire.core.models import ADDRESS_FIELDS as POSTAL_ADDRESS_FIELDS
from refectoire.enrollment.enums import Custody, EnrollmentState
from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.services import enrollment_custody_change
from refectoire.households import services as households
from refectoire.households.enums import ChangeKind, GuardianRole
from refectoire.households.models import Guardian
from refectoire.pricing.services import tariff_request_open_for_resources_change
from refectoire.requests.enums import FollowUpKind, SituationChange
from refectoire.requests.models import FollowUp
from refectoire.schools.models import SchoolYear

# The address a change of situation moves (the country stays).
ADDRESS_FIELDS = [name for name in POSTAL_ADDRESS_FIELDS if name != "country"]
CONTACT_FIELDS = ["mobile_phone", "home_phone", "email"]
CUSTODY_CALENDAR = "custody_calendar"

# Said to the family when a separation is accepted (timeline and e-mail).
OTHER_PARENT_NEXT_STEP = gettext_lazy(
    "L'autre parent peut déclarer son propre foyer depuis son compte puis y inscrire l'enfant "
    "pour ses semaines ; la Caisse relie ensuite les deux fiches de l'enfant."
)


def _fr(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _guardian_of(request) -> Guardian:
    guardians = request.household.guardians.all()
    return next((g for g in guardians if g.user_id and g.user_id == request.created_by_id), None) or (
        request.household.primary_guardian
    )


def _follow_up(request, kind, *, effective=None, child=None, done=True):
    return FollowUp.objects.create(
        caisse=request.caisse,
        household=request.household,
        request=request,
        child=child,
        kind=kind,
        effective_date=effective,
        done_at=timezone.now() if done else None,
    )


def situation_apply(*, request, actor=None) -> str:
    """Apply the change; return what was done, in French, for the timeline."""
    data = request.data
    change = data["change"]
    if change == SituationChange.ADDRESS:
        guardian = _guardian_of(request)
        households.guardian_change(
            guardian=guardian,
            actor=actor,
            actor_is_agent=True,
            **{f: data.get(f, "") for f in ADDRESS_FIELDS},
        )
        return _("Adresse mise à jour pour %(name)s.") % {"name": guardian.full_name}
    if change == SituationChange.CONTACT:
        return _contact_apply(request, actor=actor)
    if change == SituationChange.NEW_CHILD:
        return _new_child_apply(request, actor=actor)
    effective = datetime.date.fromisoformat(data["effective_date"])
    if change == SituationChange.SEPARATION:
        return _separation_apply(request, effective=effective, actor=actor)
    if change == SituationChange.RESOURCES:
        return _resources_apply(request, effective=effective, actor=actor)
    raise ValueError(change)


def _contact_apply(request, *, actor) -> str:
    data = request.data
    guardian = _guardian_of(request)
    households.guardian_change(
        guardian=guardian,
        actor=actor,
        actor_is_agent=True,
        **{f: data[f] for f in CONTACT_FIELDS if data.get(f)},
    )
    done = [_("Coordonnées mises à jour pour %(name)s.") % {"name": guardian.full_name}]
    if data.get("email") and guardian.user_id and guardian.user.email.lower() != data["email"].lower():
        account_email_change(user=guardian.user, new_email=data["email"], caisse=request.caisse)
        done.append(
            _(
                "Le courriel de connexion du compte devient %(email)s : un lien de confirmation y est "
                "envoyé, et l'ancienne adresse est prévenue du changement."
            )
            % {"email": data["email"]}
        )
    return " ".join(done)


def _new_child_apply(request, *, actor) -> str:
    """A request of the former form with a new child: the one path of households, "Ajouter un membre"."""
    data = request.data
    change = households.household_change_request(
        household=request.household,
        actor=request.created_by,
        kind=ChangeKind.ADD_CHILD,
        data={
            "first_name": data["child_first_name"],
            "last_name": data["child_last_name"],
            "birth_date": datetime.date.fromisoformat(data["child_birth_date"]),
            "sex": data.get("child_sex", ""),
        },
    )
    households.household_change_accept(change=change, agent=actor)
    child = request.household.children.get(
        first_name=data["child_first_name"],
        last_name=data["child_last_name"],
        birth_date=data["child_birth_date"],
    )
    request.children.add(child)
    return _("Enfant ajouté au foyer : %(name)s.") % {"name": child.full_name}


def _calendar_document(request):
    return request.attachments.filter(kind=CUSTODY_CALENDAR, deleted_at__isnull=True).order_by("-pk").first()


def _separation_apply(request, *, effective, actor) -> str:
    data = request.data
    household = request.household
    done = []
    leaving = None
    if data.get("leaving_guardian"):
        leaving = household.guardians.filter(
            uuid=data["leaving_guardian"], role=GuardianRole.CO_GUARDIAN
        ).first()
        if leaving is None:
            raise ValidationError(_("Le co-représentant indiqué ne fait plus partie du foyer."))
        name = leaving.full_name
        households.co_guardian_leave(
            guardian=leaving, actor=actor, on_date=effective, reason=_("Séparation acceptée par la Caisse.")
        )
        done.append(
            _(
                "%(name)s ne fait plus partie du foyer à compter du %(day)s ; le foyer est déclaré parent isolé."
            )
            % {"name": name, "day": _fr(effective)}
        )
    custody = data.get("custody") or {}
    calendar = _calendar_document(request)
    for child in household.children.filter(uuid__in=list(custody)):
        choice = custody[str(child.uuid)]
        if choice == Custody.FULL:
            continue
        enrollments = Enrollment.objects.filter(
            household=household, child=child, state=EnrollmentState.ACTIVE, end_date__gte=effective
        )
        changed = []
        for enrollment in enrollments.order_by("start_date"):
            new = enrollment_custody_change(
                enrollment=enrollment,
                custody=choice,
                starts_on=max(effective, enrollment.start_date),
                custody_document=calendar if choice == Custody.CALENDAR else None,
                actor=actor,
                reason=_("Séparation"),
            )
            changed.append(new)
        _follow_up(request, FollowUpKind.SHARED_CUSTODY, effective=effective, child=child)
        request.children.add(child)
        if changed:
            done.append(
                _("Garde alternée de %(child)s à partir du %(day)s : %(custody)s (%(school)s).")
                % {
                    "child": child.first_name,
                    "day": _fr(effective),
                    "custody": Custody(choice).label.lower(),
                    "school": changed[0].school.name,
                }
            )
        else:
            done.append(
                _(
                    "Garde alternée de %(child)s à partir du %(day)s : %(custody)s (pas d'inscription en cours)."
                )
                % {"child": child.first_name, "day": _fr(effective), "custody": Custody(choice).label.lower()}
            )
    if not done:
        done.append(_("Séparation enregistrée à compter du %(day)s.") % {"day": _fr(effective)})
    done.append(str(OTHER_PARENT_NEXT_STEP))
    return "\n".join(done)


def _resources_apply(request, *, effective, actor) -> str:
    year = SchoolYear.objects.for_caisse(request.caisse).containing(effective).first()
    if year is None:
        raise ValidationError(
            _("Aucune année scolaire ne contient le %(day)s : une demande de tarif ne peut pas être ouverte.")
            % {"day": _fr(effective)}
        )
    tariff_request = tariff_request_open_for_resources_change(
        household=request.household,
        school_year=year,
        effective_date=effective,
        opened_by=actor,
        proofs=list(request.attachments.filter(deleted_at__isnull=True)),
        note=request.data.get("details", ""),
    )
    _follow_up(request, FollowUpKind.TARIFF_REQUEST, effective=effective)
    return _(
        "Une nouvelle demande de tarif %(year)s est ouverte, à compléter depuis la tuile « Tarif » : "
        "vérifiez les montants et envoyez les justificatifs de vos nouvelles ressources. Votre tarif "
        "actuel s'applique jusqu'à la décision de la Caisse, qui prendra effet au %(day)s."
    ) % {"year": tariff_request.school_year.label, "day": _fr(effective)}
