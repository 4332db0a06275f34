"""The scenario format: frozen pydantic models, and the loader that validates YAML into them."""

from fmssim.scenario.errors import ScenarioError
from fmssim.scenario.loader import LoadedScenario, load_scenario
from fmssim.scenario.root import Scenario

__all__ = ["LoadedScenario", "Scenario", "ScenarioError", "load_scenario"]
