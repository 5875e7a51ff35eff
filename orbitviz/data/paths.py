"""Where orbitviz keeps and finds files: the user cache, the local mirror, the bundled manifests."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

MIRROR_ENV = "ORBITVIZ_DATA_MIRROR"
CACHE_ENV = "ORBITVIZ_CACHE_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """The user cache folder (``$ORBITVIZ_CACHE_DIR`` or the platform's cache dir for orbitviz)."""
    override = os.environ.get(CACHE_ENV)
    path = Path(override) if override else Path(platformdirs.user_cache_dir("orbitviz"))
    return path


def mirror_dir() -> Path | None:
    """The local mirror named by ``$ORBITVIZ_DATA_MIRROR``, or None when unset."""
    value = os.environ.get(MIRROR_ENV)
    return Path(value).expanduser() if value else None


def resource_dir(name: str) -> Path:
    """A top-level project folder (``kernels`` or ``shapes``) with its manifests and bundled files.

    In a wheel they live in ``orbitviz/_resources/NAME``; in a source checkout (editable install)
    beside the package.
    """
    installed = _PACKAGE_DIR / "_resources" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name
