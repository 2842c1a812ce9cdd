"""The agents' access log (issue 22): the cost of the one row a back-office view writes.

A fresh SQLite database with a log of 100 000 rows; then 2 000 calls of `access_log_record` (the
INSERT a view makes), and 200 displays of the household page by an agent through Django's test
client (middleware, access check, queries, template, log row). The figure that matters is the
share of the log in the page.
"""

import datetime
import statistics
import time

ROWS = 100_000
CALLS = 2_000
PAGES = 200


def run() -> None:
    from bench.machine import django_setup

    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench.machine import describe, write_section
    from refectoire.accounts.access_log import access_log_record
    from refectoire.accounts.models import AccessLog
    from refectoire.caisses.urls import caisse_reverse
    from tests.factories import AgentRoleFactory, CaisseFactory, UserFactory
    from tests.requests.factories import household_of

    setup_test_environment()
    caisse = CaisseFactory(slug="cde11")
    agent = AgentRoleFactory(caisse=caisse).user
    household = household_of(UserFactory(), caisse, children=2)
    AccessLog.objects.bulk_create(
        AccessLog(
            caisse=caisse, agent=agent, agent_name="Agent", kind="household", object_id=str(i), household_id=i
        )
        for i in range(ROWS)
    )

    started = time.perf_counter()
    for number in range(CALLS):
        access_log_record(
            caisse=caisse, agent=agent, kind="child", object_id=number, household_id=household.pk
        )
    per_row = (time.perf_counter() - started) / CALLS * 1000

    client = Client()
    client.force_login(agent)
    url = caisse_reverse(caisse, "backoffice:household_detail", kwargs={"household_uuid": household.uuid})
    times = []
    for _ in range(PAGES):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    page = statistics.median(times)

    def n(number: int) -> str:
        return f"{number:,}".replace(",", "\u202f")

    body = f"""## Journal des consultations (access_log)

`./dev bench access_log`: a fresh SQLite database (WAL) whose access log holds {n(ROWS)} rows.

| measure | time |
| --- | --- |
| one `access_log_record` (the INSERT a view makes), mean of {n(CALLS)} | {per_row:.2f} ms |
| the household page for an agent, median of {PAGES} (log row included) | {page:.1f} ms |
| share of the log in the page | {per_row / page * 100:.1f} % |

Target: the log costs under 5 % of a page. Measured on {datetime.date.today().isoformat()}; machine: {describe()}.
"""
    write_section("access_log", body)
    print(body)
