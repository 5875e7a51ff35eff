"""``orbitviz view philae | flyby TARGET | transit FILE... | FILE [--screenshot PNG --time UTC
--size WxH]``: the desktop viewer, or one frame of it (the scene words are
:mod:`orbitviz.recipes.arguments`')."""

from __future__ import annotations

import argparse

from .._files import check_output
from .._status import Status
from ..cli_types import examples, size
from ..recipes.arguments import add_scene_parsers, recipe_from_args
from ..recipes.options import CAMERA_OPTION


def cmd_view(args: argparse.Namespace) -> int:
    from .._qt.app import run_viewer, screenshot

    if args.screenshot is not None:  # a name we cannot write fails before the scene is built
        check_output(args.screenshot, what="the screenshot", suffixes=(".png",))
    recipe = recipe_from_args(args)
    if args.screenshot is not None:
        with Status(f"rendering {recipe.title}") as status:
            path = screenshot(
                recipe,
                args.screenshot,
                time=args.time,
                size=args.size or (1280, 800),
                camera=args.camera,
                progress=status,
            )
        print(f"screenshot written to {path}")
        return 0
    return run_viewer(recipe, time=args.time, size=args.size, camera=args.camera)


def _view_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--screenshot",
        metavar="PNG",
        help="render one frame to this image and exit (no window interaction)",
    )
    parser.add_argument("--time", metavar="UTC", help="scene time to show (default: the start)")
    parser.add_argument(
        "--size",
        type=size,
        metavar="WxH",
        help="size of the 3D view in pixels (screenshots default to 1280x800)",
    )
    CAMERA_OPTION.add_to(parser)
    parser.set_defaults(func=cmd_view)


def add_parser(sub) -> None:
    view = sub.add_parser(
        "view",
        help="the desktop viewer (or --screenshot one frame)",
        description="Open the 3D viewer on Philae's landing, a flyby, a planetary system beside "
        "its light curve (transit), or a shape model file (OBJ, PLY, DSK).",
        epilog=examples(
            "orbitviz view philae",
            'orbitviz view flyby "2021 WP"',
            "orbitviz view philae --screenshot out.png --time 2014-11-12T16:30 --size 1600x900",
        ),
    )
    add_scene_parsers(view, _view_options)
