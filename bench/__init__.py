"""Benchmarks: `python -m bench` prints one markdown table (see bench/README.md)."""
