"""Offline element catalogs (NEODyS snapshot, SBDB CSV, any CSV/Parquet/SQLite) as arrays.

A catalog becomes an :class:`~orbitviz.smallbodies.table.ElementsTable` (:mod:`.table`): a DataFrame with our column names plus an (N, 8)
conics array, ready for vectorised screening of thousands of objects, and a lookup of single
:class:`OrbitalElements` by designation. Rows that cannot be used (NaN, e < 0, q <= 0,
parabolic, hyperbolic where not allowed, i outside [0, 180]) are skipped and listed in
``bad_rows`` (and summarised in one warning), never fatal.

Every row keeps its own epoch (NEODyS: most rows at MJD 59600, some not, e.g. 99942).

Example
-------
>>> table = read_neodys()                   # the offline snapshot (from the data mirror)
>>> len(table), table.conics.shape
(29049, (29049, 8))
>>> table.elements("2021 WP").a_au
1.1050817496079794
"""

from __future__ import annotations

import os
import sqlite3
import warnings
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from orbitviz._files import check_input
from orbitviz.data import fetch
from orbitviz.errors import CatalogError, ElementsError
from orbitviz.smallbodies.elements import (
    ELEMENT_FIELDS,
    GM_SUN_DE440_KM3S2,
)
from orbitviz.smallbodies.table import EPOCH_COLUMNS, ElementsTable, elements_table

# our name -> the catalog's column name
NEODYS_COLUMNS = {
    "designation": "Name",
    "epoch_mjd": "Epoch_MJD",
    "a_au": "SemMajAxis_AU",
    "e": "Ecc_",
    "i_deg": "Incl_deg",
    "node_deg": "LongAscNode_deg",
    "peri_deg": "ArgP_deg",
    "M_deg": "MeanAnom_deg",
    "H_mag": "AbsMag_",
}
"""Columns of the NEODyS sqlite snapshot (table ``main``), MJD in TT (= TDB to < 2 ms)."""

SBDB_CSV_COLUMNS = {
    "designation": "pdes",
    "name": "full_name",
    "epoch_jd": "epoch",
    "q_au": "q",
    "e": "e",
    "i_deg": "i",
    "node_deg": "om",
    "peri_deg": "w",
    "M_deg": "ma",
    "H_mag": "H",
}
"""Columns of an SBDB query CSV export (epoch in JD TDB)."""

SBDB_CSV_OPTIONAL_COLUMNS = {
    "orbit_id": "orbit_id",
    "prefix": "prefix",
    "A1_au_d2": "A1",
    "A2_au_d2": "A2",
    "A3_au_d2": "A3",
    "DT_d": "DT",
    "sigma_e": "sigma_e",
    "sigma_q_au": "sigma_q",
    "sigma_tp_d": "sigma_tp",
    "sigma_M_deg": "sigma_ma",
    "sigma_i_deg": "sigma_i",
    "sigma_node_deg": "sigma_om",
    "sigma_peri_deg": "sigma_w",
}
"""Columns of an SBDB query CSV kept when the export has them: the orbit solution's id
("JPL 491"), the comet prefix (P, C, D, I, X; empty for asteroids), the non-gravitational
parameters (A1, A2, A3 in au/d^2, the delay DT in days) that :meth:`ElementsTable.nongrav`
turns into the mapping the N-body engine takes, and the elements' 1-sigma values
(``sigma_*``: the export has no correlations, so the uncertainty built from them is diagonal
only, see :meth:`orbitviz.smallbodies.covariance.OrbitCovariance.from_sigmas`)."""

MPC_COMETS_COLUMNS = {
    "designation": "NAME",
    "epoch_et": "EPOCH_ET",
    "q_au": "PERIHELION_AU",
    "e": "ECCENTRICITY",
    "i_deg": "INCLINATION_DEG",
    "node_deg": "LONG_OF_ASC_NODE_DEG",
    "peri_deg": "ARG_OF_PERIH_DEG",
    "M_deg": "MEAN_ANOMALY_DEG",
    "H_mag": "ABSOLUTE_MAGNITUDE",
}
"""Columns of the MPC comet sqlite snapshot (table ``comets_main``; epoch = perihelion, M = 0)."""

PRESETS = {"neodys": NEODYS_COLUMNS, "sbdb_csv": SBDB_CSV_COLUMNS, "mpc_comets": MPC_COMETS_COLUMNS}


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------


def _catalog_error(path: Path, reason: str, todo: str) -> CatalogError:
    return CatalogError(f"catalog {path}: {reason}; {todo}", path=path, reason=reason)


def _read_csv(path: Path) -> pd.DataFrame:
    """Every column as text (designations stay "99942", never 99942.0; blanks stay "");
    numbers are parsed later, column by column."""
    try:
        with warnings.catch_warnings():  # more fields than the header: an error, not an index
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8",
                index_col=False,
                low_memory=False,
            )
    except pd.errors.EmptyDataError:
        raise _catalog_error(path, "the file is empty", "give a CSV with a header row") from None
    except UnicodeDecodeError as exc:
        raise _catalog_error(
            path,
            f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})",
            "re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8)",
        ) from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise _catalog_error(
            path, f"malformed CSV ({detail})", "check the quoting and the number of fields per row"
        ) from None
    if frame.empty:
        raise _catalog_error(path, "no rows under the header", "give at least one object")
    return frame


def _read_frame(path: Path, table: str | None) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if path.is_dir():
        raise _catalog_error(path, "is a folder, not a file", "name the catalog file itself")
    try:
        with open(path, "rb") as stream:
            head = stream.read(16)
    except OSError as exc:
        raise _catalog_error(
            path, f"cannot be read ({exc.strerror})", "check the file's permissions"
        ) from None
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    if suffix in (".parquet", ".pq"):
        if not head.startswith(b"PAR1"):
            looks = "a SQLite database" if head.startswith(b"SQLite format 3") else "text"
            raise _catalog_error(
                path,
                f"not a Parquet file (it looks like {looks})",
                "rename it to the suffix of its format (.csv, .db)",
            )
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # noqa: BLE001 -- pyarrow/fastparquet raise many types
            raise _catalog_error(
                path, f"broken Parquet file ({type(exc).__name__}: {exc})", "write it again"
            ) from None
    if suffix in (".db", ".sqlite", ".sqlite3"):
        if not head.startswith(b"SQLite format 3"):
            raise _catalog_error(
                path, "not a SQLite database", "rename it to the suffix of its format (.csv)"
            )
        # the path percent-encoded: '#', '?' or '%' in a name opened another file (or made one)
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if table is None:
                names = [
                    r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
                ]
                if len(names) != 1:
                    raise ElementsError(f"catalog {path} has tables {names}: say which (table=)")
                table = names[0]
            return pd.read_sql_query(f'SELECT * FROM "{table}"', con)
        except (sqlite3.Error, pd.errors.DatabaseError) as exc:
            raise ElementsError(f"cannot read table {table!r} of catalog {path}: {exc}") from None
        finally:
            con.close()
    raise _catalog_error(path, f"unknown format {suffix!r}", "use .csv, .parquet or .db")


def _own_names(columns) -> dict[str, str] | None:
    """The identity layout when a file already uses our names (as the error below asks)."""
    needed = ("designation", "e", "i_deg", "node_deg", "peri_deg", "M_deg")
    size = [c for c in ("q_au", "a_au") if c in columns][:1]
    epoch = [c for c in EPOCH_COLUMNS if c in columns][:1]
    if not (all(c in columns for c in needed) and size and epoch):
        return None
    extra = [c for c in ("H_mag", "name") if c in columns]
    return {c: c for c in (*needed, *size, *epoch, *extra)}


def _guess_columns(frame: pd.DataFrame, path: Path) -> Mapping[str, str]:
    for preset in PRESETS.values():
        if all(col in frame.columns for col in preset.values()):
            return preset
    own = _own_names(frame.columns)
    if own is not None:
        return own
    raise ElementsError(
        f"catalog {path}: columns {list(frame.columns)[:15]} match no known layout; pass "
        f"columns={{our name: column}} with our names designation, q_au or a_au, e, i_deg, "
        f"node_deg, peri_deg, M_deg, epoch_et/epoch_jd/epoch_mjd"
    )


def read_catalog(
    path: str | os.PathLike,
    columns: Mapping[str, str] | str | None = None,
    *,
    table: str | None = None,
    allow_hyperbolic: bool = False,
    gm_km3s2: float = GM_SUN_DE440_KM3S2,
    source: str | None = None,
    warn: bool = True,
) -> ElementsTable:
    """Read a CSV, Parquet or SQLite catalog with named columns into an ElementsTable.

    ``columns`` maps our names to the file's (see :data:`NEODYS_COLUMNS`), or names a preset
    (``"neodys"``, ``"sbdb_csv"``, ``"mpc_comets"``); by default the layout is recognised
    from the column names.
    """
    path = Path(path)
    if check_input(path, what="catalog", error=CatalogError) is None:
        raise _catalog_error(path, "does not exist", "check the path")
    frame = _read_frame(path, table)
    if isinstance(columns, str):
        columns = PRESETS[columns]
    columns = columns or _guess_columns(frame, path)
    return elements_table(
        frame,
        columns,
        source=source or f"catalog {path.name}",
        allow_hyperbolic=allow_hyperbolic,
        gm_km3s2=gm_km3s2,
        warn=warn,
        optional=SBDB_CSV_OPTIONAL_COLUMNS if dict(columns) == SBDB_CSV_COLUMNS else None,
    )


_NEODYS_CACHE: dict[tuple, ElementsTable] = {}


def read_neodys(path: str | Path | None = None) -> ElementsTable:
    """The NEODyS-2 snapshot (sqlite, 29,049 NEOs, MJD 59600 = 2022-01-21 for most rows).

    ``path`` defaults to ``orbitviz.data.fetch("neodys.db")``. Elements are osculating
    heliocentric ecliptic J2000; each row keeps its own epoch. Results are memoised per file.
    """
    if path is None:
        path = fetch("neodys.db")
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _NEODYS_CACHE:
        _NEODYS_CACHE[key] = read_catalog(
            path, NEODYS_COLUMNS, table="main", source="NEODyS catalog snapshot 2022-01-21"
        )
    return _NEODYS_CACHE[key]


__all__ = [
    "ELEMENT_FIELDS",
    "MPC_COMETS_COLUMNS",
    "NEODYS_COLUMNS",
    "SBDB_CSV_COLUMNS",
    "SBDB_CSV_OPTIONAL_COLUMNS",
    "read_catalog",
    "read_neodys",
]
