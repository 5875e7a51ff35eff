"""The Chebyshev records of the loaded SPKs, for a compiled force routine to evaluate itself.

For each body asked, the chain of SPK segments that SPICE would use (``spksfs``: the last
loaded file wins) from the body to the solar-system barycenter, with the records covering a
time span read out of the file (``dafgda``). Evaluating these records reproduces
``spkgps`` to round-off without a SPICE call per time: what an integrator needs, millions of
times a second.

Supported: SPK types 2 and 3 (Chebyshev position; type 3's velocity coefficients are not
needed, velocities come from differentiating the position series), in frame J2000, as every
JPL planetary and small-body SPK is.

>>> from orbitviz.spice import KernelSet
>>> with KernelSet("default"):
...     table = chebyshev_chains([399, 301], 0.0, 86400.0)
>>> table.chains            # Earth = EMB + Earth-EMB, Moon = EMB + Moon-EMB
((3, 399), (3, 301))
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import spiceypy

from ..errors import CoverageError, KernelError, SpiceError
from .bodies import body_id, body_name
from .errors import spice_errors
from .kernels import POOL

SSB = 0
J2000 = 1  # NAIF frame code
SUPPORTED_TYPES = (2, 3)


@dataclass(frozen=True)
class ChebyshevTable:
    """Segments ("links": a body relative to its centre) as flat arrays.

    Link ``k`` covers ``init[k] + intlen[k] * [0, n_records[k])``; record ``j`` of link ``k``
    holds ``3 * n_coef[k]`` coefficients (x, y, z) starting at ``coef[offset[k] + j * 3 *
    n_coef[k]]``, for the normalised time ``(et - mid) / radius`` of the record. ``chains[i]``
    lists the links (by body id) whose sum is body ``i``'s barycentric position.
    """

    bodies: tuple[int, ...]
    chains: tuple[tuple[int, ...], ...]
    link_body: np.ndarray  # (L,) int64
    init: np.ndarray  # (L,) ET of the first kept record's start
    intlen: np.ndarray  # (L,) s
    n_records: np.ndarray  # (L,) int64
    n_coef: np.ndarray  # (L,) int64
    offset: np.ndarray  # (L,) int64
    coef: np.ndarray  # (sum,) float64
    chain_links: np.ndarray  # (B, max_chain) int64 indices into the links, -1 padded
    files: tuple[str, ...]

    @property
    def span_et(self) -> tuple[float, float]:
        stop = self.init + self.intlen * self.n_records
        return float(self.init.max()), float(stop.min())

    def subset(self, rows: Sequence[int]) -> ChebyshevTable:
        """The table of the bodies ``rows`` only (the links' records are shared)."""
        return replace(
            self,
            bodies=tuple(self.bodies[i] for i in rows),
            chains=tuple(self.chains[i] for i in rows),
            chain_links=np.ascontiguousarray(self.chain_links[list(rows)]),
        )


def _segment(body: int, et: float):
    """The segment SPICE uses for ``body`` at ``et``: (handle, dc (2,), ic (6,), file)."""
    try:
        with spice_errors(f"cannot find an SPK segment for {body_name(body)}"):
            handle, descr, _ident = spiceypy.spksfs(body, et, 41)
    except SpiceError:
        raise CoverageError(
            f"no loaded SPK has data for {body_name(body)} ({body}) at {_when(et)}; "
            f"{_loaded_coverage(body)}: choose times inside it or load an SPK that covers them "
            "(orbitviz kernels info FILE shows a file's coverage)"
        ) from None
    dc, ic = spiceypy.dafus(descr, 2, 6)
    return handle, np.asarray(dc, float), np.asarray(ic, int), _file_of(handle)


def _when(et: float) -> str:
    from .ephemeris import _utc

    utc = _utc(et)
    return f"ET {et:.3f}" if utc.startswith("ET") else f"{utc} UTC (ET {et:.3f})"


def _loaded_coverage(body: int) -> str:
    """Which loaded SPK covers what of ``body``, in words."""
    from .ephemeris import _utc, spk_coverage

    try:
        covs = spk_coverage(body)
    except Exception:  # noqa: BLE001 -- the message must not fail on a broken pool
        covs = []
    if not covs:
        return "no loaded SPK has it at all"
    spans = [
        f"{cov.path.name} {_utc(lo)} to {_utc(hi)}" for cov in covs for lo, hi in cov.intervals
    ]
    return "loaded: " + "; ".join(spans)


def _file_of(handle: int) -> str:
    """The loaded SPK file that has ``handle``."""
    for k in range(spiceypy.ktotal("SPK")):
        path, _kind, _source, found = spiceypy.kdata(k, "SPK")
        if found == handle:
            return path
    return f"(SPK handle {handle})"


# Records already read, per segment and frame: {(file, mtime_ns, size, begin, frame): (first,
# last, coefficients)}. A flyby, its comparison and a screening ask for the same segments over
# and over; a segment is read again only for records outside what is kept.
_RECORDS: dict[tuple, tuple[int, int, np.ndarray]] = {}
_MAX_KEPT = 64


def _records(handle, path, begin, rsize, n_coef, first, last, rotation, frame):
    """Coefficients (last - first + 1, 3 n_coef) of records first..last of the segment at
    ``begin`` in ``path``, rotated by ``rotation`` (J2000 -> ``frame``)."""
    try:
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns, stat.st_size, begin, frame.upper())
    except OSError:
        key = None
    kept = _RECORDS.get(key) if key else None
    if kept and kept[0] <= first and last <= kept[1]:
        return kept[2][first - kept[0] : last - kept[0] + 1]
    lo, hi = (min(first, kept[0]), max(last, kept[1])) if kept else (first, last)
    with spice_errors(f"cannot read the SPK records in {path}"):  # the union is kept
        words = spiceypy.dafgda(handle, begin + lo * rsize, begin + (hi + 1) * rsize - 1)
    records = np.asarray(words, float).reshape(hi - lo + 1, rsize)
    coef = records[:, 2 : 2 + 3 * n_coef]  # drop MID, RADIUS (and type 3's velocities)
    if rotation is not None:  # a constant rotation of each (x, y, z) coefficient triple
        coef = np.einsum("ij,rjk->rik", rotation, coef.reshape(len(coef), 3, n_coef))
        coef = coef.reshape(len(records), 3 * n_coef)
    coef = np.ascontiguousarray(coef)
    if key:
        if len(_RECORDS) >= _MAX_KEPT:
            _RECORDS.pop(next(iter(_RECORDS)))
        _RECORDS[key] = (lo, hi, coef)
    return coef[first - lo : last - lo + 1]


# The segment SPICE chose for a body at a time, per state of the kernel pool:
# {(body, et, POOL.generation): (handle, dc, ic, path, (init, intlen, rsize, n))}
_CHOSEN: dict[tuple, tuple] = {}


def _chosen(body: int, et: float):
    key = (body, et, POOL.generation)
    if key not in _CHOSEN:
        if len(_CHOSEN) >= 4 * _MAX_KEPT:
            _CHOSEN.clear()
        handle, dc, ic, path = _segment(body, et)
        end = int(ic[5])
        with spice_errors(f"cannot read the SPK segment for {body_name(body)} in {path}"):
            trailer = spiceypy.dafgda(handle, end - 3, end)
        _CHOSEN[key] = (handle, dc, ic, path, tuple(float(v) for v in trailer))
    return _CHOSEN[key]


def _link(body: int, lo: float, hi: float, rotation, frame: str):
    """The records of the segment for ``body`` over [lo, hi] in ``frame``, and its centre."""
    handle, dc, ic, path, (init, intlen, rsize, n) = _chosen(body, lo)
    _target, center, segment_frame, kind, begin, _end = (int(v) for v in ic)
    if dc[1] < hi:
        raise CoverageError(
            f"the SPK segment SPICE uses for {body_name(body)} at {_when(lo)} "
            f"({Path(path).name}) ends at {_when(dc[1])}, before {_when(hi)}; "
            f"{_loaded_coverage(body)}: the N-body engine needs one segment per body over the "
            "whole span (epoch and window); load an SPK that covers it in one segment"
        )
    if kind not in SUPPORTED_TYPES or segment_frame != J2000:
        raise KernelError(
            f"{path}: segment for {body_name(body)} is SPK type {kind} in frame code "
            f"{segment_frame}; "
            "the N-body engine reads Chebyshev types 2 and 3 in J2000 only"
        )
    rsize, n = int(rsize), int(n)
    n_coef = (rsize - 2) // (3 if kind == 2 else 6)
    first = max(0, int(np.floor((lo - init) / intlen)) - 1)
    last = min(n - 1, int(np.floor((hi - init) / intlen)) + 1)
    coef = _records(handle, path, begin, rsize, n_coef, first, last, rotation, frame)
    return center, (init + first * intlen, intlen, last - first + 1, n_coef, coef, path)


def _rotation_from_j2000(frame: str) -> np.ndarray:
    """The constant rotation J2000 -> ``frame`` (an inertial frame: checked at two epochs)."""
    with spice_errors(f"cannot rotate J2000 to {frame}"):
        a = np.asarray(spiceypy.pxform("J2000", frame, 0.0))
        b = np.asarray(spiceypy.pxform("J2000", frame, 3.0e9))
    if np.abs(a - b).max() > 1e-15:
        raise KernelError(f"{frame} turns against J2000: the N-body engine needs an inertial frame")
    return a


def chebyshev_chains(
    bodies: Sequence[int | str], lo_et: float, hi_et: float, frame: str = "J2000"
) -> ChebyshevTable:
    """The segment chains of ``bodies`` (ids or names) to the solar-system barycenter over
    [``lo_et``, ``hi_et``], as SPICE would choose them from the loaded SPKs, their coefficients
    rotated into the inertial ``frame``."""
    ids = tuple(body_id(b) for b in bodies)
    rotation = None if frame.upper() == "J2000" else _rotation_from_j2000(frame)
    links: dict[int, tuple] = {}
    chains = []
    for body in ids:
        chain, current = [], body
        while current != SSB:
            if current not in links:
                center, data = _link(current, lo_et, hi_et, rotation, frame)
                links[current] = (center, data)
            chain.append(current)
            current = links[current][0]
            if len(chain) > 8:
                raise KernelError(f"the SPK chain of {body_name(body)} does not reach the SSB")
        chains.append(tuple(reversed(chain)))
    order = list(links)
    n_coef = np.array([links[b][1][3] for b in order], np.int64)
    sizes = [links[b][1][4].size for b in order]
    offset = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    depth = max(len(c) for c in chains)
    chain_links = np.full((len(ids), depth), -1, np.int64)
    for i, chain in enumerate(chains):
        chain_links[i, : len(chain)] = [order.index(b) for b in chain]
    return ChebyshevTable(
        bodies=ids,
        chains=tuple(chains),
        link_body=np.array(order, np.int64),
        init=np.array([links[b][1][0] for b in order], float),
        intlen=np.array([links[b][1][1] for b in order], float),
        n_records=np.array([links[b][1][2] for b in order], np.int64),
        n_coef=n_coef,
        offset=offset,
        coef=np.concatenate([links[b][1][4].ravel() for b in order]),
        chain_links=chain_links,
        files=tuple(sorted({links[b][1][5] for b in order})),
    )


def constant_table(body: int, lo_et: float, hi_et: float) -> ChebyshevTable:
    """A table holding ``body`` at rest at the origin over [lo_et, hi_et] (for tests)."""
    return ChebyshevTable(
        bodies=(int(body),),
        chains=((int(body),),),
        link_body=np.array([body], np.int64),
        init=np.array([lo_et], float),
        intlen=np.array([max(hi_et - lo_et, 1.0)], float),
        n_records=np.array([1], np.int64),
        n_coef=np.array([1], np.int64),
        offset=np.array([0], np.int64),
        coef=np.zeros(3),
        chain_links=np.zeros((1, 1), np.int64),
        files=(),
    )
