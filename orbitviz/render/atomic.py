"""Write under a temporary name beside the target and rename on success, so an interrupted
render never leaves a half-written file (or folder) under the final name."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from .errors import RenderError


def temporary_sibling(final: Path) -> Path:
    """A hidden, unique name in the same folder keeping the suffix (encoders read it)."""
    return final.with_name(f".{final.stem}.{secrets.token_hex(4)}.partial{final.suffix}")


def check_target(final: Path, *, folder: bool) -> None:
    if not final.parent.is_dir():
        raise RenderError(
            f"cannot write {final}: the folder {final.parent} does not exist; create it first"
        )
    if folder and final.exists() and (not final.is_dir() or any(final.iterdir())):
        raise RenderError(
            f"{final} already exists and is not an empty folder; remove it or "
            "choose another output folder for the PNG frames"
        )
    if not folder and final.is_dir():
        raise RenderError(
            f"{final} is a folder; give a file name ending in .mp4 or .gif, or a "
            "folder name without a suffix for PNG frames"
        )


def commit(temporary: Path, final: Path) -> None:
    """Move the finished output into place (replacing an old file or an empty folder)."""
    if temporary.is_dir() and final.is_dir():
        final.rmdir()
    os.replace(temporary, final)


def discard(temporary: Path) -> None:
    if temporary.is_dir():
        shutil.rmtree(temporary, ignore_errors=True)
    else:
        temporary.unlink(missing_ok=True)
