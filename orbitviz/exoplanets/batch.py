"""Many stars at once: a folder (or a list) of light-curve files, grouped by star, each star's
transit analysis one task on the same machinery as ``orbitviz screen``
(:mod:`orbitviz.parallel`: Dask or in-process, progress, retries, part files so that an
interrupted run resumes), into one results table: a row per candidate, a row with
``n_candidates`` 0 for a star with none, and a row with ``error`` for a star whose files could
not be analysed (the others go on).

>>> import pandas as pd
>>> columns = results_columns()
>>> columns[:4]
['star', 'files', 'n_candidates', 'candidate']
"""

from __future__ import annotations

import hashlib
import os
import shutil
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .._files import check_output
from ..errors import LightCurveError, OrbitvizError, TransitError
from ..parallel import (
    TABLE_SUFFIXES as OUT_SUFFIXES,
)
from ..parallel import (
    check_parts_dir,
    check_scheduler,
    parts_dir_for,
    read_part,
    remove_if_empty,
    run_tasks,
    write_part,
    write_table,
)
from .analysis import analyze
from .candidates import CANDIDATE_COLUMNS
from .readers import FITS_SUFFIXES, TABLE_SUFFIXES, check_file

STAR_COLUMNS = ("teff_k", "logg_cgs", "radius_rsun", "mass_msun", "star_guessed")


def results_columns() -> list[str]:
    return [
        "star",
        "files",
        "n_candidates",
        "candidate",
        "known_as",
        *[c for c in CANDIDATE_COLUMNS if c != "name"],
        *STAR_COLUMNS,
        "error",
    ]


def light_curve_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The light-curve files named, folders searched recursively (MAST's layout nests them by
    star), in a stable order."""
    found: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            for path in sorted(item.rglob("*")):
                name = path.name.lower()
                inside = path.relative_to(item).parts[:-1]
                if any(p.endswith(".parts") or p.startswith(".") for p in inside):
                    continue  # a results table's parts, hidden folders: not light curves
                if (
                    path.is_file()
                    and not path.is_symlink()
                    and (name.endswith(FITS_SUFFIXES) or path.suffix.lower() in TABLE_SUFFIXES)
                ):
                    found.append(path)
        else:
            found.append(check_file(item))  # before a header is read: no pipe, no device
    if not found:
        raise LightCurveError(
            f"no light-curve file in {', '.join(map(str, paths))}: give FITS files "
            "(*.fits) or tables (*.csv, *.tsv, *.parquet), or folders holding them"
        )
    return found


def star_of(path: Path) -> str:
    """The star a file is of: KIC/EPIC/TIC number from a FITS header; a table's file name."""
    name = path.name.lower()
    if path.exists() and name.endswith(FITS_SUFFIXES):
        from astropy.io import fits

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                header = fits.getheader(path, 0)
        except Exception:  # noqa: BLE001 - a damaged file: the reader says what is wrong
            return path.name
        for key, prefix in (("TICID", "TIC"), ("KEPLERID", "KIC"), ("OBJECT", "")):
            if header.get(key):
                value = header[key]
                if prefix == "KIC" and str(header.get("MISSION", "")).upper() == "K2":
                    prefix = "EPIC"
                return f"{prefix} {int(value)}" if prefix else str(value).strip()
    return path.stem


def group_by_star(paths: Iterable[Path]) -> dict[str, list[Path]]:
    """Files grouped by :func:`star_of`, stars in the order first seen."""
    groups: dict[str, list[Path]] = {}
    for path in paths:
        groups.setdefault(star_of(path), []).append(path)
    return groups


def _rows_of(star: str, files: list[Path], result) -> pd.DataFrame:
    st = result.star
    base = {
        "star": star,
        "files": len(files),
        "n_candidates": len(result.candidates),
        "teff_k": st.teff_k,
        "logg_cgs": st.logg_cgs,
        "radius_rsun": st.radius_rsun,
        "mass_msun": st.mass_msun,
        "star_guessed": ", ".join(st.guessed),
        "error": "",
    }
    rows = []
    for c in result.candidates:
        row = {**base, **c.row(), "candidate": c.name, "known_as": c.known_as}
        row.pop("name", None)
        rows.append(row)
    if not rows:
        rows.append({**base, "candidate": ""})
    return pd.DataFrame(rows, columns=results_columns())


def analyze_star(star: str, files: list[str], options: dict, part: str | None) -> pd.DataFrame:
    """One star's rows (its candidates, or one row saying none or what went wrong); written to
    ``part`` when given. Runs in a worker process."""
    paths = [Path(f) for f in files]
    try:
        frame = _rows_of(star, paths, analyze(paths, **options))
    except OrbitvizError as exc:
        frame = pd.DataFrame(
            [
                {
                    "star": star,
                    "files": len(paths),
                    "n_candidates": 0,
                    "candidate": "",
                    "error": str(exc),
                }
            ],
            columns=results_columns(),
        )
    if part is not None:
        write_part(frame, Path(part))
    return frame


def transits_many(
    paths: Iterable[str | os.PathLike],
    *,
    out: str | os.PathLike | None = None,
    scheduler: str = "local",
    workers: int | None = None,
    progress: bool = True,
    **options,
) -> pd.DataFrame:
    """The transit candidates of every star in ``paths`` (files and folders), one table.

    ``out`` (.parquet, .csv or .json) is written at the end; its parts (``<out>.parts/``) keep
    each finished star, so a run stopped midway resumes where it was. ``scheduler`` and
    ``workers`` as :func:`orbitviz.screen`; ``options`` as :func:`orbitviz.transits` (the star's
    parameters, when given, apply to every star: usually leave them out)."""
    check_scheduler(scheduler, TransitError, workers)
    groups = group_by_star(light_curve_files(paths))
    if out is not None:
        check_output(out, what="the results table", suffixes=OUT_SUFFIXES, create_folder=True)
        check_parts_dir(out, TransitError)
    key = hashlib.sha256(repr(sorted(options.items())).encode()).hexdigest()[:16]
    parts = parts_dir_for(out) / key if out is not None else None

    def part_of(index: int) -> Path:
        star = list(groups)[index]
        digest = hashlib.sha256(
            "\n".join([star, *map(str, sorted(groups[star]))]).encode()
        ).hexdigest()[:20]
        assert parts is not None  # part_of is given only with an output
        return parts / f"star-{digest}.parquet"

    tasks = [
        (i, (star, [str(f) for f in files], {**options, "progress": None}))
        for i, (star, files) in enumerate(groups.items())
    ]
    try:
        frames, resumed = run_tasks(
            tasks,
            analyze_star,
            scheduler=scheduler,
            workers=workers,
            part_of=part_of if parts is not None else None,
            read_part=None if parts is None else read_part,
            progress=progress,
            desc="stars",
            unit="star",
            error=TransitError,
            key="orbitviz-transit-star",
        )
    except BaseException:
        remove_if_empty(parts)  # parts made so far stay, for the resumed run
        raise
    table = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=results_columns())
    )
    table = table.astype({"n_candidates": int, "files": int})
    table.attrs.update(
        stars=len(groups),
        resumed=resumed,
        with_candidates=int(table.loc[table["n_candidates"] > 0, "star"].nunique()),
        errors=int((table["error"].fillna("") != "").sum()),
    )
    if out is not None:
        write_table(table, out, TransitError)
        shutil.rmtree(parts_dir_for(out), ignore_errors=True)
    return table
