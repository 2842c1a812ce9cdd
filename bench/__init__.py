"""Benchmarks of Réfectoire: `./dev bench NAME` (see __main__.py); results in docs/benchmarks.md."""
