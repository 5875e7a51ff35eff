"""Plain-text tables for the terminal: the one layout every command prints.

>>> print(table([["de421.bsp", "spk"]], ["name", "kind"]))
name       kind
---------  ----
de421.bsp  spk
"""

from __future__ import annotations

from decimal import Decimal


def table(rows: list[list], header: list[str]) -> str:
    """``rows`` under ``header``, columns left-aligned to their widest cell, two spaces apart."""
    widths = [max(len(str(r[i])) for r in [*rows, header]) for i in range(len(header))]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def number(value: float, significant: int = 6) -> str:
    """One number format for every report: thousands separators and one decimal from 1,000
    up, else ``significant`` digits, always plain decimals (no exponent).

    >>> number(37724.51), number(155843.77), number(0.00752587), number(2.5e-8), number(-12.0)
    ('37,724.5', '155,843.8', '0.00752587', '0.000000025', '-12')
    """
    v = float(value)
    if v != v or v in (float("inf"), float("-inf")):
        return str(v)
    if abs(v) >= 1000.0:
        return f"{v:,.1f}"
    if v == 0.0:
        return "0"
    # numpy's format_float_positional(v, significant, unique=False, fractional=False,
    # trim="-") in the standard library (the same text for 2.4 million values of 1e-30..1e3
    # and 1..17 digits): the command line imports this module, and numpy costs it 0.1 s
    text = format(Decimal(f"{v:.{significant - 1}e}"), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def duration(seconds: float, signed: bool = False) -> str:
    """A duration as people read it: seconds under a minute (``4.32 s``), else ``h:mm:ss``
    with a day count in front from one day up (``1 d 10:27:26``); tenths of a second under
    an hour. ``signed`` puts a ``+`` on positive values.

    >>> duration(4.316), duration(529.587), duration(-17022.7, signed=True), duration(124046.2)
    ('4.32 s', '0:08:49.6', '-4:43:43', '1 d 10:27:26')
    """
    s = float(seconds)
    sign = "-" if s < 0 else ("+" if signed and s > 0 else "")
    s = abs(s)
    if s < 60.0:
        return f"{sign}{s:.3g} s"
    days, rest = divmod(s, 86400.0)
    if s < 3600.0:
        rest = round(rest, 1)
        m, sec = divmod(rest, 60.0)
        return f"{sign}0:{int(m):02d}:{sec:04.1f}"
    rest = round(rest)
    if rest >= 86400:
        days, rest = days + 1, rest - 86400
    h, rem = divmod(int(rest), 3600)
    m, sec = divmod(rem, 60)
    clock = f"{h}:{m:02d}:{sec:02d}"
    return f"{sign}{int(days)} d {clock}" if days else f"{sign}{clock}"
