"""One scene path: every front end builds its scene through orbitviz.recipes, with options
declared once (the same names, defaults and choices in ``orbitviz flyby``, ``view`` and
``render``)."""

from __future__ import annotations

import argparse

import pytest

from orbitviz import data
from orbitviz.cli import build_parser
from orbitviz.errors import OrbitvizError
from orbitviz.recipes import RECIPES, recipe
from orbitviz.recipes.arguments import recipe_from_args
from orbitviz.recipes.options import FLYBY_OPTIONS, values

FLYBY_WORDS = [
    "2021 WP",
    "--body",
    "MARS",
    "--start",
    "2021-11-01",
    "--stop",
    "2021-12-01",
    "--method",
    "nbody",
    "--sbdb-file",
    "wp.json",
    "--catalog",
    "my.csv",
    "--online",
    "--round-to-sigma",
    "--kernels",
    "a.bsp",
    "b.tm",
]


def _flags(parser: argparse.ArgumentParser) -> dict[str, tuple]:
    """Every option of a parser: flag -> (default, choices, nargs)."""
    return {
        action.option_strings[0] if action.option_strings else action.dest: (
            action.default,
            tuple(action.choices or ()),
            action.nargs,
        )
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
    }


def _subparser(parser: argparse.ArgumentParser, *words: str) -> argparse.ArgumentParser:
    for word in words:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action._name_parser_map[word]
    return parser


def test_the_three_commands_read_flyby_options_alike():
    parser = build_parser()
    report = values(parser.parse_args(["flyby", *FLYBY_WORDS]), FLYBY_OPTIONS)
    view = recipe_from_args(parser.parse_args(["view", "flyby", *FLYBY_WORDS])).options
    render = recipe_from_args(
        parser.parse_args(["render", "flyby", *FLYBY_WORDS, "-o", "wp.gif"])
    ).options
    assert report == view == render
    assert report["kernels"] == ("a.bsp", "b.tm") and report["method"] == "nbody"
    assert report["catalog"] == "my.csv" and report["online"] and report["round_to_sigma"]


def test_flyby_flags_defaults_and_choices_are_the_same_everywhere():
    parser = build_parser()
    report = _flags(_subparser(parser, "flyby"))
    view = _flags(_subparser(parser, "view", "flyby"))
    render = _flags(_subparser(parser, "render", "flyby"))
    shared = {o.flag for o in FLYBY_OPTIONS}
    assert shared <= report.keys() and shared <= view.keys() and shared <= render.keys()
    for flag in shared:
        assert report[flag] == view[flag] == render[flag], flag
    assert report["--method"][1] == ("conic", "patched", "nbody")


def test_view_and_render_know_the_same_scene_words():
    parser = build_parser()
    for scene in ("philae", "file"):
        view = _flags(_subparser(parser, "view", scene))
        render = _flags(_subparser(parser, "render", scene))
        recipe_flags = {o.flag for o in RECIPES["shape" if scene == "file" else scene].options}
        assert recipe_flags <= view.keys() and recipe_flags <= render.keys()
        assert {f: view[f] for f in recipe_flags} == {f: render[f] for f in recipe_flags}
    args = parser.parse_args(["render", "eros.obj", "-o", "eros.mp4"])
    assert recipe_from_args(args).options == {"file": "eros.obj"}


def test_one_size_parser_with_one_set_of_limits(capsys):
    parser = build_parser()
    for words in (["view", "philae"], ["render", "philae", "-o", "x.gif"]):
        assert parser.parse_args([*words, "--size", "640x360"]).size == (640, 360)
        for bad in ("8x8", "9000x100", "640by360"):
            with pytest.raises(SystemExit):
                parser.parse_args([*words, "--size", bad])
    assert "--size" in capsys.readouterr().err


def test_recipe_options_are_checked_by_name():
    with pytest.raises(OrbitvizError, match=r"has no option 'methd'.*method"):
        recipe("flyby", target="2021 WP", methd="nbody")
    with pytest.raises(OrbitvizError, match=r"needs 'target'"):
        recipe("flyby")
    spec = recipe("flyby", target="Apophis", kernels=["x.bsp"])
    assert spec.title == "Apophis past Earth" and spec.options["kernels"] == ("x.bsp",)
    assert spec.options["method"] == "nbody" and spec.options["body"] == "EARTH"


def test_a_kernel_is_not_a_scene_on_either_command(capsys):
    from orbitviz.cli import main

    for words in (["view", "de421.bsp"], ["render", "de421.bsp", "-o", "x.gif"]):
        assert main(words) == 2
        err = capsys.readouterr().err
        assert err.startswith("orbitviz: error: de421.bsp: a kernel is not a scene")


def test_flyby_scene_credits_every_ephemeris_it_sampled(mirror):
    """Credits come from the manifest entries of the SPKs loaded for the scene (DE421, and
    an extra SPK the user named), not from a hard-coded line."""
    from orbitviz.recipes import build_scene

    scene = build_scene("flyby", target="2021 WP", kernels=("46PWirtanen.bsp",))
    ephemeris = [c for c in scene.credits if c.startswith("Ephemeris: ")]
    assert data.entry("ceres_1900_2100.bsp").credit == data.entry("vesta_1900_2100.bsp").credit
    assert ephemeris == [  # once each; the two files that share a credit are named after it
        f"Ephemeris: {data.entry('de421.bsp').credit}",
        f"Ephemeris: {data.entry('ceres_1900_2100.bsp').credit} "
        "(ceres_1900_2100.bsp, vesta_1900_2100.bsp)",
        f"Ephemeris: {data.entry('46PWirtanen.bsp').credit}",
    ]
    assert scene.spice.kernels == ("default", "46PWirtanen.bsp")
