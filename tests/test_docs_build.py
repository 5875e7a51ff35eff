"""The docs site builds with one command, offline, warnings as errors, and every example of
``examples/`` runs in that build (sphinx-gallery). What the examples printed and drew is
checked here, from the built gallery: each example runs once per test run."""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import HAVE_MIRROR
from render_support import gl_backend  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SITE = DOCS / "_build" / "html"
GALLERY = DOCS / "gallery"
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.py"))

pytestmark = [
    pytest.mark.gl,
    pytest.mark.skipif(not HAVE_MIRROR, reason="needs ORBITVIZ_DATA_MIRROR"),
]

BUILD = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "docs", str(SITE)]
"""The command ``docs/contributing.md`` gives, as the tests run it."""


@pytest.fixture(scope="module")
def site(gl_backend):  # noqa: F811
    """The site, built afresh (every example run, every page written)."""
    env = {**os.environ, "MPLBACKEND": "Agg", "ORBITVIZ_DOCS_GALLERY": "full"}
    for old in (GALLERY, SITE):  # sphinx-gallery skips examples it ran before: run them all
        shutil.rmtree(old, ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run(
        BUILD, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    seconds = time.perf_counter() - start
    assert done.returncode == 0, f"the docs build failed ({seconds:.0f} s):\n{done.stderr}"
    return SITE


def _gallery_text(name: str) -> str:
    return (GALLERY / f"{name}.rst").read_text()


def _pictures(name: str) -> list[Path]:
    return sorted((GALLERY / "images").glob(f"sphx_glr_{name}_[0-9][0-9][0-9].png"))


def _is_a_picture(path: Path) -> bool:
    """Not blank: several colours, and something drawn over more than a sliver of it."""
    from PIL import Image

    rgb = np.asarray(Image.open(path).convert("RGB")).astype(float)
    background = np.median(rgb.reshape(-1, 3), axis=0)
    drawn = (np.abs(rgb - background).sum(axis=2) > 30).mean()
    return rgb.std() > 5 and drawn > 0.01


def test_every_page_is_built(site):
    pages = ["index", "getting-started", "explanation/methods", "api/index", "cli/index"]
    pages += [f"tutorials/{p.stem}" for p in (DOCS / "tutorials").glob("*.md")]
    pages += [f"gallery/{name}" for name in EXAMPLES]
    missing = [p for p in pages if not (site / f"{p}.html").is_file()]
    assert not missing, missing
    remote = re.compile(r"<(?:script|img|link|iframe)\b[^>]*\b(?:src|href)=\"(?:https?:)?//", re.I)
    fetching = [
        str(p.relative_to(site)) for p in site.rglob("*.html") if remote.search(p.read_text())
    ]
    assert not fetching, f"pages that load something from the network: {fetching}"


def test_a_page_per_command_says_what_its_help_says(site):
    """One source of truth: the parser. Every command has its page, and every option of
    every command is on it with its help."""
    from orbitviz.cli import build_parser

    def walk(parser):
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from walk(sub)

    for name, command in _subcommands(build_parser()):
        page = (site / "cli" / "commands" / f"{name}.html").read_text()
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())
        for parser in walk(command):
            assert parser.prog in text
            for action in parser._actions:
                if isinstance(action, argparse._HelpAction):
                    continue
                for option in action.option_strings:
                    assert option in text, f"{parser.prog}: {option} is not on its page"
                if action.help and action.help != argparse.SUPPRESS and "%" not in action.help:
                    assert " ".join(action.help.split()) in text, (parser.prog, action.help)
        if command.epilog:
            assert "Examples" in page


def _subcommands(parser):
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices.items()


def test_the_api_reference_holds_the_public_names(site):
    import orbitviz

    page = (site / "api" / "index.html").read_text()
    ids = set(re.findall(r'id="([\w.]+)"', page))
    missing = [n for n in orbitviz.__all__ if not any(i.rsplit(".", 1)[-1] == n for i in ids)]
    assert not missing, missing


def test_flyby_example(site):
    text = _gallery_text("flyby_2021wp")
    assert "SOI radius" in text and "heliocentric orbit    before      after" in text
    assert "2021 WP passes Earth at 155,843.8 km" in text
    assert re.search(r"patched conics minus N-body: closest approach -4\.7\d h", text)
    plot, frame = _pictures("flyby_2021wp")  # the report's plot, the 3D frame
    assert _is_a_picture(plot) and _is_a_picture(frame)


def test_kepler90_example(site):
    text = _gallery_text("kepler90_transits")
    assert "KIC 11442793: " in text
    assert "Kepler-90 d" in text and "periods the data allow" in text
    assert "not found: Kepler-90 b" in text
    plot, frame = _pictures("kepler90_transits")
    assert plot.stat().st_size > 50_000
    assert _is_a_picture(plot) and _is_a_picture(frame)


def test_philae_example(site):
    text = _gallery_text("philae_bounces")
    for utc in ("15:34:03", "16:20:00", "17:25:26", "17:31:17"):
        assert f"2014-11-12T{utc}" in text
    plot, frame = _pictures("philae_bounces")
    assert _is_a_picture(plot) and _is_a_picture(frame)


def test_philae_video_example(site):
    text = _gallery_text("philae_video")
    assert "philae_bounces.mp4" in text
    scene, frame = _pictures("philae_video")  # the scene's 3D frame, the video's middle one
    assert _is_a_picture(scene) and _is_a_picture(frame)
    videos = list((GALLERY / "images").glob("sphx_glr_philae_video_*.mp4"))
    assert videos and videos[0].stat().st_size > 10_000


def test_screening_example(site):
    text = _gallery_text("screen_neos")
    assert "99942" in text and "wrote approaches_2029.png" in text
    plot, frame = _pictures("screen_neos")
    assert _is_a_picture(plot) and _is_a_picture(frame)
