"""Files, the two jobs every layer shares: write atomically, and hash.

Low level on purpose (standard library only), so that ``data``, ``shapes``, ``smallbodies``,
``screening``, ``reports`` and ``render`` all use the same two helpers.

Atomic writes
-------------
Output is written under a unique hidden name in the target's folder (so two writers of the same
final name never share a temporary, and the rename never crosses a file system), flushed and
fsync'ed, then moved into place with :func:`os.replace`. If anything fails the temporary is
removed and the final name is untouched: readers see the old file or the new one, never half.

- :func:`atomic_write` ``(path, data)``: bytes or text.
- :func:`atomic_open` ``(path, "w" | "wb")``: a context manager yielding an open stream.
- :func:`atomic_path` ``(path)``: a context manager yielding a temporary *path* for writers that
  want one (matplotlib ``savefig``, pandas ``to_parquet``, a video encoder, a folder of frames).
  The temporary keeps the final suffix, so writers that choose a format by suffix still can.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "a.txt", "hello").read_text()
'hello'
>>> with atomic_path(folder / "b.txt") as tmp:
...     _ = tmp.write_text("world")
>>> sorted(p.name for p in folder.iterdir())
['a.txt', 'b.txt']

Outputs are checked before the work that makes them (:func:`check_output`: suffix, folder
exists and takes new files). Temporaries left by a run that was killed (SIGKILL, a power cut)
are removed by the next write of the same final name once older than a day
(:data:`STALE_AFTER_S`), and only names of our own pattern (``.<stem>.<8 chars>.partial<suffix>``).
Inside :func:`removing_temporaries_on_signals` (the CLI's long writers: render, screen) SIGTERM
and SIGHUP end the process through the same cleanup as Ctrl-C.

Hashing
-------
:func:`sha256_file` reads in chunks and remembers each answer against the file's (resolved path,
size, mtime_ns, inode, ctime_ns), in this process and, when given ``memo_dir``, on disk for later
processes.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from orbitviz.errors import OrbitvizError, OutputError

__all__ = [
    "STALE_AFTER_S",
    "atomic_open",
    "atomic_path",
    "atomic_write",
    "check_input",
    "check_output",
    "removing_temporaries_on_signals",
    "sha256_file",
    "signals_deferred",
    "write_failure",
]

_CHUNK = 1 << 22  # 4 MiB reads


# --------------------------------------------------------------------------------------------
# atomic writes
# --------------------------------------------------------------------------------------------
STALE_AFTER_S = 86400.0
"""Temporaries of ours older than this (s) beside a target are from a crashed run: removed."""

_LIVE: set[Path] = set()  # temporaries of this process not yet committed or discarded


def _stale_pattern(final: Path) -> re.Pattern:
    """Names :func:`tempfile.mkstemp`/``mkdtemp`` give our temporaries of ``final``."""
    return re.compile(
        rf"\.{re.escape(final.stem)}\.[a-z0-9_]{{8}}\.partial{re.escape(final.suffix)}"
    )


def remove_stale_temporaries(final: str | os.PathLike, older_than_s: float = STALE_AFTER_S):
    """Remove our temporaries of ``final`` (files or folders) older than ``older_than_s`` from
    runs that died; returns the paths removed. Others' files are never touched."""
    final = Path(final)
    pattern, now, removed = _stale_pattern(final), time.time(), []
    with contextlib.suppress(OSError):
        for item in final.parent.iterdir():
            if not pattern.fullmatch(item.name) or item in _LIVE:
                continue
            with contextlib.suppress(OSError):
                if now - item.lstat().st_mtime > older_than_s:
                    _discard(item)
                    removed.append(item)
    return removed


def _temporary_in(final: Path, *, folder: bool) -> Path:
    """A new, unique, hidden sibling of ``final`` keeping its suffix (created: nobody else gets
    the same name)."""
    remove_stale_temporaries(final)
    prefix, suffix = f".{final.stem}.", f".partial{final.suffix}"
    if folder:
        made = Path(tempfile.mkdtemp(dir=final.parent, prefix=prefix, suffix=suffix))
        made.chmod(0o777 & ~_umask())
        return made
    handle, name = tempfile.mkstemp(dir=final.parent, prefix=prefix, suffix=suffix)
    try:  # mkstemp makes 0600; the final file gets the mode any new file would (umask)
        os.fchmod(handle, 0o666 & ~_umask())
    finally:
        os.close(handle)
    return Path(name)


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process's umask (reading it means setting it: done under a lock)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
NOT_WRITABLE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def write_failure(where: str | os.PathLike, exc: OSError) -> OutputError | None:
    """The one-line error for a write that failed because the disk is full or the place is
    not writable (None for any other OSError: a bug or an input problem, not this)."""
    if exc.errno in DISK_FULL:
        todo = "free some space or write elsewhere"
    elif exc.errno in NOT_WRITABLE:
        todo = "choose a writable place"
    else:
        return None
    reason = exc.strerror or os.strerror(exc.errno or 0)
    return OutputError(f"cannot write {where}: {reason}; {todo}", path=where, reason=reason)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(path: Path) -> None:
    """Make a rename (or the files of a folder) durable; not possible on every platform."""
    with contextlib.suppress(OSError):
        _fsync_file(path)


def _discard(temporary: Path) -> None:
    if temporary.is_dir():
        shutil.rmtree(temporary, ignore_errors=True)
    else:
        temporary.unlink(missing_ok=True)


def _commit(temporary: Path, final: Path) -> None:
    if temporary.is_dir():
        for item in temporary.iterdir():
            if item.is_file():
                _fsync_file(item)
        _fsync_folder(temporary)
        if final.is_dir():
            final.rmdir()  # only an empty folder is replaced (OSError otherwise)
    else:
        _fsync_file(temporary)
    os.replace(temporary, final)
    _fsync_folder(final.parent)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, folder: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without an error it is
    fsync'ed and renamed to ``path``, otherwise removed (the final name is never touched).

    The temporary file exists (empty) when yielded, so writers must be happy to overwrite it.
    With ``folder`` the temporary is an empty folder, and replaces ``path`` only if that is
    missing or an empty folder. The target's folder must exist.
    """
    final = Path(path)
    try:
        temporary = _temporary_in(final, folder=folder)
    except OSError as exc:
        failure = write_failure(final, exc)
        if failure is None:
            raise
        raise failure from exc
    _LIVE.add(temporary)
    try:
        yield temporary
        _commit(temporary, final)
    except OSError as exc:
        _discard(temporary)
        failure = write_failure(final, exc)
        ours = (
            exc.filename is None
            or Path(exc.filename) in (temporary, final)
            or (temporary in Path(exc.filename).parents)
        )
        if failure is None or not ours:  # not the write (an input it read, say): as it was
            raise
        raise failure from exc
    except BaseException:
        _discard(temporary)
        raise
    finally:
        _LIVE.discard(temporary)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the process was (so ``finally`` blocks and
    :func:`atomic_path` clean up as for Ctrl-C); ``signum`` says which."""

    def __init__(self, signum: int):
        super().__init__(f"terminated by {signal.Signals(signum).name}")
        self.signum = signum


@contextlib.contextmanager
def removing_temporaries_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Terminated`: the temporaries of
    :func:`atomic_path` are removed and the final names stay untouched. A second signal while
    cleaning up removes what is left at once and exits. Main thread only (elsewhere: no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {sig: signal.getsignal(sig) for sig in wanted}
    state = {"raised": False}

    def handler(signum, _frame):
        if state["raised"]:  # already unwinding: finish the job and go
            for temporary in list(_LIVE):
                _discard(temporary)
            os._exit(128 + signum)
        state["raised"] = True
        raise Terminated(signum)

    for sig in wanted:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP for the block and deliver them once it ends.

    For the few statements that start something the caller must be able to stop: a signal
    raised inside ``subprocess.Popen`` (or between it and the assignment of its result) loses
    the child, which then goes on and writes a file after the cleanup ran. Main thread only
    (elsewhere: no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {sig: signal.getsignal(sig) for sig in wanted}
    pending: list[int] = []
    for sig in wanted:
        signal.signal(sig, lambda signum, _frame: pending.append(signum))
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        for signum in dict.fromkeys(pending):
            signal.raise_signal(signum)  # the handler restored above runs now


def check_output(
    path: str | os.PathLike,
    *,
    what: str = "output",
    suffixes: tuple[str, ...] | None = None,
    create_folder: bool = False,
    folder: bool = False,
) -> Path:
    """Fail before any work when ``path`` cannot be written: a suffix not in ``suffixes``, a
    folder that does not exist (unless ``create_folder``: the writer will create it, so its
    nearest existing ancestor is checked instead and nothing is created here, since a run that
    fails later leaves no empty folder behind), is not a folder or takes no new files
    (read-only), or ``path`` itself a folder (unless ``folder``: an output that is a folder,
    e.g. of PNG frames). Raises OutputError; returns the path."""
    final = Path(path)

    def fail(reason: str, todo: str):
        raise OutputError(
            f"cannot write {what} {final}: {reason}; {todo}", path=final, reason=reason
        )

    if not str(path).strip():  # Path("") is ".": an empty --plot "" was silently no plot
        raise OutputError(
            f"cannot write {what}: the name is empty; give a file name", path=path, reason="empty"
        )

    if suffixes is not None and final.suffix.lower() not in suffixes:
        fail(
            f"unknown suffix {final.suffix or '(none)'!r}",
            f"use a name ending in {', '.join(suffixes)}",
        )
    parent = final.parent
    if create_folder:
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
    if not parent.exists():
        fail(f"the folder {parent} does not exist", f"create it first (mkdir -p {parent})")
    if not parent.is_dir():
        fail(f"{parent} is not a folder", "choose an output inside a folder")
    if final.is_dir() and not folder:
        fail("it is a folder", "give a file name")
    try:
        probe, name = tempfile.mkstemp(dir=parent, prefix=".orbitviz-probe.")
        os.close(probe)
        os.unlink(name)
    except OSError as exc:
        fail(
            f"the folder {parent} takes no new files ({exc.strerror})",
            "choose a writable folder",
        )
    return final


MAX_INPUT_BYTES = 2 * 1024**3
"""The largest file orbitviz reads (a light curve, a mesh, a catalog, a kernel is far less)."""


def check_input(
    path: str | os.PathLike,
    *,
    what: str = "file",
    error: type[OrbitvizError] = OrbitvizError,
    max_bytes: int = MAX_INPUT_BYTES,
    pipes: bool = False,
) -> os.stat_result | None:
    """Fail before reading ``path`` when reading it would never end or means nothing: a loop
    of symbolic links, a folder, a device (a link to ``/dev/zero`` hashed forever), a socket,
    a named pipe (unless ``pipes``: the caller reads it once, as a shell's ``<(cmd)``), or a
    file over ``max_bytes``. Returns its ``os.stat`` (None when it does not exist: the caller
    says so in its own words); raises ``error`` with one line otherwise."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise error(
                f"{what} {path}: a loop of symbolic links; point the link at a real file"
            ) from None
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    mode = info.st_mode
    if stat.S_ISFIFO(mode) and pipes:
        return info
    if not stat.S_ISREG(mode):
        kind = (
            "a folder"
            if stat.S_ISDIR(mode)
            else "a named pipe"
            if stat.S_ISFIFO(mode)
            else "a device or a socket"
        )
        raise error(f"{what} {path} is {kind}, not a regular file; give a file")
    if info.st_size > max_bytes:
        raise error(
            f"{what} {path}: {_human(info.st_size)} is more than orbitviz reads "
            f"({_human(max_bytes)} at most); is it the right file?"
        )
    return info


def _human(size: int) -> str:
    """1536 -> '1.5 KiB'."""
    value, unit = float(size), "bytes"
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            break
        value /= 1024
    return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"


@contextlib.contextmanager
def spooled(path: str | os.PathLike, *, max_bytes: int = MAX_INPUT_BYTES) -> Iterator[Path]:
    """``path`` itself when it is a regular file; a named pipe (a shell's ``<(cmd)``) read
    once into a private temporary file (at most ``max_bytes``), removed after the block, for
    readers that open a file more than once."""
    if not stat.S_ISFIFO(os.stat(path).st_mode):
        yield Path(path)
        return
    folder = Path(tempfile.mkdtemp(prefix="orbitviz-pipe-"))
    copy = folder / (Path(path).name + ".copy" + Path(path).suffix)
    try:
        with open(path, "rb") as source, open(copy, "wb") as sink:
            while chunk := source.read(_CHUNK):
                if sink.tell() + len(chunk) > max_bytes:
                    raise OSError(errno.EFBIG, f"more than {_human(max_bytes)} from a pipe")
                sink.write(chunk)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike, mode: str = "wb", *, encoding: str | None = None
) -> Iterator[IO]:
    """Yield a stream (``mode`` ``"wb"`` or ``"w"``) onto a temporary beside ``path``; it is
    flushed, fsync'ed and renamed to ``path`` when the block ends without an error."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes a new file: mode 'w' or 'wb', not {mode!r}")
    if mode == "w" and encoding is None:
        encoding = "utf-8"
    with atomic_path(path) as temporary, open(temporary, mode, encoding=encoding) as stream:
        yield stream
        stream.flush()


def atomic_write(path: str | os.PathLike, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, or text in ``encoding``) to ``path`` atomically; returns the path."""
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    with atomic_open(path, "wb") as stream:
        stream.write(payload)
    return Path(path)


# --------------------------------------------------------------------------------------------
# hashing
# --------------------------------------------------------------------------------------------
_memo: dict[tuple[str, int, int, int, int], str] = {}


def _sha256_of_contents(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_file(path: str | os.PathLike, *, memo_dir: str | os.PathLike | None = None) -> str:
    """Hex sha256 of a file's contents, read in 4 MiB chunks.

    The answer is remembered against the file's (resolved path, size, mtime_ns, inode,
    ctime_ns; like git's index): in this process always, and in ``memo_dir`` (one small file
    per path, written atomically) when given, so that a later process need not read an
    unchanged file again. Any write changes ctime (which no tool can set back), so an edited
    file is hashed again. A memo folder that cannot be read or written only costs time. Only
    regular files (OSError EINVAL otherwise).
    """
    source = Path(path).resolve()
    info = source.stat()
    if not stat.S_ISREG(info.st_mode):  # a link to /dev/zero or a pipe would never end
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    # ctime too: a file rewritten in place with its size and mtime restored still differs
    key = (str(source), info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)
    if key in _memo:
        return _memo[key]
    stamp = f"{info.st_size} {info.st_mtime_ns} {info.st_ino} {info.st_ctime_ns}"
    memo = None
    if memo_dir is not None:
        memo = Path(memo_dir) / hashlib.sha256(str(source).encode()).hexdigest()
        with contextlib.suppress(OSError, ValueError):
            known_stamp, digest = memo.read_text().rsplit(" ", 1)
            if known_stamp == stamp and len(digest) == 64:
                _memo[key] = digest
                return digest
    digest = _sha256_of_contents(source)
    _memo[key] = digest
    if memo is not None:
        with contextlib.suppress(OSError):
            memo.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(memo, f"{stamp} {digest}")
    return digest
