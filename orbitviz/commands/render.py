"""``orbitviz render philae | flyby TARGET | transit FILE... | FILE -o OUT``: the command line
over render_video.

The scene words and their options are the viewer's (:mod:`orbitviz.recipes.arguments`): what
``orbitviz view`` shows, ``orbitviz render`` renders.
"""

from __future__ import annotations

import argparse
import sys

from ..cli_types import count, examples, number, size
from ..errors import RenderError
from ..recipes.arguments import add_scene_parsers, recipe_from_args
from ..recipes.options import CAMERA_OPTION
from ..render.limits import MAX_FPS, MIN_FPS

DEFAULT_DURATION_S = 20.0
_FACTOR = number(0, 1e6, low_open=True, unit="slowdown factor")


class _Slow(argparse.Action):
    """``--slow START STOP FACTOR``: FACTOR checked here (a finite number > 0)."""

    def __call__(self, parser, namespace, values, option_string=None):
        start, stop, factor = values
        try:
            value = _FACTOR(factor)
        except argparse.ArgumentTypeError as exc:
            parser.error(f"argument {option_string}: FACTOR {exc}")
        setattr(namespace, self.dest, (start, stop, value))


def _utc(et: float) -> str:
    from ..spice import et_to_utc

    return f"{et_to_utc(et, precision=0)} UTC"


def _ordered(option: str, a: str, b: str) -> tuple[float, float]:
    """ET of two UTC texts, refused (in the user's words) when STOP is not after START."""
    from ..spice import to_et

    start, stop = float(to_et(a)), float(to_et(b))
    if not stop > start:
        raise RenderError(
            f"{option} {a} {b}: STOP is not after START ({stop - start:+.3f} s); "
            "give the earlier time first"
        )
    return start, stop


def cmd_render(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .._vispy.canvas import check_overlays
    from ..render.video import check_target, output_kind, render_video
    from ..scene import TimeMap

    kind = output_kind(Path(args.output))  # a bad output name fails before any work
    check_target(Path(args.output), folder=kind == "png")
    overlays = tuple(o.strip() for o in args.overlay.split(",") if o.strip())
    check_overlays(overlays)
    scene = recipe_from_args(args).build()
    duration = DEFAULT_DURATION_S if args.duration is None else args.duration
    time_range = None
    if args.time_range:
        time_range = _ordered("--time-range", *args.time_range)
        scene.clock.require(*time_range, "--time-range", _utc)
    time_map = None
    if args.slow:
        a, b, factor = args.slow
        start, stop = time_range or (scene.clock.start_et, scene.clock.stop_et)
        phase = _slow_phase(a, b, start, stop)
        time_map = TimeMap.with_slow_phase(start, stop, duration, phase_et=phase, slowdown=factor)
    if args.title:
        scene.title = args.title
    result = render_video(
        scene,
        args.output,
        camera=args.camera,  # None: the scene's own video camera, else a turntable
        size=args.size,
        fps=args.fps,
        duration_s=None if args.frames else duration,
        frames=args.frames,
        time_range=None if time_map else time_range,
        time_map=time_map,
        overlays=overlays,
        quality=args.quality,
        progress=not args.quiet,
    )
    print(
        f"wrote {result.path}: {result.plan.n_frames} frames {result.plan.size[0]}x"
        f"{result.plan.size[1]} at {result.plan.fps:g} fps in {result.total_s:.1f} s "
        f"({result.backend})",
        file=sys.stderr,
    )
    return 0


def _slow_phase(a: str, b: str, start_et: float, stop_et: float) -> tuple[float, float]:
    """--slow's START and STOP as ET, checked: in order and inside the scene's time."""
    from ..spice import et_to_utc, to_et

    p0, p1 = float(to_et(a)), float(to_et(b))

    def utc(et: float) -> str:
        return str(et_to_utc(et, precision=0))

    if p1 <= p0:
        raise RenderError(
            f"--slow {a} {b}: START ({utc(p0)}) must be before STOP ({utc(p1)}); swap them"
        )
    if p0 < start_et or p1 > stop_et:
        raise RenderError(
            f"--slow {a} {b}: the slow phase {utc(p0)} .. {utc(p1)} is not inside the "
            f"scene's time {utc(start_et)} .. {utc(stop_et)}; choose times inside it"
        )
    return p0, p1


def _render_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", required=True, help="out.mp4, out.gif or a folder for PNGs")
    p.add_argument("--size", type=size, default=(1280, 720), help="WxH (default 1280x720)")
    p.add_argument(
        "--fps",
        type=number(MIN_FPS, MAX_FPS, unit="frames per second"),
        default=30.0,
        help=f"frames per second, in [{MIN_FPS:g}, {MAX_FPS:g}] (default 30)",
    )
    length = p.add_mutually_exclusive_group()
    length.add_argument(
        "--duration",
        type=number(0, 86400, low_open=True, unit="video seconds"),
        help="video seconds, in (0, 86400] (default 20)",
    )
    length.add_argument("--frames", type=count(1), help="number of frames (at least 1)")
    CAMERA_OPTION.add_to(p)
    p.add_argument("--time-range", nargs=2, metavar=("START", "STOP"), help="scene time, UTC")
    p.add_argument(
        "--slow",
        nargs=3,
        action=_Slow,
        metavar=("START", "STOP", "FACTOR"),
        help="slow the scene time between START and STOP (UTC) by FACTOR",
    )
    p.add_argument(
        "--overlay",
        default="time,distance,scale,credit,title",
        help="comma-separated: time, distance, scale, credit, title",
    )
    p.add_argument("--title", help="title overlay text")
    p.add_argument(
        "--quality",
        choices=["draft", "standard", "high"],
        default="standard",
        help="MP4 encoding (x264 CRF 28, 20, 16): draft (small), standard (default), high (large)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_render)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "render",
        help="render a scene to MP4, GIF or PNG frames, headless",
        description="Render Philae's landing, a flyby, a transit seen beside its light curve, "
        "or a shape model file to a video.",
        epilog=examples(
            'orbitviz render flyby "2021 WP" -o wp.gif --size 640x360 --duration 10',
            "orbitviz render 67p-spc.ply -o frames/ --frames 120",
        ),
    )
    add_scene_parsers(p, _render_options)
