"""Plain-text tables for the terminal: the one layout every command prints.

>>> print(table([["de421.bsp", "spk"]], ["name", "kind"]))
name       kind
---------  ----
de421.bsp  spk
"""

from __future__ import annotations


def table(rows: list[list], header: list[str]) -> str:
    """``rows`` under ``header``, columns left-aligned to their widest cell, two spaces apart."""
    widths = [max(len(str(r[i])) for r in [*rows, header]) for i in range(len(header))]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)
