"""Replications, engine choice and streaming summaries."""

from fmssim.experiment.runner import RunResult, run_experiment

__all__ = ["RunResult", "run_experiment"]
