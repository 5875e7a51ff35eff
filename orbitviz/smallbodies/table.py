"""An element catalog as arrays: :class:`ElementsTable` (a DataFrame with our column names,
row-aligned (N, 8) conics and the rows skipped with their reasons) and
:func:`elements_table`, which makes one from any DataFrame whose columns are named."""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from orbitviz.errors import ElementsError, UnknownBody
from orbitviz.smallbodies.elements import (
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
from orbitviz.smallbodies.names import (
    display_designation,
    normalize_designation,
    normalize_designations,
    offline_name,
    pack_key,
)

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

EPOCH_COLUMNS = ("epoch_et", "epoch_jd", "epoch_mjd")
"""A catalog gives its epochs in one of these (ET seconds, JD TDB, MJD TT/TDB)."""


@dataclass(frozen=True)
class ElementsTable:
    """Good rows of a catalog: ``table`` (DataFrame) and ``conics`` (ndarray (N, 8)), row-aligned.

    ``table`` columns: ``designation`` (as in the catalog), ``key`` (normal form used for
    lookups), ``q_au``, ``a_au``, ``e``, ``i_deg``, ``node_deg``, ``peri_deg``, ``M_deg``,
    ``epoch_et`` and ``H_mag``/``name`` when the catalog has them, and an SBDB CSV's
    :data:`~orbitviz.smallbodies.catalog.SBDB_CSV_OPTIONAL_COLUMNS` (``orbit_id``, ``prefix``, ``A1_au_d2`` ...) where the
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
            display_designation(str(rec["designation"])),
            q_au=rec["q_au"],
            e=rec["e"],
            i_deg=rec["i_deg"],
            node_deg=rec["node_deg"],
            peri_deg=rec["peri_deg"],
            M_deg=rec["M_deg"],
            epoch_et=rec["epoch_et"],
            name=(rec.get("name") if "name" in rec else None) or _offline_label(rec["designation"]),
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
    data = _ours(frame, columns, source)
    out = pd.DataFrame({"designation": _designations(data["designation"])})
    out["key"] = normalize_designations(out["designation"]).to_numpy()
    if "name" in data:
        out["name"] = data["name"].astype(str).str.strip()
    orbit, given_a = _orbit_columns(data, source, gm_km3s2)
    for col, values in orbit.items():
        out[col] = values
    if "H_mag" in data:
        out["H_mag"] = _numbers(data["H_mag"])
    for ours, theirs in (optional or {}).items():
        if theirs in frame.columns and ours not in out:
            out[ours] = _optional_column(ours, frame[theirs])

    reason = _bad_row_reasons(out, allow_hyperbolic, given_a).astype(object)
    _refuse_two_orbits_of_one_object(out, reason)
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
    q, e, i, node, peri, m, epoch = (good[c].to_numpy() for c in _CONIC_COLUMNS)
    conics = conics_from_arrays(q, e, i, node, peri, m, epoch, gm_km3s2)
    return ElementsTable(good, conics, bad_rows, source, gm_km3s2)


_CONIC_COLUMNS = ("q_au", "e", "i_deg", "node_deg", "peri_deg", "M_deg", "epoch_et")
"""The columns that make a row's conics, in :func:`conics_from_arrays`' order."""


def _ours(frame: pd.DataFrame, columns: Mapping[str, str], source: str) -> pd.DataFrame:
    """The frame's columns under our names, after checking that the required ones are there."""
    missing = [ours for ours, theirs in columns.items() if theirs not in frame.columns]
    if missing:
        raise ElementsError(
            f"{source}: missing columns " + ", ".join(f"{columns[m]!r} ({m})" for m in missing)
        )
    data = pd.DataFrame({ours: frame[theirs].to_numpy() for ours, theirs in columns.items()})
    for need in ("designation", "e", "i_deg", "node_deg", "peri_deg"):
        if need not in data:
            raise ElementsError(f"{source}: no column for {need!r}")
    return data


def _numbers(column: pd.Series) -> np.ndarray:
    """A column as floats, NaN where a value is not a number."""
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


def _designations(column: pd.Series) -> pd.Series:
    """Designations as stripped text: missing ones (None/NaN in Parquet, SQLite) empty."""
    designation = column.where(column.notna(), "")
    if designation.dtype != object or not designation.map(type).eq(str).all():
        designation = designation.map(_designation_text)
    return designation.astype(str).str.strip()


def _orbit_columns(
    data: pd.DataFrame, source: str, gm_km3s2: float
) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """Our element columns (q_au, a_au, e, i_deg, node_deg, peri_deg, M_deg, epoch_et) from
    whichever the catalog gives (a or q, M or tp, an epoch as ET, JD or MJD), and its own
    semi-major axis when it gives one (checked against q later)."""
    epoch_kind = next((k for k in EPOCH_COLUMNS if k in data), None)
    if epoch_kind is None:
        raise ElementsError(f"{source}: no epoch column (epoch_et, epoch_jd or epoch_mjd)")
    e = _numbers(data["e"])
    given_a = _numbers(data["a_au"]) if "a_au" in data else None
    if "q_au" in data:
        q_au = _numbers(data["q_au"])
    elif given_a is not None:
        q_au = given_a * (1.0 - e)
    else:
        raise ElementsError(f"{source}: no column for 'q_au' or 'a_au'")
    epoch = _numbers(data[epoch_kind])
    to_et = {"epoch_et": lambda x: x, "epoch_jd": jd_tdb_to_et, "epoch_mjd": mjd_tdb_to_et}
    epoch_et = to_et[epoch_kind](epoch)
    with np.errstate(invalid="ignore", divide="ignore"):
        if "M_deg" in data:
            m_deg = _numbers(data["M_deg"])
        elif "tp_jd" in data:
            m_deg = mean_anomaly_from_tp_deg(
                np.where(q_au > 0, q_au, np.nan),
                np.where(e == 1.0, np.nan, e),
                jd_tdb_to_et(_numbers(data["tp_jd"])),
                epoch_et,
                gm_km3s2,
            )
        else:
            raise ElementsError(f"{source}: no column for 'M_deg' or 'tp_jd'")
        a_au = q_au / (1.0 - e)
    orbit = {
        "q_au": q_au,
        "a_au": a_au,
        "e": e,
        "i_deg": _numbers(data["i_deg"]),
        "node_deg": _numbers(data["node_deg"]),
        "peri_deg": _numbers(data["peri_deg"]),
        "M_deg": m_deg,
        "epoch_et": epoch_et,
    }
    return orbit, given_a


def _optional_column(ours: str, column: pd.Series) -> np.ndarray:
    """An optional column: numbers where our name ends in a unit or is a sigma, else text."""
    if ours.endswith(("_au_d2", "_d")) or ours.startswith("sigma_"):
        return _numbers(column)
    return column.fillna("").astype(str).str.strip().to_numpy()


def _designation_text(value) -> str:
    """A designation as text: whole floats (a number column in Parquet/SQLite) lose their .0."""
    if isinstance(value, float | np.floating) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _refuse_two_orbits_of_one_object(out: pd.DataFrame, reason: np.ndarray) -> None:
    """Rows that give different orbits under one designation are all refused (in ``reason``,
    in place): the one used depended on row order (37,724 km or 56,601,945 km for one
    object). Repeats of the same orbit stay."""
    names = out["designation"]
    repeated = names.duplicated(keep=False).to_numpy() & (names != "").to_numpy()
    if not repeated.any():
        return
    cols = list(_CONIC_COLUMNS)
    for _, rows in out[repeated].groupby("designation", sort=False):
        if (rows[cols].nunique(dropna=False) <= 1).all():
            continue
        numbers = ", ".join(str(i + 1) for i in rows.index)
        for i in rows.index:
            reason[i] = (
                f"rows {numbers} give different orbits under one designation: keep the one you mean"
            )


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
    choices: list[Any] = [
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


__all__ = ["ASTEROID_NONGRAV_LAW", "COMET_PREFIXES", "ElementsTable", "elements_table"]


def _offline_label(designation) -> str | None:
    """``"3122 Florence"`` for a numbered minor planet named in names.toml, else None."""
    name = offline_name(str(designation))
    return f"{designation} {name}" if name else None


def one_object_table(elements: OrbitalElements) -> ElementsTable:
    """A one-row :class:`ElementsTable` of ``elements`` (its non-gravitational terms kept):
    to screen a single object, e.g. for its next close approaches."""
    ng = dict(elements.nongrav or {})
    row = {
        "designation": elements.designation,
        "key": normalize_designation(elements.designation),
        "q_au": elements.q_au,
        "a_au": elements.q_au / (1.0 - elements.e) if elements.e < 1 else np.nan,
        "e": elements.e,
        "i_deg": elements.i_deg,
        "node_deg": elements.node_deg,
        "peri_deg": elements.peri_deg,
        "M_deg": elements.M_deg,
        "epoch_et": elements.epoch_et,
        "name": elements.name or "",
        # the comet g(r) law unless the elements name the asteroid one (ALN ...)
        "prefix": "" if "ALN" in ng else ("P" if ng else ""),
        **{f"{k}_au_d2": float(ng[k]) for k in ("A1", "A2", "A3") if k in ng},
        **({"DT_d": float(ng["DT"])} if "DT" in ng else {}),
    }
    table = pd.DataFrame([row])
    bad = pd.DataFrame({"designation": [], "reason": []})
    return ElementsTable(
        table, elements.to_conics()[None, :], bad, elements.source, elements.gm_km3s2
    )
