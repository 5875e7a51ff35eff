"""Famous close approachers (an embedded table) and target resolution for ``orbitviz flyby``.

>>> elements, window = resolve_target("2021 WP")
>>> elements.q_au, window.start_utc
(0.93205, '2021-11-10T00:00:00')
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import tomllib
import warnings
from pathlib import Path
from typing import NamedTuple

from orbitviz.errors import DataError, ElementsError, UnknownBody
from orbitviz.smallbodies import sbdb
from orbitviz.smallbodies.catalog import read_catalog, read_neodys
from orbitviz.smallbodies.covariance import OrbitCovariance
from orbitviz.smallbodies.elements import (
    GM_SUN_DE440_KM3S2,
    OrbitalElements,
    check_semimajor_axis,
    jd_tdb_to_et,
    mjd_tdb_to_et,
)
from orbitviz.smallbodies.names import FAMOUS_TOML, normalize_designation, pack_key
from orbitviz.smallbodies.table import ElementsTable


class SearchWindow(NamedTuple):
    """A default time window (ISO UTC strings; convert with the SPICE layer) and why."""

    start_utc: str
    stop_utc: str
    note: str = ""


class FamousBody(NamedTuple):
    elements: OrbitalElements
    window: SearchWindow | None
    aliases: tuple[str, ...]


def _entry_to_body(entry: dict, path: Path) -> FamousBody:
    designation = entry.get("designation")
    where = f"{path.name} entry {designation!r}"
    if not designation:
        raise ElementsError(f"{path.name}: an entry has no 'designation'")
    for key in ("e", "i_deg", "node_deg", "peri_deg", "M_deg", "source"):
        if key not in entry:
            raise ElementsError(f"{where}: missing field {key!r}")
    if "a_au" in entry:
        q_au = check_semimajor_axis(entry["a_au"], entry["e"], entry.get("q_au"), where)
        q_au = entry.get("q_au", q_au)
    elif "q_au" in entry:
        q_au = entry["q_au"]
    else:
        raise ElementsError(f"{where}: missing field 'q_au' (or 'a_au')")
    if "epoch_jd_tdb" in entry:
        epoch_et = jd_tdb_to_et(entry["epoch_jd_tdb"])
    elif "epoch_mjd_tdb" in entry:
        epoch_et = mjd_tdb_to_et(entry["epoch_mjd_tdb"])
    else:
        raise ElementsError(f"{where}: missing field 'epoch_jd_tdb' (or 'epoch_mjd_tdb')")
    elements = OrbitalElements(
        designation,
        q_au=q_au,
        e=entry["e"],
        i_deg=entry["i_deg"],
        node_deg=entry["node_deg"],
        peri_deg=entry["peri_deg"],
        M_deg=entry["M_deg"],
        epoch_et=epoch_et,
        name=entry.get("name"),
        gm_km3s2=entry.get("gm_km3s2", GM_SUN_DE440_KM3S2),
        sigmas=entry.get("sigmas", {}),
        nongrav=entry.get("nongrav", {}),
        source=entry["source"],
    )
    if "covariance" in entry:  # the solution's own, as SBDB gave it (labels, data, epoch)
        elements = _with_covariance(elements, entry["covariance"], where)
    window = None
    if "window_utc" in entry:
        start, stop = entry["window_utc"]
        window = SearchWindow(start, stop, entry.get("note", ""))
    aliases = (
        designation,
        *([entry["name"]] if "name" in entry else []),
        *entry.get("aliases", []),
    )
    return FamousBody(elements, window, tuple(aliases))


def _with_covariance(elements: OrbitalElements, table: dict, where: str) -> OrbitalElements:
    """``elements`` with the covariance of an entry's ``covariance`` table (SBDB's
    ``orbit.covariance``: ``epoch_jd_tdb``, ``labels``, ``data``, and the nominal ``elements``
    by label), checked against the elements as an SBDB answer's is."""

    sbdb_like = {
        "epoch": table.get("epoch_jd_tdb"),
        "labels": table.get("labels"),
        "data": table.get("data"),
        "elements": [{"label": k, "value": v} for k, v in table.get("elements", {}).items()],
    }
    covariance = OrbitCovariance.from_sbdb(
        sbdb_like, {}, elements.epoch_et, table.get("source", f"{where}, covariance")
    )
    return dataclasses.replace(elements, covariance=covariance)


@functools.lru_cache(maxsize=4)
def famous_bodies(path: str | Path = FAMOUS_TOML) -> dict[str, FamousBody]:
    """The embedded table, keyed by normal-form designation ("2021WP", "99942", "367943")."""
    path = Path(path)
    with open(path, "rb") as fh:
        doc = tomllib.load(fh)
    bodies = {}
    for entry in doc.get("body", []):
        body = _entry_to_body(entry, path)
        bodies[normalize_designation(body.elements.designation)] = body
    return bodies


def default_window(name: str) -> SearchWindow | None:
    """The embedded table's search window for ``name``, or None."""
    body = famous_bodies().get(normalize_designation(name))
    return body.window if body else None


def _close_matches(name: str, table: ElementsTable | None) -> list[str]:
    labels = {}
    for body in famous_bodies().values():
        for alias in body.aliases:
            labels[pack_key(alias)] = alias
    found = difflib.get_close_matches(pack_key(name), list(labels), n=5, cutoff=0.6)
    matches = [labels[f] for f in found]
    if table is not None:
        matches += [m for m in table.close_matches(name) if m not in matches]
    return matches[:8]


def _refuse_a_skipped_row(table: ElementsTable, name: str) -> None:
    """The user's catalog has ``name`` but refused its row: say why, rather than answer with
    other elements (the embedded table's) or call the body unknown."""
    bad = table.bad_rows
    if not len(bad) or "designation" not in bad:
        return
    wanted = normalize_designation(name)
    for designation, reason in zip(bad["designation"].astype(str), bad["reason"].astype(str)):
        if normalize_designation(designation) == wanted:
            raise ElementsError(
                f"{name!r} is in {table.source}, but its row was skipped: {reason}; fix that "
                "row of the catalog"
            )


def resolve_target(
    name: str | None,
    sbdb_file: str | os.PathLike | None = None,
    catalog: ElementsTable | str | Path | None = None,
    online: bool = False,
) -> tuple[OrbitalElements, SearchWindow | None]:
    """Elements and a default search window for a target name, from the best offline source.

    Lookup order:

    1. ``sbdb_file``: a saved SBDB API answer (``--sbdb-file``), if given;
    2. ``catalog`` (an ElementsTable or a catalog file), if given (a file that cannot be read
       is an error; a target not in it falls through, with a warning);
    3. JPL SBDB live (cached, :func:`orbitviz.smallbodies.query_sbdb`), if ``online``;
    4. the embedded table of famous close approachers (famous.toml);
    5. the NEODyS snapshot (``orbitviz.data.fetch("neodys.db")``; skipped with a warning if
       unavailable), unless a ``catalog`` was given.

    What the user names explicitly wins: the elements' ``source`` says which one answered.

    The window comes from the embedded table whatever the elements' source (None if the
    target is not there). Unknown targets raise UnknownBody listing close matches.
    """

    window = default_window(name) if name else None
    if sbdb_file is not None:
        elements = sbdb.read_sbdb_file(sbdb_file).elements
        if name and normalize_designation(name) not in (
            normalize_designation(elements.designation),
            normalize_designation(elements.name or elements.designation),
        ):
            warnings.warn(
                f"target {name!r} but {sbdb_file} holds {elements.name or elements.designation}"
                "; using the file",
                stacklevel=2,
            )
        return elements, window or default_window(elements.designation)
    if not name or not name.strip():
        raise UnknownBody('no target given: name a small body, e.g. "2021 WP" or "Apophis"')

    # what the user named explicitly comes first: their catalog, then a live answer
    table: ElementsTable | None = None
    if catalog is not None:
        table = catalog if isinstance(catalog, ElementsTable) else read_catalog(catalog)
        if table.find(name) is not None:
            return table.elements(name), window
        _refuse_a_skipped_row(table, name)
    if online:
        return sbdb.query_sbdb(name).elements, window
    body = famous_bodies().get(normalize_designation(name))
    if body is not None:
        if table is not None:
            warnings.warn(
                f"{name!r} is not in {table.source}; using the embedded table's elements "
                f"({body.elements.source})",
                stacklevel=2,
            )
        return body.elements, body.window
    if table is None:
        try:
            table = read_neodys()
        except DataError as exc:
            warnings.warn(f"offline catalog unavailable ({exc}); skipping it", stacklevel=2)
        if table is not None and table.find(name) is not None:
            return table.elements(name), window

    matches = _close_matches(name, table)
    hint = f" Close matches: {', '.join(matches)}." if matches else ""
    raise UnknownBody(
        f"unknown small body {name!r}: not in the embedded table of famous close approachers "
        f"nor in {table.source if table is not None else 'an offline catalog'}.{hint} Check the "
        "spelling, give elements with --sbdb-file FILE (a saved JPL SBDB API answer), or allow "
        "online lookups (JPL SBDB)."
    )
