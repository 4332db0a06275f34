"""Sorts that give exactly numpy's result, faster on the data the draws sort."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray


def lexsort(keys: Sequence[NDArray[Any]]) -> NDArray[np.intp]:
    """``np.lexsort(keys)`` (the last key is the primary one), computed as one stable sort on
    the primary key followed by a lexsort of the rows whose primary key ties.

    Identical to ``np.lexsort`` (same permutation: ties on every key keep the input order,
    NaNs sort last and tie with each other); faster when the primary key (a time) rarely
    ties, because ``np.lexsort`` sorts once per key.
    """
    primary = keys[-1]
    order = np.argsort(primary, kind="stable")
    if len(keys) == 1 or len(order) < 2:
        return order
    p = primary[order]
    same = p[1:] == p[:-1]
    if p.dtype.kind == "f":
        same |= np.isnan(p[1:]) & np.isnan(p[:-1])
    if not same.any():
        return order
    edges = np.diff(np.concatenate(([0], same.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) + 1
    lengths = ends - starts
    run = np.repeat(np.arange(len(starts)), lengths)
    tied = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    tied += np.arange(len(run))  # positions (in ``order``) of rows whose primary key ties
    rows = order[tied]  # ascending within each run: the stable sort kept input order
    sub = np.lexsort([*(k[rows] for k in keys[:-1]), run])
    order[tied] = rows[sub]
    return order
