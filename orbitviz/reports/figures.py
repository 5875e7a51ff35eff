"""The matplotlib plumbing every report plot shares: a headless figure, written atomically."""

from __future__ import annotations

from pathlib import Path

from .._files import atomic_path


def new_figure(width_in: float, height_in: float):
    """A (figure, axes) pair on the headless Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width_in, height_in), dpi=120)


def save_png(fig, out: str | Path) -> Path:
    """Lay out a time-axis figure and write it to ``out`` atomically
    (:func:`orbitviz._files.atomic_path`), so a failed write never leaves a half picture under
    the final name. Always PNG, whatever the suffix."""
    import matplotlib.pyplot as plt

    fig.autofmt_xdate()
    fig.tight_layout()
    out = Path(out)
    try:
        with atomic_path(out) as tmp:
            fig.savefig(tmp, format="png")
    finally:
        plt.close(fig)
    return out
