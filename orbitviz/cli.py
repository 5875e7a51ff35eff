"""The ``orbitviz`` command line: thin over the library.

    orbitviz flyby TARGET [--method ... --format ... --plot PNG]
    orbitviz view philae | flyby TARGET | FILE [--screenshot PNG --time UTC --size WxH]
    orbitviz render philae | flyby TARGET | FILE -o OUT [--camera ... --size WxH ...]
    orbitviz screen --start UTC --stop UTC [--threshold 0.05au ...]
    orbitviz validate cad CAD.json --catalog ELEMENTS.csv [--max-dist 0.05au --sample N ...]
    orbitviz shape info FILE | lander philae
    orbitviz kernels list | fetch NAME... | verify | info FILE
    orbitviz time UTC|ET

``view`` and ``render`` take the same scene words and options (:mod:`orbitviz.recipes`), and
``flyby`` the same flyby options.

A user error prints one line (``orbitviz: error: ...``) and exits 2; ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Sequence

from ._files import Terminated, check_output, removing_temporaries_on_signals
from ._text import table as _table
from .cli_types import Parser, size
from .errors import OrbitvizError
from .recipes.arguments import add_scene_parsers, recipe_from_args
from .recipes.options import CAMERA_OPTION, FLYBY_OPTIONS, add_options, values

Handler = Callable[[argparse.Namespace], int]


def _human_size(n: int | None) -> str:
    if n is None:
        return "-"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


# --- kernels ----------------------------------------------------------------------------------


def cmd_kernels_list(args: argparse.Namespace) -> int:
    from . import data

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
    from . import data

    for name in args.names:
        path = data.fetch(name, progress=True)
        print(f"{name}: {path}")
    return 0


def cmd_kernels_verify(args: argparse.Namespace) -> int:
    from . import data

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
    from .spice import et_to_utc

    return f"{et_to_utc(a, precision=0)}  to  {et_to_utc(b, precision=0)}"


def cmd_kernels_info(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import data
    from .spice.inspect import kernel_info

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


# --- time -------------------------------------------------------------------------------------


def cmd_time(args: argparse.Namespace) -> int:
    import math

    from .errors import TimeFormatError
    from .spice import et_to_tdb, et_to_utc, to_et

    text = " ".join(args.time)
    try:
        number = float(text)
    except ValueError:
        et = float(to_et(text))
    else:
        if not math.isfinite(number):  # nan, inf, and 1e400 (which float() reads as inf)
            raise TimeFormatError(
                f"time {text!r} is not a finite number of ET seconds; give a UTC time "
                "(2021-12-01T00:00) or a finite ET"
            )
        et = number
    print(f"UTC  {et_to_utc(et, precision=6)}")
    print(f"TDB  {et_to_tdb(et, precision=6)}")
    print(f"ET   {et:.6f}  (TDB seconds past J2000)")
    print(f"JD   {et_to_utc(et, fmt='J', precision=8)} (UTC)")
    return 0


# --- flyby ------------------------------------------------------------------------------------


def cmd_flyby(args: argparse.Namespace) -> int:
    from .analysis import flyby

    if args.plot:  # before the analysis, not after the report printed
        check_output(args.plot, what="the plot", suffixes=(".png",))
    if args.bplane:
        check_output(args.bplane, what="the b-plane picture", suffixes=(".png",))
    report = flyby(**values(args, FLYBY_OPTIONS))
    text = {
        "table": report.to_table,
        "json": report.to_json,
        "csv": report.to_csv,
        "markdown": report.to_markdown,
    }[args.format]()
    print(text.rstrip("\n"))
    if args.plot:
        path = report.plot(args.plot)
        print(f"plot written to {path}", file=sys.stderr)
    if args.bplane:
        path = report.plot_bplane(args.bplane)
        print(f"b-plane picture written to {path}", file=sys.stderr)
    return 0


# --- validate -----------------------------------------------------------------------------------


def cmd_validate_cad(args: argparse.Namespace) -> int:
    from .screening.params import parse_threshold
    from .units import AU_KM
    from .validate import validate_cad

    if args.plot:  # before the comparison, not after it
        check_output(args.plot, what="the plot", suffixes=(".png",))
    max_dist_au = None if args.max_dist is None else parse_threshold(args.max_dist)[0] / AU_KM
    result = validate_cad(
        args.cad,
        args.catalog,
        args.body.upper(),
        max_dist_au=max_dist_au,
        sample=args.sample,
        seed=args.seed,
        method=args.method,
        progress=not args.no_progress,
    )
    print(result.to_json() if args.format == "json" else result.to_table())
    if args.plot:
        print(f"plot written to {result.plot(args.plot)}", file=sys.stderr)
    return 0


def add_validate_parser(sub) -> None:
    validate = sub.add_parser("validate", help="compare orbitviz's answers with JPL's")
    vsub = validate.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = vsub.add_parser(
        "cad",
        help="close approaches recomputed from the same orbit solutions as a saved CAD answer",
        description="Recompute the close approaches of a saved JPL close-approach (CAD API) "
        "answer from the same orbit solutions (an SBDB query CSV), and print how far orbitviz's "
        "distances and times are from JPL's and which rows could not be compared.",
    )
    p.add_argument("cad", metavar="CAD_ANSWER.json", help="a saved answer of JPL's CAD API")
    p.add_argument(
        "--catalog",
        required=True,
        metavar="ELEMENTS.csv",
        help="SBDB query CSV (or another catalog) holding the same orbit solutions",
    )
    p.add_argument("--body", default="EARTH", help="the body approached (default EARTH)")
    p.add_argument(
        "--max-dist", default=None, help="only approaches closer than this (0.05au, 1ld, 20000km)"
    )
    p.add_argument("--sample", type=int, default=None, help="a random sample of N rows")
    p.add_argument("--seed", type=int, default=0, help="seed of --sample (default 0)")
    p.add_argument(
        "--method",
        choices=["nbody", "two-body"],
        default="nbody",
        help="orbitviz's propagation (default nbody; two-body for comparison)",
    )
    p.add_argument("--plot", metavar="PNG", help="histograms of |d dist|/dist and |dt|")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=cmd_validate_cad)


# --- shapes and landers ------------------------------------------------------------------------


def _shape_format(path) -> str:
    with open(path, "rb") as stream:
        head = stream.read(64)
    if head.startswith(b"ply"):
        return "PLY " + head.split(b"\n")[1].split()[1].decode(errors="replace")
    return "SPICE DSK" if head.startswith(b"DAS/DSK") else "Wavefront OBJ"


def cmd_shape_info(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import data
    from .shapes import load_mesh

    path = Path(args.file)
    if not path.exists() and args.file in data.manifest():
        path = data.fetch(args.file)
    mesh = load_mesh(path)
    ext = mesh.extent_km
    rows = [
        ("file", str(path)),
        ("format", _shape_format(path)),
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


def cmd_lander(args: argparse.Namespace) -> int:
    import json

    from .shapes.lander import philae_path

    if args.plot:
        check_output(args.plot, what="the plot", suffixes=(".png",))
    path = philae_path(args.shape)
    if args.format == "json":
        print(json.dumps(path.to_dict(), indent=2))
        if args.plot:
            from .reports.lander import plot_lander

            print(f"plot written to {plot_lander(path, args.plot)}", file=sys.stderr)
        return 0
    print(f"{path.lander} on {path.body} (frame {path.frame}, shape {args.shape})\n")
    rows = [
        [
            t.utc,
            t.kind,
            f"{t.lat_deg:+.2f}",
            f"{t.lon_deg:.2f}",
            f"{t.altitude_m:+.1f}",
            "-" if t.delta_v_ms is None else f"{t.delta_v_ms * 100:.1f}",
        ]
        for t in path.touchdowns
    ]
    print(
        _table(
            rows,
            [
                "touchdown (UTC)",
                "kind",
                "lat (deg)",
                "lon (deg)",
                "altitude residual (m)",
                "delta-v (cm/s)",
            ],
        )
    )
    print()
    rows = [
        [
            h.start_utc,
            h.end_utc,
            f"{h.duration_s / 60:.1f}",
            f"{h.apex_m:.1f}",
            f"{h.ground_distance_m:.1f}",
        ]
        for h in path.hops
    ]
    print(
        _table(
            rows, ["hop start (UTC)", "hop end (UTC)", "minutes", "apex (m)", "ground distance (m)"]
        )
    )
    for warning in path.warnings:
        print(f"\nwarning: {warning}")
    if args.plot:
        from .reports.lander import plot_lander

        print(f"plot written to {plot_lander(path, args.plot)}", file=sys.stderr)
    return 0


# --- view ---------------------------------------------------------------------------------------


def cmd_view(args: argparse.Namespace) -> int:
    from ._qt.app import run_viewer, screenshot

    if args.screenshot:  # a name we cannot write fails before the scene is built
        check_output(args.screenshot, what="the screenshot", suffixes=(".png",))
    recipe = recipe_from_args(args)
    if args.screenshot:
        path = screenshot(
            recipe,
            args.screenshot,
            time_utc=args.time,
            size=args.size or (1280, 800),
            camera=args.camera,
        )
        print(f"screenshot written to {path}")
        return 0
    return run_viewer(recipe, time_utc=args.time, size=args.size, camera=args.camera)


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


def add_view_parser(sub) -> None:
    view = sub.add_parser(
        "view",
        help="the desktop viewer (or --screenshot one frame)",
        description="Open the 3D viewer on Philae's landing, a flyby, or a shape model file "
        "(OBJ, PLY, DSK).",
    )
    add_scene_parsers(view, _view_options)


# --- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="orbitviz",
        description="SPICE-driven flyby reports, shape models, lander paths, viewer and videos.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    kernels = sub.add_parser("kernels", help="list, fetch, verify and inspect SPICE kernels")
    ksub = kernels.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = ksub.add_parser("list", help="known kernels and data files, and where they are")
    p.add_argument("--kind", help="only this kind (spk, pck, fk, lsk, shape, catalog, ...)")
    p.set_defaults(func=cmd_kernels_list)
    p = ksub.add_parser("fetch", help="download (or take from the mirror) and verify files")
    p.add_argument("names", nargs="+", metavar="NAME")
    p.set_defaults(func=cmd_kernels_fetch)
    p = ksub.add_parser("verify", help="check the sha256 of every cached or mirrored file")
    p.set_defaults(func=cmd_kernels_verify)
    p = ksub.add_parser("info", help="what a kernel holds: bodies, frames, coverage in UTC")
    p.add_argument("file", metavar="FILE", help="a kernel file or a known kernel name")
    p.set_defaults(func=cmd_kernels_info)

    p = sub.add_parser(
        "flyby",
        help="SOI entry/exit, closest approach and orbit change of a small body passing a planet",
    )
    add_options(p, FLYBY_OPTIONS)
    p.add_argument("--format", choices=["table", "json", "csv", "markdown"], default="table")
    p.add_argument("--plot", metavar="PNG", help="write distance vs time to this PNG")
    p.add_argument(
        "--bplane",
        metavar="PNG",
        help="write the b-plane (body, capture disc, 1/2/3-sigma ellipses, clones) to this PNG",
    )
    p.set_defaults(func=cmd_flyby)

    shape = sub.add_parser("shape", help="shape models: information")
    ssub = shape.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = ssub.add_parser("info", help="format, size, area, volume, watertightness of a shape")
    p.add_argument("file", metavar="FILE", help="an OBJ, PLY or DSK file, or a known shape name")
    p.set_defaults(func=cmd_shape_info)

    p = sub.add_parser("lander", help="a lander's touchdowns and hops on its shape model")
    p.add_argument("lander", choices=["philae"])
    p.add_argument(
        "--shape",
        default="67p-spc.ply",
        help="shape name or file (default 67p-spc.ply, the OSIRIS SPC model)",
    )
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--plot", metavar="PNG", help="write altitude vs time with the contacts")
    p.set_defaults(func=cmd_lander)

    from .exoplanets.cli import add_parser as add_transit_parser
    from .render.cli import add_parser as add_render_parser
    from .screening.cli import add_parser as add_screen_parser

    add_view_parser(sub)
    add_render_parser(sub)
    add_screen_parser(sub)
    add_validate_parser(sub)
    add_transit_parser(sub)

    p = sub.add_parser("time", help="convert UTC <-> ET (TDB seconds past J2000)")
    p.add_argument("time", nargs="+", metavar="UTC|ET")
    p.set_defaults(func=cmd_time)
    return parser


def _quiet_stdout() -> None:
    """After a broken pipe (``orbitviz ... | head -1``): send what is left of stdout nowhere,
    so that the interpreter's final flush does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a descriptor (a test's capture)
        pass


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings at the command line: one line each, like the errors (no file:line noise)."""
    print(f"orbitviz: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        # SIGTERM/SIGHUP unwind like Ctrl-C: half-written outputs are removed. Not for the
        # window: Qt's event loop runs no Python signal handler until some Python code runs,
        # so `view` would ignore SIGTERM; its default (end the process) is right there.
        signals = (
            contextlib.nullcontext()
            if args.command == "view"
            else removing_temporaries_on_signals()
        )
        with signals, warnings.catch_warnings():
            warnings.showwarning = _one_line_warning
            return args.func(args)
    except OrbitvizError as exc:
        if args.debug:
            raise
        print(f"orbitviz: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (| head): nothing left to say
        _quiet_stdout()
        return 141  # 128 + SIGPIPE, as a shell reports a process killed by it
    except Terminated as exc:
        # objects the signal caught half-built (a VisPy transform, say) complain from their
        # __del__ as the process ends: that noise is not for the user, who asked it to stop
        sys.unraisablehook = lambda unraisable: None
        print(f"orbitviz: {exc}; partial outputs removed", file=sys.stderr)
        return 128 + exc.signum
    except KeyboardInterrupt:
        print("orbitviz: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
