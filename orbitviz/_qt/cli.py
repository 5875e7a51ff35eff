"""``orbitviz view``: the desktop viewer from the command line.

    orbitviz view philae [--shape 67p-4k.obj]
    orbitviz view flyby "2021 WP" [--body EARTH --start UTC --stop UTC --method patched ...]
    orbitviz view FILE                      # any OBJ, PLY or DSK shape model
    ... --screenshot out.png [--time UTC] [--size WxH]   # one frame, no interaction, exit 0

Register with ``add_parser(subparsers)``; Qt is imported only when the command runs.
"""

from __future__ import annotations

import argparse

from orbitviz.errors import OrbitvizError


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"size {text!r}: write WIDTHxHEIGHT, e.g. 1280x800"
        ) from None
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise argparse.ArgumentTypeError(f"size {text!r}: each side must be 16..8192 pixels")
    return w, h


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--screenshot",
        metavar="PNG",
        help="render one frame to this image and exit (no window interaction)",
    )
    parser.add_argument("--time", metavar="UTC", help="scene time to show (default: the start)")
    parser.add_argument(
        "--size",
        type=parse_size,
        metavar="WxH",
        help="size of the 3D view in pixels (screenshots default to 1280x800)",
    )
    parser.set_defaults(func=cmd_view)


class _SceneOrFile(argparse._SubParsersAction):
    """The scene subcommands, where any other word is a FILE (``orbitviz view eros.obj``)."""

    class _AnyWord(dict):
        def __contains__(self, key) -> bool:  # argparse checks choices before calling us
            return True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = self._AnyWord()  # the real names stay in self._name_parser_map

    def __call__(self, parser, namespace, values, option_string=None):
        if values[0] not in self._name_parser_map:
            values = ["file", *values]
        super().__call__(parser, namespace, values, option_string)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``view`` (with ``philae``, ``flyby TARGET`` and ``FILE``) to ``subparsers``."""
    view = subparsers.add_parser(
        "view",
        help="the desktop viewer (or --screenshot one frame)",
        description="Open the 3D viewer on Philae's landing, a flyby, "
        "or a shape model file (OBJ, PLY, DSK).",
    )
    sub = view.add_subparsers(
        dest="scene", required=True, metavar="{philae,flyby,FILE}", action=_SceneOrFile
    )
    p = sub.add_parser("philae", help="Philae's bounces on 67P, lit by the Sun")
    p.add_argument(
        "--shape",
        default="67p-spc.ply",
        help="67P shape name or file (default 67p-spc.ply; 67p-4k.obj is lighter)",
    )
    _common(p)
    p = sub.add_parser("flyby", help="a small body passing a planet (as orbitviz flyby)")
    p.add_argument("target", help='small body: "2021 WP", "Apophis", ...')
    p.add_argument("--body", default="EARTH", help="body passed (default Earth)")
    p.add_argument("--start", help="search window start, UTC")
    p.add_argument("--stop", help="search window stop, UTC")
    p.add_argument("--method", choices=["conic", "patched", "nbody"], default="patched")
    p.add_argument("--sbdb-file", help="a saved JPL SBDB API answer (JSON) with the elements")
    p.add_argument("--catalog", help="a catalog file (NEODyS sqlite, CSV, Parquet) to look in")
    p.add_argument("--online", action="store_true", help="ask JPL SBDB live (cached)")
    p.add_argument(
        "--kernels",
        nargs="*",
        default=[],
        metavar="KERNEL",
        help="extra kernels or meta-kernels to load",
    )
    _common(p)
    p = sub.add_parser(
        "file",
        help="a shape model file: OBJ, PLY or DSK (the word 'file' is "
        "optional: orbitviz view eros.obj)",
    )
    p.add_argument("file", help="an OBJ, PLY or DSK file, or a known shape name (67p-4k.obj)")
    _common(p)
    return view


def recipe_from_args(args: argparse.Namespace):
    from .scene_recipes import file_kind, flyby_recipe, philae_recipe, shape_recipe

    if args.scene == "philae":
        return philae_recipe(args.shape)
    if args.scene == "flyby":
        return flyby_recipe(
            args.target,
            args.body,
            args.start,
            args.stop,
            method=args.method,
            sbdb_file=args.sbdb_file,
            catalog=args.catalog,
            online=args.online,
            kernels=tuple(args.kernels),
        )
    if file_kind(args.file) != "shape":
        raise OrbitvizError(
            f"orbitviz view {args.file}: a kernel is not a scene by itself; "
            "open it from the window (File > Open) over a scene, e.g. "
            "orbitviz view philae"
        )
    return shape_recipe(args.file)


def cmd_view(args: argparse.Namespace) -> int:
    recipe = recipe_from_args(args)
    if args.screenshot:
        from .app import screenshot

        path = screenshot(
            recipe, args.screenshot, time_utc=args.time, size=args.size or (1280, 800)
        )
        print(f"screenshot written to {path}")
        return 0
    from .app import run_viewer

    return run_viewer(recipe, time_utc=args.time, size=args.size)
