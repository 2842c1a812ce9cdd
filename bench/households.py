"""Import of 20,000 rows of known families on SQLite (issue: under a minute).

Generates the file (one row per child, the household columns repeated), imports it into a fresh
database, then imports it again (which must change nothing), and writes both times.
"""

import datetime
import random
import sys
import time
from pathlib import Path

ROWS = 20_000
FIRST_NAMES = [
    "Elie",
    "Hikari",
    "Robin",
    "Zazou",
    "Inès",
    "Jade",
    "Louis",
    "Lina",
    "Noah",
    "Léa",
    "Adam",
    "Maël",
]
LAST_NAMES = [
    "Lovinfosse",
    "Moreau",
    "Petit",
    "Martin",
    "Bernard",
    "Dubois",
    "Durand",
    "Lefebvre",
    "Haddad",
    "Nguyen",
]
STREETS = [
    "rue de la Roquette",
    "boulevard Voltaire",
    "avenue Parmentier",
    "rue Oberkampf",
    "rue de Charonne",
]


def generate(path: Path, rows: int = ROWS, seed: int = 11) -> int:
    from refectoire.households.importer import COLUMNS

    rng = random.Random(seed)
    lines = [";".join(COLUMNS)]
    child = household = 0
    while child < rows:
        household += 1
        last = rng.choice(LAST_NAMES)
        co = rng.random() < 0.6
        family = [
            f"F{household:06d}",
            rng.choice(["Mme", "M"]),
            last,
            rng.choice(FIRST_NAMES),
            f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1970, 1995)}",
            f"famille{household}@example.fr",
            f"06{rng.randint(10000000, 99999999)}",
            str(rng.randint(1, 150)),
            rng.choice(STREETS),
            "75011",
            "Paris",
            rng.choice(["Mme", "M"]) if co else "",
            last if co else "",
            rng.choice(FIRST_NAMES) if co else "",
            f"co{household}@example.fr" if co else "",
            str(rng.randint(1000000, 9999999)) if rng.random() < 0.7 else "",
        ]
        for _ in range(min(rng.randint(1, 4), rows - child)):
            child += 1
            birth = datetime.date(2013, 1, 1) + datetime.timedelta(days=rng.randint(0, 3650))
            lines.append(
                ";".join(
                    [*family, f"C{child:07d}", last, rng.choice(FIRST_NAMES), birth.strftime("%d/%m/%Y")]
                )
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return household


def _n(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def run() -> None:
    from bench.machine import django_setup

    workdir = django_setup()
    from django.core.management import call_command

    from bench.machine import describe, write_section
    from refectoire.caisses.models import Caisse
    from refectoire.households.importer import import_families
    from refectoire.households.models import Child, Household

    call_command("migrate", verbosity=0)
    caisse = Caisse.objects.create(
        slug="cde11",
        name="Caisse des écoles Paris 11e",
        logo_text="cde11",
        contact_email="dossier@cdeparis11.fr",
    )
    path = workdir / "familles.csv"
    households = generate(path)
    content = path.read_bytes()

    started = time.perf_counter()
    report = import_families(caisse=caisse, content=content)
    first = time.perf_counter() - started
    assert report.children_created == ROWS and Child.objects.count() == ROWS, report.summary()

    started = time.perf_counter()
    again = import_families(caisse=caisse, content=content)
    second = time.perf_counter() - started
    assert again.children_created == 0 and again.households_created == 0

    machine = describe()
    today = datetime.date.today().isoformat()
    body = f"""## Import des familles (households)

`./dev bench households`: a generated file of {_n(ROWS)} rows (one per child; {_n(households)} households,
60 % with a co-representative), imported with `import_families` into a fresh SQLite database (WAL).

| measure | time |
| --- | --- |
| first import ({_n(Household.objects.count())} households, {_n(ROWS)} children, with history rows) | {first:.1f} s |
| same file again (nothing changes) | {second:.1f} s |

Target: under 60 s. Measured on {today}; machine: {machine}.
"""
    write_section("households", body)
    print(
        f"import de {ROWS} lignes : {first:.1f} s ; ré-import : {second:.1f} s ({machine})", file=sys.stdout
    )
