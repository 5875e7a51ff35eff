"""Outputs: nothing under a final name unless complete, bad targets refused before the work,
temporaries cleaned on SIGTERM/SIGHUP and after crashes (issue #13 item 5)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from orbitviz import _files
from orbitviz._files import atomic_path, atomic_write, check_output, remove_stale_temporaries
from orbitviz.cli import main
from orbitviz.errors import OutputError
from orbitviz.render.video import check_target
from orbitviz.screening.results import write_table


def one_error_line(capsys, *argv) -> tuple[str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("orbitviz: error: "), err
    return lines[0], out


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_a_failing_table_writer_leaves_no_file(tmp_path, monkeypatch, suffix):
    def half_then_fail(self, path, *args, **kwargs):
        with open(path, "w") as half:
            half.write("designation,dist_km\n99942,")  # half a table
        raise OSError(28, "No space left on device")

    for method in ("to_csv", "to_json", "to_parquet"):
        monkeypatch.setattr(pd.DataFrame, method, half_then_fail)
    frame = pd.DataFrame({"designation": ["99942"], "dist_km": [38000.0]})
    out = tmp_path / f"out{suffix}"
    with pytest.raises(OutputError) as err:  # was a bare OSError: a traceback at the CLI
        write_table(frame, out)
    assert str(err.value) == (
        f"cannot write {out}: No space left on device; free some space or write elsewhere"
    )
    assert leftovers(tmp_path) == []


def test_screen_refuses_a_bad_suffix_before_screening(capsys, tmp_path, monkeypatch):
    import orbitviz.screening.api as api

    def must_not_run(*args, **kwargs):
        raise AssertionError("the screening ran before the output name was checked")

    monkeypatch.setattr(api, "load_catalog", must_not_run)
    out = tmp_path / "out.txt"
    line, _ = one_error_line(
        capsys, "screen", "--start", "2029-01-01", "--stop", "2029-02-01", "-o", str(out)
    )
    assert f"cannot write the screening table {out}: unknown suffix '.txt'" in line
    assert ".parquet, .pq, .csv, .json" in line
    # and a folder that is a file
    blocker = tmp_path / "file"
    blocker.write_text("")
    line, _ = one_error_line(
        capsys,
        "screen",
        "--start",
        "2029-01-01",
        "--stop",
        "2029-02-01",
        "-o",
        str(blocker / "a.csv"),
    )
    assert f"{blocker} is not a folder" in line


def test_a_failed_screening_leaves_no_new_folder(capsys, tmp_path):
    """The folders of ``-o new/sub/out.csv`` are made by the writer, after the work: a run that
    fails first (here on an unknown body) leaves nothing; a blocked ancestor is still refused."""
    out = tmp_path / "new" / "sub" / "out.csv"
    line, _ = one_error_line(
        capsys, "screen", "--start", "2029-01-01", "--stop", "2029-02-01", "--body", "NOSUCH",
        "-o", str(out),
    )  # fmt: skip
    assert "unknown body 'NOSUCH'" in line
    assert leftovers(tmp_path) == []
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError, match="is not a folder"):
        check_output(blocker / "new" / "out.csv", create_folder=True)
    assert check_output(out, create_folder=True) == out and leftovers(tmp_path) == ["file"]


def test_flyby_plot_into_a_missing_folder_fails_before_the_report(capsys, tmp_path):
    target = tmp_path / "missing" / "plot.png"
    line, out = one_error_line(capsys, "flyby", "2021 WP", "--plot", str(target))
    assert out == ""  # nothing printed: the check came first
    assert f"the folder {target.parent} does not exist" in line


def test_lander_and_screen_plot_checked_first(capsys, tmp_path):
    target = tmp_path / "missing" / "plot.png"
    line, out = one_error_line(capsys, "lander", "philae", "--plot", str(target))
    assert out == "" and "does not exist" in line
    line, _ = one_error_line(
        capsys, "screen", "--start", "2029-01-01", "--stop", "2029-02-01", "--plot", str(target)
    )
    assert "does not exist" in line


def test_read_only_folders_give_one_clear_error(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_files.tempfile, "mkstemp", refuse)
    for call in (
        lambda: check_output(tmp_path / "plot.png", what="the plot"),
        lambda: check_target(tmp_path / "movie.mp4", folder=False),
        lambda: check_target(tmp_path / "frames", folder=True),
    ):
        with pytest.raises(OutputError, match="takes no new files \\(Permission denied\\)") as info:
            call()
        assert info.value.reason.startswith(f"the folder {tmp_path}")


def test_read_only_folder_for_real(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("this user writes anywhere (root)")
        with pytest.raises(OutputError, match="takes no new files"):
            check_output(folder / "table.csv")
    finally:
        folder.chmod(0o700)


CHILD = textwrap.dedent(
    """
    import sys, time
    from orbitviz._files import atomic_path, removing_temporaries_on_signals
    with removing_temporaries_on_signals():
        with atomic_path(sys.argv[1]) as tmp, atomic_path(sys.argv[2], folder=True) as frames:
            tmp.write_text("half a video")
            (frames / "frame-0001.png").write_bytes(b"png")
            print("ready", flush=True)
            time.sleep(60)
    """
)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_signals_remove_the_temporaries(tmp_path, signum):
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "movie.mp4"), str(tmp_path / "frames")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "ready"
    assert len(leftovers(tmp_path)) == 2  # the two hidden temporaries
    child.send_signal(signum)
    child.wait(timeout=30)
    assert leftovers(tmp_path) == []


def test_cli_exit_code_and_line_on_sigterm(capsys, tmp_path, monkeypatch):
    from orbitviz.commands import time as cli_time

    def slow_writer(args):
        with atomic_path(tmp_path / "out.csv") as tmp:
            tmp.write_text("half")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        return 0

    monkeypatch.setattr(cli_time, "cmd_time", slow_writer)
    code = main(["time", "2029-04-13"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 128 + signal.SIGTERM
    assert err == ["orbitviz: terminated by SIGTERM; partial outputs removed"]
    assert leftovers(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handlers restored


def test_a_signal_while_ffmpeg_starts_loses_no_encoder(tmp_path):
    """CI once left ``.out.*.partial.mp4`` behind: SIGTERM inside ``Popen`` lost the ffmpeg
    child, which opened the output after the cleanup had removed it."""
    from orbitviz._files import removing_temporaries_on_signals, signals_deferred
    from orbitviz.render.writers import open_sink

    started = []
    with (
        pytest.raises(_files.Terminated),
        removing_temporaries_on_signals(),
        atomic_path(tmp_path / "out.mp4") as tmp,
    ):
        with signals_deferred():
            os.kill(os.getpid(), signal.SIGTERM)  # arrives while the encoder starts
            sink = open_sink(tmp, "mp4", (64, 48), 10, "draft")
            started.append(sink)
        sink.close()  # never reached: the signal is delivered once the sink is held
    (sink,) = started
    sink.abort()
    assert sink._process.returncode is not None  # the encoder is gone, not writing on
    time.sleep(0.5)
    assert leftovers(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_stale_temporaries_of_crashed_runs_are_removed(tmp_path):
    day = 86400
    old = time.time() - 2 * day
    ours_old = tmp_path / ".out.k2j4h8_x.partial.csv"
    ours_old_folder = tmp_path / ".out.a1b2c3d4.partial.csv"
    ours_fresh = tmp_path / ".out.zz99zz99.partial.csv"
    not_ours = [
        tmp_path / ".out.partial.csv",  # no random part
        tmp_path / ".other.k2j4h8_x.partial.csv",  # another target's
        tmp_path / ".out.k2j4h8_x.partial.json",  # another suffix
        tmp_path / "out.k2j4h8_x.partial.csv",  # not hidden
        tmp_path / ".out.K2J4H8_X.partial.csv",  # not mkstemp's alphabet
    ]
    for path in [ours_old, ours_fresh, *not_ours]:
        path.write_text("x")
    ours_old_folder.mkdir()
    (ours_old_folder / "frame.png").write_text("x")
    for path in [ours_old, ours_old_folder, *not_ours]:
        os.utime(path, (old, old))
    atomic_write(tmp_path / "out.csv", "a,b\n1,2\n")
    names = set(leftovers(tmp_path))
    assert ours_old.name not in names and ours_old_folder.name not in names
    assert {ours_fresh.name, "out.csv", *(p.name for p in not_ours)} == names
    assert remove_stale_temporaries(tmp_path / "out.csv", older_than_s=-1) == [ours_fresh]


def _start_render(tmp_path, **options) -> subprocess.Popen:
    """``orbitviz render`` of a long video into ``tmp_path``, once its encoder writes the
    temporary output (or a skip where this machine cannot render)."""
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-m", "orbitviz.cli", "render", "philae", "--shape", "67p-4k.obj"]
        + ["-o", str(tmp_path / "out.mp4"), "--frames", "5000", "--size", "64x48", "--quiet"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )
    deadline = time.monotonic() + 90
    while not any(".partial" in name for name in leftovers(tmp_path)):
        if child.poll() is not None:
            _, err = child.communicate()
            pytest.skip(f"render could not start here: {err.strip()[-200:]}")
        if time.monotonic() > deadline:
            child.kill()
            child.wait()
            pytest.fail("no temporary appeared")
        time.sleep(0.2)
    return child


def _stopped(child: subprocess.Popen, signal_it) -> str:
    """``child``'s standard error once ``signal_it()`` made it end (killed after 60 s)."""
    try:
        signal_it()
        return child.communicate(timeout=60)[1]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_render_killed_by_a_signal_leaves_nothing(tmp_path, mirror, signum):
    child = _start_render(tmp_path)
    err = _stopped(child, lambda: child.send_signal(signum))
    assert child.returncode == 128 + signum
    name = signal.Signals(signum).name
    assert err.strip().splitlines() == [f"orbitviz: terminated by {name}; partial outputs removed"]
    assert leftovers(tmp_path) == []


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux's /proc)."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return [int(child) for task in tasks for child in (task / "children").read_text().split()]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_ctrl_c_on_a_render_stops_the_encoder_and_leaves_nothing(tmp_path, mirror):
    """Ctrl-C in a terminal signals the whole foreground job: orbitviz says it was interrupted
    (exit 130), and its ffmpeg, in a process group of its own, is stopped by orbitviz, not
    left writing."""
    child = _start_render(tmp_path, start_new_session=True)  # a group of its own: a job
    deadline = time.monotonic() + 60
    while not (encoders := _children(child.pid)):  # the ffmpeg writing the temporary
        assert child.poll() is None and time.monotonic() < deadline, "no encoder started"
        time.sleep(0.05)
    err = _stopped(child, lambda: os.killpg(child.pid, signal.SIGINT))
    assert child.returncode == 130
    assert err.strip().splitlines() == ["orbitviz: interrupted"]
    assert leftovers(tmp_path) == []
    assert not any(Path(f"/proc/{pid}").exists() for pid in encoders)


@pytest.mark.parametrize(
    "argv",
    [
        ["flyby", "2021 WP", "--plot", "{out}"],
        ["screen", "--start", "2029-01-01", "--stop", "2029-02-01", "--plot", "{out}"],
        ["lander", "philae", "--plot", "{out}"],
        ["view", "philae", "--screenshot", "{out}"],
        ["validate", "cad", "cad.json", "--catalog", "neos.csv", "--plot", "{out}"],
    ],
    ids=["flyby", "screen", "lander", "view", "validate"],
)
def test_pictures_are_png_by_name_before_any_work(capsys, tmp_path, argv):
    """A PNG written under ``plot.txt`` (matplotlib's format was forced) or a traceback from
    the image writer after the scene was built: the name is refused first."""
    out = tmp_path / "picture.txt"
    line, _ = one_error_line(capsys, *[a.format(out=out) for a in argv])
    assert f"{out}: unknown suffix '.txt'; use a name ending in .png" in line
    assert leftovers(tmp_path) == []


def test_an_unknown_scheduler_is_refused_before_the_catalog_is_read(capsys, monkeypatch):
    import orbitviz.screening.api as api

    monkeypatch.setattr(api, "load_catalog", lambda *a: pytest.fail("the catalog was read"))
    line, _ = one_error_line(
        capsys, "screen", "--start", "2029-01-01", "--stop", "2029-02-01", "--scheduler", "bogus"
    )
    assert "unknown scheduler 'bogus'" in line
