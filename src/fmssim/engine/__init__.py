"""The two engines: ``des`` (SimPy reference) and ``fast`` (numba), with one meaning.

Both take compiled :class:`~fmssim.model.inputs.Inputs` and pre-drawn
:class:`~fmssim.model.draws.Draws` and return the same :class:`~fmssim.engine.records.Outcome`,
record for record. Simultaneous events follow one documented order (``docs/explanation``):
at an instant, all arrivals, completions and roster changes are applied first, then free units
are allocated once, highest priority first, creation order within a priority.
"""
