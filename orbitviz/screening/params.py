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

The candidate margin (``refine="nbody"``)
------------------------------------------
Everything above is exact for two-body conics; reality differs from them by what the conic
ignores (the planets' pull, the body's own above all), growing with the time from the
elements' epoch. With N-body refinement the two-body pass therefore keeps every minimum
below ``threshold + candidate_margin_km(threshold, |t - epoch|)``, whose refined time lies
within :data:`EDGE_PAD_DAYS` of the window (its grid reaches that far), and the N-body run
decides: what it puts beyond the threshold or outside the window is dropped. The margin is
``max(MARGIN_FLOOR_KM, MARGIN_FLOOR_FRACTION threshold) + MARGIN_PER_YEAR2 threshold
(years)^2``: an error that starts at zero at the epoch and grows like the integral of an
unmodelled acceleration. Derived from JPL's 2020 answers (``cad_api_2020_all.json``: 999
approaches within 0.05 au, elements of ``sbdb_query_neos_2020.csv``, the epochs 0 to 9 years
from the approach, 0.09 years median): the two-body minimum was beyond 0.05 au for three of
them, needing 4,546 km at 0.073 years (2018 DN1), 10,015 km at 0.39 years (2020 SG3) and
4.0e6 km at 2.04 years (2018 AL12, whose conic passes 0.073 au from the Earth): 0.066,
0.002 and 0.11 threshold/year^2. 0.25 (over twice the largest) and a floor of 0.2 % of the
threshold (>= 2,000 km; the largest error under 0.01 years was 843 km) keep all of them;
one year from the epoch the margin is ~0.25 of the threshold, eight years ~16 thresholds
(every pass of such an old orbit is refined: few objects, cheap).
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


MARGIN_PER_YEAR2 = 0.25
MARGIN_FLOOR_FRACTION = 0.002
MARGIN_FLOOR_KM = 2000.0
EDGE_PAD_DAYS = 5.0


def years_from_epoch(epoch_et, et) -> np.ndarray:
    """|et - epoch| in Julian years: how far the elements are carried (the margins grow with it).

    >>> float(years_from_epoch(0.0, -2 * 365.25 * 86400.0))
    2.0
    """
    return np.abs(np.asarray(et, float) - np.asarray(epoch_et, float)) / (365.25 * DAY_S)


def candidate_margin_km(threshold_km, years) -> np.ndarray:
    """How far beyond the threshold a two-body minimum may lie and still be refined by N-body
    (see the module notes): ``years`` is |t - epoch| in Julian years (:func:`years_from_epoch`).

    >>> candidate_margin_km(7.48e6, np.array([0.0, 0.1, 1.0])).round(-2).tolist()
    [15000.0, 33700.0, 1885000.0]
    """
    years = np.asarray(years, dtype=float)
    floor = max(MARGIN_FLOOR_KM, MARGIN_FLOOR_FRACTION * float(threshold_km))
    return floor + MARGIN_PER_YEAR2 * float(threshold_km) * years**2


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
            raise ScreeningError(f"refine={self.refine!r}: use 'nbody' (the default) or None")

    def grid(self) -> np.ndarray:
        """The coarse ET grid: the candidates' span (:meth:`candidate_span_et`) plus one step
        on each side, uniform spacing <= step_s."""
        lo, hi = self.candidate_span_et()
        n = int(np.ceil((hi - lo) / self.step_s))
        h = (hi - lo) / max(n, 1)
        return lo + h * np.arange(-1, n + 2)

    def candidate_span_et(self) -> tuple[float, float]:
        """Where two-body minima are kept: the window, widened by :data:`EDGE_PAD_DAYS` each
        side when N-body refines them (a pass just inside the window may have its two-body
        minimum just outside)."""
        pad = EDGE_PAD_DAYS * DAY_S if self.refine == METHOD_NBODY else 0.0
        return self.start_et - pad, self.stop_et + pad

    def candidate_km(self, epoch_et, et) -> np.ndarray:
        """The two-body distance below which a minimum at ``et`` of an object with elements at
        ``epoch_et`` is kept: the threshold, plus :func:`candidate_margin_km` when N-body
        refines the candidates."""
        if self.refine != METHOD_NBODY:
            return np.full(np.broadcast(epoch_et, et).shape, self.threshold_km)
        return self.threshold_km + candidate_margin_km(
            self.threshold_km, years_from_epoch(epoch_et, et)
        )

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
