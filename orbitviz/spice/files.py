"""Recognising kernel files before CSPICE sees them, and reading meta-kernels.

CSPICE's own messages for an HTML page saved as ``.bsp`` or for a truncated SPK are cryptic
(or come much later, at the first query). We look at the bytes first and say what is wrong.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

from ..errors import KernelNotFound, NotAKernel

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
    if not path.is_file():
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
        return KernelFile(path, "DAS", kind)
    if head.startswith((b"DAFETF", b"DASETF")):
        raise NotAKernel(
            f"{path}: a SPICE transfer-format file; convert it with NAIF's tobin utility first"
        )
    text = _text_head(path, head)
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    match = re.match(r"KPL/(\w+)", first)
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
    full = path.read_text(errors="replace")
    if "\\begindata" in full:
        return KernelFile(path, "TEXT", "MK" if "KERNELS_TO_LOAD" in full else "TEXT")
    raise NotAKernel(
        f"{path}: not a SPICE kernel (no DAF/DAS header, no KPL/ line and no \\begindata block)"
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

_ASSIGN = re.compile(r"([A-Za-z_][^\s=()']*)\s*(\+?=)\s*", re.S)
_STRING = re.compile(r"'((?:[^']|'')*)'")


def _data_blocks(text: str) -> str:
    parts = re.split(r"(\\begindata|\\begintext)", text)
    out, active = [], False
    for part in parts:
        if part == "\\begindata":
            active = True
        elif part == "\\begintext":
            active = False
        elif active:
            out.append(part)
    return "\n".join(out)


def _assignments(text: str) -> dict[str, list[str]]:
    data = _data_blocks(text)
    found: dict[str, list[str]] = {}
    pos = 0
    while (m := _ASSIGN.search(data, pos)) is not None:
        name, op = m.group(1), m.group(2)
        rest = data[m.end() :]
        if rest.startswith("("):
            end = _closing_paren(rest)
            body = rest[1:end]
            pos = m.end() + end + 1
        else:
            token = re.match(r"'(?:[^']|'')*'|\S+", rest)
            body = token.group(0) if token else ""
            pos = m.end() + (token.end() if token else 0)
        values = [s.replace("''", "'") for s in _STRING.findall(body)]
        found[name] = (found.get(name, []) + values) if op == "+=" else values
    return found


def _closing_paren(text: str) -> int:
    in_str = False
    for i, ch in enumerate(text):
        if ch == "'":
            in_str = not in_str
        elif ch == ")" and not in_str:
            return i
    return len(text)


def _join_continued(values: list[str]) -> list[str]:
    """Join strings continued with a trailing '+', as CSPICE does for long paths."""
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


def meta_kernel_files(path: str | Path) -> list[Path]:
    """The files a meta-kernel names, with PATH_SYMBOLS expanded and relative paths resolved
    against the meta-kernel's own folder. Raises :class:`KernelNotFound` naming the meta-kernel
    and every missing file."""
    path = Path(path)
    values = _assignments(path.read_text(errors="replace"))
    symbols = _join_continued(values.get("PATH_SYMBOLS", []))
    paths = _join_continued(values.get("PATH_VALUES", []))
    if len(symbols) != len(paths):
        raise NotAKernel(
            f"{path}: PATH_SYMBOLS has {len(symbols)} entries but PATH_VALUES has {len(paths)}"
        )
    # longest symbol first, so $KERNELS_DIR is not replaced as $KERNELS
    table = sorted(zip(symbols, paths), key=lambda sv: -len(sv[0]))
    files, missing = [], []
    for raw in _join_continued(values.get("KERNELS_TO_LOAD", [])):
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
    return files


def text_kernel_variables(path: str | Path) -> dict[str, list[str]]:
    """Names assigned in a text kernel's data blocks (values only for strings)."""
    return _assignments(Path(path).read_text(errors="replace"))
