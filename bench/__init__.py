"""Benchmarks for issue 7; run with ``make bench`` (``python -m bench``). Not part of ``make test``."""
