"""The e-mails of an issued period, delivered by two workers to an SMTP sink, against their floor.

For each size (BENCH_SIZES, default 130,000 children → ~66,000 invoices), on the PostgreSQL of
BENCH_POSTGRES_URL (by default the local h_mails_bench, created if missing, its schema reset):

1. a Caisse of N children (bench.billing's generator), its period Mars / Avril 2027 computed and
   issued by `billing_run_issue` with the database task backend, as in production: one
   `send_invoice_emails` task per 200 invoices waits in the queue (bench.issue's children);
2. an SMTP sink on 127.0.0.1 in its own process (the tests' aiosmtpd fake, tests/fakes/smtp.py)
   counting what it receives;
3. the real thing: two `manage.py db_worker --queue-name "*"` processes (as ./dev demo starts one),
   with the production settings (no REFECTOIRE_TESTING: each batch's e-mails are built in bulk and
   delivered by the worker that builds them over its kept SMTP connection, core.mail.send_batch;
   before that each was queued as one `deliver_email` task); the clock runs from their
   start until the sink has received every e-mail. Then: 0 lost, 0 duplicated (each guardian's
   address received exactly the messages of its household's invoices), every task successful;
4. the floor, in the same run against a fresh sink: the same number of messages, of the size the
   sink received, sent by plain smtplib over one connection per process, by two processes.

BENCH_TIMEOUT (seconds, default 3600) bounds the wait. Goal of issue 16: 66,000 e-mails in ≤ 2 min
with two workers.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = [130_000]
GOAL_SECONDS = 120
WORKERS = 2
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h_mails_bench"

# Who should receive what: one message per issued invoice, to its household's guardians (their
# account's e-mail, else the contact e-mail they gave: households.selectors.household_emails).
EXPECTED = """
SELECT i.id, coalesce(nullif(u.email, ''), g.email)
FROM billing_invoice i
JOIN caisses_caisse c ON c.id = i.caisse_id AND c.slug = 'bench'
JOIN households_guardian g ON g.household_id = i.household_id
LEFT JOIN accounts_user u ON u.id = g.user_id
WHERE i.state = 'issued' AND coalesce(nullif(u.email, ''), g.email) <> ''
"""


def _psycopg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(_psycopg_url(server), autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')


# --- the sink: its own process, the tests' fake SMTP server -------------------------------------


def child_sink(database_url: str, status_path: str) -> None:
    """Run the fake SMTP server; every 0.1 s write what it received so far into `status_path`
    (its port, the messages, the recipients, their bytes, one sample); on SIGTERM, the final tally
    of recipients (address → messages) too."""
    from bench.billing import _django

    _django(database_url)  # tests.fakes.smtp imports refectoire.core.delivery (models)
    from tests.fakes.smtp import FakeSMTPServer, _Handler

    class SizedHandler(_Handler):
        """The fake's handler, which also notes the size of each message as it came."""

        async def handle_DATA(self, smtp_session, session, envelope):
            raw = envelope.original_content or envelope.content
            with self.server.lock:
                sizes.append(len(raw))
                if not first:
                    first.append(raw)
            return await super().handle_DATA(smtp_session, session, envelope)

    sizes: list[int] = []
    first: list[bytes] = []  # the first message's bytes as they came: the floor's sample
    server = FakeSMTPServer()
    server._controller.handler = SizedHandler(server)
    server.start()
    recipients: collections.Counter = collections.Counter()
    tally = {"port": server.port, "messages": 0, "recipients": 0, "bytes": 0, "sample": None}
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_args: stopping.append(True))

    def write(final: bool) -> None:
        with server.lock:
            envelopes, received = list(server.envelopes), list(sizes)
            server.messages.clear()  # counted by their envelopes, not kept
            server.envelopes.clear()
            sizes.clear()
        tally["bytes"] += sum(received)
        for _sender, rcpts in envelopes:
            tally["messages"] += 1
            tally["recipients"] += len(rcpts)
            recipients.update(address.lower() for address in rcpts)
        if tally["sample"] is None and first:
            tally["sample"] = first[0].decode("utf-8")
        data = dict(tally, final=final)
        if final:
            data["by_recipient"] = dict(recipients)
        temporary = status_path + ".tmp"
        Path(temporary).write_text(json.dumps(data))
        os.replace(temporary, status_path)

    while not stopping:
        write(final=False)
        time.sleep(0.1)
    write(final=True)
    server.stop()


class Sink:
    def __init__(self, database_url: str, workdir: Path, name: str):
        self.status = workdir / f"sink-{name}.json"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.mails", "sink", database_url, str(self.status)], cwd=ROOT
        )
        self.port = self.read(wait=60)["port"]

    def read(self, wait: float = 0) -> dict:
        deadline = time.monotonic() + wait
        while True:
            try:
                return json.loads(self.status.read_text())
            except (OSError, ValueError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def wait_for(self, messages: int, started: float, timeout: float, processes) -> float:
        """Seconds from `started` until the sink has `messages`; raises if the senders all died first."""
        while True:
            received = self.read()["messages"]
            if received >= messages:
                return time.perf_counter() - started
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"time-out: {received} of {messages} e-mails after {timeout} s")
            if all(process.poll() is not None for process in processes):
                time.sleep(1)
                received = self.read()["messages"]
                if received >= messages:
                    return time.perf_counter() - started
                raise RuntimeError(f"the senders stopped with {received} of {messages} e-mails received")
            time.sleep(0.05)

    def stop(self) -> dict:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=120)
        return self.read()


# --- the floor: plain smtplib, one connection per process ---------------------------------------


def child_floor(port: str, job_path: str) -> None:
    job = json.loads(Path(job_path).read_text())
    raw = job["sample"].encode("utf-8")
    with smtplib.SMTP("127.0.0.1", int(port)) as smtp:
        for addresses in job["recipients"]:
            smtp.sendmail("ne-pas-repondre@refectoire.localhost", addresses, raw)


def floor(database_url: str, workdir: Path, recipients: list[list[str]], sample: str, timeout: float) -> dict:
    sink = Sink(database_url, workdir, "floor")
    jobs = []
    for index in range(WORKERS):
        path = workdir / f"floor-{index}.json"
        path.write_text(json.dumps({"sample": sample, "recipients": recipients[index::WORKERS]}))
        jobs.append(path)
    started = time.perf_counter()
    senders = [
        subprocess.Popen([sys.executable, "-m", "bench.mails", "floor", str(sink.port), str(path)], cwd=ROOT)
        for path in jobs
    ]
    try:
        seconds = sink.wait_for(len(recipients), started, timeout, senders)
    finally:
        for sender in senders:
            sender.wait(timeout=60)
        final = sink.stop()
    return {"seconds": round(seconds, 2), "messages": final["messages"]}


# --- the real thing: two db_worker processes ------------------------------------------------------


def worker_environment(database_url: str, port: int) -> dict:
    """Production settings (no REFECTOIRE_TESTING, no demo): the database task backend, mail queued
    as tasks and delivered by Django's SMTP backend to the sink."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REFECTOIRE_", "EMAIL_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environment.update(
        {
            "DATABASE_URL": database_url,
            "REFECTOIRE_TESTING": "0",  # bench.billing's _django would make it 1
            "SECRET_KEY": "bench-mails-not-a-secret",
            "REFECTOIRE_BASE_URL": "https://refectoire.example.fr",
            "REFECTOIRE_IBAN_KEYS": "cmVmZWN0b2lyZS1kZW1vLWFuZC10ZXN0cy1vbmx5ISE=",
            "REFECTOIRE_VAR_DIR": tempfile.mkdtemp(prefix="refectoire-bench-mails-var-"),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
        }
    )
    return environment


def task_states(database_url: str) -> dict:
    import psycopg

    with psycopg.connect(_psycopg_url(database_url)) as db:
        return dict(
            db.execute(
                "SELECT task_path || ':' || status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY 1"
            ).fetchall()
        )


def expected_recipients(database_url: str) -> list[list[str]]:
    """Each issued invoice's recipients (one e-mail each)."""
    import psycopg

    by_invoice: dict[int, list[str]] = {}
    with psycopg.connect(_psycopg_url(database_url)) as db:
        for invoice, address in db.execute(EXPECTED):
            if address.lower() not in by_invoice.setdefault(invoice, []):
                by_invoice[invoice].append(address.lower())
    return list(by_invoice.values())


def real(database_url: str, workdir: Path, messages: int, timeout: float) -> dict:
    sink = Sink(database_url, workdir, "workers")
    environment = worker_environment(database_url, sink.port)
    logs = [open(workdir / f"worker-{index}.log", "w") for index in range(WORKERS)]  # noqa: SIM115
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "1"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for log in logs
    ]
    try:
        seconds = sink.wait_for(messages, started, timeout, workers)
        # The last tasks are marked successful just after their message arrived.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            states = task_states(database_url)
            if not any(key.endswith((":READY", ":RUNNING")) for key in states):
                break
            time.sleep(0.5)
        time.sleep(1)  # a duplicate would arrive now
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
        for log in logs:
            log.close()
        final = sink.stop()
    return {"seconds": round(seconds, 2), "final": final, "states": task_states(database_url)}


def _in_child(module: str, *args, env=None) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, check=False, env=env
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(sizes=None) -> None:
    from bench.billing import _postgres_reset

    sizes = sizes or [int(size) for size in os.environ.get("BENCH_SIZES", "").split(",") if size] or SIZES
    database_url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_URL)
    timeout = float(os.environ.get("BENCH_TIMEOUT", "3600"))
    _ensure_database(database_url)
    rows = []
    for size in sizes:
        workdir = Path(tempfile.mkdtemp(prefix="refectoire-bench-mails-"))
        load_before = os.getloadavg()
        _postgres_reset(database_url)
        computed = _in_child("bench.issue", "compute", database_url, str(size))
        # The production settings keep their cache (the reference data's token) in the database.
        subprocess.run(
            [sys.executable, "manage.py", "createcachetable"],
            cwd=ROOT,
            check=True,
            env=worker_environment(database_url, 25),
        )
        # Issued with the production settings, so that its e-mail tasks wait in the database (the
        # test settings' immediate backend is bound when the tasks are imported, before bench.issue
        # could swap it).
        issued = _in_child("bench.issue", "issue", database_url, env=worker_environment(database_url, 25))
        queued = task_states(database_url)
        if not queued:
            raise RuntimeError("the issue queued no e-mail task")
        messages = expected_recipients(database_url)
        invoices = len(messages)
        expected = collections.Counter(address for addresses in messages for address in addresses)
        print(f"mails {size}: {computed} issued {issued} {queued}, {invoices} e-mails expected", flush=True)
        measured = real(database_url, workdir, invoices, timeout)
        received = collections.Counter(measured["final"]["by_recipient"])
        lost = sum((expected - received).values())
        duplicated = sum((received - expected).values())
        not_done = {
            key: count for key, count in measured["states"].items() if not key.endswith(":SUCCESSFUL")
        }
        sample = measured["final"]["sample"]
        floor_result = floor(database_url, workdir, messages, sample, timeout)
        load_after = os.getloadavg()
        row = {
            "children": size,
            "invoices": invoices,
            "messages": measured["final"]["messages"],
            "recipients": measured["final"]["recipients"],
            "mean_bytes": round(measured["final"]["bytes"] / max(1, measured["final"]["messages"])),
            "seconds": measured["seconds"],
            "floor": floor_result["seconds"],
            "lost": lost,
            "duplicated": duplicated,
            "tasks": measured["states"],
            "not_done": not_done,
            "load_before": round(load_before[0], 1),
            "load_after": round(load_after[0], 1),
        }
        row["ratio"] = round(row["seconds"] / row["floor"], 1) if row["floor"] else None
        row["per_second"] = round(row["messages"] / row["seconds"]) if row["seconds"] else None
        print(f"mails {size}: {json.dumps(row)}", flush=True)
        rows.append(row)
        write(rows)  # after each size: a long run killed later keeps what it measured
        if lost or duplicated or not_done:
            raise RuntimeError(
                f"e-mails wrong at {size} children: lost {lost}, duplicated {duplicated}, {not_done}"
            )


def write(rows) -> None:
    from bench.machine import describe, write_section

    lines = [
        "## E-mails of an issued period (mails)",
        "",
        "`./dev bench mails` (BENCH_SIZES for a smaller run): a Caisse of N children (bench.billing's "
        "generator, one guardian per household) on PostgreSQL 15 (h_mails_bench), its period Mars / "
        "Avril 2027 computed and issued as in production: one `send_invoice_emails` task per 200 "
        "invoices queued in the database. Then two `manage.py db_worker` processes with the production "
        "settings (each batch's e-mails built in bulk and delivered by the worker that builds them "
        "over its kept SMTP connection, `core.mail.send_batch`) to an SMTP sink on 127.0.0.1 (the tests' aiosmtpd "
        "fake, in its own process): the time runs from the workers' start (Django's start-up included) "
        "until the sink has every e-mail. Checked: every expected recipient received exactly its "
        "messages (lost, duplicated), every task successful. Floor, in the same run: the same number of "
        "messages, of the size the sink received, sent by plain smtplib over one connection per "
        "process, by two processes, to a fresh sink.",
        "",
        f"Machine: {describe()}; "
        "the load average before and after each measure is in the last column: above 1.5 on these 2 "
        "cores the machine was shared with other work (compare the ratios, measured in one run, "
        "rather than the seconds).",
        "",
        "| children | e-mails | mean size (bytes) | workers (s) | e-mails/s | floor (s) | floor e-mails/s "
        "| ratio | lost | duplicated | tasks not successful | load average before / after |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        floor_rate = round(row["messages"] / row["floor"]) if row["floor"] else "–"
        lines.append(
            f"| {row['children']:,} | {row['messages']:,} | {row['mean_bytes']:,} | {row['seconds']} | "
            f"{row['per_second']} | {row['floor']} | {floor_rate} | {row['ratio']}× | {row['lost']} | "
            f"{row['duplicated']} | {sum(row['not_done'].values())} | {row['load_before']} / "
            f"{row['load_after']} |"
        )
    lines += ["", f"Goal of issue 16: 66,000 e-mails in ≤ {GOAL_SECONDS} s with two workers."]
    write_section("mails", "\n".join(lines))


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["all"]
    if command == "sink":
        child_sink(rest[0], rest[1])
    elif command == "floor":
        child_floor(rest[0], rest[1])
    else:
        run()
