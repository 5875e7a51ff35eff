"""Recognising kernel files before CSPICE sees them, and reading meta-kernels.

CSPICE's own messages for an HTML page saved as ``.bsp`` or for a truncated SPK are cryptic
(or come much later, at the first query). We look at the bytes first and say what is wrong.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

from spiceypy.utils.exceptions import SpiceyError

from .._files import check_input
from ..errors import KernelNotFound, KernelSyntaxError, NotAKernel
from . import pool
from .errors import describe

_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<\?xml|<body)", re.IGNORECASE)


@dataclass(frozen=True)
class KernelFile:
    """What a kernel file is: ``arch`` (DAF, DAS or TEXT) and ``kind`` (SPK, CK, PCK, DSK,
    LSK, FK, SCLK, IK, MK or TEXT when a text kernel has no KPL/ header)."""

    path: Path
    arch: str
    kind: str


def sniff(path: str | Path) -> KernelFile:
    """Identify a kernel file, raising :class:`NotAKernel` for anything else.

    Checks a binary kernel's file record against its size, so a truncated download is caught
    before it is furnished.
    """
    path = Path(path)
    if check_input(path, what="kernel file", error=NotAKernel) is None:
        raise KernelNotFound(f"{path}: no such kernel file")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if size == 0:
        raise NotAKernel(f"{path}: the file is empty, not a SPICE kernel; fetch it again")
    if _HTML.match(head):
        raise NotAKernel(
            f"{path}: this is an HTML page, not a SPICE kernel (a download that hit a login or "
            "error page?). Delete it and fetch the kernel again, e.g. `orbitviz kernels fetch NAME`."
        )
    if head.startswith((b"DAF/", b"NAIF/DAF")):
        return _check_daf(path, head, size)
    if head.startswith((b"DAS/", b"NAIF/DAS")):
        kind = head[4:8].decode("ascii", "replace").strip() or "DAS"
        if size < 1024 or size % 1024:
            raise NotAKernel(
                f"{path}: a DAS file ({kind}) of {size} bytes is truncated (DAS files are whole "
                "1024-byte records); fetch it again"
            )
        return _check_das(path, head, size, kind)
    if head.startswith((b"DAFETF", b"DASETF")):
        raise NotAKernel(
            f"{path}: a SPICE transfer-format file; convert it with NAIF's tobin utility first"
        )
    text = _text_head(path, head)
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    match = re.match(r"KPL/(\w+)", first)
    full = path.read_text(errors="replace")
    if match or "\\begindata" in full:
        _check_data_lines(path, full)
        # any text kernel that assigns KERNELS_TO_LOAD loads files as a meta-kernel does (a
        # KPL/FK too): orbitviz resolves them from its folder, never the working directory
        if "KERNELS_TO_LOAD" in _data_text(full):
            return KernelFile(path, "TEXT", "MK")
    if match:
        kind = {
            "PCK": "PCK",
            "FK": "FK",
            "IK": "IK",
            "LSK": "LSK",
            "SCLK": "SCLK",
            "MK": "MK",
            "SPK": "SPK",
        }.get(match.group(1).upper(), match.group(1).upper())
        return KernelFile(path, "TEXT", kind)
    if "\\begindata" in full:
        return KernelFile(path, "TEXT", "TEXT")
    raise NotAKernel(
        f"{path}: not a SPICE kernel (no DAF/DAS header, no KPL/ line and no \\begindata block)"
    )


MAX_DATA_LINE = 132
"""CSPICE reads the first 132 characters of a text kernel's data line and drops the rest."""
MAX_STRING = 80
"""CSPICE keeps the first 80 characters of a string value and drops the rest."""
_QUOTED = re.compile(r"'((?:[^']|'')*)'")


def _data_lines(text: str):
    """(line number, line) of the lines inside ``\\begindata`` blocks."""
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        marker = line.strip()
        if marker == "\\begindata":
            inside = True
        elif marker == "\\begintext":
            inside = False
        elif inside:
            yield number, line


def _data_text(text: str) -> str:
    return "\n".join(line for _, line in _data_lines(text))


def _check_data_lines(path: Path, text: str) -> None:
    """Refuse what CSPICE would read cut short without a word (a 1,000-character line gave
    ``BODY399_GM = 1.11e116``; an 85-character file name was 'missing', truncated)."""
    for number, line in _data_lines(text):
        if len(line.rstrip()) > MAX_DATA_LINE:
            raise KernelSyntaxError(
                path,
                number,
                f"line {number} is {len(line.rstrip())} characters long; CSPICE reads only the "
                f"first {MAX_DATA_LINE} of a data line and would drop the rest without a word: "
                "spread the values over several lines",
            )
        for quoted in _QUOTED.finditer(line):
            value = quoted.group(1).replace("''", "'")
            if len(value) > MAX_STRING:
                raise KernelSyntaxError(
                    path,
                    number,
                    f"line {number} has a string of {len(value)} characters; CSPICE keeps "
                    f"only {MAX_STRING}: continue it over several strings, each but the last "
                    "ending in '+' ( '/a/long/pa+' 'th/to/file.bsp' )",
                )


def _text_head(path: Path, head: bytes) -> str:
    if b"\x00" in head:
        raise NotAKernel(f"{path}: binary data that is not a SPICE kernel (no DAF/DAS header)")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return head.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes everything
            raise NotAKernel(f"{path}: not a text kernel") from None


_DAS_RECORD = 1024


class _DamagedDAS(Exception):
    """A DAS directory CSPICE would abort on (``SPICE(BADSUBSCRIPT)`` in ``dasa2l`` kills the
    process: no exception reaches Python)."""


def _das_records_needed(path: Path, head: bytes, size: int) -> int | None:
    """How many 1024-byte records a DAS file's directory says it holds (None: unreadable).

    Raises :class:`_DamagedDAS` for a directory record CSPICE cannot walk (it aborts the
    process on some: a zeroed directory, a type code out of range, addresses past the records
    that hold them): a cluster type other than character, double or integer, no clusters at
    all in the first record, or an address range that runs backwards or does not fit."""
    fmt = head[84:92]
    endian = "<" if fmt == b"LTL-IEEE" else ">" if fmt == b"BIG-IEEE" else None
    if endian is None:
        return None
    n_reserved, _, n_comment, _ = struct.unpack(endian + "4i", head[68:84])
    record, needed, seen = n_reserved + n_comment + 2, 0, set()
    with open(path, "rb") as fh:
        while record:
            if record < 2 or record in seen or record * _DAS_RECORD > size:
                return max(needed, record)  # a directory record past the end: truncated
            seen.add(record)
            fh.seek((record - 1) * _DAS_RECORD)
            words = struct.unpack(endian + "256i", fh.read(_DAS_RECORD))
            clusters, kind, records_of = 0, words[8], [0, 0, 0, 0]
            for count in words[9:]:
                if count == 0:
                    break
                if clusters:  # the sign says whether the type steps forwards or back
                    kind = (kind - 1 + (1 if count > 0 else -1)) % 3 + 1
                if kind not in (1, 2, 3):
                    raise _DamagedDAS(
                        f"directory record {record} gives data type {kind} (1, 2 or 3 expected)"
                    )
                records_of[kind] += abs(count)
                clusters += abs(count)
            if not seen - {record} and clusters == 0:
                raise _DamagedDAS(f"its first directory record {record} lists no data (zeroed?)")
            for kind, name, per_record in (
                (1, "character", 1024),
                (2, "double", 128),
                (3, "integer", 256),
            ):
                low, high = words[2 * kind], words[2 * kind + 1]
                if (low or high) and not (
                    1 <= low <= high <= low - 1 + records_of[kind] * per_record
                ):
                    raise _DamagedDAS(
                        f"directory record {record} puts {name} addresses {low}..{high} in "
                        f"{records_of[kind]} records"
                    )
            needed = max(needed, record + clusters)
            record = words[1]  # the next directory record (0: none)
    return needed


def _check_das(path: Path, head: bytes, size: int, kind: str) -> KernelFile:
    """A DAS file whose directory records say it is longer than it is, refused as truncated;
    one whose directory CSPICE would abort on (killing the process), refused as damaged."""
    try:
        needed = _das_records_needed(path, head, size)
    except _DamagedDAS as exc:
        raise NotAKernel(
            f"{path}: damaged {kind} file: {exc}. CSPICE cannot read it; delete it and fetch "
            "it again."
        ) from None
    if needed is not None and needed * _DAS_RECORD > size:
        raise NotAKernel(
            f"{path}: truncated {kind} file: {size} bytes, but its directory says the data runs "
            f"to byte {needed * _DAS_RECORD}. The download was cut short (or the file is "
            "damaged); delete it and fetch it again."
        )
    return KernelFile(path, "DAS", kind)


def _check_daf(path: Path, head: bytes, size: int) -> KernelFile:
    kind = head[4:8].decode("ascii", "replace").strip() if head.startswith(b"DAF/") else "SPK"
    if len(head) < 96:
        raise NotAKernel(f"{path}: a DAF file of only {size} bytes is truncated; fetch it again")
    fmt = head[88:96]
    endian = "<" if fmt == b"LTL-IEEE" else ">" if fmt == b"BIG-IEEE" else None
    if endian is None:
        raise NotAKernel(f"{path}: DAF header has an unknown binary format {fmt!r}")
    fward, bward, free = struct.unpack(endian + "3i", head[76:88])
    needed = max((free - 1) * 8, bward * 1024)
    if fward < 2 or free < 1 or size < needed:
        raise NotAKernel(
            f"{path}: truncated {kind} file: {size} bytes, but its header says the data runs to "
            f"byte {needed}. The download was cut short; delete it and fetch it again."
        )
    kind = {"SPK": "SPK", "CK": "CK", "PCK": "PCK"}.get(kind, kind)
    return KernelFile(path, "DAF", kind)


# --- meta-kernels --------------------------------------------------------------------------

# the variables CSPICE's furnsh reads from a meta-kernel (and then deletes from the pool)
META_VARIABLES = ("KERNELS_TO_LOAD", "PATH_SYMBOLS", "PATH_VALUES")


@dataclass(frozen=True)
class MetaKernel:
    """A meta-kernel as CSPICE reads it: the ``files`` it loads (absolute, in order) and the
    other ``variables`` it assigns (``BODY399_GM`` ...: name -> (type "N" or "C", values))."""

    path: Path
    files: tuple[Path, ...]
    variables: dict[str, tuple[str, tuple]]


def _join_continued(values: tuple | list) -> list[str]:
    """Join strings continued with a trailing '+', as CSPICE's furnsh (stpool) does."""
    out, buf = [], ""
    for value in values:
        if value.endswith("+"):
            buf += value[:-1]
        else:
            out.append(buf + value)
            buf = ""
    if buf:
        out.append(buf)
    return out


def _strings(path: Path, variables: dict, name: str) -> list[str]:
    kind, values = variables.get(name, ("C", ()))
    if kind != "C":
        raise KernelSyntaxError(path, None, f"{name} must hold quoted strings ('...'), not numbers")
    return _join_continued(values)


def read_text_kernel(path: str | Path) -> dict[str, tuple[str, tuple]]:
    """Every assignment of a text kernel, parsed by CSPICE itself (the pool is left as it was).
    A syntax error raises :class:`KernelSyntaxError` with the file and the line."""
    path = Path(path)
    try:
        return pool.read_text_kernel(path)
    except SpiceyError as exc:
        raise syntax_error(path, exc) from None


def syntax_error(path: Path, exc: SpiceyError) -> KernelSyntaxError:
    """Our error for CSPICE's complaint about the text kernel ``path``."""
    detail = describe(exc)
    line = re.search(r"\bline (\d+)\b", detail)
    if '"' in detail:
        detail += (
            "; SPICE text kernels quote strings with single quotes ('like this'), "
            "double quotes are not allowed"
        )
    return KernelSyntaxError(path, int(line.group(1)) if line else None, detail)


def read_meta_kernel(path: str | Path) -> MetaKernel:
    """A meta-kernel's files (PATH_SYMBOLS expanded; relative paths resolved against the
    meta-kernel's own folder, not the working directory) and its other assignments. Raises
    :class:`KernelSyntaxError` for what CSPICE cannot parse and :class:`KernelNotFound` naming
    the meta-kernel and every missing file."""
    path = Path(path)
    variables = read_text_kernel(path)
    symbols = _strings(path, variables, "PATH_SYMBOLS")
    paths = _strings(path, variables, "PATH_VALUES")
    if len(symbols) != len(paths):
        raise KernelSyntaxError(
            path,
            None,
            f"PATH_SYMBOLS has {len(symbols)} entries but PATH_VALUES has {len(paths)}; "
            "give one value per symbol",
        )
    # longest symbol first, so $KERNELS_DIR is not replaced as $KERNELS
    table = sorted(zip(symbols, paths), key=lambda sv: -len(sv[0]))
    files: list[Path] = []
    missing: list[Path] = []
    for raw in _strings(path, variables, "KERNELS_TO_LOAD"):
        name = raw
        for sym, value in table:
            name = name.replace("$" + sym, value)
        candidate = Path(name).expanduser()
        if not candidate.is_absolute():
            candidate = (path.parent / candidate).resolve()
        (files if candidate.is_file() else missing).append(candidate)
    if missing:
        listed = ", ".join(str(m) for m in missing)
        raise KernelNotFound(
            f"meta-kernel {path} names {len(missing)} missing file(s): {listed}. "
            "Relative paths are taken from the meta-kernel's folder; fix KERNELS_TO_LOAD or "
            "PATH_VALUES, or fetch the files."
        )
    others = {k: v for k, v in variables.items() if k not in META_VARIABLES}
    return MetaKernel(path, tuple(files), others)


def meta_kernel_files(path: str | Path) -> list[Path]:
    """The files a meta-kernel loads (see :func:`read_meta_kernel`)."""
    return list(read_meta_kernel(path).files)


def text_kernel_variables(path: str | Path) -> dict[str, tuple[str, tuple]]:
    """The variables a text kernel assigns, as CSPICE reads them (see :func:`read_text_kernel`)."""
    return read_text_kernel(path)
