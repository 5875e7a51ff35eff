"""``orbitviz kernels list | fetch NAME... | verify | info FILE``: the data files and kernels
orbitviz knows, where they are, and what a kernel holds."""

from __future__ import annotations

import argparse

from .._text import table as _table
from ..cli_types import examples
from ..data.manifest import KINDS as DATA_KINDS
from ..errors import OrbitvizError


def add_parser(sub) -> None:
    kernels = sub.add_parser(
        "kernels",
        help="list, fetch, verify and inspect SPICE kernels",
        description="The data files orbitviz knows by name (kernels, shape models, catalogs): "
        "where each one is (bundled, package, mirror, cache), fetching and verifying them by "
        "their sha256, and what a kernel holds.",
        epilog=examples(
            "orbitviz kernels list --kind spk",
            "orbitviz kernels fetch ROS_V38.TF",
            "orbitviz kernels verify",
            "orbitviz kernels info LORB_C_G_FIXED_RBD_7_V2_0.BSP",
        ),
    )
    ksub = kernels.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = ksub.add_parser(
        "list",
        help="known kernels and data files, and where they are",
        description="Every file of the manifests: name, kind, where it is (bundled, package, "
        "mirror, cache or missing), size and credit; then the mirror and the cache folders.",
    )
    p.add_argument("--kind", choices=DATA_KINDS, help="only this kind of file")
    p.set_defaults(func=cmd_kernels_list)
    p = ksub.add_parser(
        "fetch",
        help="download (or take from the mirror) and verify files",
        description="Download each named file into the cache (or take it from "
        "ORBITVIZ_DATA_MIRROR) and check its sha256; a file that fails never lands in the cache.",
    )
    p.add_argument("names", nargs="+", metavar="NAME", help="names from `orbitviz kernels list`")
    p.set_defaults(func=cmd_kernels_fetch)
    p = ksub.add_parser(
        "verify",
        help="check the sha256 of every cached or mirrored file",
        description="Check the sha256 of every cached or mirrored file against its manifest; "
        "exit status 1 when a file is bad.",
    )
    p.set_defaults(func=cmd_kernels_verify)
    p = ksub.add_parser(
        "info",
        help="what a kernel holds: bodies, frames, coverage in UTC",
        description="What a kernel holds, like NAIF's brief: its kind, and its bodies or "
        "frames with their coverage in UTC.",
    )
    p.add_argument("file", metavar="FILE", help="a kernel file or a known kernel name")
    p.set_defaults(func=cmd_kernels_info)


def _human_size(n: int | None) -> str:
    if n is None:
        return "-"
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


def cmd_kernels_list(args: argparse.Namespace) -> int:
    from .. import data

    rows = []
    for name, item in sorted(data.manifest().items(), key=lambda kv: (kv[1].kind, kv[0].lower())):
        if args.kind and item.kind != args.kind:
            continue
        path, origin = data.locate(name)
        size = path.stat().st_size if path is not None else item.size
        credit = item.credit if len(item.credit) <= 60 else item.credit[:57] + "..."
        rows.append([name, item.kind, origin, _human_size(size), credit])
    print(_table(rows, ["name", "kind", "where", "size", "credit"]))
    mirror = data.mirror_dir()
    print(
        f"\nmirror: {mirror if mirror else '(ORBITVIZ_DATA_MIRROR not set)'}"
        f"   cache: {data.cache_dir()}"
    )
    return 0


def cmd_kernels_fetch(args: argparse.Namespace) -> int:
    from .. import data

    for name in args.names:
        path = data.fetch(name, progress=True)
        print(f"{name}: {path}")
    return 0


def cmd_kernels_verify(args: argparse.Namespace) -> int:
    from .. import data

    bad = checked = 0
    for name, item in sorted(data.manifest().items()):
        path, origin = data.locate(name)
        if path is None:
            continue
        checked += 1
        try:
            data.verify(item, path)
            print(f"OK   {name}  ({origin}: {path})")
        except OrbitvizError as exc:
            bad += 1
            print(f"BAD  {name}: {exc}")
    print(f"\n{checked} file(s) checked, {checked - bad} OK, {bad} bad")
    return 1 if bad else 0


def _utc_span(a: float, b: float) -> str:
    from ..spice import et_to_utc

    return f"{et_to_utc(a, precision=0)}  to  {et_to_utc(b, precision=0)}"


def cmd_kernels_info(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .. import data
    from ..spice.inspect import kernel_info

    target = args.file
    if not Path(target).exists() and target in data.manifest():
        target = data.fetch(target)
    info = kernel_info(target)
    print(f"{info.path}")
    print(f"kind: {info.kind} ({info.arch})")
    for item in info.items:
        spans = item.pop("intervals_et", None)
        desc = ", ".join(f"{k} {v}" for k, v in item.items())
        print(f"  {desc}")
        for a, b in spans or []:
            print(f"      {_utc_span(a, b)} UTC")
    if info.note:
        print(f"note: {info.note}")
    return 0
