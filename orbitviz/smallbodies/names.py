"""Small-body names and designations: one normal form to compare them.

>>> normalize_designation("2021 wp"), normalize_designation("(99942) Apophis")
('2021WP', '99942')
>>> normalize_designation("Apophis"), normalize_designation("67P/Churyumov-Gerasimenko")
('99942', '67P')
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

FAMOUS_TOML = Path(__file__).with_name("famous.toml")
NAMES_TOML = Path(__file__).with_name("names.toml")

_PROVISIONAL = re.compile(r"^(\d{4})\s*([A-Za-z]{2})\s*(\d*)$")  # 2021 WP, 2012 DA14, 2004MN4
_NUMBERED = re.compile(r"^\(?0*(\d+)\)?(?:\s+\S.*)?$")  # 99942, (99942) Apophis, 99942 Apophis
_PERIODIC = re.compile(r"^(\d+[PpIi])(?:[/\s].*)?$")  # 67P, 67P/Churyumov-Gerasimenko, 1I/2017 U1


_PACKED_PROVISIONAL = re.compile(r"^(\d{4})([A-Z]{2})(\d*)$")


def display_designation(name: str) -> str:
    """A designation as people write it: packed provisional designations (as NEODyS stores
    them) get their space back, everything else is left as it is.

    >>> display_designation("2016FY12"), display_designation("2008TC3"), display_designation("433")
    ('2016 FY12', '2008 TC3', '433')
    """
    text = str(name).strip()
    match = _PACKED_PROVISIONAL.match(text)
    return f"{match[1]} {match[2]}{match[3]}" if match else text


def pack_key(name: str) -> str:
    """Whitespace removed, upper case: how catalogs like NEODyS write designations ("2021WP")."""
    return re.sub(r"\s+", "", str(name)).upper()


@functools.lru_cache(maxsize=1)
def numbered_names() -> dict[str, str]:
    """Number -> IAU name of the numbered minor planets in names.toml (``"3122": "Florence"``)."""
    with open(NAMES_TOML, "rb") as fh:
        return {str(k): str(v) for k, v in tomllib.load(fh)["names"].items()}


def offline_name(designation: str) -> str | None:
    """The name of a numbered minor planet known offline, or None.

    >>> offline_name("3122"), offline_name("(101955)"), offline_name("2021 WP")
    ('Florence', 'Bennu', None)
    """
    return numbered_names().get(_normal_form(str(designation)))


@functools.lru_cache(maxsize=1)
def known_names() -> dict[str, str]:
    """Packed name or alias -> packed designation, from the embedded tables (famous.toml and
    the names of numbered minor planets, names.toml)."""
    with open(FAMOUS_TOML, "rb") as fh:
        doc = tomllib.load(fh)
    table: dict[str, str] = {}
    for number, name in numbered_names().items():
        table[pack_key(name)] = number
        table[pack_key(f"{number} {name}")] = number
    for body in doc.get("body", []):
        designation = _normal_form(body["designation"])
        for alias in (body["designation"], body.get("name", ""), *body.get("aliases", [])):
            if alias:
                table[pack_key(alias)] = designation
    return table


def _normal_form(name: str) -> str:
    text = " ".join(str(name).replace("\u2019", "'").split())
    for pattern in (_PROVISIONAL, _PERIODIC, _NUMBERED):
        match = pattern.match(text)
        if match:
            return pack_key("".join(match.groups()))
    return pack_key(text)


def normalize_designation(name: str) -> str:
    """The normal form of a small-body name: a packed designation where one is known.

    * provisional designations lose their spaces and are upper-cased: "2021 wp" -> "2021WP";
    * numbered objects become their number: "99942 Apophis", "(99942) Apophis" -> "99942";
    * periodic and interstellar comets become their number: "67P/C-G" -> "67P";
    * names and other designations from the embedded tables (famous.toml, names.toml) map
      to their designation: "Apophis" -> "99942", "2012 DA14" -> "367943", "Duende" ->
      "367943", "Florence" -> "3122", "Bennu" -> "101955";
    * anything else is packed (spaces removed, upper case).
    """
    packed = pack_key(" ".join(str(name).split()))
    aliases = known_names()
    if packed in aliases:
        return aliases[packed]
    normal = _normal_form(name)
    return aliases.get(normal, normal)


def normalize_designations(names):
    """:func:`normalize_designation` for a whole column at once (a pandas Series out).

    Names that are already packed (no space, slash or parenthesis, as in NEODyS) are only
    upper-cased, vectorised; the others go through the scalar rules.
    """
    import pandas as pd

    text = pd.Series(names, dtype=object).astype(str).str.strip()
    result = text.str.upper()
    complex_ = text.str.contains(r"[\s/()]", regex=True).to_numpy()
    if complex_.any():
        result[complex_] = [_normal_form(name) for name in text[complex_]]
    numbered = result.str.match(r"^0+\d").to_numpy()
    if numbered.any():
        result[numbered] = result[numbered].str.lstrip("0")
    aliases = known_names()
    return result.map(aliases).fillna(result)
