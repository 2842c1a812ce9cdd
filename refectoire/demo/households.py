"""Demo: the validated households of the demo parents, one household waiting in the agents' queue,
and a few families imported from a "former software" with their service keys. Idempotent."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from refectoire.caisses.enums import AgentRoleKind
from refectoire.caisses.models import AgentRole, Caisse
from refectoire.households.enums import GuardianRole, HouseholdAction, HouseholdState
from refectoire.households.importer import COLUMNS, import_families
from refectoire.households.models import Child, Guardian, Household, HouseholdEvent
from refectoire.households.services import (
    child_add,
    co_guardian_add,
    guardian_change,
    household_ask_correction,
    household_create_draft,
    household_set_single_parent,
    household_submit,
    household_validate,
)

# username -> (co-representative or None, [(first name, birth date, sex)], benefits number)
FAMILIES = {
    "G4V-RNG6P": (
        ("m", "Lovinfosse", "Julien"),
        [
            ("Elie", datetime.date(2015, 4, 12), "f"),
            ("Hikari", datetime.date(2016, 9, 3), "f"),
            ("Robin", datetime.date(2018, 1, 25), "m"),
            ("Zazou", datetime.date(2020, 6, 8), "f"),
        ],
        "1234567",
    ),
    "P11-MARCP": (None, [("Jade", datetime.date(2017, 11, 30), "f")], ""),
    # Inès and Patrick Moreau live apart: each has a household of their own with their children
    # (shared custody), so neither declares the other as co-representative.
    "P19-INESM": (
        None,
        [("Léo", datetime.date(2016, 3, 21), "m"), ("Maya", datetime.date(2019, 10, 2), "f")],
        "7654321",
    ),
    "P19-PATRM": (
        None,
        [("Léo", datetime.date(2016, 3, 21), "m"), ("Maya", datetime.date(2019, 10, 2), "f")],
        "",
    ),
}

# A child the agents added to a validated household (a younger brother), not yet enrolled: the
# parent's enrollment form of the open campaign has someone to enroll. (username, child's fields)
NOT_YET_ENROLLED = (
    "P19-INESM",
    {"first_name": "Sacha", "last_name": "Moreau", "birth_date": datetime.date(2023, 4, 17), "sex": "m"},
)

IMPORTED = {
    "cde11": [
        "DEMO11-F001;Mme;Nguyen;Thi;12/02/1984;thi.nguyen@demo.refectoire.fr;0611223344;8;rue Oberkampf;75011;Paris;M;Nguyen;Minh;;2233445;DEMO11-C001;Nguyen;Lan;04/05/2016",
        "DEMO11-F001;Mme;Nguyen;Thi;12/02/1984;thi.nguyen@demo.refectoire.fr;0611223344;8;rue Oberkampf;75011;Paris;M;Nguyen;Minh;;2233445;DEMO11-C002;Nguyen;Bao;19/08/2019",
        "DEMO11-F002;M;Bernard;Hugo;03/07/1979;hugo.bernard@demo.refectoire.fr;;21;avenue Parmentier;75011;Paris;;;;;;DEMO11-C003;Bernard;Louise;27/01/2017",
    ],
    "cde19": [
        "DEMO19-F001;Mme;Haddad;Salma;30/09/1988;salma.haddad@demo.refectoire.fr;0755667788;40;rue de Crimée;75019;Paris;M;Haddad;Karim;;9988776;DEMO19-C001;Haddad;Nour;15/03/2018",
    ],
}


def _household_for(user, caisse, spec, agent):
    """The household declared by `user` on the portal, then validated by the Caisse's `agent`."""
    co, children, benefits_number = spec
    household = Household.objects.for_user(user, caisse).first()
    if household is not None:
        return household
    household = household_create_draft(caisse=caisse, user=user)
    if benefits_number:
        guardian_change(
            guardian=household.guardians.get(role=GuardianRole.PRIMARY),
            actor=user,
            benefits_member=True,
            benefits_regime="caf",
            benefits_organisation="CAF de Paris",
            benefits_number=benefits_number,
        )
    if co is None:
        household_set_single_parent(household=household, actor=user, is_single_parent=True)
    else:
        civility, last_name, first_name = co
        co_guardian_add(
            household=household,
            actor=user,
            same_address=True,
            civility=civility,
            last_name=last_name,
            first_name=first_name,
        )
    for first_name, birth_date, sex in children:
        child_add(
            household=household,
            actor=user,
            first_name=first_name,
            last_name=user.last_name,
            birth_date=birth_date,
            sex=sex,
        )
    household_submit(household=household, actor=user)
    return household_validate(household=household, agent=agent)


def _younger_child(caisses):
    username, fields = NOT_YET_ENROLLED
    household = Household.objects.filter(guardians__user__username=username, caisse__in=caisses).first()
    agent = AgentRole.objects.filter(caisse_id=getattr(household, "caisse_id", None)).order_by("pk").first()
    if (
        household is None
        or agent is None
        or household.children.filter(first_name=fields["first_name"]).exists()
    ):
        return
    child_add(household=household, actor=agent.user, actor_is_agent=True, **fields)


CORRECTION = (
    "P11-CLAIR",
    {"first_name": "Rose", "last_name": "Roussel", "birth_date": datetime.date(2019, 5, 6), "sex": "f"},
    "Bonjour, la date de naissance de Rose ne correspond pas au livret de famille : corrigez-la, puis renvoyez "
    "votre demande.",
)


def _household_to_correct(caisses):
    """Claire Roussel declared her household; the agent sent it back: a draft she edits again."""
    username, child, message = CORRECTION
    user = get_user_model().objects.filter(username=username).first()
    caisse = getattr(user, "signup_caisse", None)
    agent = AgentRole.objects.filter(caisse=caisse).order_by("pk").first()
    if user is None or caisse not in caisses or agent is None:
        return
    if Household.objects.for_user(user, caisse).exists():
        return
    household = household_create_draft(caisse=caisse, user=user)
    child_add(household=household, actor=user, **child)
    household_set_single_parent(household=household, actor=user, is_single_parent=True)
    household_submit(household=household, actor=user)
    household_ask_correction(household=household, agent=agent.user, message=message)


def _waiting_household(caisse):
    """A household declared online and waiting for the agents ("Foyers à valider")."""
    if Household.objects.filter(caisse=caisse, reference=f"DEMO-ATTENTE-{caisse.slug}").exists():
        return
    household = Household.objects.create(
        caisse=caisse,
        reference=f"DEMO-ATTENTE-{caisse.slug}",
        state=HouseholdState.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Guardian.objects.create(
        household=household,
        role=GuardianRole.PRIMARY,
        civility="mme",
        last_name="Dubois",
        first_name="Camille",
        street_number="5",
        street_name="rue de Charonne" if caisse.slug == "cde11" else "rue de Flandre",
        postcode="75011" if caisse.slug == "cde11" else "75019",
        city="Paris",
        country="France",
        email=f"camille.dubois.{caisse.slug}@demo.refectoire.fr",
    )
    household.is_single_parent = True
    household.save()
    Child.objects.create(
        household=household,
        first_name="Arthur",
        last_name="Dubois",
        birth_date=datetime.date(2018, 2, 2),
        sex="m",
    )
    HouseholdEvent.objects.create(
        household=household, action=HouseholdAction.SUBMITTED, to_state=HouseholdState.SUBMITTED
    )


def seed(*, stdout):
    User = get_user_model()
    caisses = {caisse.slug: caisse for caisse in Caisse.objects.filter(slug__in=["cde11", "cde19"])}
    for username, spec in FAMILIES.items():
        user = User.objects.filter(username=username).first()
        if user is None or user.signup_caisse is None or user.signup_caisse.slug not in caisses:
            continue
        caisse = caisses[user.signup_caisse.slug]
        agent = AgentRole.objects.filter(caisse=caisse, role=AgentRoleKind.AGENT).order_by("pk").first()
        if agent is not None:
            _household_for(user, caisse, spec, agent.user)
    _younger_child(caisses.values())
    _household_to_correct(list(caisses.values()))
    for slug, rows in IMPORTED.items():
        if slug not in caisses:
            continue
        import_families(caisse=caisses[slug], content="\n".join([";".join(COLUMNS), *rows]) + "\n")
        _waiting_household(caisses[slug])
    stdout.write(
        "Foyers de démonstration : familles validées, un foyer en attente par Caisse ; clés Enfance :"
    )
    for household in Household.objects.filter(
        caisse__in=caisses.values(), reference__startswith="DEMO"
    ).exclude(service_key=None):
        used = " (utilisée)" if household.service_key_used_at else ""
        stdout.write(f"  /{household.caisse.slug}/  {household.reference}  {household.service_key}{used}")
