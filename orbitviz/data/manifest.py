"""Manifests: the named data files orbitviz knows (TOML in ``kernels/`` and ``shapes/``)."""

from __future__ import annotations

import difflib
import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError, UnknownDataName
from .paths import resource_dir

MANIFEST_FILES = (
    ("kernels", "manifest.toml"),
    ("kernels", "catalogs.toml"),
    ("kernels", "lightcurves.toml"),
    ("shapes", "manifest.toml"),
)


@dataclass(frozen=True)
class DataFile:
    """One named file: where it comes from and how to check it.

    ``path`` is the file's place inside a mirror and inside the cache (``kernels/spk/X.bsp``).
    A file is *bundled* (ships with orbitviz), comes from an installed *package*, or is
    downloaded from ``url``; ``sha256`` and ``size`` are checked whenever given.
    """

    name: str
    kind: str
    path: str
    url: str | None = None
    sha256: str | None = None
    size: int | None = None
    credit: str = ""
    license: str = ""
    bundled: bool = False
    package: str | None = None
    note: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)


_KNOWN = {f for f in DataFile.__dataclass_fields__ if f != "extra"}

KINDS = ("spk", "pck", "fk", "lsk", "sclk", "dsk", "shape", "catalog", "lightcurve", "fixture")
"""The kinds of named files (``orbitviz kernels list --kind``); a manifest entry of another
kind is an error, so that the list and the option stay one."""


def _read(path: Path) -> list[DataFile]:
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"cannot read manifest {path}: {exc}") from None
    files = []
    for entry in doc.get("file", []):
        known = {k: v for k, v in entry.items() if k in _KNOWN}
        extra = {k: v for k, v in entry.items() if k not in _KNOWN}
        if known.get("kind") not in KINDS:
            raise DataError(
                f"manifest {path}: {known.get('name')!r} has kind {known.get('kind')!r}, not "
                f"one of {', '.join(KINDS)}"
            )
        files.append(DataFile(**known, extra=extra))
    return files


@functools.cache
def manifest() -> dict[str, DataFile]:
    """Every named file, by name (names are unique across manifests)."""
    out: dict[str, DataFile] = {}
    for folder, fname in MANIFEST_FILES:
        path = resource_dir(folder) / fname
        for entry in _read(path):
            if entry.name in out:
                raise DataError(f"manifest {path}: name {entry.name!r} is listed twice")
            out[entry.name] = entry
    return out


def entry(name: str) -> DataFile:
    """The manifest entry called ``name`` (case-insensitive), or a clear error with suggestions."""
    files = manifest()
    if name in files:
        return files[name]
    by_lower = {k.lower(): v for k, v in files.items()}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = difflib.get_close_matches(name, list(files), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise UnknownDataName(
        f"no data file named {name!r} in orbitviz's manifests.{hint} "
        "Run `orbitviz kernels list` to see the known names, or pass a file path instead."
    )


@functools.cache
def kernel_sets() -> dict[str, dict]:
    """Named kernel sets from ``kernels/sets.toml``."""
    path = resource_dir("kernels") / "sets.toml"
    with open(path, "rb") as fh:
        return tomllib.load(fh)
