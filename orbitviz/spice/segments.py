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

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import spiceypy

from ..errors import CoverageError, KernelError, SpiceError
from .bodies import body_id, body_name
from .errors import spice_errors

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
            f"no loaded SPK has data for {body_name(body)} ({body}) at ET {et:.3f}: load an SPK "
            "that covers it (orbitviz kernels info FILE shows a file's coverage)"
        ) from None
    dc, ic = spiceypy.dafus(descr, 2, 6)
    return handle, np.asarray(dc, float), np.asarray(ic, int), _file_of(handle)


def _file_of(handle: int) -> str:
    """The loaded SPK file that has ``handle``."""
    for k in range(spiceypy.ktotal("SPK")):
        path, _kind, _source, found = spiceypy.kdata(k, "SPK")
        if found == handle:
            return path
    return f"(SPK handle {handle})"


def _link(body: int, lo: float, hi: float):
    """The records of the segment for ``body`` over [lo, hi], and its centre."""
    handle, dc, ic, path = _segment(body, lo)
    _target, center, frame, kind, begin, end = (int(v) for v in ic)
    if dc[1] < hi:
        raise CoverageError(
            f"the SPK segment SPICE uses for {body_name(body)} at ET {lo:.0f} ({path}) ends at "
            f"ET {dc[1]:.0f}, before ET {hi:.0f}: the N-body engine needs one segment per body "
            "over the whole span; load an SPK that covers it in one segment"
        )
    if kind not in SUPPORTED_TYPES or frame != J2000:
        raise KernelError(
            f"{path}: segment for {body_name(body)} is SPK type {kind} in frame code {frame}; "
            "the N-body engine reads Chebyshev types 2 and 3 in J2000 only"
        )
    with spice_errors(f"cannot read the SPK segment for {body_name(body)} in {path}"):
        init, intlen, rsize, n = spiceypy.dafgda(handle, end - 3, end)
    rsize, n = int(rsize), int(n)
    n_coef = (rsize - 2) // (3 if kind == 2 else 6)
    first = max(0, int(np.floor((lo - init) / intlen)) - 1)
    last = min(n - 1, int(np.floor((hi - init) / intlen)) + 1)
    with spice_errors(f"cannot read the SPK records for {body_name(body)} in {path}"):
        words = spiceypy.dafgda(handle, begin + first * rsize, begin + (last + 1) * rsize - 1)
    records = np.asarray(words, float).reshape(last - first + 1, rsize)
    coef = records[:, 2 : 2 + 3 * n_coef]  # drop MID, RADIUS (and type 3's velocities)
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
                center, data = _link(current, lo_et, hi_et)
                links[current] = (center, data)
            chain.append(current)
            current = links[current][0]
            if len(chain) > 8:
                raise KernelError(f"the SPK chain of {body_name(body)} does not reach the SSB")
        chains.append(tuple(reversed(chain)))
    order = list(links)
    if rotation is not None:  # a constant rotation of each (x, y, z) coefficient triple
        for body in order:
            center, data = links[body]
            coef = data[4].reshape(len(data[4]), 3, -1)
            coef = np.einsum("ij,rjk->rik", rotation, coef).reshape(len(data[4]), -1)
            links[body] = (center, (*data[:4], coef, data[5]))
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
