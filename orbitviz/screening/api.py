"""``screen``: close approaches of a whole catalog to one body, in one call.

>>> from orbitviz.screening import screen
>>> table = screen("neodys", body="EARTH", start="2029-04-10", stop="2029-04-20",
...                threshold="0.01au", scheduler="synchronous", progress=False)
>>> table.head(1)[["designation", "utc", "dist_km", "method"]].round(-1)   # JPL: 21:46 TDB
  designation                      utc  dist_km method
0       99942  2029-04-13T21:45:04.772  38070.0  nbody
"""

from __future__ import annotations

import os
import shutil
import warnings

import pandas as pd

from orbitviz import spice
from orbitviz._files import check_output
from orbitviz.arguments import number, whole
from orbitviz.parallel import TABLE_SUFFIXES, check_parts_dir, parts_dir_for, remove_if_empty
from orbitviz.screening.bodies import soi_radius_km
from orbitviz.screening.distributed import check_scheduler, run_chunks, split
from orbitviz.screening.nbody import nongrav_by_row, refine_nbody
from orbitviz.screening.params import (
    DEFAULT_STEP_S,
    METHOD_NBODY,
    METHOD_TWO_BODY,
    ScreeningError,
    ScreeningParams,
    parse_threshold,
    run_key,
)
from orbitviz.screening.results import empty_results, sort_results, write_table
from orbitviz.smallbodies import ElementsTable, read_catalog, read_neodys
from orbitviz.smallbodies.table import one_object_table
from orbitviz.units import TimeLike


def load_catalog(catalog, allow_hyperbolic: bool = False):
    """An :class:`~orbitviz.smallbodies.ElementsTable` from "neodys", a file path or a table.

    Bad rows are skipped with a warning by the readers (count in ``table.bad_rows``).
    """
    if isinstance(catalog, ElementsTable):
        return catalog
    if isinstance(catalog, str) and catalog.strip().lower() == "neodys":
        table = read_neodys()
        if len(table.bad_rows):  # memoised reader: say it again for this run
            warnings.warn(f"{table.source}: skipped {len(table.bad_rows)} bad rows", stacklevel=3)
        return table
    if isinstance(catalog, (str, os.PathLike)):
        return read_catalog(catalog, allow_hyperbolic=allow_hyperbolic)
    raise ScreeningError(
        f"catalog {catalog!r}: give 'neodys', a .csv/.parquet/.sqlite path or an ElementsTable"
    )


def _two_body_warning(result: pd.DataFrame) -> list[str]:
    """Two-body rows are a screen, not the answer: say so where there are any (Apophis 2029
    screens at 537,236 km two-body; N-body and JPL say 37,725 km), also when ``nbody_max``
    refined only the closest."""
    n = int((result["method"] == METHOD_TWO_BODY).sum()) if len(result) else 0
    if n == 0:
        return []
    rows = "" if n == len(result) else f"{n} of the {len(result)} rows have "
    return [
        f"{rows}two-body distances and times (no planet's pull since each orbit's epoch): a "
        "close pass can be off by far more than the threshold (Apophis 2029 screens 14 times "
        "too far); rerun without --refine none or --nbody-max (every row refined by N-body, "
        "the default) for the answer"
    ]


def _refine_method(refine) -> str | None:
    """``refine`` as the screening runs it: "nbody", or None for the two-body screen alone
    ("none" is the command line's word for it)."""
    return None if refine is None or refine == "none" else refine


def _check_counts(*, workers, nbody_max, chunk_size) -> None:
    """Whole-number arguments in range (a negative worker count would wait forever)."""
    checks = [("chunk_size", chunk_size, 1)]
    if workers is not None:
        checks.append(("workers", workers, 1))
    if nbody_max is not None:  # None: every approach
        checks.append(("nbody_max", nbody_max, 0))
    for name, value, low in checks:
        whole(name, value, low=low, error=ScreeningError)


def screen(
    catalog="neodys",
    body: str = "EARTH",
    start: TimeLike = "2025-01-01",
    stop: TimeLike = "2026-01-01",
    threshold="0.05au",
    *,
    refine: str | None = METHOD_NBODY,
    scheduler: str = "local",
    workers: int | None = None,
    out: str | os.PathLike | None = None,
    chunk_size: int = 1000,
    step_s: float = DEFAULT_STEP_S,
    nbody_max: int | None = None,
    allow_hyperbolic: bool = False,
    progress: bool = True,
    keep_parts: bool = False,
) -> pd.DataFrame:
    """Every close approach of the catalog's objects to ``body`` in [start, stop] below
    ``threshold``, sorted by distance (see :mod:`orbitviz.screening.results` for the columns).

    Parameters
    ----------
    catalog : "neodys" (the offline NEODyS snapshot), a CSV/Parquet/SQLite path, or an ElementsTable.
    body : any body with ephemeris in the default kernel set (EARTH, MOON, MARS BARYCENTER...).
    start, stop : :data:`~orbitviz.units.TimeLike` (a UTC string, a datetime, an astropy Time, ET).
    threshold : "0.05au", "1ld", "20000km", "soi" or a number of km.
    refine : "nbody" (default): every approach found (or the ``nbody_max`` closest) is
        recomputed by the N-body engine from its object's epoch, on the workers, from the
        candidates the two-body pass keeps within its margin (:mod:`orbitviz.screening.nbody`).
        None or "none": the two-body screen alone, faster but not the answer (``attrs
        ["warnings"]`` says so): Apophis 2029 screens at 537,236 km for 37,725 km.
    scheduler : "local" / "processes" (LocalCluster of ``workers`` processes), "synchronous"
        (this process) or "tcp://HOST:PORT" (an existing Dask scheduler).
    out : .parquet / .csv / .json file to write; chunk parts go to ``<out>.parts/`` as they
        finish and an interrupted run with the same catalog and parameters resumes from them.
    chunk_size : objects per task; results do not depend on it nor on ``workers``.

    ``attrs`` of the result: body, window, threshold, SOI radius, catalog source, number of
    objects, skipped bad rows (and the first reasons), chunks computed/resumed, run key.
    """
    _check_counts(workers=workers, nbody_max=nbody_max, chunk_size=chunk_size)
    refine = _refine_method(refine)
    check_scheduler(scheduler, workers)
    if out is not None:  # a name we cannot write fails before any work, not after it
        check_output(out, what="the screening table", suffixes=TABLE_SUFFIXES, create_folder=True)
        check_parts_dir(out, ScreeningError)
    table = load_catalog(catalog, allow_hyperbolic)
    km, text = parse_threshold(threshold)
    with spice.KernelSet("default"):
        body_name = spice.body_name(body)
        start_et, stop_et = float(spice.to_et(start)), float(spice.to_et(stop))
        if not stop_et > start_et:
            raise ScreeningError(
                f"screening window {start} .. {stop}: stop is not after start "
                f"({(stop_et - start_et) / 86400:+.6g} days); give --start before --stop"
            )

        soi_km = soi_radius_km(body_name, start_et)
        params = ScreeningParams(
            body_name,
            start_et,
            stop_et,
            soi_km if km is None else km,
            soi_km,
            number("step_s", step_s, low=0, low_open=True, error=ScreeningError),
            refine,
            None if nbody_max is None else int(nbody_max),
        )
        names = table.table["designation"].astype(str).tolist()
        nongrav = None
        if params.refines_on_workers:
            nongrav = nongrav_by_row(table)
        chunks = split(table.conics, names, int(chunk_size), nongrav)
        key = run_key(params, table.conics, names, chunk_size)
        parts = None
        if out is not None:
            parts = parts_dir_for(out) / key[:16]
        stats: dict = {"workers_used": []}
        try:
            frames, resumed = run_chunks(
                chunks,
                params,
                scheduler=scheduler,
                workers=workers,
                parts_dir=parts,
                progress=progress,
                stats=stats,
            )
        except BaseException:
            remove_if_empty(parts)  # parts made so far stay, for the resumed run
            raise
        frames = [f for f in frames if len(f)]
        result = sort_results(pd.concat(frames, ignore_index=True)) if frames else empty_results()
        if refine == METHOD_NBODY and not params.refines_on_workers and len(result):
            result = sort_results(refine_nbody(result, table, params))
    result.attrs.update(
        {
            "body": body_name,
            "start_utc": start if isinstance(start, str) else spice.et_to_utc(start_et),
            "stop_utc": stop if isinstance(stop, str) else spice.et_to_utc(stop_et),
            "start_et": start_et,
            "stop_et": stop_et,
            "threshold": text,
            "threshold_km": params.threshold_km,
            "soi_km": soi_km,
            "step_s": params.step_s,
            "catalog": table.source,
            "objects": len(table),
            "bad_rows": len(table.bad_rows),
            "bad_row_reasons": table.bad_rows.head(20).astype(str).values.tolist(),
            "chunks": len(chunks),
            "chunks_resumed": int(resumed),
            "run_key": key,
            "refine": refine or "none",
            "scheduler": scheduler,
            "workers_used": stats["workers_used"],
            "warnings": _two_body_warning(result),
        }
    )
    if out is not None:
        write_table(result, out)
        if not keep_parts and parts is not None:
            shutil.rmtree(parts_dir_for(out), ignore_errors=True)
    return result


def next_approaches(
    elements,
    body: str = "EARTH",
    start: TimeLike = "2025-01-01",
    stop: TimeLike = "2053-10-01",
    threshold="0.05au",
) -> pd.DataFrame:
    """The close approaches of one object (an :class:`~orbitviz.smallbodies.OrbitalElements`)
    to ``body`` in [start, stop] below ``threshold``, by time: a screening of that object alone
    (two-body grid, then every approach by the N-body engine), in this process."""
    table = one_object_table(elements)
    found = screen(table, body, start, stop, threshold, scheduler="synchronous", progress=False)
    return found.sort_values("et", kind="stable").reset_index(drop=True)
