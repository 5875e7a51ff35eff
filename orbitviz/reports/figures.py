"""The matplotlib plumbing every report plot shares: a headless figure, written atomically."""

from __future__ import annotations

from pathlib import Path


def new_figure(width_in: float, height_in: float):
    """A (figure, axes) pair on the headless Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width_in, height_in), dpi=120)


def save_png(fig, out: str | Path) -> Path:
    """Lay out a time-axis figure and write it to ``out`` through a temporary file and a rename,
    so a failed write never leaves a half picture under the final name."""
    import matplotlib.pyplot as plt

    fig.autofmt_xdate()
    fig.tight_layout()
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp.png")
    try:
        fig.savefig(tmp)
        tmp.replace(out)
    finally:
        plt.close(fig)
        tmp.unlink(missing_ok=True)
    return out
