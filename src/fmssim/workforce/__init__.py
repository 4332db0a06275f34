"""The monthly officer pipeline: uplift intake, students by phase, PDU tutors, attrition."""

from fmssim.workforce.mode import Expected, Stochastic
from fmssim.workforce.pipeline import COLUMNS, Monthly, run_pipeline
from fmssim.workforce.plan import Plan, build_plan

__all__ = ["COLUMNS", "Expected", "Monthly", "Plan", "Stochastic", "build_plan", "run_pipeline"]
