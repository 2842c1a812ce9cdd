"""Canteen staff accounts (« personnel de restauration »): created by a manager of the Caisse for one
or more of its schools; they read the attendance list of those schools and the PAI of their
children (docs/roles.md). They are not agents: `caisses.selectors.agent_role_for` never returns them."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from refectoire.accounts.identifiers import generate_username
from refectoire.accounts.models import User
from refectoire.caisses.models import AgentRole
from refectoire.core import reference
from refectoire.schools.models import CanteenStaff, School


def load_roles(user, caisse) -> None:
    """Learn with one query whether `user` is an agent or canteen staff of `caisse`, and remember
    « neither » in the caches `agent_role_for` and `canteen_staff_for` read: a parent's page then
    reads no role table again (the role objects themselves are fetched only for those who have one)."""
    if user is None or not user.is_authenticated or caisse is None:
        return
    agents = user.__dict__.setdefault("_agent_roles", {})
    staff = user.__dict__.setdefault("_canteen_staff", {})
    if caisse.pk in agents and caisse.pk in staff:
        return
    # Both answers stay in the process's reference cache (core/reference.py) until a role changes:
    # a saved or deleted AgentRole or CanteenStaff replaces its generation. A stale answer could
    # only hide a role (the role objects are read again whenever one is found), never grant one.
    is_agent, is_staff = reference.cached(
        "roles",
        caisse.pk,
        user.pk,
        lambda: (
            User.objects.filter(pk=user.pk)
            .annotate(
                is_agent=Exists(AgentRole.objects.for_caisse(caisse).filter(user=OuterRef("pk"))),
                is_staff_member=Exists(
                    CanteenStaff.objects.for_caisse(caisse).active().filter(user=OuterRef("pk"))
                ),
            )
            .values_list("is_agent", "is_staff_member")
            .get()
        ),
    )
    if not is_agent:
        agents.setdefault(caisse.pk, None)
    if not is_staff:
        staff.setdefault(caisse.pk, None)


def canteen_staff_for(user, caisse) -> CanteenStaff | None:
    """The active canteen staff role of `user` in `caisse`, cached on the user for the request."""
    if user is None or not user.is_authenticated or caisse is None:
        return None
    cache = user.__dict__.setdefault("_canteen_staff", {})
    if caisse.pk not in cache:
        cache[caisse.pk] = (
            CanteenStaff.objects.for_caisse(caisse)
            .active()
            .filter(user=user)
            .prefetch_related("schools")
            .first()
        )
    return cache[caisse.pk]


def _checked_schools(caisse, schools) -> list[School]:
    schools = list(schools)
    if not schools:
        raise ValidationError({"schools": _("Choisissez au moins un établissement.")})
    if any(school.caisse_id != caisse.pk for school in schools):
        raise ValidationError({"schools": _("Choisissez des établissements de votre Caisse.")})
    return schools


def _account_for(email: str) -> User | None:
    """The one account known by this e-mail (its login e-mail or a verified address), if any."""
    users = User.objects.filter(
        Q(email__iexact=email) | Q(emailaddress__email__iexact=email, emailaddress__verified=True)
    ).distinct()
    return users.first() if users.count() == 1 else None


@transaction.atomic
def canteen_staff_create(*, caisse, first_name: str, last_name: str, email: str, schools) -> CanteenStaff:
    """A canteen staff role for the person of `email`: their existing account, or a new one with a
    generated identifier and no password (they choose it with « Mot de passe oublié »)."""
    schools = _checked_schools(caisse, schools)
    email = email.strip()
    first_name, last_name = first_name.strip(), last_name.strip()
    errors = {}
    if not email:
        errors["email"] = _("Indiquez le courriel de la personne.")
    if not first_name:
        errors["first_name"] = _("Indiquez le prénom.")
    if not last_name:
        errors["last_name"] = _("Indiquez le nom.")
    if errors:
        raise ValidationError(errors)
    user = _account_for(email)
    if user is not None and CanteenStaff.objects.filter(caisse=caisse, user=user).exists():
        raise ValidationError(
            {"email": _("Cette personne a déjà un compte de personnel de restauration ici.")}
        )
    if user is None:
        if User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email)).exists():
            raise ValidationError(
                {"email": _("Ce courriel est celui de plusieurs comptes : indiquez-en un autre.")}
            )
        user = User(username=generate_username(), email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    staff = CanteenStaff(caisse=caisse, user=user)
    staff.save()
    staff.schools.set(schools)
    return staff


@transaction.atomic
def canteen_staff_update(*, staff: CanteenStaff, schools, is_active: bool) -> CanteenStaff:
    """Change the schools of a canteen staff role, or end it (is_active=False) or restore it."""
    schools = _checked_schools(staff.caisse, schools)
    staff.is_active = is_active
    staff.save()
    staff.schools.set(schools)
    return staff
