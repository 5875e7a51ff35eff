"""What is inside a kernel file (like NAIF's brief, ckbrief and commnt), as plain data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import spiceypy

from .bodies import body_name
from .errors import spice_errors
from .files import meta_kernel_files, sniff, text_kernel_variables
from .kernels import KernelSet


@dataclass
class KernelInfo:
    """A kernel's kind and contents: ``items`` are bodies, frames or files, each a dict."""

    path: Path
    arch: str
    kind: str
    items: list[dict] = field(default_factory=list)
    note: str = ""


def _segments(path: Path, nd: int, ni: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(doubles, integers) of every DAF segment summary."""
    out = []
    with spice_errors(f"cannot read segments of {path}"):
        handle = spiceypy.dafopr(str(path))
        try:
            spiceypy.dafbfs(handle)
            while spiceypy.daffna():
                summary = spiceypy.dafgs()
                dc, ic = spiceypy.dafus(summary, nd, ni)
                out.append((np.asarray(dc), np.asarray(ic)))
        finally:
            spiceypy.dafcls(handle)
    return out


def _frame_name(code: int) -> str:
    name = spiceypy.frmnam(int(code))
    return name or str(code)


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def kernel_info(path: str | Path) -> KernelInfo:
    """Describe a kernel: SPK bodies (centre, frame, coverage ET intervals), CK ids, binary PCK
    frames, DSK surfaces, text-kernel bodies/frames/variables, or a meta-kernel's files."""
    kernel = sniff(path)
    info = KernelInfo(kernel.path, kernel.arch, kernel.kind)
    if kernel.kind == "MK":
        info.items = [{"file": str(p)} for p in meta_kernel_files(kernel.path)]
        return info
    if kernel.arch == "TEXT":
        variables = list(text_kernel_variables(kernel.path))
        bodies = sorted({int(m.group(1)) for v in variables if (m := re.match(r"BODY(-?\d+)_", v))})
        frames = sorted(
            {
                v[len("FRAME_") :]
                for v in variables
                if v.startswith("FRAME_") and not re.match(r"FRAME_-?\d+_", v)
            }
        )
        info.items = ([{"frame": f} for f in frames] + [{"body": b} for b in bodies]) or [
            {"variable": v} for v in variables
        ]
        return info
    with KernelSet(kernel.path):
        if kernel.kind == "SPK":
            spans: dict[tuple[int, int, int], list[tuple[float, float]]] = {}
            for dc, ic in _segments(kernel.path, 2, 6):
                spans.setdefault((int(ic[0]), int(ic[1]), int(ic[2])), []).append((dc[0], dc[1]))
            for (body, center, frame), iv in spans.items():
                info.items.append(
                    {
                        "body": body,
                        "name": body_name(body),
                        "center": body_name(center),
                        "frame": _frame_name(frame),
                        "intervals_et": _merge(iv),
                    }
                )
        elif kernel.kind == "PCK":
            by_frame: dict[tuple[int, int], list[tuple[float, float]]] = {}
            for dc, ic in _segments(kernel.path, 2, 5):
                by_frame.setdefault((int(ic[0]), int(ic[1])), []).append((dc[0], dc[1]))
            for (frame, base), iv in by_frame.items():
                info.items.append(
                    {
                        "frame": frame,
                        "name": _frame_name(frame),
                        "relative_to": _frame_name(base),
                        "intervals_et": _merge(iv),
                    }
                )
        elif kernel.kind == "CK":
            with spice_errors(f"cannot read {kernel.path}"):
                ids = spiceypy.ckobj(str(kernel.path))
            for i in range(spiceypy.card(ids)):
                info.items.append({"ck_id": int(ids[i])})
            info.note = "CK coverage needs the spacecraft clock kernel (SCLK); times not shown"
        elif kernel.kind == "DSK":
            info.items = _dsk_items(kernel.path)
    return info


def _dsk_items(path: Path) -> list[dict]:
    items = []
    with spice_errors(f"cannot read DSK {path}"):
        handle = spiceypy.dasopr(str(path))
        try:
            with spiceypy.no_found_check():
                dladsc, found = spiceypy.dlabfs(handle)
            while found:
                dskdsc = spiceypy.dskgd(handle, dladsc)
                nv, np_ = spiceypy.dskz02(handle, dladsc)
                items.append(
                    {
                        "body": int(dskdsc.center),
                        "name": body_name(int(dskdsc.center)),
                        "surface": int(dskdsc.surfce),
                        "frame": _frame_name(int(dskdsc.frmcde)),
                        "data_type": int(dskdsc.dtype),
                        "vertices": int(nv),
                        "plates": int(np_),
                        "intervals_et": [(dskdsc.start, dskdsc.stop)],
                    }
                )
                with spiceypy.no_found_check():
                    dladsc, found = spiceypy.dlafns(handle, dladsc)
        finally:
            spiceypy.dascls(handle)
    return items
