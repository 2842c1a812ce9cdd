"""Capacity per gunicorn worker on PostgreSQL: see bench/serving.py."""

from bench.serving import run_load as run

__all__ = ["run"]
