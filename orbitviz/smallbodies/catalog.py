"""Offline element catalogs (NEODyS snapshot, SBDB CSV, any CSV/Parquet/SQLite) as arrays.

A catalog becomes an :class:`ElementsTable`: a DataFrame with our column names plus an (N, 8)
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

import difflib
import sqlite3
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from orbitviz.data import fetch
from orbitviz.errors import CatalogError, ElementsError, UnknownBody
from orbitviz.smallbodies.elements import (
    ELEMENT_FIELDS,
    EPOCH_JD_RANGE,
    GM_SUN_DE440_KM3S2,
    MAX_ABS_MEAN_ANOMALY_DEG,
    OrbitalElements,
    conics_from_arrays,
    et_to_jd_tdb,
    jd_tdb_to_et,
    mean_anomaly_from_tp_deg,
    mjd_tdb_to_et,
)
from orbitviz.smallbodies.names import normalize_designation, normalize_designations, pack_key

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

_SIGMA_COLUMNS = {
    "sigma_e": ("e", 1.0),
    "sigma_q_au": ("q_au", 1.0),
    "sigma_tp_d": ("tp_et", 86400.0),
    "sigma_M_deg": ("M_deg", 1.0),
    "sigma_i_deg": ("i_deg", 1.0),
    "sigma_node_deg": ("node_deg", 1.0),
    "sigma_peri_deg": ("peri_deg", 1.0),
}
"""Our sigma columns -> (OrbitalElements.sigmas key, factor to its unit)."""

COMET_PREFIXES = frozenset("PCDIX")
"""SBDB ``prefix`` values of comets (and interstellar objects): their non-gravitational
parameters follow the comet g(r) law; asteroids' follow 1/r^2."""

ASTEROID_NONGRAV_LAW = {"ALN": 1.0, "NM": 2.0, "NK": 0.0, "R0": 1.0}
"""The g(r) law of SBDB's asteroid fits (Yarkovsky A2, radiation pressure A1): g = (r / 1 au)^-2.
SBDB's query CSV names no law; its API answers state these for asteroids (Apophis: ALN 1,
NM 2, NK 0, R0 1), and the comet law is the default otherwise."""

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

_EPOCH_KINDS = ("epoch_et", "epoch_jd", "epoch_mjd")


@dataclass(frozen=True)
class ElementsTable:
    """Good rows of a catalog: ``table`` (DataFrame) and ``conics`` (ndarray (N, 8)), row-aligned.

    ``table`` columns: ``designation`` (as in the catalog), ``key`` (normal form used for
    lookups), ``q_au``, ``a_au``, ``e``, ``i_deg``, ``node_deg``, ``peri_deg``, ``M_deg``,
    ``epoch_et`` and ``H_mag``/``name`` when the catalog has them, and an SBDB CSV's
    :data:`SBDB_CSV_OPTIONAL_COLUMNS` (``orbit_id``, ``prefix``, ``A1_au_d2`` ...) where the
    export has them. ``bad_rows`` lists the skipped rows (``designation``, ``reason``).
    """

    table: pd.DataFrame = field(repr=False, compare=False)
    conics: np.ndarray = field(repr=False, compare=False)
    bad_rows: pd.DataFrame = field(repr=False, compare=False)
    source: str = ""
    gm_km3s2: float = GM_SUN_DE440_KM3S2

    def __len__(self) -> int:
        return len(self.table)

    def find(self, name: str) -> int | None:
        """Row number of ``name`` ("2021 WP", "2021wp", "99942 Apophis", "Apophis"), or None."""
        keys = self.table["key"].to_numpy()
        for candidate in dict.fromkeys((normalize_designation(name), pack_key(name))):
            hits = np.flatnonzero(keys == candidate)
            if hits.size:
                return int(hits[0])
        return None

    def close_matches(self, name: str, n: int = 5) -> list[str]:
        """Up to ``n`` designations that look like ``name`` (difflib), best first."""
        keys = self.table["key"].tolist()
        found: dict[str, None] = {}
        for candidate in (pack_key(name), normalize_designation(name)):
            found.update(dict.fromkeys(difflib.get_close_matches(candidate, keys, n=n, cutoff=0.7)))
        index = {k: i for i, k in enumerate(keys)}
        return [str(self.table["designation"].iloc[index[k]]) for k in list(found)[:n]]

    def nongrav(self, row: int) -> dict[str, float]:
        """Non-gravitational parameters of row ``row`` as SBDB names them (A1, A2, A3 in
        au/d^2, DT in days), empty when it has none; asteroids' come with their g(r) law
        (:data:`ASTEROID_NONGRAV_LAW`), comets' (``prefix`` P, C, ...) without, which means the
        comet law. Ready for :func:`orbitviz.dynamics.nbody.propagate_nbody` (``nongrav=``)."""
        rec = self.table.iloc[row]
        pars = {}
        for ours, name in (("A1_au_d2", "A1"), ("A2_au_d2", "A2"), ("A3_au_d2", "A3")):
            value = float(rec[ours]) if ours in rec else np.nan
            if np.isfinite(value) and value != 0.0:
                pars[name] = value
        if not pars:
            return {}
        dt_d = float(rec["DT_d"]) if "DT_d" in rec else np.nan
        if np.isfinite(dt_d) and dt_d != 0.0:
            pars["DT"] = dt_d
        prefix = str(rec["prefix"]).strip().upper() if "prefix" in rec else ""
        if prefix not in COMET_PREFIXES:
            pars.update(ASTEROID_NONGRAV_LAW)
        return pars

    def elements(self, name: str) -> OrbitalElements:
        """The OrbitalElements of one object; UnknownBody (with close matches) if absent."""
        row = self.find(name)
        if row is None:
            near = self.close_matches(name)
            hint = f" Close matches: {', '.join(near)}." if near else ""
            raise UnknownBody(f"{name!r} is not in {self.source}.{hint}")
        rec = self.table.iloc[row]
        return OrbitalElements(
            str(rec["designation"]),
            q_au=rec["q_au"],
            e=rec["e"],
            i_deg=rec["i_deg"],
            node_deg=rec["node_deg"],
            peri_deg=rec["peri_deg"],
            M_deg=rec["M_deg"],
            epoch_et=rec["epoch_et"],
            name=rec.get("name") if "name" in rec else None,
            gm_km3s2=self.gm_km3s2,
            source=self.source,
            nongrav=self.nongrav(row),
            sigmas=self.sigmas(row),
        )

    def sigmas(self, row: int) -> dict[str, float]:
        """1-sigma values of row ``row`` (OrbitalElements.sigmas keys and units) where the
        catalog has sigma columns (SBDB query CSV: sigma_e, sigma_q, sigma_tp, ...)."""
        rec = self.table.iloc[row]
        out = {}
        for column, (key, factor) in _SIGMA_COLUMNS.items():
            value = float(rec[column]) if column in rec else np.nan
            if np.isfinite(value) and value > 0:
                out[key] = value * factor
        return out


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
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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
    epoch = [c for c in _EPOCH_KINDS if c in columns][:1]
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


def elements_table(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    source: str,
    allow_hyperbolic: bool = False,
    gm_km3s2: float = GM_SUN_DE440_KM3S2,
    warn: bool = True,
    optional: Mapping[str, str] | None = None,
) -> ElementsTable:
    """An ElementsTable from a DataFrame whose columns are named by ``columns`` (ours -> theirs).

    Needs designation, e, i_deg, node_deg, peri_deg; q_au or a_au; M_deg (or tp_jd, a time of
    perihelion in JD TDB); one of epoch_et, epoch_jd (TDB), epoch_mjd (TT/TDB). ``optional``
    (ours -> theirs) names columns copied through where the frame has them (numbers where the
    name ends in a unit: ``_au_d2``, ``_d``; text otherwise).
    """
    missing = [ours for ours, theirs in columns.items() if theirs not in frame.columns]
    if missing:
        raise ElementsError(
            f"{source}: missing columns " + ", ".join(f"{columns[m]!r} ({m})" for m in missing)
        )
    data = pd.DataFrame({ours: frame[theirs].to_numpy() for ours, theirs in columns.items()})
    for need in ("designation", "e", "i_deg", "node_deg", "peri_deg"):
        if need not in data:
            raise ElementsError(f"{source}: no column for {need!r}")
    epoch_kind = next((k for k in _EPOCH_KINDS if k in data), None)
    if epoch_kind is None:
        raise ElementsError(f"{source}: no epoch column (epoch_et, epoch_jd or epoch_mjd)")

    def num(name):
        return pd.to_numeric(data[name], errors="coerce").to_numpy(dtype=float)

    e = num("e")
    given_a = num("a_au") if "a_au" in data else None
    if "q_au" in data:
        q_au = num("q_au")
    elif given_a is not None:
        q_au = given_a * (1.0 - e)
    else:
        raise ElementsError(f"{source}: no column for 'q_au' or 'a_au'")
    epoch = num(epoch_kind)
    epoch_et = {"epoch_et": lambda x: x, "epoch_jd": jd_tdb_to_et, "epoch_mjd": mjd_tdb_to_et}[
        epoch_kind
    ](epoch)
    with np.errstate(invalid="ignore", divide="ignore"):
        if "M_deg" in data:
            m_deg = num("M_deg")
        elif "tp_jd" in data:
            m_deg = mean_anomaly_from_tp_deg(
                np.where(q_au > 0, q_au, np.nan),
                np.where(e == 1.0, np.nan, e),
                jd_tdb_to_et(num("tp_jd")),
                epoch_et,
                gm_km3s2,
            )
        else:
            raise ElementsError(f"{source}: no column for 'M_deg' or 'tp_jd'")
        a_au = q_au / (1.0 - e)

    designation = data["designation"]
    designation = designation.where(designation.notna(), "")  # None/NaN in Parquet, SQLite
    if designation.dtype != object or not designation.map(type).eq(str).all():
        designation = designation.map(_designation_text)
    out = pd.DataFrame({"designation": designation.astype(str).str.strip()})
    out["key"] = normalize_designations(out["designation"]).to_numpy()
    if "name" in data:
        out["name"] = data["name"].astype(str).str.strip()
    for col, values in (
        ("q_au", q_au),
        ("a_au", a_au),
        ("e", e),
        ("i_deg", num("i_deg")),
        ("node_deg", num("node_deg")),
        ("peri_deg", num("peri_deg")),
        ("M_deg", m_deg),
        ("epoch_et", epoch_et),
    ):
        out[col] = values
    if "H_mag" in data:
        out["H_mag"] = num("H_mag")
    for ours, theirs in (optional or {}).items():
        if theirs in frame.columns and ours not in out:
            column = frame[theirs]
            if ours.endswith(("_au_d2", "_d")) or ours.startswith("sigma_"):
                out[ours] = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
            else:
                out[ours] = column.fillna("").astype(str).str.strip().to_numpy()

    reason = _bad_row_reasons(out, allow_hyperbolic, given_a)
    bad = reason != ""
    bad_rows = pd.DataFrame(
        {"designation": out["designation"][bad].to_numpy(), "reason": reason[bad]}
    )
    if warn and bad.any():
        first = "; ".join(
            f"{d or '(blank)'}: {r}" for d, r in bad_rows.head(3).itertuples(index=False)
        )
        warnings.warn(
            f"{source}: skipped {int(bad.sum())} of {len(out)} rows ({first}"
            f"{', ...' if bad.sum() > 3 else ''})",
            stacklevel=3,
        )
    good = out[~bad].reset_index(drop=True)
    conics = conics_from_arrays(
        good["q_au"].to_numpy(),
        good["e"].to_numpy(),
        good["i_deg"].to_numpy(),
        good["node_deg"].to_numpy(),
        good["peri_deg"].to_numpy(),
        good["M_deg"].to_numpy(),
        good["epoch_et"].to_numpy(),
        gm_km3s2,
    )
    return ElementsTable(good, conics, bad_rows, source, gm_km3s2)


def _designation_text(value) -> str:
    """A designation as text: whole floats (a number column in Parquet/SQLite) lose their .0."""
    if isinstance(value, float | np.floating) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _bad_row_reasons(
    out: pd.DataFrame, allow_hyperbolic: bool, given_a: np.ndarray | None = None
) -> np.ndarray:
    """One reason string per row ("" = good), vectorised; the first failing test wins."""
    cols = ["q_au", "e", "i_deg", "node_deg", "peri_deg", "M_deg", "epoch_et"]
    values = out[cols].to_numpy(dtype=float)
    nan_any = ~np.isfinite(values).all(axis=1)
    nan_name = np.array(cols, dtype=object)[np.argmax(~np.isfinite(values), axis=1)]
    e, q, inc = out["e"].to_numpy(), out["q_au"].to_numpy(), out["i_deg"].to_numpy()
    blank = out["designation"].str.len().to_numpy() == 0
    a = np.full(len(out), np.nan) if given_a is None else given_a
    jd = et_to_jd_tdb(out["epoch_et"].to_numpy())
    with np.errstate(invalid="ignore"):
        q_of_a = a * (1.0 - e)
        contradicts = np.isfinite(a) & (np.abs(q_of_a - q) > 1e-6 * np.abs(q))
    told = np.array(
        [
            f"a = {x:.10g} au and e = {y:.10g} give q = a (1 - e) = {z:.10g} au, but q = "
            f"{w:.10g} au is given"
            if bad
            else ""
            for x, y, z, w, bad in zip(a, e, q_of_a, q, contradicts)
        ],
        dtype=object,
    )
    conditions = [
        blank,
        nan_any,
        e < 0,
        (a <= 0) & (e < 1),
        (a >= 0) & (e > 1),
        contradicts,
        e == 1.0,
        (e > 1.0) & (not allow_hyperbolic),
        q <= 0,
        (inc < 0) | (inc > 180),
        (np.abs(out["M_deg"].to_numpy()) > MAX_ABS_MEAN_ANOMALY_DEG),
        (jd < EPOCH_JD_RANGE[0]) | (jd > EPOCH_JD_RANGE[1]),
    ]
    # row numbers as in the file: header is line 1, the first object line 2
    line = np.char.add("empty designation (file line ", (np.arange(len(out)) + 2).astype(str))
    choices = [
        np.char.add(line, ")"),
        np.char.add("missing or non-finite ", nan_name.astype(str)),
        "negative eccentricity",
        "a <= 0 with e < 1 (an ellipse has a > 0)",
        "a >= 0 with e > 1 (a hyperbola has a < 0)",
        told.astype(str),
        "parabolic (e == 1) not supported",
        "hyperbolic (e > 1) not allowed here",
        "perihelion distance q <= 0",
        "inclination outside [0, 180] deg",
        f"|mean anomaly| > {MAX_ABS_MEAN_ANOMALY_DEG:g} deg",
        f"epoch outside JD {EPOCH_JD_RANGE[0]} .. {EPOCH_JD_RANGE[1]} (DE441)",
    ]
    with np.errstate(invalid="ignore"):
        return np.select(conditions, choices, default="").astype(str)


def read_catalog(
    path: str | Path,
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
    if not path.exists():
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
    "ElementsTable",
    "elements_table",
    "read_catalog",
    "read_neodys",
]
