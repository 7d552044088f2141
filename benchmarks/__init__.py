"""Benchmarks of the bitHuman integration against the bitHuman API simulator.

Run them with `scripts/bench` (or `python -m benchmarks`): each figure is
measured by a pytest session over `benchmarks/bench_*.py` with Home Assistant
set up for real, the integration talking HTTP to the simulator; the results
are printed as tables and written to BENCHMARKS.md.
"""
