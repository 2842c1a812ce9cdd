"""The demo's accounts, in one place: agents, parents, the adults eating at the canteen and the
canteen staff.

Every one logs in with DEMO_PASSWORD (the README lists them); the caisses step creates the agents'
and parents' accounts and prints them all, the adultmeals step creates the adults' accounts, the
staff step the canteen staff's.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from refectoire.adultmeals.enums import AdultRole, Employer
from refectoire.caisses.enums import AgentRoleKind

DEMO_PASSWORD = "Cantine2026"

# (caisse, role or None for a parent, e-mail, username, civility, first name, last name)
PEOPLE = [
    (
        "cde11",
        AgentRoleKind.MANAGER,
        "gestion@cde11.demo.refectoire.fr",
        "G11-GESTN",
        "mme",
        "Nadia",
        "Benali",
    ),
    ("cde11", AgentRoleKind.AGENT, "agent@cde11.demo.refectoire.fr", "A11-AGENT", "m", "Paul", "Durand"),
    ("cde19", AgentRoleKind.MANAGER, "gestion@cde19.demo.refectoire.fr", "G19-GESTN", "m", "Karim", "Haddad"),
    ("cde19", AgentRoleKind.AGENT, "agent@cde19.demo.refectoire.fr", "A19-AGENT", "mme", "Julie", "Martin"),
    ("cde11", None, "allison.lovinfosse@demo.refectoire.fr", "G4V-RNG6P", "mme", "Allison", "Lovinfosse"),
    ("cde11", None, "marc.petit@demo.refectoire.fr", "P11-MARCP", "m", "Marc", "Petit"),
    # her household was sent back to her for a correction: she can edit it (refectoire/demo/households.py)
    ("cde11", None, "claire.roussel@demo.refectoire.fr", "P11-CLAIR", "mme", "Claire", "Roussel"),
    ("cde19", None, "ines.moreau@demo.refectoire.fr", "P19-INESM", "mme", "Inès", "Moreau"),
    ("cde19", None, "patrick.moreau@demo.refectoire.fr", "P19-PATRM", "m", "Patrick", "Moreau"),
]

# caisse, username, e-mail, civility, first name, last name, role, employer, weekdays, meals off-schedule
ADULTS = [
    (
        "cde11",
        "E11-PROFS",
        "sophie.garnier@demo.refectoire.fr",
        "mme",
        "Sophie",
        "Garnier",
        AdultRole.TEACHER,
        Employer.NATIONAL_EDUCATION,
        "124",
        [(datetime.date(2026, 9, 18), 1), (datetime.date(2026, 10, 9), 2)],
    ),
    (
        "cde19",
        "E19-ATSEM",
        "nadia.roux@demo.refectoire.fr",
        "mme",
        "Nadia",
        "Roux",
        AdultRole.ATSEM,
        Employer.CITY,
        "1245",
        [(datetime.date(2026, 9, 23), 1)],
    ),
]

# The canteen staff (« personnel de restauration »), one per Caisse, of the school of the first
# enrolled child of a parent whose child has the demo PAI:
# (caisse, username, e-mail, civility, first name, last name, username of that parent)
STAFF = [
    ("cde11", "S11-CANTN", "cantine@cde11.demo.refectoire.fr", "mme", "Rose", "Lemaire", "G4V-RNG6P"),
    ("cde19", "S19-CANTN", "cantine@cde19.demo.refectoire.fr", "m", "Olivier", "Blanc", "P19-INESM"),
]


def demo_account(*, username, email, caisse, **fields):
    """The account `username` with DEMO_PASSWORD and its verified e-mail; made once, then left as it is."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username, email=email, city="Paris", country="France", signup_caisse=caisse, **fields
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user
