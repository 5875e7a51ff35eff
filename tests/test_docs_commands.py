"""Every command and Python block of README.md and of the docs' pages runs here.

How a page's blocks are read (which run, which compare their output, how a block says why it
does not run) is ``docs/_ext/doc_blocks.py``'s, and ``docs/contributing.md`` says it for
writers. A command that appears on several pages runs once. Commands run in-process
(``orbitviz.cli.main``) in a folder that holds the data mirror's files under their plain names,
as a reader's folder would; ``ADJUST`` lists the few changed to keep the suite short, each with
its reason. A renamed report key, a changed option, a time range outside the data or a changed
number fails here.
"""

from __future__ import annotations

import doctest
import glob
import os
import shlex
import sys
from pathlib import Path

import pytest
from conftest import HAVE_MIRROR
from render_support import gl_backend  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from doc_blocks import Block, blocks, commands, documents  # noqa: E402

pytestmark = pytest.mark.skipif(not HAVE_MIRROR, reason="needs ORBITVIZ_DATA_MIRROR")

NOT_RUN_HERE = {
    "pip": "installing is what CI does before it runs the tests",
    "python -m pytest": "the test command itself",
}
"""Command lines the tests never run (their first words -> why)."""

SMALL = "160x90"


def _small_video(argv: list[str]) -> list[str]:
    """A video or frames folder at 160x90, three frames: the scene, its options and time
    ranges are checked as written, the encoder runs, the rendering stays short (a full video
    is tests/test_render_video.py's)."""
    out = _drop(argv, "--size", 1)
    out = _drop(out, "--duration", 1)
    out = _drop(out, "--frames", 1)
    return [*out, "--size", SMALL, "--frames", "3"]


def _screenshot(argv: list[str]) -> list[str]:
    """The desktop window is not opened: the same scene is rendered as one small
    ``--screenshot`` (the window itself is tests/test_gui_window.py's)."""
    out = _drop(argv, "--size", 1)
    if "--screenshot" not in out:
        out = [*out, "--screenshot", "view.png"]
    return [*out, "--size", SMALL]


def _drop(argv: list[str], option: str, values: int) -> list[str]:
    if option not in argv:
        return list(argv)
    i = argv.index(option)
    return argv[:i] + argv[i + 1 + values :]


ADJUST = {
    "render": _small_video,
    "view": _screenshot,
}
"""orbitviz sub-command -> how its documented command lines are changed (see each function)."""

TRANSIT_REASON = (
    "the transit search of Kepler-90 (~30 s) runs in the gallery's kepler90_transits example, "
    "tests/test_exoplanets_kepler90.py and tests/test_exoplanets_cli.py; `orbitviz transit` "
    "of the same files answers with the search conftest's kepler90_report has run, and the "
    "scene commands (`view transit`, `render transit`) take the hand-built Kepler-90 analysis "
    "(tests/transit_support.py), as tests/test_render_transit.py does: their files, options "
    "and outputs are checked as written"
)


def _epilog_blocks() -> list[Block]:
    """The examples that end each command's ``--help`` (and its page in the docs), as one
    ``bash`` block per command."""
    from orbitviz.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    found = []
    for name, command in sub.choices.items():
        lines = [line.strip() for line in (command.epilog or "").splitlines()]
        lines = [line for line in lines if line.startswith("orbitviz ")]
        if lines:
            found.append(Block(Path(f"orbitviz {name} --help"), 1, "bash", "\n".join(lines)))
    return found


def _documented_commands():
    seen: set[str] = set()
    every = [b for page in documents(ROOT) for b in blocks(page)] + _epilog_blocks()
    for block in every:
        if block.not_run:
            continue
        for command in commands(block):
            if command.text in seen:
                continue
            seen.add(command.text)
            yield pytest.param(command, id=command.where)


def _page_params():
    for page in documents(ROOT):
        found = [b for b in blocks(page) if b.lang in ("python", "pycon") and not b.not_run]
        if found:
            yield pytest.param(page, id=str(page.relative_to(ROOT)))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A reader's folder: the mirror's fixtures, shapes and Kepler light curves by their plain
    names, ``k90/`` holding Kepler-90's quarters, the placeholders the
    pages use (``shapes/my_model.obj``, ``my_neos.csv``, ``answer.json``) and every block
    with a ``:caption:`` written as its file."""
    mirror = Path(os.environ["ORBITVIZ_DATA_MIRROR"])
    folder = tmp_path_factory.mktemp("reader")
    for sub in ("fixtures", "shapes", "lightcurves/kepler"):
        for path in (mirror / sub).iterdir():
            (folder / path.name).symlink_to(path)
    for name in ("k90", "shapes"):
        (folder / name).mkdir()
    for path in (mirror / "lightcurves" / "kepler").glob("kplr011442793-*_llc.fits"):
        (folder / "k90" / path.name).symlink_to(path)
    (folder / "shapes" / "my_model.obj").symlink_to(mirror / "shapes" / "67p-4k.obj")
    (folder / "my_neos.csv").symlink_to(mirror / "fixtures" / "sbdb_query_neos_2020.csv")
    (folder / "answer.json").symlink_to(mirror / "fixtures" / "sbdb_api_apophis.dat")
    for page in documents(ROOT):
        for block in blocks(page):
            if block.caption:
                (folder / block.caption).write_text(block.text + "\n")
    return folder


def _expand(argv: list[str], cwd: Path) -> list[str]:
    """The shell's globbing, in ``cwd``."""
    out: list[str] = []
    for word in argv:
        matches = sorted(glob.glob(word, root_dir=cwd)) if any(c in word for c in "*?[") else []
        out += matches or [word]
    return out


def _skip_reason(words: list[str]) -> str | None:
    line = " ".join(words)
    for start, reason in NOT_RUN_HERE.items():
        if line == start or line.startswith(start + " "):
            return reason
    return None


CHECKER = doctest.OutputChecker()
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("command", list(_documented_commands()))
def test_documented_command(command, workspace, monkeypatch, capsys, request, tmp_path):
    from orbitviz.cli import main

    monkeypatch.chdir(workspace)
    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(tmp_path / "cache"))  # `kernels fetch`
    ran = 0
    for part in command.text.split("&&"):
        words = shlex.split(part, comments=True)
        if not words or _skip_reason(words):
            continue
        assert words[0] == "orbitviz", f"{command.where}: only orbitviz commands run: {part}"
        argv = _expand(words[1:], workspace)
        adjust = ADJUST.get(argv[0]) if argv else None
        if adjust:
            request.getfixturevalue("gl_backend")
            argv = adjust(argv)
        if argv[0] == "transit":  # TRANSIT_REASON
            _kepler90_searched_once(monkeypatch, request.getfixturevalue("kepler90_report"))
        if argv[:2] in (["view", "transit"], ["render", "transit"]):
            _hand_built_kepler90(monkeypatch)  # TRANSIT_REASON
        capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as exc:  # --help, --version: argparse exits
            code = exc.code or 0
        out, err = capsys.readouterr()
        assert code == 0, f"{command.where}: orbitviz {' '.join(argv)} exited {code}:\n{err}"
        if command.expected is not None:
            assert CHECKER.check_output(command.expected + "\n", out, FLAGS), (
                f"{command.where}: `{command.text}` printed\n{out}\nthe page shows\n"
                f"{command.expected}"
            )
        ran += 1
    if not ran:
        pytest.skip(f"{command.where}: {_skip_reason(shlex.split(command.text))}")


def _kepler90_searched_once(monkeypatch, report) -> None:
    """``orbitviz transit`` of Kepler-90's quarters answers with the search the session has
    already run (conftest's ``kepler90_report``): its files, options and outputs as written.
    (orbitviz.analysis.transits imports the light-curve stack when called: the search is
    replaced where it lives.)"""
    import orbitviz.exoplanets.analysis

    def searched(files, **_):
        assert sorted(Path(f).name for f in files) == sorted(
            Path(source.split(" (")[0]).name for source in report.result.lightcurve.sources
        ), files
        return report.result

    monkeypatch.setattr(orbitviz.exoplanets.analysis, "analyze", searched)


def _hand_built_kepler90(monkeypatch) -> None:
    from transit_support import kepler90_result

    from orbitviz.exoplanets import analysis

    mirror = os.environ["ORBITVIZ_DATA_MIRROR"]
    monkeypatch.setattr(analysis, "analyze", lambda files, **_: kepler90_result(mirror))


@pytest.mark.parametrize("page", list(_page_params()))
def test_documented_python(page, workspace, monkeypatch):
    """A page's Python blocks, in order, in one namespace (a notebook's cells); ``pycon``
    blocks as doctests."""
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__docs__"}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for block in blocks(page):
        if block.not_run or block.lang not in ("python", "pycon"):
            continue
        if block.lang == "python":
            exec(compile(block.text, block.where, "exec"), namespace)
            continue
        test = parser.get_doctest(block.text, namespace, block.where, str(page), block.line)
        result = runner.run(test, clear_globs=False)
        namespace.update(test.globs)  # a DocTest runs in a copy of the namespace
        assert not result.failed, f"{block.where}: {result.failed} example(s) failed (above)"
