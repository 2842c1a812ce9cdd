"""Serving on a throwaway PostgreSQL: capacity per gunicorn worker, and a restart of PostgreSQL under load.

`./dev bench load` and `./dev bench pg_restart` each start their own PostgreSQL cluster
(initdb + pg_ctl on port 55432, in a temporary directory, as `nobody` when run as root), load the
demo, start gunicorn on 127.0.0.1:8105 and drive it with a small HTTP client in threads (no think
time). They never touch another PostgreSQL server; everything is removed at the end.

- load: 8 clients for 15 s against 1 worker, then 2 workers: requests per second, p50, p95, errors.
- pg_restart: 8 clients for 25 s, PostgreSQL restarted (`pg_ctl restart -m fast`) after 6 s:
  every answer is 200/302 or the French 503 page, never a 500, and the service is back by itself.
"""

from __future__ import annotations

import contextlib
import glob
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from bench.machine import describe, write_section

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "55432"))
WEB_PORT = int(os.environ.get("BENCH_WEB_PORT", "8105"))
CLIENTS = 8
PARENT_EMAIL = "claire.roussel@demo.refectoire.fr"
ANONYMOUS_PATHS = ["/cde11/", "/cde19/", "/cde11/compte/login/", "/health/ready/"]
PARENT_PATHS = ["/cde11/mon-espace/", "/cde11/mon-espace/factures/", "/cde11/mon-espace/inscription/"]
SESSION_SCRIPT = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.get(email=%r)
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key)
"""


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise SystemExit(f"{name} introuvable (paquet postgresql)")
    return found[-1]


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own, in a temporary directory, on PG_PORT."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="refectoire-pg-"))
        self.data = self.dir / "data"
        self.user = "nobody" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.dir, self.user)

    def _pg(self, name, *args):
        command = [pg_bin(name), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self):
        if not self.data.exists():
            self._pg("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._pg(
            "pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-o", self.options(), "start"
        )

    def options(self):
        return f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off"

    def restart(self):
        # -l: the new server writes to its log, not to our pipes (which would never close).
        self._pg(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "log"),
            "-m",
            "fast",
            "-w",
            "-o",
            self.options(),
            "restart",
        )

    def stop(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name="refectoire"):
        return f"postgres://postgres@127.0.0.1:{PG_PORT}/{name}"


def environment(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REFECTOIRE_DEMO": "1",
        "REFECTOIRE_BASE_URL": f"http://127.0.0.1:{WEB_PORT}",
        "CACHE_URL": "db://",
        "LOG_LEVEL": "ERROR",
    }


def manage(env, *args, capture=False):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout.strip() if capture else None


def prepare(postgres: ThrowawayPostgres) -> tuple[dict, str]:
    import psycopg

    with psycopg.connect(
        postgres.url("postgres").replace("postgres://", "postgresql://", 1), autocommit=True
    ) as db:
        db.execute("CREATE DATABASE refectoire")
    env = environment(postgres.url())
    print("PostgreSQL jetable prêt ; migrations et données de démonstration…", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "seed_demo")
    session = manage(env, "shell", "-c", SESSION_SCRIPT % PARENT_EMAIL, capture=True).splitlines()[-1]
    return env, session


@contextlib.contextmanager
def gunicorn(env, workers: int):
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "refectoire.wsgi",
            "--bind",
            f"127.0.0.1:{WEB_PORT}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # up to 60 s to boot on a busy machine
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{WEB_PORT}/health/live/", timeout=2).close()
                break
            time.sleep(0.2)
        else:
            raise SystemExit("gunicorn ne démarre pas")
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(opener, path: str, session: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{WEB_PORT}{path}")
    if path.startswith("/cde11/mon-espace/"):
        request.add_header("Cookie", f"sessionid={session}")
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except OSError:
        return 0, ""


def drive(session: str, seconds: float, on_tick=None) -> list[tuple[float, float, int, bool, str]]:
    """CLIENTS threads without think time: (start, duration, status, is the French 503 page, path)."""
    results, lock = [], threading.Lock()
    started = time.monotonic()
    paths = ANONYMOUS_PATHS + PARENT_PATHS

    def client(seed):
        opener = urllib.request.build_opener(NoRedirect)
        pick = random.Random(seed)
        while (now := time.monotonic()) - started < seconds:
            path = pick.choice(paths)
            status, body = fetch(opener, path, session)
            french = status == 503 and "Service momentanément indisponible" in body
            with lock:
                results.append((now - started, time.monotonic() - now, status, french, path))

    threads = [threading.Thread(target=client, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    if on_tick:
        on_tick(started)
    for thread in threads:
        thread.join()
    return results


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))] if values else 0.0


def run_load():
    postgres = ThrowawayPostgres()
    try:
        postgres.start()
        env, session = prepare(postgres)
        rows = []
        for workers in (1, 2):
            with gunicorn(env, workers):
                drive(session, 3)  # warm-up: imports, connections, caches
                results = drive(session, 15)
            durations = [row[1] for row in results]
            errors = sum(1 for row in results if row[2] not in (200, 302))
            rows.append(
                f"| {workers} | {CLIENTS} | {len(results) / 15:.1f} | {statistics.median(durations) * 1000:.0f} ms "
                f"| {percentile(durations, 0.95) * 1000:.0f} ms | {errors} |"
            )
            print(rows[-1], flush=True)
    finally:
        postgres.stop()
    write_section(
        "load",
        "## Serving: capacity per gunicorn worker (`./dev bench load`)\n\n"
        f"Machine: {describe()}. PostgreSQL 15 on the same host (throwaway cluster), the demo data, "
        f"{CLIENTS} clients without think time for 15 s, each request one of {', '.join(ANONYMOUS_PATHS + PARENT_PATHS)} "
        "(the parent's pages with a logged-in session).\n\n"
        "| gunicorn workers | clients | requests/s | p50 | p95 | errors |\n| --- | --- | --- | --- | --- | --- |\n"
        + "\n".join(rows)
        + "\n",
    )


def run_pg_restart():
    postgres = ThrowawayPostgres()
    restart_at, restarted = 6.0, {}
    try:
        postgres.start()
        env, session = prepare(postgres)
        with gunicorn(env, 2):
            drive(session, 2)

            def restart(started):
                time.sleep(restart_at)
                restarted["begin"] = time.monotonic() - started
                postgres.restart()
                restarted["end"] = time.monotonic() - started

            results = drive(session, 25, on_tick=restart)
    finally:
        postgres.stop()
    statuses = Counter(row[2] for row in results)
    unavailable = [row[0] for row in results if row[2] == 503]
    # Every page's 503 is the French page; /health/ready/ answers its 503 in JSON for load balancers.
    not_french = sum(1 for row in results if row[2] == 503 and not row[3] and row[4] != "/health/ready/")
    failed_after = [row[0] for row in results if row[2] not in (200, 302) and row[0] > restarted["end"] + 1]
    back_after = max(unavailable) - restarted["end"] if unavailable else 0.0
    lines = [
        f"Machine: {describe()}. 2 gunicorn workers, {CLIENTS} clients without think time for 25 s; "
        f"PostgreSQL restarted (`pg_ctl restart -m fast`) from {restarted['begin']:.1f} s to {restarted['end']:.1f} s.",
        "",
        "| answers | count |",
        "| --- | --- |",
        *[f"| {status or 'no answer'} | {count} |" for status, count in sorted(statuses.items())],
        "",
        f"The last 503 answered a request begun {abs(back_after):.1f} s {'after' if back_after > 0 else 'before'} "
        "PostgreSQL was back; answers other than 200/302 from 1 s after it was back: "
        f"{len(failed_after)}. 500: {statuses.get(500, 0)}. 503 not the French page: {not_french}.",
    ]
    print("\n".join(lines))
    write_section(
        "pg_restart",
        "## PostgreSQL restarted under load (`./dev bench pg_restart`)\n\n" + "\n".join(lines) + "\n",
    )
    if statuses.get(500, 0) or failed_after or not_french or not unavailable:
        raise SystemExit("échec : une réponse 500, ou le service n'est pas revenu seul")


def run():
    run_load()
    run_pg_restart()
