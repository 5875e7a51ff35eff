"""Signals during compiled work, and numba's cache where it cannot write (issue #26 item 1).

Ctrl-C or SIGTERM during a long N-body integration (``orbitviz flyby Apophis --uncertainty mc
--clones 5000``) was ignored until the integration ended, then the process died with rc 1 and
numba's ``SystemError: CPUDispatcher(...) returned a result with an exception set``. Now the
engine polls a stop flag each step (orbitviz.dynamics.nbody._interruptibly) and the process
ends with the README's code and one line. The signal is sent once the child has used 4 s of
CPU (imports and set-up take about 1 s; the 5,000 clones about 12 s more), so that it lands
inside the integration whatever the machine's load.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import HAVE_MIRROR

ROOT = Path(__file__).resolve().parents[2]
MC = [sys.executable, "-m", "orbitviz", "flyby", "Apophis", "--uncertainty", "mc"]


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def terminal_sigint() -> None:
    """Ctrl-C as at a terminal. A test run started in the background of a script inherits
    SIGINT ignored (POSIX shells do that to background jobs), and so would its children:
    they would take no Ctrl-C at all, as is right for them."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupted(signum: int, clones: int = 5000, after_cpu_s: float = 4.0):
    """``orbitviz flyby Apophis --uncertainty mc`` sent ``signum`` once it has used
    ``after_cpu_s`` of CPU: (exit status, stderr lines, whether it was still running)."""
    child = subprocess.Popen(
        [*MC, "--clones", str(clones)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=terminal_sigint,
    )
    try:
        while child.poll() is None and cpu_s(child.pid) < after_cpu_s:
            time.sleep(0.05)
        running = child.poll() is None
        child.send_signal(signum)
        _, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return child.returncode, err.strip().splitlines(), running


needs_mirror = pytest.mark.skipif(not HAVE_MIRROR, reason="needs ORBITVIZ_DATA_MIRROR")


@needs_mirror
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize(
    "signum, code, line",
    [
        (signal.SIGINT, 130, "orbitviz: interrupted"),
        (signal.SIGTERM, 143, "orbitviz: terminated by SIGTERM; partial outputs removed"),
        (signal.SIGHUP, 129, "orbitviz: terminated by SIGHUP; partial outputs removed"),
    ],
)
def test_a_signal_stops_a_long_integration_with_one_line(signum, code, line):
    rc, err, running = interrupted(signum)
    assert running, "the integration ended before the signal: give it more clones"
    assert rc == code, err[-5:]
    assert err == [line]


def engine_cache(env_changes: dict[str, str], tmp_path: Path) -> tuple[str, list[str]]:
    """The engine's cache folder in a new process with ``env_changes``, and its stderr lines
    (the command line's way of showing warnings: one line each)."""
    code = (
        "import warnings, sys\n"
        "warnings.showwarning = lambda m, *a, **k: print('warning:', m, file=sys.stderr)\n"
        "from orbitviz.dynamics import _engine\n"
        "from orbitviz.dynamics._engine import jit\n"
        "print(getattr(jit, 'CACHE_FOLDER', jit.CACHE_DIR))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(env_changes)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip(), done.stderr.strip().splitlines()


def test_the_engines_cache_follows_orbitviz_cache_dir(tmp_path):
    folder, err = engine_cache({"ORBITVIZ_CACHE_DIR": str(tmp_path / "cache")}, tmp_path)
    assert Path(folder).parent == tmp_path / "cache" / "numba"
    assert Path(folder).name.startswith("engine-")
    assert err == []


def test_an_unwritable_cache_keeps_the_engine_in_a_private_folder_with_one_warning(tmp_path):
    """A cache folder that cannot be written cost a compilation of the engine in every
    process (minutes on a busy machine); now it goes to this user's own folder in the
    temporary folder, made 0700, with one warning."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    folder, err = engine_cache(
        {"ORBITVIZ_CACHE_DIR": str(blocker / "cache"), "TMPDIR": str(temporary)}, tmp_path
    )
    private = temporary / f"orbitviz-numba-{os.getuid()}"
    assert Path(folder).parent == private
    assert private.stat().st_mode & 0o777 == 0o700
    assert len(err) == 1 and "cannot be written" in err[0] and str(private) in err[0], err


def test_a_private_folder_that_others_can_write_is_refused(tmp_path):
    """numba's cache holds pickles and machine code: a folder others can write (or that
    another user planted) is not used; the engine is then compiled in memory, warned once,
    and importing it still works."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    temporary = tmp_path / "tmp"
    planted = temporary / f"orbitviz-numba-{os.getuid()}"
    planted.mkdir(parents=True)
    planted.chmod(0o777)
    folder, err = engine_cache(
        {"ORBITVIZ_CACHE_DIR": str(blocker / "cache"), "TMPDIR": str(temporary)}, tmp_path
    )
    assert folder == "None"
    assert len(err) == 1 and "compiled in memory" in err[0], err
    assert list(planted.iterdir()) == []


def test_ctrl_c_while_the_arguments_are_read_is_one_line_and_130():
    """Ctrl-C in the first ~0.3 s gave Python's KeyboardInterrupt traceback and rc -2: it
    landed before :func:`orbitviz.cli.main`'s handlers (importing numpy for the command
    line, reading the arguments)."""
    code = (
        "import orbitviz.cli as cli\n"
        "def main():\n"
        "    raise KeyboardInterrupt\n"
        "cli.main = main\n"
        "cli.run()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 130, done.stderr
    assert done.stderr.splitlines() == ["orbitviz: interrupted"]


def test_the_command_line_starts_without_numpy():
    """What the command line imports before its handlers hold is the window where Ctrl-C
    is still Python's traceback: numpy (0.1 s of it) waits for a command that needs it."""
    code = "import sys, orbitviz.cli; print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_a_signal_during_a_compilation_stops_the_process_once_it_is_compiled(monkeypatch, tmp_path):
    """Ctrl-C while numba compiles (a first run, nothing cached yet) used to land in one of
    llvmlite's callbacks, which printed it and went on: the run finished with rc 0. The
    groups' compilations hold signals and deliver them when done."""
    import numba.core.compiler

    from orbitviz.data import compiled

    monkeypatch.setattr(compiled, "cache_dir", lambda: tmp_path)  # not the user's cache
    group = compiled.CompiledGroup("test-signals", [Path(__file__)], "a test function")

    @group.njit()  # in memory: compiled at its first call
    def add(a, b):
        return a + b

    compile_extra = numba.core.compiler.compile_extra

    def interrupted_halfway(*args, **kwargs):
        signal.raise_signal(signal.SIGINT)  # Ctrl-C in the middle of the compilation
        return compile_extra(*args, **kwargs)

    monkeypatch.setattr(numba.core.compiler, "compile_extra", interrupted_halfway)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
    try:
        with pytest.raises(KeyboardInterrupt):
            add(1, 2)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert len(add.signatures) == 1  # delivered after the compilation, not inside it
    monkeypatch.setattr(numba.core.compiler, "compile_extra", compile_extra)
    assert add(1, 2) == 3
