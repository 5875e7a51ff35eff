"""``orbitviz shape info FILE``: format, size, area, volume and watertightness of a shape."""

from __future__ import annotations

import argparse

from .._files import check_input, spooled
from ..cli_types import examples
from ..errors import ShapeFormatError


def add_parser(sub) -> None:
    shape = sub.add_parser(
        "shape",
        help="shape models: information",
        description="Shape models (OBJ, PLY, SPICE DSK): what a file holds.",
        epilog=examples("orbitviz shape info 67p-spc.ply"),
    )
    ssub = shape.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = ssub.add_parser(
        "info",
        help="format, size, area, volume, watertightness of a shape",
        description="Read a shape model and print its format, vertex and face counts, area, "
        "volume, equivalent radius, extent and whether it is watertight.",
    )
    p.add_argument("file", metavar="FILE", help="an OBJ, PLY or DSK file, or a known shape name")
    p.set_defaults(func=cmd_shape_info)


def _shape_format(path) -> str:
    with open(path, "rb") as stream:
        head = stream.read(4096)
    if head.startswith(b"ply"):
        for line in head.splitlines()[1:]:  # comments may come before the format line
            words = line.split()
            if words[:1] == [b"format"] and len(words) > 1:
                return "PLY " + words[1].decode(errors="replace")
        return "PLY"
    return "SPICE DSK" if head.startswith(b"DAS/DSK") else "Wavefront OBJ"


def cmd_shape_info(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .. import data
    from ..shapes import load_mesh

    path = Path(args.file)
    if not path.exists() and args.file in data.manifest():
        path = data.fetch(args.file)
    check_input(path, what="shape file", error=ShapeFormatError, pipes=True)
    with spooled(path) as readable:  # a shell's <(cmd) is read once
        mesh = load_mesh(readable, use_cache=readable == path)
        kind = _shape_format(readable)
    ext = mesh.extent_km
    rows = [
        ("file", str(path)),
        ("format", kind),
        ("vertices", f"{len(mesh.vertices):,}"),
        ("faces", f"{len(mesh.faces):,}"),
        ("area", f"{mesh.area_km2:.4f} km^2"),
        ("volume", f"{mesh.volume_km3:.4f} km^3"),
        ("equivalent radius", f"{mesh.equivalent_radius_km:.4f} km"),
        ("extent", f"{ext[0]:.3f} x {ext[1]:.3f} x {ext[2]:.3f} km"),
        ("watertight", "yes" if mesh.is_watertight else "no"),
    ]
    width = max(len(k) for k, _ in rows)
    print("\n".join(f"{k.ljust(width)}  {v}" for k, v in rows))
    return 0
