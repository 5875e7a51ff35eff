"""The NASA Exoplanet Archive's Kepler tables, by name from the data manifest: the KOI
cumulative table (dispositions, fitted transit parameters, stellar parameters) and the DR24 TCE
table (the Autovetter's training labels).

>>> koi = koi_table()
>>> len(koi), koi["koi_disposition"].value_counts()["CONFIRMED"]
(9564, np.int64(2299))
>>> koi_star(11442793)["teff_k"], koi_star(11442793)["radius_rsun"]
(5970.0, 1.2)
"""

from __future__ import annotations

import functools
import re

import pandas as pd

from .. import data
from ..errors import TransitError

KOI_TABLE = "kepler_koi_cumulative_2019-01-20.csv"
TCE_TABLE = "kepler_dr24_tce_2020-02-18.csv"


@functools.cache
def koi_table() -> pd.DataFrame:
    """The KOI cumulative table (one row per KOI; times ``koi_time0bk`` in BKJD)."""
    return pd.read_csv(data.fetch(KOI_TABLE), comment="#", low_memory=False)


@functools.cache
def tce_table() -> pd.DataFrame:
    """The DR24 TCE table (one row per threshold-crossing event, ``av_training_set`` labels)."""
    return pd.read_csv(data.fetch(TCE_TABLE), comment="#", low_memory=False)


def kepid_of(name: str | int) -> int:
    """The Kepler Input Catalog number of ``"KIC 11442793"``, ``"11442793"``, ``11442793``,
    ``"Kepler-90"`` or ``"K00351"`` (names and KOI numbers through the KOI table).

    >>> kepid_of("Kepler-90"), kepid_of("KIC 11442793"), kepid_of("K00351.01")
    (11442793, 11442793, 11442793)
    """
    text = str(name).strip()
    match = re.fullmatch(r"(?:KIC\s*)?0*(\d{3,9})", text, flags=re.IGNORECASE)
    if match:
        return int(match.group(1))
    koi = koi_table()
    host = koi["kepler_name"].fillna("").str.rsplit(" ", n=1).str[0].str.lower()
    rows = koi[host == text.lower()]
    if rows.empty:
        number = re.fullmatch(r"(?:KOI[- ]?|K)0*(\d+)(?:\.\d+)?", text, flags=re.IGNORECASE)
        if number:
            rows = koi[koi["kepoi_name"].str.startswith(f"K{int(number.group(1)):05d}")]
    if rows.empty:
        raise TransitError(
            f"star {text!r} is not in the KOI table ({KOI_TABLE}); give its KIC number "
            "(KIC 11442793) or the star's parameters (--teff, --radius, --logg)"
        )
    return int(rows["kepid"].iloc[0])


def koi_star(kepid: int) -> dict:
    """Teff (K), log g (cgs) and radius (R_sun) of a KOI host star, from the KOI table."""
    rows = koi_table()[koi_table()["kepid"] == int(kepid)]
    if rows.empty:
        raise TransitError(
            f"KIC {kepid} hosts no KOI in {KOI_TABLE}: give the star's parameters instead "
            "(--teff, --radius, --logg)"
        )
    values = {
        "teff_k": rows["koi_steff"].median(),
        "logg_cgs": rows["koi_slogg"].median(),
        "radius_rsun": rows["koi_srad"].median(),
    }
    return {k: float(v) for k, v in values.items() if pd.notna(v)}


def koi_planets(kepid: int) -> pd.DataFrame:
    """The KOIs of one star, shortest period first."""
    rows = koi_table()[koi_table()["kepid"] == int(kepid)]
    return rows.sort_values("koi_period").reset_index(drop=True)
