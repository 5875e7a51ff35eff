"""Run chunks on Dask (a local cluster of processes, or an existing scheduler) or in-process.

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

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from orbitviz.errors import OrbitvizError
from orbitviz.screening.bodies import BodyTrack
from orbitviz.screening.core import screen_chunk
from orbitviz.screening.nbody import refine_rows
from orbitviz.screening.params import ScreeningError, ScreeningParams
from orbitviz.screening.results import complete, read_part, write_part
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


def _progress(total: int, initial: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit="chunk",
        desc="screening",
        disable=not enabled,
        leave=False,
    )


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
    results: dict[int, pd.DataFrame] = {}
    todo = []
    for chunk in chunks:
        path = part_path(parts_dir, chunk.index) if parts_dir is not None else None
        if path is not None and path.exists():
            results[chunk.index] = read_part(path)
        else:
            todo.append((chunk, str(path) if path is not None else None))
    resumed = len(results)
    bar = _progress(len(chunks), resumed, progress)
    try:
        if scheduler == "synchronous":
            for chunk, part in todo:
                results[chunk.index] = process_chunk(chunk, params, part)
                bar.update(1)
        elif todo:
            used = _run_dask(todo, params, scheduler, workers, retries, results, bar.update)
            if stats is not None:
                stats["workers_used"] = sorted(used)
    finally:
        bar.close()
    return [results[c.index] for c in chunks], resumed


@contextlib.contextmanager
def _workers_ignore_sigint():
    """Start worker processes with SIGINT ignored (a Python started with SIGINT ignored keeps
    it so): Ctrl-C in a terminal reaches the whole process group, and each worker used to die
    with its own traceback (67 lines for 2 workers). Only this process sees the Ctrl-C and
    closes the cluster."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


SCHEDULERS = ("local", "processes", "synchronous")


def check_scheduler(scheduler: str) -> str:
    """``scheduler`` if it names one (checked before any work); else a ScreeningError."""
    if scheduler in SCHEDULERS or str(scheduler).startswith(("tcp://", "tls://")):
        return scheduler
    raise ScreeningError(
        f"unknown scheduler {scheduler!r}: use local, processes, synchronous or tcp://HOST:PORT"
    )


def _client(scheduler: str, workers: int | None):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - optional dependency
        raise ScreeningError(
            f"scheduler {scheduler!r} needs dask[distributed]: pip install 'orbitviz[dask]' "
            "or use scheduler='synchronous'"
        ) from None
    if scheduler.startswith(("tcp://", "tls://")):
        try:
            return Client(scheduler, timeout="20s"), None
        except OSError as exc:
            raise ScreeningError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc}); start "
                "one (dask scheduler) or use --scheduler local"
            ) from None
    check_scheduler(scheduler)
    import dask

    n = workers or os.cpu_count() or 1
    # Dask starts workers with MALLOC_TRIM_THRESHOLD_ set, which switches off glibc's adaptive
    # mmap threshold: every large numpy temporary is then mmap'ed and page-faulted afresh, and
    # this array-heavy work ran ~1.5x slower per worker (measured: 1 worker 34.7 s -> 26.0 s,
    # 2 workers 19.8 s -> 14.7 s for the catalog-year). Keep the thread limits, drop the trim.
    environ = {
        k: v
        for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
        if k != "MALLOC_TRIM_THRESHOLD_"
    }
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ": environ}),
        _workers_ignore_sigint(),
    ):
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=40,
        )
    return Client(cluster), cluster


def _run_dask(
    todo, params, scheduler, workers, retries, results: dict, advance: Callable[[int], None]
) -> set[str]:
    from dask.distributed import wait

    client, cluster = _client(scheduler, workers)
    with _sigint_sets(threading.Event()) as interrupted:
        try:
            futures = {}
            for chunk, path in todo:
                fut = client.submit(
                    process_chunk,
                    chunk,
                    params,
                    path,
                    retries=retries,
                    pure=False,
                    key=f"orbitviz-screen-chunk-{chunk.index:05d}-{os.getpid()}",
                )
                futures[fut] = chunk.index
            used: set[str] = set()
            remaining = set(futures)
            while remaining:
                if interrupted.is_set():  # Ctrl-C, raised here: never inside Dask's own code
                    raise KeyboardInterrupt
                try:
                    done, remaining = wait(remaining, timeout=0.5, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    continue
                for fut in done:
                    _collect(client, fut, futures[fut], retries, results, used)
                    advance(1)
            return used
        finally:
            _close(client, cluster)


def _collect(client, fut, index: int, retries: int, results: dict, used: set) -> None:
    """A finished chunk's rows into ``results`` (its worker into ``used``), or its error."""
    used.update(client.who_has(fut).get(fut.key, ()))
    try:
        results[index] = fut.result()
    except Exception as exc:
        if isinstance(exc, OrbitvizError):
            raise
        raise ScreeningError(
            f"chunk {index} failed on the Dask cluster after {retries} "
            f"retries: {type(exc).__name__}: {exc}. Finished chunks are "
            "saved; run again to resume"
        ) from exc


def _close(client, cluster, timeout_s: float = 20.0) -> None:
    """Close the client and our own cluster within ``timeout_s`` each (after a Ctrl-C too)."""
    with contextlib.suppress(Exception):
        client.close(timeout=timeout_s)
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close(timeout=timeout_s)


@contextlib.contextmanager
def _sigint_sets(event: threading.Event):
    """Within the block, Ctrl-C sets ``event`` instead of raising wherever the main thread is
    (a KeyboardInterrupt inside Dask's client code could leave its close waiting forever:
    seen once in a fresh venv); main thread only, else nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield event
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: event.set())
    try:
        yield event
    finally:
        signal.signal(signal.SIGINT, previous)
