"""Screening chunks, run on :mod:`orbitviz.parallel` (Dask: a local cluster of processes, or
an existing scheduler; or in-process).

Each chunk is one task: a worker process furnishes its own kernels once (SPICE is per process and
not thread-safe, so workers have one thread each), computes the body's grid track once per
window and reuses it for every chunk it gets, screens the chunk, and writes the rows to a part
file (``<parts>/chunk-00012.parquet``) as soon as it finishes. A resumed run skips chunks whose
part exists. Dask retries a task whose worker died (the nanny restarts the process).

Schedulers: ``"synchronous"`` (this process, no Dask), ``"local"`` / ``"processes"`` (a
``LocalCluster`` of ``workers`` processes, one thread each), ``"tcp://HOST:PORT"`` (an existing
Dask scheduler; its workers need orbitviz installed and access to the data files).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from orbitviz.parallel import check_scheduler as parallel_check_scheduler
from orbitviz.parallel import read_part, run_tasks, write_part
from orbitviz.screening.bodies import BodyTrack
from orbitviz.screening.core import screen_chunk
from orbitviz.screening.nbody import refine_rows
from orbitviz.screening.params import ScreeningError, ScreeningParams
from orbitviz.screening.results import complete
from orbitviz.spice import KernelSet

_PROCESS_KERNELS = None  # this process's KernelSet (loaded once)
_TRACKS: dict = {}  # (body, grid bytes) -> BodyTrack, per process


@dataclass(frozen=True)
class Chunk:
    """One slice of the catalog: its index, element rows, designations and (for an N-body
    refinement) each row's non-gravitational parameters (a mapping, or None)."""

    index: int
    conics: np.ndarray
    designations: tuple[str, ...]
    nongrav: tuple = ()


@dataclass(frozen=True)
class Fault:
    """For tests: the first attempt at chunk ``index`` dies (``kill``: the worker process exits;
    otherwise an exception is raised). ``marker`` (a file) records that the fault happened.
    Installed with :func:`set_fault` in the process that runs the chunks; not part of
    :func:`orbitviz.screening.screen`."""

    index: int
    marker: str
    kill: bool = True

    def maybe_trigger(self, index: int) -> None:
        if index != self.index or os.path.exists(self.marker):
            return
        Path(self.marker).write_text(str(os.getpid()))
        if self.kill:
            os._exit(17)
        raise RuntimeError(f"injected failure in chunk {index}")


_fault: Fault | None = None  # set only by tests, in the process that runs chunks


def set_fault(fault: Fault | None) -> None:
    """Install (or with None remove) a :class:`Fault` in *this* process: a test calls it
    directly for the synchronous scheduler, or on every Dask worker with
    ``Client.run(set_fault, fault)``. A worker restarted after a kill starts without it."""
    global _fault
    _fault = fault


def split(
    conics: np.ndarray, designations: Sequence[str], chunk_size: int, nongrav=None
) -> list[Chunk]:
    """Fixed-size chunks in catalog order (independent of the number of workers);
    ``nongrav``: per row, a mapping or None (default: none for every row)."""
    if chunk_size < 1:
        raise ScreeningError(f"chunk_size must be >= 1, got {chunk_size}")
    names = list(map(str, designations))
    models = list(nongrav) if nongrav is not None else [None] * len(names)
    return [
        Chunk(
            i // chunk_size,
            np.ascontiguousarray(conics[i : i + chunk_size]),
            tuple(names[i : i + chunk_size]),
            tuple(models[i : i + chunk_size]),
        )
        for i in range(0, len(names), chunk_size)
    ]


def part_path(parts_dir: Path, index: int) -> Path:
    return parts_dir / f"chunk-{index:05d}.parquet"


def _ensure_kernels() -> None:
    global _PROCESS_KERNELS
    if _PROCESS_KERNELS is None:
        _PROCESS_KERNELS = KernelSet("default").load()


def _track(params: ScreeningParams):
    grid = params.grid()
    key = (params.body, grid.tobytes())
    if key not in _TRACKS:
        _TRACKS.clear()
        _TRACKS[key] = BodyTrack.compute(params.body, grid)
    return _TRACKS[key]


def process_chunk(chunk: Chunk, params: ScreeningParams, part: str | None = None) -> pd.DataFrame:
    """Screen one chunk in this process (kernels and body track loaded once per process)."""
    if _fault is not None:
        _fault.maybe_trigger(chunk.index)
    _ensure_kernels()
    raw = screen_chunk(chunk.conics, chunk.designations, params, _track(params))
    rows = complete(raw, params.soi_km)
    if params.refines_on_workers and len(rows):
        rows = refine_rows(rows, chunk.conics, chunk.designations, chunk.nongrav, params)
    if part is not None:
        write_part(rows, Path(part))
    return rows


def run_chunks(
    chunks: list[Chunk],
    params: ScreeningParams,
    *,
    scheduler: str = "local",
    workers: int | None = None,
    parts_dir: Path | None = None,
    progress: bool = True,
    retries: int = 3,
    stats: dict | None = None,
) -> tuple[list[pd.DataFrame], int]:
    """Rows of every chunk (finished parts read back, the others computed) and how many were
    resumed from parts. Order of the list follows the chunks. ``stats["workers_used"]`` gets the
    Dask workers that computed chunks."""
    return run_tasks(
        [(chunk.index, (chunk, params)) for chunk in chunks],
        process_chunk,
        scheduler=scheduler,
        workers=workers,
        part_of=None if parts_dir is None else (lambda index: part_path(parts_dir, index)),
        read_part=read_part,
        progress=progress,
        desc="screening",
        unit="chunk",
        retries=retries,
        stats=stats,
        error=ScreeningError,
        key="orbitviz-screen-chunk",
    )


def check_scheduler(scheduler: str, workers: int | None = None) -> str:
    """``scheduler`` if it names one (checked before any work), and ``workers`` only with a
    local cluster; else a ScreeningError."""
    return parallel_check_scheduler(scheduler, ScreeningError, workers)
