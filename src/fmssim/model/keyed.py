"""Keyed random draws: each value a pure function of (stream key, counter).

The pre-drawn streams of :mod:`fmssim.model.streams` hand out values in the order they are
asked for. A contact's redial attempts are better drawn only when the event loop needs them,
and then that order is the simulation's own: when one contact's outcome changes in a variant,
every later draw of a sequential stream would move. A keyed draw depends on nothing but its
stream key and its counter, so values are drawn on demand, in any order, from the compiled
loop or from the reference engine alike, and variants keep their common random numbers: a
contact's redials stay where they are whatever happens to the other contacts.

A key comes from (seed, replication, stream kind, entity name) as a sequential stream's seed
does. A counter names one uniform: ``((contact * 256 + attempt) * 16 + quantity) * 4096 + j``,
with attempt < 256, quantity < 16 (which random quantity of the attempt), sub-draw j < 4096
(the uniforms one sample uses) and contact < 2**40, in 64 bits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import NDArray

from fmssim.model.durations import DurationSpec
from fmssim.model.streams import entity_key

INFINITE, FIXED, EXPONENTIAL, LOGNORMAL, GAMMA, MIXTURE, EMPIRICAL = range(7)
"""Row kinds of a :class:`SpecTable` (``INFINITE``: a ``None`` spec, which never ends)."""
KINDS = {"fixed": FIXED, "exponential": EXPONENTIAL, "lognormal": LOGNORMAL, "gamma": GAMMA}
SUB_DRAWS = 4096
"""Uniforms one sample may use (the j of a counter)."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S12 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(12)
_A = (3.3871328727963666080, 1.3314166789178437745e2, 1.9715909503065514427e3,
      1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
      3.3430575583588128105e4, 2.5090809287301226727e3)  # fmt: skip
_B = (1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
      2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4,
      5.2264952788528545610e3)  # fmt: skip
_C = (1.42343711074968357734, 4.63033784615654529590, 5.76949722146069140550,
      3.64784832476320460504, 1.27045825245236838258, 2.41780725177450611770e-1,
      2.27238449892691845833e-2, 7.74545014278341407640e-4)  # fmt: skip
_D = (1.0, 2.05319162663775882187, 1.67638483018380384940, 6.89767334985100004550e-1,
      1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
      1.05075007164441684324e-9)  # fmt: skip
_E = (6.65790464350110377720, 5.46378491116411436990, 1.78482653991729133580,
      2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
      2.71155556874348757815e-5, 2.01033439929228813265e-7)  # fmt: skip
_F = (1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
      7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
      2.04426310338993978564e-15)  # fmt: skip


def stream_key(seed: int, replication: int, kind: int, name: str) -> int:
    """The 64-bit key of one keyed stream, seeded as :func:`fmssim.model.streams.generator`."""
    sequence = np.random.SeedSequence(
        entropy=seed, spawn_key=(replication, int(kind), entity_key(name))
    )
    return int(sequence.generate_state(1, np.uint64)[0])


@njit(cache=True)
def counter(contact: int, attempt: int, quantity: int) -> np.uint64:
    """The base counter of one random quantity of one attempt; its sub-draws add j < 4096."""
    return ((np.uint64(contact) * np.uint64(256) + np.uint64(attempt)) * np.uint64(16)
            + np.uint64(quantity)) * np.uint64(SUB_DRAWS)  # fmt: skip


@njit(cache=True)
def _mix(z: np.uint64) -> np.uint64:
    """Stafford's mix13, the SplitMix64 finaliser: a bijection with full avalanche."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True)
def uniform(key: np.uint64, ctr: np.uint64) -> float:
    """A uniform strictly inside (0, 1), a pure function of (key, ctr).

    The key enters before the first mix and again before the second, so nearby keys and
    nearby counters give independent values. The top 52 bits of the result give
    ``(m + 0.5) * 2**-52``: every such value is exact in a double, lies in [2**-53, 1 - 2**-53]
    and the set is symmetric about 1/2 (53 bits with the half offset would round the top
    value to 1.0).
    """
    k = np.uint64(key)
    z = _mix(np.uint64(ctr) * _GOLDEN + k)
    z = _mix(z ^ k)
    return (float(z >> _S12) + 0.5) * 2.0**-52


@njit(cache=True)
def _poly(c: tuple[float, ...], x: float) -> float:
    return ((((((c[7] * x + c[6]) * x + c[5]) * x + c[4]) * x + c[3]) * x + c[2]) * x
            + c[1]) * x + c[0]  # fmt: skip


@njit(cache=True)
def normal_ppf(p: float) -> float:
    """The standard normal quantile of p in (0, 1): Wichura's AS241 (PPND16), about 1e-16."""
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * _poly(_A, r) / _poly(_B, r)
    r = np.sqrt(-np.log(p if q < 0.0 else 1.0 - p))
    if r <= 5.0:
        r -= 1.6
        x = _poly(_C, r) / _poly(_D, r)
    else:
        r -= 5.0
        x = _poly(_E, r) / _poly(_F, r)
    return -x if q < 0.0 else x


@dataclass(frozen=True)
class SpecTable:
    """Duration specs flattened into arrays a compiled loop can read, one row per spec.

    Row r has ``kind[r]`` (a row kind), parameters ``a[r]``, ``b[r]`` (FIXED: value;
    EXPONENTIAL: mean; LOGNORMAL: mu, sigma of the log; GAMMA: shape, scale) and a slice
    ``lo[r]:hi[r]`` of ``cum`` with ``children`` (MIXTURE: cumulative shares and the parts'
    rows) or ``values`` (EMPIRICAL: cumulative probabilities and the values).
    """

    kind: NDArray[np.int8]
    a: NDArray[np.float64]
    b: NDArray[np.float64]
    lo: NDArray[np.int64]
    hi: NDArray[np.int64]
    cum: NDArray[np.float64]
    values: NDArray[np.float64]
    children: NDArray[np.int64]

    @property
    def arrays(self) -> tuple[
        NDArray[np.int8], NDArray[np.float64], NDArray[np.float64], NDArray[np.int64],
        NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], NDArray[np.int64],
    ]:  # fmt: skip
        """The eight arrays in the order :func:`keyed_sample` takes them."""
        return (self.kind, self.a, self.b, self.lo, self.hi, self.cum, self.values,
                self.children)  # fmt: skip


def spec_table(specs: Sequence[DurationSpec | None]) -> tuple[SpecTable, NDArray[np.int64]]:
    """The table of every spec of ``specs`` and their parts, and the root row of each."""
    rows: list[list[float]] = []  # kind, a, b, lo, hi
    cum: list[float] = []
    values: list[float] = []
    children: list[int] = []

    def add(spec: DurationSpec | None) -> int:
        row = len(rows)
        if spec is None:
            rows.append([INFINITE, 0.0, 0.0, 0, 0])
        elif spec.kind in ("mixture", "empirical"):
            mixture = spec.kind == "mixture"
            lo = len(cum)
            rows.append([MIXTURE if mixture else EMPIRICAL, spec.mean, 0.0, lo, lo])
            cum.extend(np.cumsum(spec.probabilities).tolist())
            values.extend([np.nan] * len(spec.parts) if mixture else spec.values)
            children.extend([-1] * len(spec.probabilities))
            rows[row][4] = len(cum)
            for i, part in enumerate(spec.parts if mixture else ()):
                children[lo + i] = add(part)
        else:
            rows.append([KINDS[spec.kind], *_parameters(spec), 0, 0])
        return row

    roots = np.array([add(spec) for spec in specs], np.int64)
    table = np.array(rows, np.float64).reshape(-1, 5)
    return SpecTable(
        table[:, 0].astype(np.int8), table[:, 1].copy(), table[:, 2].copy(),
        table[:, 3].astype(np.int64), table[:, 4].astype(np.int64), np.array(cum, np.float64),
        np.array(values, np.float64), np.array(children, np.int64),
    ), roots  # fmt: skip


def _parameters(spec: DurationSpec) -> tuple[float, float]:
    """(a, b) of a single-family spec, as :meth:`DurationSpec.sample` parametrises it."""
    if spec.kind == "lognormal":
        sigma2 = float(np.log1p(spec.cv**2))
        return float(np.log(spec.mean)) - sigma2 / 2.0, float(np.sqrt(sigma2))
    if spec.kind == "gamma":
        shape = 1.0 / spec.cv**2
        return shape, spec.mean / shape
    if spec.kind in KINDS:
        return spec.mean, 0.0
    raise ValueError(f"unknown duration kind {spec.kind!r}")


@njit(cache=True)
def _pick(cum: np.ndarray, lo: int, hi: int, u: float) -> int:
    """``lo + searchsorted(cum[lo:hi], u, side='right')``, clamped to the last entry."""
    while lo < hi - 1:
        mid = (lo + hi - 1) // 2
        if cum[mid] <= u:
            lo = mid + 1
        else:
            hi = mid + 1
    return lo


@njit(cache=True)
def _gamma(shape: float, key: np.uint64, base: np.uint64, j: int) -> float:
    """A Gamma(shape, 1) draw by Marsaglia and Tsang from uniforms j, j + 1, ... of base;
    the mean ``shape`` if the 4096 uniforms run out (each try accepts with p > 0.95)."""
    boost, d = 1.0, shape - 1.0 / 3.0
    if shape < 1.0:
        boost, d = uniform(key, base + np.uint64(j)) ** (1.0 / shape), d + 1.0
        j += 1
    c = 1.0 / np.sqrt(9.0 * d)
    while j + 1 < SUB_DRAWS:
        x = normal_ppf(uniform(key, base + np.uint64(j)))
        u = uniform(key, base + np.uint64(j + 1))
        j += 2
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        if np.log(u) < 0.5 * x * x + d - d * v + d * np.log(v):
            return float(d * v * boost)
    return shape


@njit(cache=True)
def keyed_sample(
    kind: np.ndarray, a: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray,
    cum: np.ndarray, values: np.ndarray, children: np.ndarray, row: int, key: np.uint64,
    base: np.uint64,
) -> float:  # fmt: skip
    """One draw of spec ``row`` from the uniforms ``uniform(key, base + j)``, j = 0, 1, ...

    A mixture spends one uniform on its part, then the part continues with the next ones;
    exponential, lognormal and empirical use one uniform; gamma (Marsaglia and Tsang) one per
    normal and one per acceptance test (after one for ``u**(1/shape)`` if shape < 1). The
    4096 uniforms of a counter are never exceeded: should the gamma's tries (each accepted with
    p > 0.95) use them all, it returns its mean.
    """
    k, j = np.uint64(key), 0
    while kind[row] == MIXTURE:
        row = children[_pick(cum, lo[row], hi[row], uniform(k, base + np.uint64(j)))]
        j += 1
    r = kind[row]
    if r == FIXED:
        return float(a[row])
    if r == INFINITE:
        return np.inf
    if r == GAMMA:
        return float(_gamma(a[row], k, base, j) * b[row])
    u = uniform(k, base + np.uint64(j))
    if r == EXPONENTIAL:
        return float(-a[row] * np.log(u))
    if r == LOGNORMAL:
        return float(np.exp(a[row] + b[row] * normal_ppf(u)))
    return float(values[_pick(cum, lo[row], hi[row], u)])


@njit(cache=True)
def _sample_all(
    kind: np.ndarray, a: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray,
    cum: np.ndarray, values: np.ndarray, children: np.ndarray, row: int, key: np.uint64,
    bases: np.ndarray,
) -> np.ndarray:  # fmt: skip
    out = np.empty(len(bases))
    for i in range(len(bases)):
        out[i] = keyed_sample(kind, a, b, lo, hi, cum, values, children, row, key, bases[i])
    return out


def sample_keyed(
    table: SpecTable, row: int, key: int, bases: NDArray[np.uint64]
) -> NDArray[np.float64]:
    """One draw of spec ``row`` per base counter of ``bases``."""
    bases = np.ascontiguousarray(bases, dtype=np.uint64)
    out: NDArray[np.float64] = _sample_all(*table.arrays, row, np.uint64(key), bases)
    return out
