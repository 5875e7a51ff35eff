"""Screening parameters: the threshold grammar, the coarse time step, and a stable run key.

Thresholds
----------
``"0.05au"``, ``"1ld"`` (LD = 384,399 km, see :mod:`orbitviz.units`), ``"20000km"``, ``"soi"``
(the body's Laplace sphere of influence, ``a (m/M)^(2/5)``), or a plain number in km.

The coarse step (why no approach is missed)
-------------------------------------------
Objects and the body are sampled every ``step_s`` (default 1 day). A close approach is a local
minimum of the distance d(t), i.e. a zero of ``rv(t) = r . v`` (relative position and velocity)
going from negative to positive. Two facts make the grid search complete:

1. *Lipschitz bound.* |d'(t)| <= |v_rel| <= V, with V = (the object's speed at perihelion, the
   largest it ever has on its conic: ``sqrt(mu (2/q - 1/a))``) + (the body's largest speed over
   the window). If a minimum d* lies in [t_k, t_k+1] then ``d_k + d_k+1 <= 2 d* + V h``, so
   every interval with ``(d_k + d_k+1 - V h) / 2 <= threshold`` is examined and none other can
   hold an approach below the threshold. For an NEO near 1 au V < ~75 km/s, so with h = 1 day
   the margin is V h / 2 ~ 0.022 au: an approach at 0.05 au is flagged while the grid still
   reads 0.072 au. The margin is per object, so a sun-grazer's larger V only costs it more
   candidate intervals, never a miss.
2. *One extremum per step.* d(t)^2 has second derivative 2 (|v|^2 + r . a_rel). Near the body
   the relative acceleration of two heliocentric conics is the solar tidal term,
   |a_rel| <~ 3 n^2 d (n = the body's mean motion, 2e-7 rad/s for Earth), so ``rv`` can turn
   round only on a timescale ~ 1/n ~ 58 days (and only for relative speeds below ~3 km/s at
   0.07 au). One day is far shorter, so a flagged interval holds at most one minimum, visible as
   the sign change of ``rv`` between its ends. ``tests/test_screening_core.py`` checks the whole
   search against a brute-force 10-minute grid.

The grid is extended one step beyond each end of the window so minima near the edges are
bracketed; approaches are reported when their refined time is inside [start, stop].
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass

import numpy as np

from orbitviz.errors import ScreeningError
from orbitviz.units import AU_KM, DAY_S, LD_KM

DEFAULT_STEP_S = DAY_S
"""Coarse grid step (1 day): see the module docstring for why nothing is missed."""

REFINE_XTOL_S = 1e-4
"""Closest-approach times are refined until the bracket is narrower than this (0.1 ms)."""

METHOD_TWO_BODY = "two-body"
METHOD_NBODY = "nbody"

_UNIT_KM = {"au": AU_KM, "ld": LD_KM, "km": 1.0}
_THRESHOLD_RE = re.compile(
    r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*(au|ld|km)?\s*$", re.IGNORECASE
)


def parse_threshold(threshold) -> tuple[float | None, str]:
    """``(km, text)`` for a threshold; ``km`` is None for ``"soi"`` (needs the body's GM).

    >>> parse_threshold("0.05au")[0]
    7479893.535
    >>> parse_threshold("1ld")[0], parse_threshold(1000)[0], parse_threshold("soi")
    (384399.0, 1000.0, (None, 'soi'))
    """
    if isinstance(threshold, (int, float, np.integer, np.floating)) and not isinstance(
        threshold, bool
    ):
        km = float(threshold)
        text = f"{km:g}km"
    else:
        text = str(threshold).strip().lower()
        if text == "soi":
            return None, "soi"
        match = _THRESHOLD_RE.match(text)
        if match and not match.group(2):
            raise ScreeningError(
                f"threshold {threshold!r} has no unit: write {text}au, {text}ld or {text}km "
                "(a bare number is not taken as km)"
            )
        if not match:
            raise ScreeningError(
                f"cannot read threshold {threshold!r}: use a number with a unit (0.05au, 1ld, "
                "20000km) or 'soi' for the body's sphere of influence"
            )
        km = float(match.group(1)) * _UNIT_KM[(match.group(2) or "km").lower()]
    if not np.isfinite(km) or km <= 0:
        raise ScreeningError(f"threshold {threshold!r} must be a positive distance")
    return km, text


@dataclass(frozen=True)
class ScreeningParams:
    """Everything a chunk needs besides its elements (picklable, hashable into a run key)."""

    body: str
    start_et: float
    stop_et: float
    threshold_km: float
    soi_km: float
    step_s: float = DEFAULT_STEP_S
    refine: str | None = None
    nbody_max: int | None = None  # None: every approach

    @property
    def refines_on_workers(self) -> bool:
        """Every approach is refined, so each chunk refines its own, where it is screened
        (the ``nbody_max`` closest of the whole catalog can only be chosen after the gather)."""
        return self.refine == METHOD_NBODY and self.nbody_max is None

    def __post_init__(self) -> None:
        if (
            not (np.isfinite(self.start_et) and np.isfinite(self.stop_et))
            or self.stop_et <= self.start_et
        ):
            raise ScreeningError(
                f"screening window must have stop > start (got ET {self.start_et} .. {self.stop_et}); "
                "check --start/--stop"
            )
        if not np.isfinite(self.step_s) or self.step_s <= 0 or self.step_s > 5 * DAY_S:
            raise ScreeningError(
                f"step_s = {self.step_s!r} s: use a positive step of at most 5 days (the search is "
                "only proven complete for steps far below the ~58-day tidal timescale)"
            )
        if self.refine not in (None, METHOD_NBODY):
            raise ScreeningError(f"refine={self.refine!r}: use None or 'nbody'")

    def grid(self) -> np.ndarray:
        """The coarse ET grid: the window plus one step on each side, uniform spacing <= step_s."""
        n = int(np.ceil((self.stop_et - self.start_et) / self.step_s))
        h = (self.stop_et - self.start_et) / max(n, 1)
        return self.start_et + h * np.arange(-1, n + 2)

    def key(self) -> dict:
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def run_key(params: ScreeningParams, conics: np.ndarray, designations, chunk_size: int) -> str:
    """sha256 of the catalog (elements and names), the parameters and the chunking.

    Parts written under one key are only ever reused by a run with the same key.
    """
    digest = hashlib.sha256()
    digest.update(b"orbitviz-screening-v1")
    digest.update(np.ascontiguousarray(conics, dtype=float).tobytes())
    digest.update("\x1f".join(map(str, designations)).encode())
    digest.update(
        json.dumps({**params.key(), "chunk_size": int(chunk_size)}, sort_keys=True).encode()
    )
    return digest.hexdigest()
