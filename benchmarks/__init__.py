"""Benchmarks: synthetic libraries and side-by-side timings (``python -m benchmarks``)."""
