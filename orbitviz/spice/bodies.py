"""Bodies: names <-> NAIF ids, GM values and radii from the loaded PCKs."""

from __future__ import annotations

import difflib
import functools

import numpy as np
import spiceypy

from .. import data
from ..errors import KernelError, UnknownBody
from .errors import spice_errors
from .files import read_text_kernel


def body_id(body: str | int) -> int:
    """NAIF id of a body name or id (``"EARTH"`` -> 399; ``"67P/C-G"`` -> 1000012 once the Rosetta FK is loaded)."""
    if isinstance(body, (int, np.integer)):
        return int(body)
    text = str(body).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    if not text:  # CSPICE's bods2c dumps its own error for an empty name
        raise UnknownBody(
            f"no body given ({body!r}): name one, e.g. EARTH, MOON, MARS or a NAIF id (399)"
        )
    with spiceypy.no_found_check():
        code, found = spiceypy.bods2c(text)
    if not found:
        close = difflib.get_close_matches(text.upper(), known_names(), n=4, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownBody(
            f"unknown body {text!r}: SPICE has no NAIF id for that name.{hint} "
            "Use a NAIF name or id (e.g. EARTH, 399, MOON, 1000012), or load a kernel "
            "that defines the name (NAIF_BODY_NAME/NAIF_BODY_CODE)."
        )
    return int(code)


def body_name(body: str | int) -> str:
    """Preferred SPICE name of a body (or its id as text when it has no name)."""
    code = body_id(body)
    with spiceypy.no_found_check():
        name, found = spiceypy.bodc2n(code)
    return name if found else str(code)


# NAIF id arithmetic (no kernels needed): planet systems are numbered 1..9; barycentre N, its
# planet N99 and its satellites N01..N98 (NAIF "NAIF IDs" required reading).
def is_planet_id(code: int) -> bool:
    """True for a planet's id (199, 299, ..., 999)."""
    return 199 <= code <= 999 and code % 100 == 99


def is_satellite_id(code: int) -> bool:
    """True for a natural satellite's id (301 the Moon, 401 Phobos, ...)."""
    return 100 < code < 1000 and code % 100 != 99


def system_barycenter_id(code: int) -> int:
    """The planetary system barycentre of a planet, satellite or barycentre id (399 -> 3,
    301 -> 3, 3 -> 3).

    >>> system_barycenter_id(399), system_barycenter_id(502), system_barycenter_id(5)
    (3, 5, 5)
    """
    if 1 <= code <= 9:
        return code
    if is_planet_id(code) or is_satellite_id(code):
        return code // 100
    raise UnknownBody(f"NAIF id {code} is not a planet, satellite or planetary barycentre")


def planet_id(code: int) -> int:
    """The planet of a barycentre, planet or satellite id (3 -> 399, 301 -> 399).

    >>> planet_id(3), planet_id(301), planet_id(599)
    (399, 399, 599)
    """
    return system_barycenter_id(code) * 100 + 99


@functools.cache
def known_names() -> tuple[str, ...]:
    """Names SPICE knows for the Sun, planets, barycentres and natural satellites."""
    names = []
    with spiceypy.no_found_check():
        for code in list(range(11)) + list(range(199, 1000)):
            name, found = spiceypy.bodc2n(code)
            if found:
                names.append(name)
    return tuple(names)


def _bodvar(body: str | int, item: str, n: int) -> np.ndarray:
    code = body_id(body)
    with spiceypy.no_found_check():
        ok = spiceypy.bodfnd(code, item)
    if not ok:
        raise KernelError(
            f"no {item} for body {body_name(code)} ({code}) in the loaded kernels: load a PCK "
            "that has it (the default kernel set has the Sun, planets, barycentres and the Moon)"
        )
    with spice_errors(f"cannot read {item} of {body}"):
        return np.asarray(spiceypy.bodvcd(code, item, n)[1], dtype=float)


def gm_km3s2(body: str | int) -> float:
    """GM of a body (km^3/s^2) from the loaded PCK."""
    return float(_bodvar(body, "GM", 1)[0])


REFERENCE_PCK = "orbitviz_planets.tpc"
"""The default kernel set's GM values and radii (DE440's GMs, IAU radii: see its header)."""


@functools.lru_cache(maxsize=1)
def _reference_gms() -> dict[int, float]:
    out = {}
    for name, (kind, values) in read_text_kernel(data.fetch(REFERENCE_PCK)).items():
        code = name[4:-3]
        if kind == "N" and name.startswith("BODY") and name.endswith("_GM") and code.isdigit():
            out[int(code)] = float(values[0])
    return out


def gm_warning(body: str | int, tolerance: float = 1e-6) -> str | None:
    """A one-line warning when the loaded GM of ``body`` is not the default kernel set's (a
    user's PCK that sets ``BODY399_GM = 1`` shrinks Earth's SOI to 5,318 km without a word);
    None when they agree to ``tolerance`` (DE ephemerides' GMs differ by ~1e-9) or there is no
    reference value."""
    code = body_id(body)
    reference = _reference_gms().get(code)
    if reference is None:
        return None
    loaded = gm_km3s2(code)
    if abs(loaded / reference - 1.0) <= tolerance:
        return None
    return (
        f"{body_name(code)} GM in the loaded kernels is {loaded:.10g} km^3/s^2, not "
        f"{reference:.10g} ({REFERENCE_PCK}, DE440): this answer uses the loaded value; "
        "check the kernels you load (--kernels) if that is not what you meant"
    )


def radii_km(body: str | int) -> np.ndarray:
    """Triaxial radii (a, b, c) in km from the loaded PCK."""
    return _bodvar(body, "RADII", 3)
