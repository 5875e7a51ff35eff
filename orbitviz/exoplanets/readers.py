"""Light curves in: Kepler, K2 and TESS light-curve FITS files and plain tables.

FITS (``*_llc.fits``, ``*_lc.fits``): PDCSAP flux, or SAP flux where PDCSAP is missing or all
NaN (said in the light curve's ``notes``); cadences flagged by the mission's default quality
bitmask are dropped (the Kepler Archive Manual's table 2.3 and the TESS Science Data Products
Description's table 28 name the bits); times from ``TIME`` plus ``BJDREFI + BJDREFF``, which
must be barycentric TDB (``TIMESYS = TDB``, ``TIMEREF = SOLARSYSTEM``); each file normalised to
a median of 1. The star's Teff, log g and radius come from the primary header when it has them.

Tables (CSV, TSV, Parquet): a time column ``time_bjd`` (or ``bjd``), ``bkjd``, ``btjd``, or
``time`` with ``time_format`` saying which; a ``flux`` column; optionally ``flux_err``.

>>> from orbitviz import data
>>> lc = read_lightcurves([data.fetch("kplr011442793-2009350155506_llc.fits")])
>>> lc.mission, lc.target, len(lc), lc.flux_column
('Kepler', 'KIC 11442793', 4134, 'PDCSAP_FLUX')
>>> round(float(lc.time_bjd[0]) - 2454833, 4), lc.header_star["teff_k"]
(260.2446, 5970.0)
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .._files import MAX_INPUT_BYTES, check_input
from ..errors import LightCurveError
from .lightcurve import TIME_FORMATS, LightCurve, normalised, stitch

TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t", ".txt": None, ".parquet": None, ".pq": None}
FITS_SUFFIXES = (".fits", ".fit", ".fits.gz", ".fts")

# Quality bits that mark cadences as useless (each mission's "default" bitmask).
KEPLER_DEFAULT_BITMASK = (
    1  # attitude tweak
    | 2  # safe mode
    | 4  # coarse point
    | 8  # Earth point
    | 32  # reaction wheel desaturation
    | 256  # manual exclude
    | 16384  # detector anomaly
    | 65536  # no data
    | 1048576  # thruster firing
)
TESS_DEFAULT_BITMASK = (
    1  # attitude tweak
    | 2  # safe mode
    | 4  # coarse point
    | 8  # Earth point
    | 16  # Argabrightening
    | 32  # desaturation
    | 128  # manual exclude
    | 512  # impulsive outlier
    | 16384  # bad calibration exclude
)
QUALITY_CHOICES = ("default", "none")


def read_lightcurves(
    paths: Iterable[str | os.PathLike],
    *,
    time_format: str | None = None,
    quality: str = "default",
    flux: str = "pdcsap",
) -> LightCurve:
    """The light curve of one star from its files (FITS quarters/sectors or tables), stitched
    in time order. ``time_format`` (``bjd``, ``bkjd``, ``btjd``) says what a table's ``time``
    column counts; ``quality``: ``default`` drops the cadences the mission flags as useless,
    ``none`` keeps all; ``flux``: ``pdcsap`` (SAP where PDCSAP is missing) or ``sap``."""
    if quality not in QUALITY_CHOICES:
        raise LightCurveError(f"quality={quality!r}: choose one of {', '.join(QUALITY_CHOICES)}")
    if flux not in ("pdcsap", "sap"):
        raise LightCurveError(f"flux={flux!r}: choose 'pdcsap' or 'sap'")
    if time_format is not None and time_format not in TIME_FORMATS:
        raise LightCurveError(
            f"time format {time_format!r}: choose one of {', '.join(TIME_FORMATS)} "
            "(BJD_TDB, Kepler's BKJD = BJD - 2454833, TESS's BTJD = BJD - 2457000)"
        )
    files = [Path(p) for p in ([paths] if isinstance(paths, str | os.PathLike) else paths)]
    if not files:
        raise LightCurveError("no light-curve file given: name one or more FITS or table files")
    curves = [read_one(p, time_format=time_format, quality=quality, flux=flux) for p in files]
    return stitch(curves)


MAX_FILE_BYTES = MAX_INPUT_BYTES
"""The largest light-curve file read (a Kepler quarter is 0.5 MB, a TESS 20-second sector
~200 MB): anything bigger is not one star's photometry."""


def check_file(path: Path) -> Path:
    """``path`` if it is a regular file orbitviz may read (not a pipe, a device, a folder; at
    most :data:`MAX_FILE_BYTES`), else a :class:`LightCurveError` saying which."""
    if (
        check_input(path, what="light-curve file", error=LightCurveError, max_bytes=MAX_FILE_BYTES)
        is None
    ):
        raise LightCurveError(
            f"{path}: no such file; give the path of a light-curve FITS file or a table",
            path=path,
            reason="missing",
        )
    return path


def read_one(
    path: Path, *, time_format: str | None = None, quality: str = "default", flux: str = "pdcsap"
) -> LightCurve:
    """One file as a light curve (one segment)."""
    check_file(path)
    with open(path, "rb") as stream:
        head = stream.read(30)
    name = path.name.lower()
    if head.startswith(b"SIMPLE  =") or name.endswith(FITS_SUFFIXES):
        return _read_fits(path, quality=quality, flux=flux)
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return _read_table(path, time_format=time_format)
    raise LightCurveError(
        f"{path}: not a light curve orbitviz reads (suffix {suffix or '(none)'!r}); give a "
        "Kepler/K2/TESS light-curve FITS file or a CSV, TSV or Parquet table",
        path=path,
        reason="unknown format",
    )


# --- FITS ----------------------------------------------------------------------------------


def _number(header, key) -> float | None:
    value = header.get(key)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) else None


def _mission(primary, path: Path) -> str:
    mission = str(primary.get("MISSION") or primary.get("TELESCOP") or "").strip()
    if mission.upper() == "K2":
        return "K2"
    if mission.upper().startswith("TESS"):
        return "TESS"
    if mission.upper().startswith("KEPLER"):
        return "Kepler"
    raise LightCurveError(
        f"{path}: a FITS file from an unknown mission (TELESCOP/MISSION {mission!r}); orbitviz "
        "reads Kepler, K2 and TESS light curves; other photometry: a CSV table with "
        "time_bjd and flux columns",
        path=path,
        reason="unknown mission",
    )


def _target(primary, mission: str) -> str:
    if mission == "TESS" and primary.get("TICID"):
        return f"TIC {int(primary['TICID'])}"
    if mission == "K2" and primary.get("KEPLERID"):
        return f"EPIC {int(primary['KEPLERID'])}"
    if primary.get("KEPLERID"):
        return f"KIC {int(primary['KEPLERID'])}"
    return str(primary.get("OBJECT") or "").strip()


def _segment_name(primary, mission: str, path: Path) -> str:
    for key, word in (("QUARTER", "quarter"), ("CAMPAIGN", "campaign"), ("SECTOR", "sector")):
        if primary.get(key) is not None:
            return f"{path.name} ({word} {primary[key]})"
    return path.name


def _read_fits(path: Path, *, quality: str, flux: str) -> LightCurve:
    from astropy.io import fits

    try:
        with warnings.catch_warnings(), fits.open(path, memmap=False) as hdus:
            warnings.simplefilter("ignore")  # astropy's warnings: the error below says it all
            primary = hdus[0].header
            table = hdus["LIGHTCURVE"] if "LIGHTCURVE" in hdus else hdus[1]
            header = table.header
            columns = {c.upper(): c for c in table.columns.names}
            data = {key: np.array(table.data[name]) for key, name in columns.items()}
    except Exception as exc:  # noqa: BLE001 - astropy on a damaged file raises any kind
        raise LightCurveError(
            f"{path}: not a readable light-curve FITS file ({exc}); download it again",
            path=path,
            reason="unreadable FITS",
        ) from None
    mission = _mission(primary, path)
    timesys = str(header.get("TIMESYS", "")).strip().upper()
    timeref = str(header.get("TIMEREF", "")).strip().upper()
    if timesys != "TDB" or timeref not in ("SOLARSYSTEM", "BARYCENTRIC"):
        raise LightCurveError(
            f"{path}: times are in an unknown time system (TIMESYS {timesys or 'missing'!r}, "
            f"TIMEREF {timeref or 'missing'!r}); orbitviz needs barycentric TDB times "
            "(BJD_TDB), as Kepler, K2 and TESS light curves give them",
            path=path,
            reason="unknown time system",
        )
    ref = (_number(header, "BJDREFI") or 0.0) + (_number(header, "BJDREFF") or 0.0)
    if ref == 0.0:
        raise LightCurveError(
            f"{path}: the header gives no BJDREFI/BJDREFF, so the times' zero point is "
            "unknown; this is not a mission light-curve file",
            path=path,
            reason="unknown time system",
        )
    if "TIME" not in data:
        raise LightCurveError(f"{path}: no TIME column", path=path, reason="no time column")
    notes = []
    flux_column = "PDCSAP_FLUX" if flux == "pdcsap" else "SAP_FLUX"
    values = data.get(flux_column)
    if flux_column == "PDCSAP_FLUX" and (values is None or not np.isfinite(values).any()):
        why = "has no PDCSAP_FLUX column" if values is None else "has PDCSAP_FLUX all NaN"
        flux_column = "SAP_FLUX"
        values = data.get(flux_column)
        if values is not None:
            notes.append(f"{path.name} {why}: SAP flux used (not corrected for systematics)")
    if values is None:
        raise LightCurveError(
            f"{path}: no flux column (neither PDCSAP_FLUX nor SAP_FLUX); this is not a "
            "light-curve file (a target pixel file? make a light curve first)",
            path=path,
            reason="no flux column",
        )
    errors = data.get(flux_column.replace("FLUX", "FLUX_ERR"))
    time = data["TIME"].astype(np.float64) + ref
    values = values.astype(np.float64)
    errors = np.full_like(values, np.nan) if errors is None else errors.astype(np.float64)
    keep = np.isfinite(time) & np.isfinite(values)
    if not keep.any():
        raise LightCurveError(
            f"{path}: {flux_column} is NaN at every time: no photometry in this file",
            path=path,
            reason="all NaN",
        )
    flags = data.get("QUALITY", data.get("SAP_QUALITY"))
    if quality == "default" and flags is not None:
        mask = TESS_DEFAULT_BITMASK if mission == "TESS" else KEPLER_DEFAULT_BITMASK
        bad = keep & ((flags.astype(np.int64) & mask) != 0)
        if bad.any():
            keep &= ~bad
            notes.append(f"{path.name}: {int(bad.sum())} cadences flagged by the mission dropped")
    cadence = _number(header, "TIMEDEL")
    header_star = {
        key: value
        for key, value in (
            ("teff_k", _number(primary, "TEFF")),
            ("logg_cgs", _number(primary, "LOGG")),
            ("radius_rsun", _number(primary, "RADIUS")),
        )
        if value is not None
    }
    return normalised(
        time[keep],
        values[keep],
        errors[keep],
        source=_segment_name(primary, mission, path),
        path=path,
        target=_target(primary, mission),
        cadence_d=cadence,
        mission=mission,
        flux_column=flux_column,
        header_star=header_star,
        notes=tuple(notes),
    )


# --- tables --------------------------------------------------------------------------------


TIME_COLUMNS = {"time_bjd": "bjd", "bjd": "bjd", "bkjd": "bkjd", "btjd": "btjd"}


def _read_table(path: Path, *, time_format: str | None) -> LightCurve:
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, sep=TABLE_SUFFIXES[suffix], engine="python", comment="#")
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's fault here
        raise LightCurveError(
            f"{path}: cannot read the table ({type(exc).__name__}: {exc}); give a CSV, TSV or "
            "Parquet file with a header row",
            path=path,
            reason="unreadable table",
        ) from None
    columns = {str(c).strip().lower(): c for c in frame.columns}
    found = [c for c in TIME_COLUMNS if c in columns]
    if found:
        column, fmt = found[0], TIME_COLUMNS[found[0]]
        if time_format is not None and time_format != fmt:
            raise LightCurveError(
                f"{path}: the column {column!r} says the times are {fmt.upper()}, but "
                f"--time-format says {time_format}; leave --time-format out",
                path=path,
                reason="time format conflict",
            )
    elif "time" in columns:
        if time_format is None:
            raise LightCurveError(
                f"{path}: the column 'time' does not say its time system; give --time-format "
                "bjd, bkjd or btjd (or name the column time_bjd, bkjd or btjd)",
                path=path,
                reason="unknown time system",
            )
        column, fmt = "time", time_format
    else:
        raise LightCurveError(
            f"{path}: no time column (time_bjd, bjd, bkjd, btjd or time); its columns: "
            f"{', '.join(map(str, frame.columns))}",
            path=path,
            reason="no time column",
        )
    if "flux" not in columns:
        raise LightCurveError(
            f"{path}: no flux column; name the column of fluxes 'flux' (its columns: "
            f"{', '.join(map(str, frame.columns))})",
            path=path,
            reason="no flux column",
        )

    def numbers(name: str) -> np.ndarray:
        values = pd.to_numeric(frame[columns[name]], errors="coerce")
        return values.to_numpy(dtype=np.float64)

    time = numbers(column) + TIME_FORMATS[fmt]
    flux = numbers("flux")
    err = numbers("flux_err") if "flux_err" in columns else np.full_like(flux, np.nan)
    keep = np.isfinite(time) & np.isfinite(flux)
    if not keep.any():
        raise LightCurveError(
            f"{path}: no row has both a finite time and a finite flux",
            path=path,
            reason="all NaN",
        )
    return normalised(time[keep], flux[keep], err[keep], source=path.name, path=path)
