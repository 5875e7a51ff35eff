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
from functools import cached_property

import numpy as np
import spiceypy

from ..errors import KernelError, SpiceError
from .bodies import body_id, body_name
from .ephemeris import coverage_error
from .errors import spice_errors
from .kernels import POOL

SSB = 0
J2000 = 1  # NAIF frame code
SUPPORTED_TYPES = (2, 3)


@dataclass(frozen=True)
class ChebyshevTable:
    """Links (a body relative to its centre) made of pieces (the part of one SPK segment
    used), as flat arrays.

    Link ``k`` is pieces ``link_first[k] .. link_first[k] + link_count[k] - 1``, in time order,
    piece ``p`` in use from ``piece_lo[p]``. Piece ``p`` covers ``init[p] + intlen[p] * [0,
    n_records[p])``; its record ``j`` holds ``3 * n_coef[p]`` coefficients (x, y, z) starting at
    ``coef[offset[p] + j * 3 * n_coef[p]]``, for the normalised time ``(et - mid) / radius``
    of the record. ``chains[i]`` lists the links (by body id) whose sum is body ``i``'s
    barycentric position; ``chain_links`` holds their indices.
    """

    bodies: tuple[int, ...]
    chains: tuple[tuple[int, ...], ...]
    link_body: np.ndarray  # (L,) int64
    link_first: np.ndarray  # (L,) int64 first piece of each link
    link_count: np.ndarray  # (L,) int64 pieces of each link
    piece_lo: np.ndarray  # (P,) ET from which each piece is used
    init: np.ndarray  # (P,) ET of the first kept record's start
    intlen: np.ndarray  # (P,) s
    n_records: np.ndarray  # (P,) int64
    n_coef: np.ndarray  # (P,) int64
    offset: np.ndarray  # (P,) int64
    coef: np.ndarray  # (sum,) float64
    chain_links: np.ndarray  # (B, max_chain) int64 indices into the links, -1 padded
    files: tuple[str, ...]
    link_files: tuple[str, ...] = ()  # (L,) the file of each link's first piece

    @cached_property
    def span_et(self) -> tuple[float, float]:
        last = self.link_first + self.link_count - 1
        stop = self.init[last] + self.intlen[last] * self.n_records[last]
        return float(self.piece_lo[self.link_first].max()), float(stop.min())

    def jit_args(self) -> tuple:
        """The arrays the compiled evaluator (:mod:`orbitviz.dynamics._engine`) takes."""
        return (
            self.coef,
            self.offset,
            self.n_coef,
            self.init,
            self.intlen,
            self.n_records,
            self.chain_links,
            self.link_first,
            self.link_count,
            self.piece_lo,
        )

    def with_link(
        self, link: int, init: float, intlen: float, n_coef: int, coef: np.ndarray, label: str
    ) -> ChebyshevTable:
        """The table with link ``link``'s pieces replaced by one piece of uniform records from
        ``init`` (``coef`` (n_records, 3 n_coef): the x, y, z coefficients of each record),
        its file called ``label`` (a re-fit of the link's records)."""
        coef = np.ascontiguousarray(coef, float).reshape(-1, 3 * n_coef)
        pieces = []  # (piece_lo, init, intlen, n_records, n_coef, coefficients), link by link
        for k in range(len(self.link_body)):
            if k == link:
                pieces.append((init, init, intlen, len(coef), n_coef, coef.ravel()))
                continue
            for p in range(self.link_first[k], self.link_first[k] + self.link_count[k]):
                size = self.n_records[p] * 3 * self.n_coef[p]
                block = self.coef[self.offset[p] : self.offset[p] + size]
                pieces.append(
                    (self.piece_lo[p], self.init[p], self.intlen[p], self.n_records[p],
                     self.n_coef[p], block)
                )  # fmt: skip
        counts = self.link_count.copy()
        counts[link] = 1
        files = list(self.link_files) or [""] * len(self.link_body)
        files[link] = label
        return replace(self, **_packed(pieces, counts), link_files=tuple(files))

    def with_body(
        self,
        body: int,
        center: int,
        init: float,
        intlen: float,
        n_coef: int,
        coef: np.ndarray,
        label: str,
    ) -> ChebyshevTable:
        """The table with ``body`` added: one new link (``body`` relative to ``center``, a
        link of the table) of uniform records from ``init`` (``coef`` (n_records, 3 n_coef)),
        its file called ``label``; its chain is the centre's plus the new link."""
        coef = np.ascontiguousarray(coef, float).reshape(-1, 3 * n_coef)
        center_chain = self._chain_to(int(center))
        chain = (*center_chain, int(body))
        n_links = len(self.link_body)
        depth = max(self.chain_links.shape[1], len(chain))
        chain_links = np.full((len(self.bodies) + 1, depth), -1, np.int64)
        chain_links[:-1, : self.chain_links.shape[1]] = self.chain_links
        order = list(self.link_body)
        chain_links[-1, : len(chain)] = [order.index(b) for b in center_chain] + [n_links]
        return replace(
            self,
            bodies=(*self.bodies, int(body)),
            chains=(*self.chains, chain),
            link_body=np.append(self.link_body, int(body)).astype(np.int64),
            link_first=np.append(self.link_first, len(self.piece_lo)).astype(np.int64),
            link_count=np.append(self.link_count, 1).astype(np.int64),
            piece_lo=np.append(self.piece_lo, init),
            init=np.append(self.init, init),
            intlen=np.append(self.intlen, intlen),
            n_records=np.append(self.n_records, len(coef)).astype(np.int64),
            n_coef=np.append(self.n_coef, n_coef).astype(np.int64),
            offset=np.append(self.offset, self.coef.size).astype(np.int64),
            coef=np.concatenate([self.coef, coef.ravel()]),
            chain_links=chain_links,
            link_files=(*(self.link_files or [""] * n_links), label),
        )

    def _chain_to(self, target: int) -> tuple[int, ...]:
        """The links (by body id) from the SSB to the link of body ``target``."""
        for chain in self.chains:
            if target in chain:
                return chain[: chain.index(target) + 1]
        raise KernelError(f"no chain of the table reaches {body_name(target)}")

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
        raise coverage_error(body, SSB, et) from None
    dc, ic = spiceypy.dafus(descr, 2, 6)
    return handle, np.asarray(dc, float), np.asarray(ic, int), _file_of(handle)


def _file_of(handle: int) -> str:
    """The loaded SPK file that has ``handle`` (the handles are read once per state of the
    kernel pool: a table of 130 segment pieces asked kdata 1,300 times)."""
    global _FILES
    generation, files = _FILES
    if generation != POOL.generation:
        files = {}
        for k in range(spiceypy.ktotal("SPK")):
            path, _kind, _source, found = spiceypy.kdata(k, "SPK")
            files[found] = path
        _FILES = (POOL.generation, files)
    return files.get(handle, f"(SPK handle {handle})")


_FILES: tuple[int, dict[int, str]] = (-1, {})  # the pool's generation, {handle: path}


# Records already read, per segment and frame: {(file, mtime_ns, size, begin, frame): (first,
# last, coefficients)}. A flyby, its comparison and a screening ask for the same segments over
# and over; a segment is read again only for records outside what is kept.
_RECORDS: dict[tuple, tuple[int, int, np.ndarray]] = {}
_KEPT_BYTES = 256 * 2**20  # the oldest go first past this (DE421 whole: 16 MB)


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
        _RECORDS.pop(key, None)
        while _RECORDS and sum(v[2].nbytes for v in _RECORDS.values()) + coef.nbytes > _KEPT_BYTES:
            _RECORDS.pop(next(iter(_RECORDS)))
        _RECORDS[key] = (lo, hi, coef)
    return coef[first - lo : last - lo + 1]


# The segment SPICE chose for a body at a time, per state of the kernel pool:
# {(body, et, POOL.generation): (handle, dc, ic, path, (init, intlen, rsize, n))}
_CHOSEN: dict[tuple, tuple] = {}


def _chosen(body: int, et: float):
    key = (body, et, POOL.generation)
    if key not in _CHOSEN:
        if len(_CHOSEN) >= 8192:
            _CHOSEN.clear()
        handle, dc, ic, path = _segment(body, et)
        end = int(ic[5])
        with spice_errors(f"cannot read the SPK segment for {body_name(body)} in {path}"):
            trailer = spiceypy.dafgda(handle, end - 3, end)
        _CHOSEN[key] = (handle, dc, ic, path, tuple(float(v) for v in trailer))
    return _CHOSEN[key]


def _link(body: int, lo: float, hi: float, rotation, frame: str):
    """The pieces of segments SPICE uses for ``body`` over [lo, hi] in ``frame`` (one after
    another: each from where the last ends), and the body's centre."""
    pieces, center, et = [], None, lo
    while True:
        piece_center, piece, end = _piece(body, et, hi, rotation, frame)
        if center is not None and piece_center != center:
            raise KernelError(
                f"the SPK segments of {body_name(body)} change centre at ET {et:.0f} "
                f"({body_name(center)} -> {body_name(piece_center)}): the N-body engine needs one"
            )
        center = piece_center
        pieces.append((et, *piece))
        if end >= hi:
            return center, pieces
        if end <= et:  # SPICE has nothing after this segment's end
            raise coverage_error(body, SSB, float(np.nextafter(end, np.inf)))
        et = end


def _piece(body: int, lo: float, hi: float, rotation, frame: str):
    """The segment SPICE uses for ``body`` at ``lo``: its centre, its records up to ``hi`` (or
    its end), and where it ends."""
    handle, dc, ic, path, (init, intlen, rsize, n) = _chosen(body, lo)
    _target, center, segment_frame, kind, begin, _end = (int(v) for v in ic)
    hi = min(hi, float(dc[1]))
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
    return center, (init + first * intlen, intlen, last - first + 1, n_coef, coef, path), hi


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
    rotated into the inertial ``frame``. The last few tables are kept per state of the kernel
    pool (a flyby asked again, a screening's batches: ~3 ms each to assemble)."""
    ids = tuple(body_id(b) for b in bodies)
    key = (ids, float(lo_et), float(hi_et), frame.upper(), POOL.generation)
    if key not in _TABLES:
        if len(_TABLES) >= 16:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = _assemble(ids, lo_et, hi_et, frame)
    return _TABLES[key]


_TABLES: dict[tuple, ChebyshevTable] = {}


def _packed(pieces: list[tuple], counts: np.ndarray) -> dict:
    """The table's piece arrays from ``pieces`` (piece_lo, init, intlen, n_records, n_coef,
    coefficients, ...), link by link, ``counts`` pieces per link."""
    sizes = [p[5].size for p in pieces]
    return {
        "link_first": np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64),
        "link_count": counts,
        "piece_lo": np.array([p[0] for p in pieces], float),
        "init": np.array([p[1] for p in pieces], float),
        "intlen": np.array([p[2] for p in pieces], float),
        "n_records": np.array([p[3] for p in pieces], np.int64),
        "n_coef": np.array([p[4] for p in pieces], np.int64),
        "offset": np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64),
        "coef": np.concatenate([np.ravel(p[5]) for p in pieces]),
    }


def _assemble(ids: tuple[int, ...], lo_et: float, hi_et: float, frame: str) -> ChebyshevTable:
    """:func:`chebyshev_chains` without the memory."""
    rotation = None if frame.upper() == "J2000" else _rotation_from_j2000(frame)
    links: dict[int, tuple] = {}
    chains: list[tuple[int, ...]] = []
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
    pieces = [piece for body in order for piece in links[body][1]]
    counts = np.array([len(links[b][1]) for b in order], np.int64)
    depth = max(len(c) for c in chains)
    chain_links = np.full((len(ids), depth), -1, np.int64)
    for i, links_of_body in enumerate(chains):
        chain_links[i, : len(links_of_body)] = [order.index(b) for b in links_of_body]
    return ChebyshevTable(
        bodies=ids,
        chains=tuple(chains),
        link_body=np.array(order, np.int64),
        **_packed(pieces, counts),
        chain_links=chain_links,
        files=tuple(sorted({p[6] for p in pieces})),
        link_files=tuple(links[b][1][0][6] for b in order),
    )


def constant_table(body: int, lo_et: float, hi_et: float) -> ChebyshevTable:
    """A table holding ``body`` at rest at the origin over [lo_et, hi_et] (for tests)."""
    return ChebyshevTable(
        bodies=(int(body),),
        chains=((int(body),),),
        link_body=np.array([body], np.int64),
        link_first=np.zeros(1, np.int64),
        link_count=np.ones(1, np.int64),
        piece_lo=np.array([lo_et], float),
        init=np.array([lo_et], float),
        intlen=np.array([max(hi_et - lo_et, 1.0)], float),
        n_records=np.array([1], np.int64),
        n_coef=np.array([1], np.int64),
        offset=np.array([0], np.int64),
        coef=np.zeros(3),
        chain_links=np.zeros((1, 1), np.int64),
        files=(),
    )
