"""A saved answer of JPL's close-approach API (CAD) as a table, and the rows to compare."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd

from ..errors import ValidationError
from ..units import jd_tdb_to_et

CAD_FIELDS = ("des", "orbit_id", "jd", "cd", "dist")
"""Fields a CAD API answer must have (``fields``); ``dist_min``, ``dist_max``, ``v_rel``,
``t_sigma_f`` are kept when present."""


_T_SIGMA = re.compile(r"^\s*(<)?\s*(?:(\d+)_)?(\d+):(\d+)\s*$")


def t_sigma_seconds(text) -> float:
    """JPL's formatted 3-sigma time uncertainty ``t_sigma_f`` in seconds: ``"00:56"`` 56 min,
    ``"9_13:36"`` 9 d 13 h 36 min, ``"< 00:01"`` under a minute (60 s: the bound); NaN when
    absent or unreadable.

    >>> t_sigma_seconds("00:56"), t_sigma_seconds("9_13:36"), t_sigma_seconds("< 00:01")
    (3360.0, 826560.0, 60.0)
    """
    match = _T_SIGMA.match(str(text)) if text is not None else None
    if not match:
        return float("nan")
    _, days, hours, minutes = match.groups()
    return float(int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60)


def read_cad_answer(path: str | os.PathLike) -> pd.DataFrame:
    """A saved CAD API answer (JSON) as a DataFrame, one row per approach.

    Columns: ``des``, ``orbit_id``, ``jd_tdb`` (float), ``jpl_et`` (exact from the JD text),
    ``cd`` (calendar date, TDB), ``dist_au`` and, where the answer has them, ``dist_min_au``,
    ``dist_max_au``, ``v_rel_kms``, ``t_sigma_f``. Raises :class:`ValidationError` for a
    missing or unreadable file or one that is not a CAD answer.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(
            f"CAD answer {path} does not exist: give a saved JSON answer of "
            "JPL's close-approach API (ssd-api.jpl.nasa.gov/cad.api)",
            path,
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"CAD answer {path} is not JSON: {exc}", path) from None
    fields = doc.get("fields") if isinstance(doc, dict) else None
    if not isinstance(fields, list) or not set(CAD_FIELDS) <= set(fields):
        raise ValidationError(
            f"{path} is not a CAD API answer: it needs 'fields' with {', '.join(CAD_FIELDS)} "
            f"(has {fields if isinstance(fields, list) else 'none'})",
            path,
        )
    raw = pd.DataFrame(doc.get("data") or [], columns=fields, dtype=object)
    out = pd.DataFrame(
        {
            "des": raw["des"].astype(str).str.strip(),
            "orbit_id": raw["orbit_id"].astype(str).str.strip(),
            "jd_tdb": pd.to_numeric(raw["jd"], errors="coerce"),
            "jpl_et": [jd_tdb_to_et(str(jd)) for jd in raw["jd"]],
            "cd": raw["cd"].astype(str),
            "dist_au": pd.to_numeric(raw["dist"], errors="coerce"),
        }
    )
    for theirs, ours in (
        ("dist_min", "dist_min_au"),
        ("dist_max", "dist_max_au"),
        ("v_rel", "v_rel_kms"),
    ):
        if theirs in raw:
            out[ours] = pd.to_numeric(raw[theirs], errors="coerce")
    if "t_sigma_f" in raw:
        out["t_sigma_f"] = raw["t_sigma_f"].astype(str)
        out["t_3sigma_s"] = [t_sigma_seconds(t) for t in raw["t_sigma_f"]]
    out.attrs["source"] = path.name
    # the API names the body only when asked for several (body=ALL); else it is the Earth
    bodies = sorted(set(raw["body"].astype(str).str.strip())) if "body" in raw else ["Earth"]
    out.attrs["bodies"] = bodies
    return out


def select_rows(
    cad: pd.DataFrame,
    max_dist_au: float | None = None,
    sample: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The rows to compare: those closer than ``max_dist_au`` (all when None), then
    ``sample`` of them drawn at random with ``seed`` (reproducible), in the answer's order.

    >>> cad = pd.DataFrame({"des": list("abcde"), "dist_au": [0.01, 0.2, 0.03, 0.04, 0.3]})
    >>> select_rows(cad, 0.05)["des"].tolist(), select_rows(cad, 0.05, 2)["des"].tolist()
    (['a', 'c', 'd'], ['c', 'd'])
    """
    rows = cad if max_dist_au is None else cad[cad["dist_au"] < float(max_dist_au)]
    if sample is not None:
        if sample < 1:
            raise ValidationError(f"--sample must be at least 1, got {sample}")
        if sample < len(rows):
            rows = rows.sample(n=int(sample), random_state=seed).sort_index()
    out = rows.copy()
    out.attrs.update(cad.attrs)
    return out
