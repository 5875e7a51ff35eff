"""The screening result table: columns, deterministic order, part files and writers.

One row per close approach::

    designation, utc, et, dist_km, dist_ld, dist_au, v_rel_kms, inside_soi, method

``utc`` is an ISO string to the millisecond, ``et`` TDB seconds past J2000, LD = 384,399 km
(:mod:`orbitviz.units`), ``inside_soi`` compares with the body's Laplace SOI, ``method`` says which
model produced the numbers ("two-body" or "nbody"). Rows are sorted by distance, then
designation, then time, so the table is the same whatever the chunking or number of workers.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from orbitviz import spice
from orbitviz.parallel import write_table as _write_table
from orbitviz.screening.params import ScreeningError
from orbitviz.units import AU_KM, LD_KM

COLUMNS = [
    "designation",
    "utc",
    "et",
    "dist_km",
    "dist_ld",
    "dist_au",
    "v_rel_kms",
    "inside_soi",
    "method",
]

SORT_KEYS = ["dist_km", "designation", "et"]


def complete(raw: pd.DataFrame, soi_km: float) -> pd.DataFrame:
    """Add UTC, LD, au and inside-SOI columns to raw rows (designation, et, dist_km, v_rel_kms,
    method). Needs a leap-seconds kernel (loaded by the worker)."""
    out = pd.DataFrame(
        {
            "designation": raw["designation"].astype(str).to_numpy(),
            "utc": (
                np.asarray(spice.et_to_utc(raw["et"].to_numpy()), dtype=str)
                if len(raw)
                else np.empty(0, dtype=str)
            ),
            "et": raw["et"].to_numpy(dtype=float),
            "dist_km": raw["dist_km"].to_numpy(dtype=float),
        }
    )
    out["dist_ld"] = out["dist_km"] / LD_KM
    out["dist_au"] = out["dist_km"] / AU_KM
    out["v_rel_kms"] = raw["v_rel_kms"].to_numpy(dtype=float)
    out["inside_soi"] = out["dist_km"] < soi_km
    out["method"] = raw["method"].astype(str).to_numpy()
    extra = [c for c in raw.columns if c not in out.columns]
    for col in extra:
        out[col] = raw[col].to_numpy()
    return out


def sort_results(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows by distance, designation, time (stable): identical for any chunking or worker count."""
    return frame.sort_values(SORT_KEYS, kind="mergesort").reset_index(drop=True)


def empty_results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype=t)
            for c, t in zip(
                COLUMNS, [object, object, float, float, float, float, float, bool, object]
            )
        }
    )


def write_table(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write the result as .parquet, .csv or .json (by suffix), atomically; returns the path."""
    return _write_table(frame, path, ScreeningError)
