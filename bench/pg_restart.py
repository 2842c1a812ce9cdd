"""PostgreSQL restarted under load: see bench/serving.py."""

from bench.serving import run_pg_restart as run

__all__ = ["run"]
