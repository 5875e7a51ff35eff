"""JPL Small-Body Database (SBDB) API responses: read a saved file, or ask JPL (cached).

An SBDB API answer is one JSON object (https://ssd-api.jpl.nasa.gov/doc/sbdb.html); what we
use of it:

* ``object``: ``des`` (designation), ``fullname``;
* ``orbit``: ``epoch`` (JD TDB), ``equinox`` (J2000), ``orbit_id``, ``source``, ``pe_used``
  (planetary ephemeris; it fixes the Sun GM behind ``n``), ``elements`` (a list of
  ``{name, value, sigma, units}``: e, a, q, i, om, w, ma, tp, per, n, ad; angles in deg in the
  ecliptic J2000 frame, tp in JD TDB), ``model_pars`` (non-gravitational A1/A2/A3 in au/d^2,
  ...) and ``covariance`` (``epoch``, ``labels``, ``data``: the solution's full covariance, kept
  as ``elements.covariance``, see :mod:`orbitviz.smallbodies.covariance`);
* ``ca_data``: close approaches. ``jd`` is the JD in TDB and ``cd`` the same instant as a
  calendar string rounded to the minute, also TDB (the SBDB and CAD API docs say "TDB"; and
  in every astroquery fixture ``cd`` equals ``jd`` rounded to the minute, which our tests check),
  so neither is UTC. Convert ``et`` with the SPICE layer to get UTC.

Example
-------
>>> from orbitviz import data
>>> rec = read_sbdb_file(data.fetch("sbdb_api_apophis.dat"))   # astroquery's saved answer
>>> rec.elements.q_au, rec.close_approaches.shape
(0.7460724295867941, (79, 16))
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orbitviz._files import atomic_write, check_input
from orbitviz.data.paths import cache_dir
from orbitviz.errors import DownloadError, ElementsError, UnknownBody
from orbitviz.smallbodies.covariance import OrbitCovariance, sbdb_values
from orbitviz.smallbodies.elements import (
    GM_SUN_DE440_KM3S2,
    SECONDS_PER_DAY,
    SUN_GM_BY_EPHEMERIS,
    OrbitalElements,
    check_semimajor_axis,
    jd_tdb_to_et,
)

# SBDB element name -> our field name (same units)
_SBDB_FIELDS = {
    "q": "q_au",
    "e": "e",
    "i": "i_deg",
    "om": "node_deg",
    "w": "peri_deg",
    "ma": "M_deg",
    "a": "a_au",
}

SBDB_BODIES = {
    "Merc": "MERCURY",
    "Venus": "VENUS",
    "Earth": "EARTH",
    "Moon": "MOON",
    "Mars": "MARS",
    "Juptr": "JUPITER BARYCENTER",
    "Satrn": "SATURN BARYCENTER",
    "Urnus": "URANUS BARYCENTER",
    "Neptn": "NEPTUNE BARYCENTER",
    "Pluto": "PLUTO BARYCENTER",
}
"""SBDB's body abbreviations (``Juptr``) -> SPICE names. The outer planets' system
barycentres: planetary ephemerides such as DE421 carry only those, and a planet sits within
~0.01 % of a close approach's distance from its barycentre."""

CA_COLUMNS = {
    # SBDB key -> (our column, numeric?)
    "body": ("body", False),
    "cd": ("time_tdb", False),
    "jd": ("jd_tdb", True),
    "dist": ("dist_au", True),
    "dist_min": ("dist_min_au", True),
    "dist_max": ("dist_max_au", True),
    "v_rel": ("v_rel_kms", True),
    "v_inf": ("v_inf_kms", True),
    "sigma_t": ("sigma_t_min", True),
    "sigma_tf": ("sigma_tf", False),
    "unc_major": ("unc_major_km", True),
    "unc_minor": ("unc_minor_km", True),
    "unc_angle": ("unc_angle_deg", True),
    "orbit_ref": ("orbit_ref", False),
}


@dataclass(frozen=True)
class SbdbRecord:
    """One SBDB answer: the elements, the close approaches and the raw JSON."""

    elements: OrbitalElements
    close_approaches: pd.DataFrame = field(hash=False, compare=False)
    data: Mapping[str, Any] = field(hash=False, compare=False, repr=False)
    source: str = ""


# --------------------------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------------------------


def _number(value, what: str, where: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ElementsError(f"{where}: {what} = {value!r} is not a number") from None
    if not math.isfinite(number):  # present but not a number: not the same as missing
        raise ElementsError(
            f"{where}: {what} = {value!r} is not a finite number; the answer is damaged: "
            "ask JPL SBDB again (--online) or fix the file"
        )
    return number


def _check_answer(data: Any, where: str) -> None:
    """Raise a clear error for SBDB answers that carry no orbit (not found, ambiguous, error)."""
    if not isinstance(data, Mapping):
        raise ElementsError(f"{where}: not an SBDB API answer (expected a JSON object)")
    if "list" in data and "orbit" not in data:  # several matches (code 300)
        names = [
            f"{item.get('pdes', '')} {item.get('name', '') or ''}".strip()
            for item in data.get("list", [])
        ]
        raise UnknownBody(
            f"{where}: the name matches several objects: {', '.join(names[:20])}; "
            "ask again with a designation"
        )
    if "orbit" not in data and "message" in data:
        raise UnknownBody(f"{where}: JPL SBDB says: {data['message']} (code {data.get('code')})")
    for key in ("object", "orbit"):
        if not isinstance(data.get(key), Mapping):
            raise ElementsError(f"{where}: missing field {key!r}")


def elements_from_sbdb(
    data: Mapping[str, Any], where: str = "SBDB answer", source: str | None = None
) -> OrbitalElements:
    """OrbitalElements (with sigmas and non-gravitational parameters) from an SBDB API answer.

    ``where`` names the file or query in error messages; ``source`` overrides the default
    ``"SBDB orbit ID (JPL)"`` description. M comes from ``ma``; if that is absent (hyperbolic
    comets), from ``tp``. The Sun GM follows ``orbit.pe_used`` (DE431 -> DE431's GM), else DE440.
    """
    _check_answer(data, where)
    obj, orbit = data["object"], data["orbit"]
    designation = obj.get("des")
    if not designation:
        raise ElementsError(f"{where}: missing field 'object.des'")
    if orbit.get("equinox", "J2000") not in ("J2000", None):
        raise ElementsError(f"{where}: orbit.equinox is {orbit['equinox']!r}, expected J2000")
    raw = orbit.get("elements")
    if not isinstance(raw, list) or not raw:
        raise ElementsError(f"{where}: missing field 'orbit.elements'")
    by_name = {item.get("name"): item for item in raw if isinstance(item, Mapping)}

    values: dict[str, float | None] = {}
    sigmas: dict[str, float] = {}
    for sbdb_name in (*_SBDB_FIELDS, "tp"):
        item = by_name.get(sbdb_name, {})
        values[sbdb_name] = _number(item.get("value"), f"orbit.elements {sbdb_name}", where)
        sigma = _number(item.get("sigma"), f"sigma of {sbdb_name}", where)
        if sigma is not None:
            key = "tp_et" if sbdb_name == "tp" else _SBDB_FIELDS[sbdb_name]
            sigmas[key] = sigma * SECONDS_PER_DAY if sbdb_name == "tp" else sigma

    epoch = orbit.get("epoch")
    if epoch is None:
        raise ElementsError(f"{where}: missing field 'orbit.epoch'")
    epoch_et = jd_tdb_to_et(str(epoch))
    q_au = values["q"]
    if values["a"] is not None and values["e"] is not None:
        implied = check_semimajor_axis(values["a"], values["e"], q_au, where)
        q_au = implied if q_au is None else q_au
    given: dict[str, float] = {}
    for sbdb_name, label in (("e", "e"), ("i", "i"), ("om", "om (node)"), ("w", "w (peri)")):
        value = values[sbdb_name]
        if value is None:
            raise ElementsError(f"{where}: missing field 'orbit.elements {label}'")
        given[sbdb_name] = value
    if q_au is None:
        raise ElementsError(f"{where}: missing field 'orbit.elements q' (and no 'a' to derive it)")
    e = given["e"]

    pe_used = str(orbit.get("pe_used") or "").upper()
    gm = SUN_GM_BY_EPHEMERIS.get(pe_used, GM_SUN_DE440_KM3S2)
    nongrav = {}
    for par in orbit.get("model_pars") or []:
        value = _number(par.get("value"), f"orbit.model_pars {par.get('name')}", where)
        if par.get("name") and value is not None:
            nongrav[par["name"]] = value
            sig = _number(par.get("sigma"), f"sigma of {par.get('name')}", where)
            if sig is not None:
                sigmas[par["name"]] = sig
    if source is None:
        source = f"SBDB orbit {orbit.get('orbit_id', '?')} ({orbit.get('source', 'JPL')})"
    common = {
        "i_deg": values["i"],
        "node_deg": values["om"],
        "peri_deg": values["w"],
        "epoch_et": epoch_et,
        "name": obj.get("fullname") or obj.get("shortname"),
        "gm_km3s2": gm,
        "sigmas": sigmas,
        "nongrav": nongrav,
        "source": source,
    }
    if values["ma"] is not None:
        elements = OrbitalElements(designation, q_au=q_au, e=e, M_deg=values["ma"], **common)
        return _with_covariance(elements, orbit, raw, epoch_et, where)
    tp = by_name.get("tp", {}).get("value")
    if tp is None:
        raise ElementsError(
            f"{where}: missing field 'orbit.elements ma' (and no 'tp' to derive it)"
        )
    elements = OrbitalElements.from_perihelion_time(
        designation, q_au=q_au, e=e, tp_et=jd_tdb_to_et(str(tp)), **common
    )
    return _with_covariance(elements, orbit, raw, epoch_et, where)


def _with_covariance(elements, orbit, raw, epoch_et, where) -> OrbitalElements:
    """``elements`` with the answer's ``orbit.covariance`` when it has one (checked against
    them: CovarianceError when they do not match)."""
    if not orbit.get("covariance"):
        return elements
    covariance = OrbitCovariance.from_sbdb(
        orbit["covariance"],
        sbdb_values(raw, orbit.get("model_pars")),
        epoch_et,
        f"{where}, orbit.covariance",
    )
    return dataclasses.replace(elements, covariance=covariance)


def close_approaches_from_sbdb(data: Mapping[str, Any], where: str = "SBDB answer") -> pd.DataFrame:
    """The ``ca_data`` close approaches as a DataFrame, one row per approach, sorted by time.

    Columns: ``body``, ``time_tdb`` (SBDB's calendar string, TDB, to the minute), ``jd_tdb``,
    ``et`` (TDB s past J2000, from ``jd``), ``dist_au``, ``dist_min_au``, ``dist_max_au``
    (3-sigma), ``v_rel_kms``, ``v_inf_kms``, ``sigma_t_min``, ``sigma_tf``, ``unc_major_km``,
    ``unc_minor_km``, ``unc_angle_deg``, ``orbit_ref`` and ``spice_body`` (the body's SPICE
    name: :data:`SBDB_BODIES`). Missing columns are NaN/None; an answer without ``ca_data``
    gives an empty frame with these columns.
    """
    rows = data.get("ca_data") if isinstance(data, Mapping) else None
    columns = [col for col, _ in CA_COLUMNS.values()]
    if not rows:
        frame = pd.DataFrame(
            {col: pd.Series(dtype=float if num else object) for col, num in CA_COLUMNS.values()}
        )
        frame.insert(3, "et", pd.Series(dtype=float))
        frame["spice_body"] = pd.Series(dtype=object)
        return frame
    if isinstance(rows, Mapping) and "fields" in rows:  # {"fields": [...], "data": [[...]]}
        rows = [dict(zip(rows["fields"], row)) for row in rows["data"]]
    frame = pd.DataFrame.from_records(list(rows))
    out = pd.DataFrame(index=range(len(frame)))
    for key, (col, numeric) in CA_COLUMNS.items():
        if key not in frame:
            out[col] = np.nan if numeric else None
        elif numeric:
            out[col] = pd.to_numeric(frame[key], errors="coerce")
        else:
            out[col] = frame[key]
    if out["jd_tdb"].isna().all():
        raise ElementsError(f"{where}: close approaches without 'jd' times")
    out.insert(3, "et", (out["jd_tdb"] - 2451545.0) * SECONDS_PER_DAY)
    out["spice_body"] = [SBDB_BODIES.get(str(b), str(b).upper()) for b in out["body"]]
    return (
        out[["body", "time_tdb", "jd_tdb", "et", *columns[3:], "spice_body"]]
        .sort_values("et", kind="stable")
        .reset_index(drop=True)
    )


def load_sbdb_json(path: str | Path) -> dict:
    """The JSON object in ``path`` (an SBDB API answer), or ElementsError naming the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ElementsError(f"SBDB file {path} does not exist") from None
    except UnicodeDecodeError as exc:
        raise ElementsError(
            f"SBDB file {path} is not JSON text (byte {exc.object[exc.start]:#04x} at offset "
            f"{exc.start} is not UTF-8); save the raw answer of https://ssd-api.jpl.nasa.gov/sbdb.api"
        ) from None
    except OSError as exc:
        raise ElementsError(f"SBDB file {path} cannot be read ({exc.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ElementsError(
            f"SBDB file {path} is not JSON ({exc.msg} at line {exc.lineno}); "
            "save the raw answer of https://ssd-api.jpl.nasa.gov/sbdb.api"
        ) from None
    except RecursionError:  # 200,000 nested brackets: no SBDB answer nests that deep
        raise ElementsError(
            f"SBDB file {path} nests its brackets deeper than Python's JSON reader goes; it is "
            "not an SBDB answer (save the raw answer of https://ssd-api.jpl.nasa.gov/sbdb.api)"
        ) from None


def parse_sbdb(
    data: Mapping[str, Any], where: str = "SBDB answer", source: str | None = None
) -> SbdbRecord:
    """Elements plus close approaches from an SBDB answer already decoded from JSON."""
    elements = elements_from_sbdb(data, where, source)
    return SbdbRecord(elements, close_approaches_from_sbdb(data, where), data, elements.source)


def read_sbdb_file(path: str | os.PathLike) -> SbdbRecord:
    """Read a saved SBDB API answer (``--sbdb-file``), e.g. astroquery's ``apophis.dat``.

    Missing or broken fields raise ElementsError naming the field and the file.
    """
    path = Path(path)
    check_input(path, what="SBDB file", error=ElementsError, max_bytes=64 * 1024**2)
    data = load_sbdb_json(path)
    where = f"SBDB file {path}"
    orbit = data.get("orbit") if isinstance(data, Mapping) else None
    orbit_id = orbit.get("orbit_id", "?") if isinstance(orbit, Mapping) else "?"
    origin = orbit.get("source", "JPL") if isinstance(orbit, Mapping) else "JPL"
    return parse_sbdb(data, where, f"SBDB orbit {orbit_id} ({origin}), file {path.name}")


# --------------------------------------------------------------------------------------------
# live queries, cached
# --------------------------------------------------------------------------------------------


def _fetch_sbdb_text(designation: str, timeout_s: float) -> str:
    """Ask JPL through astroquery for the raw JSON text (full precision, close approaches).

    astroquery's own cache is bypassed: it once kept failed answers (astroquery#2237) and it
    never expires (#1531). Tests replace this function.
    """
    from astroquery.jplsbdb import SBDB, conf  # imported lazily: astropy is slow to import

    with conf.set_temp("timeout", timeout_s):
        return SBDB.query(
            designation,
            full_precision=True,
            close_approach=True,
            phys=True,
            get_raw_response=True,
            cache=False,
        )


def _cache_path(designation: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", designation.strip()).strip("_").lower() or "_"
    return cache_dir() / "sbdb" / f"{safe}.json"


def _read_cache(path: Path) -> tuple[dict, float] | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        return entry["response"], float(entry["fetched_unix"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, designation: str, data: Mapping, now: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "query": designation,
        "fetched_unix": now,
        "fetched_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        "response": data,
    }
    atomic_write(path, json.dumps(entry))  # a unique temporary: two writers never collide


def _age_text(age_s: float) -> str:
    return f"{max(age_s, 0.0) / SECONDS_PER_DAY:.1f} days old"


def query_sbdb(designation: str, timeout_s: float = 30, max_age_days: float = 7) -> SbdbRecord:
    """Elements and close approaches of ``designation`` from JPL SBDB, through a cache.

    * A cached answer younger than ``max_age_days`` is returned without asking JPL; its
      ``source`` ends with ``"from cache, N days old"``.
    * Otherwise JPL is asked (``timeout_s``); only answers that parse into elements are cached
      (in ``cache_dir()/sbdb``, with their fetch time).
    * If JPL cannot be reached: a stale cached answer is returned with a warning, else
      DownloadError. An answer saying the object does not exist raises UnknownBody.
    """
    path = _cache_path(designation)
    cached = _read_cache(path)
    now = time.time()
    # an answer stamped in the future (a clock set wrong, an edited file) is not fresh: it
    # would be fresh forever
    if cached is not None and 0 <= now - cached[1] <= max_age_days * SECONDS_PER_DAY:
        data, fetched = cached
        record = parse_sbdb(data, f"cached SBDB answer {path}")
        return _with_source(record, f"{record.source}, from cache, {_age_text(now - fetched)}")
    try:
        text = _fetch_sbdb_text(designation, timeout_s)
        data = json.loads(text) if isinstance(text, (str, bytes)) else dict(text)
    except Exception as exc:  # noqa: BLE001 -- network errors come in many types (requests, astropy)
        if isinstance(exc, (ValueError, TypeError)):
            reason = f"unreadable answer: {exc}"
        else:
            reason = f"{type(exc).__name__}: {exc}"
        if cached is not None:
            data, fetched = cached
            record = parse_sbdb(data, f"cached SBDB answer {path}")
            age = _age_text(now - fetched)
            warnings.warn(
                f"cannot reach JPL SBDB for {designation!r} ({reason}); using the "
                f"cached answer, {age}",
                stacklevel=2,
            )
            return _with_source(
                record, f"{record.source}, from cache, {age} (stale: JPL unreachable)"
            )
        raise DownloadError(
            f"cannot reach JPL SBDB for {designation!r} ({reason}) and nothing is cached; use "
            "--sbdb-file FILE (a saved https://ssd-api.jpl.nasa.gov/sbdb.api answer) or the "
            "offline catalog"
        ) from None
    record = parse_sbdb(data, f"JPL SBDB answer for {designation!r}")  # raises before caching
    _write_cache(path, designation, data, now)
    return _with_source(record, f"{record.source}, fetched from JPL")


def _with_source(record: SbdbRecord, source: str) -> SbdbRecord:
    elements = dataclasses.replace(record.elements, source=source)
    return SbdbRecord(elements, record.close_approaches, record.data, source)
