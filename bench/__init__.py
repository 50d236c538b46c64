"""Benchmarks: `python -m bench` prints one markdown table (the latest run and its reading: docs/benchmarks.md)."""
