"""Benchmarks of DESIGN §7: every budget measured against its baseline in the same run.

Run ``python -m benchmarks`` from the repository root (``--quick`` for a small book
and one run of each, as CI does). See BENCHMARKS.md for the latest figures.
"""
