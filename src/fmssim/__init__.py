"""fmssim: discrete-event simulation and capacity planning for police forces.

The public entry points are small: load a scenario (:func:`fmssim.scenario.load_scenario`),
run it (:func:`fmssim.experiment.run_experiment`) and read the summary table.
"""

__version__ = "0.1.0"
