"""The enrollment rush through HTTP, confirmation e-mails included (`./dev bench rush`).

Issue 16: « 10,000 submissions through HTTP (the real form, 20 concurrent clients) in ≤ 60 s with
0 errors and 0 lost, confirmation e-mails included ».

A throwaway PostgreSQL cluster and gunicorn with 2 workers, psycopg's pool on and DEBUG off
(bench/serving.py's and bench/portal.py's helpers), the task worker (`manage.py db_worker`, as
`./dev demo` starts it) delivering by SMTP to the tests' SMTP fake (tests/fakes/smtp.py) on
127.0.0.1. A Caisse `rush` is generated with validated households, each with a parent account and
two children not yet enrolled for the school year open to enrollment, and one session per parent
made beforehand in the session store (logging in is not what is measured).

Floor, in the same run: 2 × SUBMISSIONS requests to the bare view /health/live/ through the same
stack by the same CLIENTS client threads. Then the rush: each submission GETs the enrollment form
(for its CSRF token) and POSTs it as a browser does (multipart, the empty file field included); it
is answered when the POST is redirected to the enrollment's page. The measure ends when every
submission is answered AND the SMTP sink has received every confirmation e-mail. Afterwards:
0 errors, exactly SUBMISSIONS enrollments in the database, SUBMISSIONS e-mails received, one per
enrollment (0 lost).

Environment: BENCH_RUSH_SUBMISSIONS (default 10000), BENCH_CLIENTS (20), BENCH_RUSH_MAIL_WAIT
(seconds to wait for the e-mails once every submission is answered, default 900), and
BENCH_PG_PORT / BENCH_WEB_PORT (bench/serving.py) to run beside another benchmark.
"""

from __future__ import annotations

import datetime
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

from bench.machine import describe, load_sentence, write_section
from bench.portal import load_average, prepare
from bench.serving import ROOT, WEB_PORT, NoRedirect, ThrowawayPostgres, fetch, gunicorn, manage, percentile

SUBMISSIONS = int(os.environ.get("BENCH_RUSH_SUBMISSIONS", "10000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
MAIL_WAIT = float(os.environ.get("BENCH_RUSH_MAIL_WAIT", "900"))
CHILDREN_PER_HOUSEHOLD = 2
CHILDREN_PER_SCHOOL = 180
SLUG = "rush"
BARE = "/health/live/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COOKIE = re.compile(r"csrftoken=([^;]+)")


def generate(submissions: int, output: str) -> None:
    """The Caisse `rush` and its families, written in bulk in the database Django is set up on
    (run by `manage.py shell`); `output` gets the submissions to make, as JSON."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from refectoire.caisses.models import Caisse
    from refectoire.households.models import Child, Guardian, Household
    from refectoire.schools.models import School
    from refectoire.schools.services import school_year_create

    User = get_user_model()
    today = timezone.localdate()
    caisse = Caisse.objects.create(
        slug=SLUG, name="Caisse des écoles (la rentrée)", logo_text="rush", contact_email="rush@example.fr"
    )
    # The year after the current one, its enrollment campaign open since last week.
    first = datetime.date(today.year + (1 if today.month < 9 else 2), 9, 1)
    year = school_year_create(
        caisse=caisse,
        label=f"{first.year}-{first.year + 1}",
        first_day=first,
        last_day=datetime.date(first.year + 1, 7, 2),
        enrollment_opens_on=today - datetime.timedelta(days=7),
    )
    schools = School.objects.bulk_create(
        School(caisse=caisse, code=f"R{i:04d}", name=f"École {i}", kind="elementaire", weekdays="12345")
        for i in range(max(1, submissions // CHILDREN_PER_SCHOOL))
    )
    count = -(-submissions // CHILDREN_PER_HOUSEHOLD)
    password = make_password(None)  # unusable: the sessions are made here, no one logs in
    users = User.objects.bulk_create(
        (
            User(
                username=f"R{n:06d}",
                email=f"parent{n}@rush.example.fr",
                password=password,
                city="Paris",
                signup_caisse=caisse,
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    EmailAddress.objects.bulk_create(
        (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users), batch_size=2000
    )
    households = Household.objects.bulk_create(
        (Household(caisse=caisse, reference=f"R{n:06d}", state="validated") for n in range(count)),
        batch_size=2000,
    )
    Guardian.objects.bulk_create(
        (
            Guardian(
                household=h,
                user=u,
                role="primary",
                first_name="Prénom",
                last_name=f"Nom{n}",
                email=u.email,
                street_name="rue de la Roquette",
                postcode="75011",
                city="Paris",
            )
            for n, (h, u) in enumerate(zip(households, users, strict=True))
        ),
        batch_size=2000,
    )
    children = Child.objects.bulk_create(
        (
            Child(household=h, reference=f"{h.reference}-{k}", first_name=f"Enfant{k}", last_name=h.reference)
            for h in households
            for k in range(CHILDREN_PER_HOUSEHOLD)
        ),
        batch_size=2000,
    )[:submissions]
    expiry = timezone.now() + datetime.timedelta(days=1)
    keys, sessions = {}, []
    for user in users:
        keys[user.pk] = get_random_string(32)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=keys[user.pk], session_data=SessionStore().encode(data), expire_date=expiry)
        )
    Session.objects.bulk_create(sessions, batch_size=2000)
    session_of = {h.pk: keys[u.pk] for h, u in zip(households, users, strict=True)}
    plan = [
        {
            "session": session_of[child.household_id],
            "path": f"/{SLUG}/mon-espace/inscription/{child.uuid}/{year.uuid}/",
            "school": schools[n % len(schools)].pk,
            "weekdays": ["1", "2", "4", "5"] if n % 3 else ["1", "2", "3", "4", "5"],
        }
        for n, child in enumerate(children)
    ]
    Path(output).write_text(json.dumps({"plan": plan, "schools": len(schools), "households": count}))


def _open(opener, request) -> tuple[int, str, dict]:
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read().decode(errors="replace"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), error.headers
    except OSError:
        return 0, "", {}


def _multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The body a browser sends for the form (enctype multipart), the empty file input included."""
    boundary = f"----rush{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="custody_calendar"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def submit(opener, item: dict) -> tuple[bool, str]:
    """GET the form, POST it: (answered as expected, what went wrong)."""
    url = f"http://127.0.0.1:{WEB_PORT}{item['path']}"
    session = f"sessionid={item['session']}"
    status, body, headers = _open(opener, urllib.request.Request(url, headers={"Cookie": session}))
    token, cookie = TOKEN.search(body), COOKIE.search(" ".join(headers.get_all("Set-Cookie") or []))
    if status != 200 or not token or not cookie:
        return False, f"GET {status}"
    fields = [
        ("csrfmiddlewaretoken", token.group(1)),
        ("school", str(item["school"])),
        *[("weekdays", day) for day in item["weekdays"]],
        ("shared_custody", "non"),
    ]
    data, content_type = _multipart(fields)
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Cookie": f"{session}; csrftoken={cookie.group(1)}", "Content-Type": content_type},
    )
    status, _body, headers = _open(opener, request)
    if status != 302 or "/inscription/" not in (headers.get("Location") or ""):
        return False, f"POST {status}"
    return True, ""


def drive(items: list, work) -> tuple[float, list[float], list[str]]:
    """CLIENTS threads taking `items` from one queue without think time: (seconds until every item
    is answered, durations, errors)."""
    todo = queue.SimpleQueue()
    for item in items:
        todo.put(item)
    durations, errors, lock = [], [], threading.Lock()

    def client():
        opener = urllib.request.build_opener(NoRedirect)
        while True:
            try:
                item = todo.get_nowait()
            except queue.Empty:
                return
            begin = time.monotonic()
            ok, error = work(opener, item)
            took = time.monotonic() - begin
            with lock:
                durations.append(took)
                if not ok:
                    errors.append(error)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, durations, errors


def bare(opener, _item) -> tuple[bool, str]:
    status, _body = fetch(opener, BARE, "")
    return status == 200, f"GET {status}"


def django_here(env: dict) -> None:
    """Django in this process, on the throwaway database (no pool), to read the counts back."""
    os.environ.update(
        {key: env[key] for key in ("DATABASE_URL", "REFECTOIRE_DEMO", "CACHE_URL", "LOG_LEVEL")}
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "refectoire.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def run():
    postgres = ThrowawayPostgres()
    worker = None
    try:
        postgres.start()
        env = prepare(postgres, demo=False)
        plan_file = Path(tempfile.mkdtemp(prefix="refectoire-rush-")) / "plan.json"
        print(f"Génération : {SUBMISSIONS} enfants à inscrire…", flush=True)
        begin = time.monotonic()
        manage(
            env,
            "shell",
            "-c",
            f"from bench.rush import generate; generate({SUBMISSIONS}, {str(plan_file)!r})",
        )
        generation = time.monotonic() - begin
        generated = json.loads(plan_file.read_text())
        plan_file.unlink()
        django_here(env)
        from tests.fakes.smtp import FakeSMTPServer

        sink = FakeSMTPServer().start()
        worker_env = {
            **env,
            "REFECTOIRE_MAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": sink.host,
            "EMAIL_PORT": str(sink.port),
        }
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "1"],
            cwd=ROOT,
            env=worker_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with gunicorn(env, 2):
            drive(range(CLIENTS * 10), bare)  # warm-up: imports, pool, templates
            loads = [load_average()]
            print(f"Plancher : {2 * SUBMISSIONS} requêtes sur {BARE}…", flush=True)
            floor = drive(range(2 * SUBMISSIONS), bare)
            print(f"La rentrée : {SUBMISSIONS} inscriptions par {CLIENTS} clients…", flush=True)
            started = time.monotonic()
            answered, durations, errors = drive(generated["plan"], submit)
            while len(sink.messages) < SUBMISSIONS and time.monotonic() - started < answered + MAIL_WAIT:
                time.sleep(0.05)
            mailed = time.monotonic() - started
            loads.append(load_average())
        received = list(sink.messages)
        sink.stop()
        counts = enrollment_counts()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        postgres.stop()
    report(generated, generation, floor, answered, mailed, durations, errors, received, counts, loads)


def enrollment_counts() -> tuple[int, Counter]:
    """The enrollments of the Caisse, and how many each parent's address should have received."""
    from refectoire.enrollment.models import Enrollment

    enrollments = Enrollment.objects.filter(caisse__slug=SLUG)
    return enrollments.count(), Counter(enrollments.values_list("household__guardians__email", flat=True))


def report(generated, generation, floor, answered, mailed, durations, errors, received, counts, loads):
    floor_seconds, floor_durations, floor_errors = floor
    seconds = max(answered, mailed)
    enrolled, expected = counts
    recipients = Counter(address for message in received for address in message.get_all("To", []))
    lost = SUBMISSIONS - len(received)
    # An e-mail to an address beyond its enrollments (a duplicate), or short of them (lost).
    unexpected = sum((recipients - expected).values()) + sum((expected - recipients).values())
    requests = 2 * SUBMISSIONS
    error_kinds = ", ".join(f"{kind}: {errors.count(kind)}" for kind in sorted(set(errors))) or "none"
    rows = [
        f"| floor: {requests:,} × `{BARE}` (« ok », no database) | {floor_seconds:.1f} | "
        f"{requests / floor_seconds:.1f} | {statistics.median(floor_durations) * 1000:.0f} ms | "
        f"{percentile(floor_durations, 0.99) * 1000:.0f} ms | {len(floor_errors)} | — | 1.0× |",
        f"| {SUBMISSIONS:,} submissions (GET the form + POST it), e-mails included | {seconds:.1f} | "
        f"{requests / seconds:.1f} | {statistics.median(durations) * 1000:.0f} ms | "
        f"{percentile(durations, 0.99) * 1000:.0f} ms | {len(errors)} | {lost} | {seconds / floor_seconds:.1f}× |",
    ]
    table = (
        "| measure | seconds | requests/s | p50 (one request / one submission) | p99 | errors "
        "| e-mails lost | seconds ÷ floor |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n" + "\n".join(rows)
    )
    checks = (
        f"Every submission answered after {answered:.1f} s, the last e-mail received after {mailed:.1f} s. "
        f"Afterwards: {enrolled:,} enrollments in the database for {SUBMISSIONS:,} submissions, "
        f"{len(received):,} e-mails received by the SMTP sink ({unexpected} not matching one "
        f"enrollment of its addressee), HTTP errors: {error_kinds}."
    )
    print(table + "\n\n" + checks, flush=True)
    write_section(
        "rush",
        "## La rentrée : inscriptions en masse (`./dev bench rush`)\n\n"
        f"Machine: {describe()}; {load_sentence(float(loads[0].replace('?', '99')))}, {loads[1]} after it.\n\n"
        "PostgreSQL 15 on the same host (throwaway cluster), gunicorn with 2 workers, psycopg's connection "
        "pool (`DATABASE_POOL=1`), DEBUG off, one task worker (`manage.py db_worker`) delivering the "
        "confirmation e-mails by SMTP to a sink on 127.0.0.1 (tests/fakes/smtp.py). A Caisse of "
        f"{generated['households']:,} validated households (one parent account each, sessions made "
        f"beforehand: logging in is not measured), {SUBMISSIONS:,} children not yet enrolled for the year "
        f"open to enrollment, {generated['schools']} school(s) (generated in {generation:.0f} s). "
        f"{CLIENTS} clients without think time; a submission GETs the form (CSRF token) and POSTs it as a "
        "browser does, answered by the redirection to the enrollment; the measure ends when every "
        "submission is answered and every confirmation e-mail has reached the sink. Floor: as many "
        "requests as the rush makes (2 per submission) to the bare view, by the same clients through the "
        "same stack, in the same run.\n\n" + table + "\n\n" + checks + "\n\n"
        "Goal of issue 16: 10,000 submissions in ≤ 60 s with 0 errors and 0 lost, e-mails included. The "
        "queries of one submission are counted by tests/www/portal/test_enrollment_queries.py.\n",
    )
    if errors or lost or enrolled != SUBMISSIONS or unexpected:
        raise SystemExit("échec : des erreurs, des inscriptions ou des courriels manquent")
