"""Benchmark dispatcher: `./dev bench [NAME ...]` runs bench/<NAME>.py's `run()`; no name runs them all.

Each benchmark runs on a fresh SQLite database in a temporary directory and writes its figure,
with the machine it ran on, into its own section of docs/benchmarks.md.
"""

import importlib
import sys

BENCHMARKS = {
    "households": "bench.households",
    "billing": "bench.billing",
    "issue": "bench.issue",
    "pdf": "bench.pdf",
    "load": "bench.load",
    "pg_restart": "bench.pg_restart",
    "uploads": "bench.uploads",
    "access_log": "bench.access_log",
    "sepa": "bench.sepa",
    "api": "bench.api",
    "portal": "bench.portal",
    "rush": "bench.rush",
    "mails": "bench.mails",
    "two_caisses": "bench.two_caisses",
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(
            f"Benchmark inconnu : {', '.join(unknown)}. Disponibles : {', '.join(BENCHMARKS)}",
            file=sys.stderr,
        )
        return 2
    for name in names:
        importlib.import_module(BENCHMARKS[name]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
