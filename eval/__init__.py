"""Evaluation: metrics, baselines, benchmarks and reports (drives matcher directly)."""
