"""Many independent tasks at once: on Dask (a local cluster of processes, or an existing
scheduler) or in this process, with a progress bar, part files that make an interrupted run
resume, retries of a task whose worker died, and Ctrl-C that stops cleanly. Screening catalogs
(:mod:`orbitviz.screening`) and transit searches of many stars (:mod:`orbitviz.exoplanets.batch`)
both run on it.

Schedulers: ``"synchronous"`` (this process, no Dask), ``"local"`` / ``"processes"`` (a
``LocalCluster`` of ``workers`` processes, one thread each: SPICE is per process and not
thread-safe), ``"tcp://HOST:PORT"`` (an existing Dask scheduler; its workers need orbitviz
installed and access to the data files).

>>> def square(x, part):
...     return x * x
>>> run_tasks([(0, (2,)), (1, (3,))], square, scheduler="synchronous", progress=False)
([4, 9], 0)
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ._files import atomic_path
from .errors import OrbitvizError

SCHEDULERS = ("local", "processes", "synchronous")
DASHBOARD_ENV = "ORBITVIZ_DASK_DASHBOARD"
"""A local cluster serves Dask's dashboard only where this names its address (for example
``127.0.0.1:8787``: open ``http://127.0.0.1:8787/status`` while the run works)."""
TABLE_SUFFIXES = (".parquet", ".pq", ".csv", ".json")
"""What :func:`write_table` writes (chosen by suffix)."""


def check_scheduler(
    scheduler: str, error: type[OrbitvizError] = OrbitvizError, workers: int | None = None
) -> str:
    """``scheduler`` if it names one (checked before any work); else ``error``. ``workers``
    (a count of local processes) only with a scheduler that starts them."""
    if not (
        scheduler in SCHEDULERS
        or str(scheduler).startswith("tcp://")
        or str(scheduler).startswith("tls://")
    ):
        raise error(
            f"unknown scheduler {scheduler!r}: use local, processes, synchronous or tcp://HOST:PORT"
        )
    remote = str(scheduler).startswith(("tcp://", "tls://"))
    if remote and not re.fullmatch(
        r"(tcp|tls)://(\[[0-9a-fA-F:]+\]|[^:/\s\[\]]+):\d{1,5}", scheduler
    ):
        raise error(
            f"scheduler {scheduler!r} is not an address with a host and a port: give "
            f"{scheduler[:6]}HOST:PORT (e.g. {scheduler[:6]}10.0.0.5:8786)"
        )
    if workers is not None and scheduler not in ("local", "processes"):
        where = (
            "runs everything in this process"
            if scheduler == "synchronous"
            else "has the workers it has"
        )
        raise error(
            f"workers={workers} starts local worker processes, but the {scheduler} scheduler "
            f"{where}: leave --workers out, or use --scheduler local"
        )
    if str(scheduler).startswith("tls://"):
        _security(scheduler, error)  # its certificates are given, before any work
    return scheduler


def run_tasks(
    tasks: Sequence[tuple[int, tuple]],
    work: Callable,
    *,
    scheduler: str = "local",
    workers: int | None = None,
    part_of: Callable[[int], Path] | None = None,
    read_part: Callable[[Path], object] | None = None,
    progress: bool = True,
    desc: str = "working",
    unit: str = "task",
    retries: int = 3,
    stats: dict | None = None,
    error: type[OrbitvizError] = OrbitvizError,
    key: str = "orbitviz-task",
) -> tuple[list, int]:
    """Each task's result, in task order, and how many were resumed from parts.

    ``tasks``: ``(index, args)`` pairs; ``work(*args, part)`` computes one (``part``: the path
    it writes its result to, or None) in this process or on a worker. With ``part_of(index)``
    (a part's path) and ``read_part(path)``, a task whose part exists is read back, not
    computed. ``stats["workers_used"]`` gets the Dask workers that computed tasks."""
    results: dict[int, object] = {}
    todo = []
    for index, args in tasks:
        part = part_of(index) if part_of is not None else None
        if part is not None and part.exists() and read_part is not None:
            try:
                results[index] = read_part(part)
                continue
            except (OSError, ValueError) as exc:  # damaged (truncated, overwritten): redo it
                warnings.warn(
                    f"the part {part} of an earlier run is damaged ({type(exc).__name__}): "
                    "computed again",
                    stacklevel=2,
                )
                part.unlink(missing_ok=True)
        todo.append((index, args, str(part) if part is not None else None))
    resumed = len(results)
    bar = _progress(len(tasks), resumed, progress, desc, unit)
    try:
        if scheduler == "synchronous":
            for index, args, path in todo:
                results[index] = work(*args, path)
                bar.update(1)
        elif todo:
            used = _run_dask(
                todo, work, scheduler, workers, retries, results, bar.update, error, key
            )
            if stats is not None:
                stats["workers_used"] = sorted(used)
    finally:
        bar.close()
    return [results[index] for index, _ in tasks], resumed


def _progress(total: int, initial: int, enabled: bool, desc: str, unit: str):
    from tqdm.auto import tqdm

    return tqdm(
        total=total, initial=initial, unit=unit, desc=desc, disable=not enabled, leave=False
    )


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


UNAUTHENTICATED = (
    "the Dask scheduler at {scheduler} is reached without authentication or encryption: "
    "anyone who can reach it can run code on its workers (Dask sends pickled functions); use "
    "it only on a network you trust, through an SSH tunnel, or as tls://HOST:PORT with "
    "--tls-ca-file, --tls-cert and --tls-key"
)


def _security(scheduler: str, error: type[OrbitvizError]):
    """Dask's Security for ``scheduler``: TLS from dask's configuration (which
    :func:`use_tls_files` sets from the command line); plain TCP is allowed with a warning
    that says what it means."""
    import warnings

    from dask.distributed import Security

    security: Any = Security()  # its TLS attributes are set dynamically (no stubs)
    if scheduler.startswith("tcp://"):
        warnings.warn(UNAUTHENTICATED.format(scheduler=scheduler), stacklevel=3)
        return security
    missing = [
        name
        for name, value in (
            ("--tls-ca-file", security.tls_ca_file),
            ("--tls-cert", security.tls_client_cert),
            ("--tls-key", security.tls_client_key),
        )
        if not value
    ]
    if missing:
        raise error(
            f"{scheduler}: a TLS scheduler needs this client's certificates: give "
            f"{', '.join(missing)} (PEM files: the CA that signed the scheduler's certificate, "
            "this client's certificate and its key), or set them in dask's configuration "
            "(distributed.comm.tls)"
        )
    return Security(
        tls_ca_file=security.tls_ca_file,
        tls_client_cert=security.tls_client_cert,
        tls_client_key=security.tls_client_key,
        require_encryption=True,
    )


def add_cluster_options(parser) -> None:
    """The TLS options of a command that may run on a remote Dask scheduler."""
    group = parser.add_argument_group("a remote Dask scheduler over TLS (tls://HOST:PORT)")
    group.add_argument("--tls-ca-file", metavar="PEM", help="the CA of the scheduler's certificate")
    group.add_argument("--tls-cert", metavar="PEM", help="this client's certificate")
    group.add_argument("--tls-key", metavar="PEM", help="this client's private key")


def use_tls_files(args) -> None:
    """Put the command line's TLS files into dask's configuration (this process only), each
    checked to be a readable file first."""
    values = {
        "distributed.comm.tls.ca-file": args.tls_ca_file,
        "distributed.comm.tls.client.cert": args.tls_cert,
        "distributed.comm.tls.client.key": args.tls_key,
    }
    given = {k: v for k, v in values.items() if v}
    for path in given.values():
        if not Path(path).is_file():
            raise OrbitvizError(f"TLS file {path} does not exist or is not a file; give a PEM file")
    if given:
        import dask

        dask.config.set(given)


def client_for(scheduler: str, workers: int | None, error: type[OrbitvizError] = OrbitvizError):
    """A Dask client (and the local cluster it owns, or None) for ``scheduler``."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - optional dependency
        raise error(
            f"scheduler {scheduler!r} needs dask[distributed]: pip install 'orbitviz[dask]' "
            "or use scheduler='synchronous'"
        ) from None
    if scheduler.startswith(("tcp://", "tls://")):
        security = _security(scheduler, error)
        try:
            return Client(scheduler, timeout="20s", security=security), None
        except OSError as exc:
            raise error(
                f"cannot reach the Dask scheduler at {scheduler} ({exc}); start "
                "one (dask scheduler) or use --scheduler local"
            ) from None
    check_scheduler(scheduler, error)
    import dask

    n = workers or os.cpu_count() or 1
    dashboard = os.environ.get(DASHBOARD_ENV)
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
            # Dask's dashboard (its bokeh app: 0.4-2 s of CPU to start here) only where
            # ORBITVIZ_DASK_DASHBOARD names its address; the scheduler's own HTTP routes
            # answer this machine only
            dashboard_address=dashboard or "127.0.0.1:0",
            scheduler_kwargs={"dashboard": bool(dashboard)},
            # Dask's own log lines stay off the terminal up to its errors: a failed task
            # reaches the user in orbitviz's words (_collect), and after a Ctrl-C a worker
            # still finishing its task logged a 30-line traceback when its heartbeat found the
            # scheduler closed (seen once, in a fresh venv: cold caches, slow tasks)
            silence_logs=logging.CRITICAL,
        )
    return Client(cluster), cluster


def _run_dask(
    todo, work, scheduler, workers, retries, results: dict, advance, error, key
) -> set[str]:
    from dask.distributed import wait

    client, cluster = client_for(scheduler, workers, error)
    with _sigint_sets(threading.Event()) as interrupted:
        try:
            futures = {}
            for index, args, path in todo:
                fut = client.submit(
                    work,
                    *args,
                    path,
                    retries=retries,
                    pure=False,
                    key=f"{key}-{index:05d}-{os.getpid()}",
                )
                futures[fut] = index
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
                    _collect(client, fut, futures[fut], retries, results, used, error)
                    advance(1)
            return used
        finally:
            _close(client, cluster)


def _collect(client, fut, index: int, retries: int, results: dict, used: set, error) -> None:
    """A finished task's result into ``results`` (its worker into ``used``), or its error."""
    used.update(client.who_has(fut).get(fut.key, ()))
    try:
        results[index] = fut.result()
    except Exception as exc:
        if isinstance(exc, OrbitvizError):
            raise
        raise error(
            f"task {index} failed on the Dask cluster after {retries} "
            f"retries: {type(exc).__name__}: {exc}. Finished tasks are "
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


# -- results: part files (resume) and the one table --------------------------------------------


def parts_dir_for(out: str | os.PathLike) -> Path:
    """Where the part files of ``out`` live: ``<out>.parts/``."""
    return Path(str(out) + ".parts")


def check_parts_dir(out: str | os.PathLike, error: type[OrbitvizError] = OrbitvizError) -> Path:
    """Fail before any work when ``<out>.parts`` exists and is not a folder."""
    parts = parts_dir_for(out)
    if parts.exists() and not parts.is_dir():
        raise error(
            f"cannot keep the parts of {out} in {parts}: a file of that name is in the way; "
            "move it away or choose another output name"
        )
    return parts


def remove_if_empty(parts: Path | None) -> None:
    """Remove a part folder (and ``<out>.parts`` above it) that holds nothing: a run that
    failed before its first part leaves no empty folder behind."""
    if parts is None:
        return
    for folder in (parts, parts.parent):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty


def write_part(frame, path: Path) -> None:
    """Write one task's rows (a DataFrame) atomically: a part file that exists is always
    complete, so a resumed run can trust it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)


def read_part(path: Path):
    import pandas as pd

    return pd.read_parquet(path)


def write_table(frame, path: str | os.PathLike, error: type[OrbitvizError] = OrbitvizError) -> Path:
    """Write a result table as .parquet, .csv or .json (by suffix), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise error(f"cannot write {path}: use a .parquet, .csv or .json output file")
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = frame.copy()
    plain.attrs = {}
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            plain.to_csv(tmp, index=False, float_format="%.10g")
        elif suffix == ".json":
            plain.to_json(tmp, orient="records", indent=1, double_precision=15)
        else:
            plain.to_parquet(tmp, index=False)
    return path
