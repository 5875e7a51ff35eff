"""The pixel size of a line of text as VisPy's Text draws it (OpenSans, centred vertically),
measured from the font's glyph advances: the label layout places boxes of this size."""

from __future__ import annotations

from functools import lru_cache

from . import compat

LINE_CHARS = "\u00c5\u00c9\u00d1\u0150jgpqy"  # VisPy centres a line between these extremes
PAD_PX = 1.5  # the SDF edge of a glyph spills about a pixel past its advance


@lru_cache(maxsize=4096)
def _glyph(char: str) -> tuple[float, float, float]:
    return compat.glyph_metrics(char)


@lru_cache(maxsize=1)
def _line_em() -> float:
    """Height of a line in em: from the highest top to the lowest bottom of LINE_CHARS."""
    metrics = [_glyph(c) for c in LINE_CHARS]
    return max(m[1] for m in metrics) - min(m[2] for m in metrics)


def em_px(font_pt: float, dpi: float = 96.0) -> float:
    return font_pt * dpi / 72.0


def text_width_px(text: str, font_pt: float, dpi: float = 96.0) -> float:
    """How wide ``text`` is drawn at ``font_pt`` on a canvas of ``dpi``."""
    return sum(_glyph(c)[0] for c in text) * em_px(font_pt, dpi) + 2 * PAD_PX


def line_height_px(font_pt: float, dpi: float = 96.0) -> float:
    """How tall one line is drawn (a Text anchored ``center`` spans half of it each side)."""
    return _line_em() * em_px(font_pt, dpi) + 2 * PAD_PX


def text_size_px(text: str, font_pt: float, dpi: float = 96.0) -> tuple[float, float]:
    return text_width_px(text, font_pt, dpi), line_height_px(font_pt, dpi)
