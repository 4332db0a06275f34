"""fmssim: discrete-event simulation and capacity planning for police forces.

The Python interface is three functions, the command line's twin (:mod:`fmssim.api`)::

    import fmssim

    scenario = fmssim.load("scenarios/district_options.yaml")
    result = fmssim.run(scenario, reps=5)            # result.summary, result.replications
    options = fmssim.compare(scenario.path, ["base", "more_response"], reps=5)

Results are polars DataFrames; nothing is written to disk unless asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Comparison", "RunResult", "compare", "load", "run"]

if TYPE_CHECKING:  # pragma: no cover - for type checkers; imported lazily at run time
    from fmssim.api import Comparison, RunResult, compare, load, run


def __getattr__(name: str) -> Any:
    """The API, imported when first used (``import fmssim`` stays light: no numba)."""
    if name in __all__:
        from fmssim import api

        return getattr(api, name)
    raise AttributeError(f"module 'fmssim' has no attribute {name!r}")
