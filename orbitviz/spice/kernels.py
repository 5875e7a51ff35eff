"""The one owner of CSPICE's kernel pool: reference-counted furnishing and named kernel sets.

CSPICE's pool is global to the process. Every kernel orbitviz loads goes through
:data:`POOL`, which furnishes a file the first time it is asked for and unloads it when the
last :class:`KernelSet` holding it lets go. Furnishing the same file twice costs time and ends
in ``SPICE(NOMOREROOM)``; here it never happens.

>>> from orbitviz.spice import KernelSet, states, to_et
>>> with KernelSet("default"):
...     earth = states("EARTH", to_et("2021-12-01"), observer="SUN")
>>> earth.shape
(6,)
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import spiceypy
from spiceypy.utils.exceptions import SpiceyError

from .. import data
from .._files import atomic_write
from ..errors import KernelError, KernelNotFound, UnknownDataName
from . import pool
from .errors import spice_errors
from .files import KernelFile, MetaKernel, read_meta_kernel, sniff, syntax_error


class KernelPool:
    """Reference counts of furnished files (by absolute path). ``generation`` changes whenever
    CSPICE's pool does (a file furnished or unloaded): caches of what SPICE answered key on it."""

    def __init__(self) -> None:
        self._counts: Counter[Path] = Counter()
        self._kinds: dict[Path, KernelFile] = {}
        self.generation = 0

    def acquire(self, kernel: KernelFile) -> None:
        path = kernel.path
        if self._counts[path] == 0:
            self.generation += 1
            try:
                self._furnish(kernel)
            except Exception:
                self._forget(path)
                raise
            self._kinds[path] = kernel
        self._counts[path] += 1

    @staticmethod
    def _furnish(kernel: KernelFile) -> None:
        """furnsh, all or nothing: a text kernel that fails half-way leaves the pool as it was."""
        if len(str(kernel.path)) > MAX_PATH:
            raise KernelError(
                f"{kernel.path}: the path is {len(str(kernel.path))} characters long; CSPICE "
                f"opens files by paths of at most {MAX_PATH}: move the file, or link it from "
                "a shorter path"
            )
        if kernel.arch != "TEXT":
            with spice_errors(f"cannot load kernel {kernel.path}"):
                spiceypy.furnsh(str(kernel.path))
            return
        try:
            with pool.unchanged_on_error():
                spiceypy.furnsh(str(kernel.path))
        except SpiceyError as exc:
            raise syntax_error(kernel.path, exc) from None

    def release(self, path: Path) -> None:
        if self._counts[path] <= 0:
            return
        self._counts[path] -= 1
        if self._counts[path] == 0:
            self._forget(path)

    def _forget(self, path: Path) -> None:
        """Unload ``path`` from CSPICE (harmless if it is not loaded) and drop its count."""
        self.generation += 1
        with spice_errors(f"cannot unload kernel {path}"):
            spiceypy.unload(str(path))
        self._counts.pop(path, None)
        self._kinds.pop(path, None)

    def loaded(self) -> dict[Path, int]:
        """Furnished files and how many kernel sets hold each."""
        return {p: n for p, n in self._counts.items() if n > 0}

    def files_of_kind(self, kind: str) -> list[Path]:
        return [p for p, k in self._kinds.items() if k.kind == kind and self._counts[p] > 0]


MAX_PATH = 255
"""The longest file path CSPICE opens (SPICE(FILENAMETOOLONG) beyond)."""

POOL = KernelPool()


def _looks_like_path(item: str) -> bool:
    return os.sep in item or "/" in item or Path(item).is_file()


def resolve(items: Iterable[str | os.PathLike]) -> list[KernelFile]:
    """The kernel files named by set names, manifest names, paths and meta-kernels, checked,
    in load order, without duplicates. Nothing is furnished."""
    out: list[KernelFile] = []
    seen: set[Path] = set()

    def add(kernel: KernelFile) -> None:
        if kernel.path not in seen:
            seen.add(kernel.path)
            out.append(kernel)

    def visit(item: str | os.PathLike, stack: tuple[str, ...]) -> None:
        if isinstance(item, os.PathLike) or _looks_like_path(str(item)):
            path = Path(item).expanduser().resolve()
            kernel = sniff(path)
            if kernel.kind == "MK":
                if str(path) in stack:
                    raise KernelError(
                        f"meta-kernel {path} loads itself ({' -> '.join([*stack, str(path)])})"
                    )
                meta = read_meta_kernel(path)
                if meta.variables:  # CSPICE loads them before the meta-kernel's files
                    add(sniff(_variables_kernel(meta)))
                for member in meta.files:  # a meta-kernel in it: paths from its own folder
                    visit(member, (*stack, str(path)))
            else:
                add(kernel)
            return
        name = str(item)
        sets = data.kernel_sets()
        if name in sets:
            if name in stack:
                raise KernelError(f"kernel set {name!r} includes itself ({' -> '.join(stack)})")
            for member in sets[name]["kernels"]:
                visit(member, stack + (name,))
            for member in sets[name].get("optional", []):  # only where already at hand
                if data.locate(member)[0] is not None:
                    visit(member, stack + (name,))
            return
        try:
            path = data.fetch(name)
        except UnknownDataName as exc:
            raise KernelNotFound(
                f"{name!r} is neither a kernel file, a kernel set ({', '.join(sets)}) nor a "
                f"known kernel name. {exc}"
            ) from None
        visit(Path(path), stack)

    for item in items:
        visit(item, ())
    return out


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value).upper()


_PRIVATE: dict[int, Path] = {}  # pid -> that process's own folder for kernels it writes


def _private_folder() -> Path:
    """A folder only this process writes (``mkdtemp``: mode 0700, unpredictable name), removed
    when the process ends (a forked child makes its own). Kernels that steer the computation
    are written here, not into the shared cache, where a planted file of the expected name
    would be trusted and a read-only cache would fail the load."""
    pid = os.getpid()
    if pid not in _PRIVATE:
        folder = Path(tempfile.mkdtemp(prefix="orbitviz-kernels-"))
        atexit.register(_remove_private, pid, folder)
        _PRIVATE[pid] = folder
    return _PRIVATE[pid]


def _remove_private(pid: int, folder: Path) -> None:
    if os.getpid() == pid:  # not a forked child's exit: the folder is its parent's
        shutil.rmtree(folder, ignore_errors=True)


def _variables_kernel(meta: MetaKernel) -> Path:
    """A text kernel holding a meta-kernel's own assignments (``BODY399_GM = ...``), written
    from what CSPICE read, into this process's private folder: orbitviz loads a meta-kernel's
    files itself (relative paths from the meta-kernel's folder, reference counted) and this
    file with them. The same assignments give the same file (one pool entry)."""
    lines = [
        "KPL/TEXT",
        "",
        f"The assignments of the meta-kernel {meta.path}, other than the files it loads",
        "(written by orbitviz; load the meta-kernel, not this file).",
        "",
        "\\begindata",
    ]
    for name, (kind, values) in meta.variables.items():
        if kind == "N":
            items = [_number(v) for v in values]
        else:
            items = ["'" + v.replace("'", "''") + "'" for v in values]
        lines += [f"{name} = (", *(f"    {item}" for item in items), ")"]
    lines += ["\\begintext", ""]
    text = "\n".join(lines)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    path = _private_folder() / f"{meta.path.stem}-{digest}.tk"
    if not path.is_file():
        atomic_write(path, text)
    return path


class KernelSet:
    """Kernels that are loaded together, as a context manager or with load()/unload().

    Items are kernel-set names (``"default"``, ``"philae"``), manifest names
    (``"naif0012.tls"``), or paths to kernels and meta-kernels (their relative paths are taken
    from the meta-kernel's folder). Everything is checked before anything is furnished, and
    unloading releases exactly what this set loaded: kernels another set also holds stay.

    >>> from orbitviz import data
    >>> from orbitviz.spice import states, to_et
    >>> with KernelSet("default", data.fetch("sb-101955-76.bsp")):   # Bennu's SPK
    ...     bennu = states("2101955", to_et("2020-10-20"), observer="EARTH")
    >>> bennu.shape
    (6,)
    """

    def __init__(self, *items: str | os.PathLike) -> None:
        if not items:
            items = ("default",)
        self.items = items
        self.files: list[KernelFile] = []
        self._held: list[Path] = []

    def load(self) -> KernelSet:
        if self._held:
            return self
        files = resolve(self.items)
        held: list[Path] = []
        try:
            for kernel in files:
                POOL.acquire(kernel)
                held.append(kernel.path)
        except Exception:
            for path in reversed(held):
                POOL.release(path)
            raise
        self.files, self._held = files, held
        return self

    def unload(self) -> None:
        for path in reversed(self._held):
            POOL.release(path)
        self._held = []

    @property
    def is_loaded(self) -> bool:
        return bool(self._held)

    def __enter__(self) -> KernelSet:
        return self.load()

    def __exit__(self, *exc: object) -> None:
        self.unload()

    def __repr__(self) -> str:
        state = "loaded" if self._held else "not loaded"
        return f"KernelSet({', '.join(map(repr, self.items))}) [{state}]"


def loaded_kernels() -> dict[Path, int]:
    """Files furnished through orbitviz and their reference counts."""
    return POOL.loaded()


def pool_generation() -> int:
    """A number that changes whenever a kernel is furnished or unloaded: what a cache of
    SPICE's answers (GM values, segments) keys on."""
    return POOL.generation


_TIME_SET: KernelSet | None = None


def ensure_time_kernels() -> None:
    """Make sure a leap-seconds kernel is loaded (our bundled one if the user loaded none)."""
    global _TIME_SET
    with spiceypy.no_found_check():
        found = spiceypy.dtpool("DELTET/DELTA_AT")[0]
    if not found:
        _TIME_SET = KernelSet("orbitviz_leapseconds.tls").load()
