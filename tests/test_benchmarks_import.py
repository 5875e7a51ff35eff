"""The benchmarks: every one still imports against the current code, and the shared convention
(speedup = peer / ours, targets, SKIP lines) is what benchmarks/run.py reads back.

Nothing here times anything: the result lines are written by hand or from fixed numbers.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[1] / "benchmarks"
BENCHMARKS = sorted(
    path
    for path in BENCH_DIR.glob("*.py")
    if not path.name.startswith("_")  # _bench.py: the shared helper, not a benchmark
)


def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # runs the imports; main() stays behind __name__ guard
    return module


@pytest.fixture
def bench_path(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH_DIR))  # as `python benchmarks/X.py` has it: _bench


@pytest.fixture
def bench(bench_path):
    return load(BENCH_DIR / "_bench.py")


@pytest.fixture
def run(bench_path):
    return load(BENCH_DIR / "run.py")


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_benchmark_imports_and_has_main(path, bench_path):
    assert callable(getattr(load(path), "main", None))


def test_run_finds_every_benchmark_but_itself_and_the_helper(run):
    names = [path.name for path in run.benchmarks()]
    assert names == [p.name for p in BENCHMARKS if p.name != "run.py"]
    assert {"flyby.py", "shapes.py", "render.py", "viewer.py", "video.py", "screening.py"} <= set(
        names
    )


def test_speedup_is_peer_over_ours(bench):
    faster = bench.Result("x", ours_s=2.0, peer_s=8.0)
    slower = bench.Result("x", ours_s=8.0, peer_s=2.0)
    assert faster.speedup == pytest.approx(4.0)
    assert slower.speedup == pytest.approx(0.25)
    assert bench.Result("x", 2.0, 8.0, target=3).passed is True
    assert bench.Result("x", 8.0, 2.0, target=3).passed is False
    assert "speedup 4.000" in faster.line()


def test_targets(bench):
    absolute = bench.Target(max_ours_s=30.0)
    assert bench.Result("x", 29.0, 1.0, absolute).passed is True  # slower than the peer: fine
    assert bench.Result("x", 31.0, 900.0, absolute).passed is False
    both = bench.Target(min_speedup=2, max_ours_s=1.0)
    assert str(both) == "speedup >= 2 and ours <= 1 s"
    assert bench.Target.parse(str(both)) == both
    assert bench.Result("x", 0.5, 0.9, both).passed is False
    assert bench.Result("x", 1.0, 1.0).passed is None


SAMPLE = """\
# 2021 WP, Earth SOI entry and exit
soi_crossings: ours 0.05 s, peer 0.6 s, speedup 12.0 (target speedup >= 10: pass)  # a note
OBJ first parse 1.31M faces, peer pandas: ours 1.6 s, peer 0.748 s, speedup 0.4675 (target speedup >= 1: FAIL)
vispy (82,000 faces): ours 0.04 s, peer 0.5 s, speedup 12.5
screening 29,049 objects: ours 40 s, peer 400 s, speedup 10 (target ours <= 30 s: FAIL)
error: ours 2.36e-05 s, peer 26.97 s, speedup 1142797 (target ours <= 0.001 s: pass)
SKIP altitude_km 7000 points: trimesh is not installed
"""


def test_run_parses_result_lines(run):
    rows = run.parse_output("demo", SAMPLE.splitlines(keepends=True), returncode=1)
    got = [(r.name, r.ours_s, r.peer_s, r.target, r.status) for r in rows]
    assert got == [
        ("soi_crossings", 0.05, 0.6, "speedup >= 10", "pass"),
        ("OBJ first parse 1.31M faces, peer pandas", 1.6, 0.748, "speedup >= 1", "FAIL"),
        ("vispy (82,000 faces)", 0.04, 0.5, "", "-"),
        ("screening 29,049 objects", 40.0, 400.0, "ours <= 30 s", "FAIL"),
        ("error", 2.36e-05, 26.97, "ours <= 0.001 s", "pass"),
        ("altitude_km 7000 points", None, None, "", "skip"),
    ]
    speedups = [r.speedup for r in rows[:5]]
    assert speedups == pytest.approx([12.0, 0.4675, 12.5, 10.0, 26.97 / 2.36e-05])
    assert rows[-1].detail == "trimesh is not installed"
    assert run.exit_status(rows) == 1
    table = run.table(rows)
    assert "soi_crossings" in table and "0.4675" not in table  # the table rounds: 0.468
    assert "2 passed, 2 failed, 1 skipped, 0 errors, 1 without a target" in table


def test_run_rejects_a_flipped_speedup(run):
    """A benchmark printing ours / peer (the old 'ratio' of some) is an error, not a row."""
    rows = run.parse_output("demo", ["flipped: ours 1 s, peer 4 s, speedup 0.25\n"])
    assert [(r.name, r.status) for r in rows] == [("flipped", "error")]
    assert "peer / ours" in rows[0].detail
    assert run.exit_status(rows) == 1


def test_run_recomputes_the_verdict(run):
    rows = run.parse_output(
        "demo", ["lying: ours 2 s, peer 1 s, speedup 0.5 (target speedup >= 1: pass)"], 1
    )
    assert [r.status for r in rows] == ["FAIL"]


@pytest.mark.parametrize(
    ("lines", "returncode", "detail"),
    [
        ([], 0, "printed no result lines"),
        (["# only comments\n"], 0, "printed no result lines"),
        (["a: ours 1 s, peer 2 s, speedup 2\n"], 2, "exit status 2"),
        (["a: ours 2 s, peer 1 s, speedup 0.5 (target speedup >= 1: FAIL)\n"], 0, "exited 0"),
    ],
)
def test_run_reports_a_broken_benchmark(run, lines, returncode, detail):
    rows = run.parse_output("demo", lines, returncode)
    assert rows[-1].status == "error" and detail in rows[-1].detail
    assert run.exit_status(rows) == 1


def test_skips_alone_pass(run):
    rows = run.parse_output("viewer", ["SKIP viewer: needs an X server\n"])
    assert [r.status for r in rows] == ["skip"]
    assert run.exit_status(rows) == 0


def test_run_one_passes_quick_through(run, tmp_path):
    """A stand-in benchmark (no timing): its lines come back as rows, --quick reaches it."""
    fake = tmp_path / "fake.py"
    fake.write_text(
        "import sys\n"
        "quick = '--quick' in sys.argv\n"
        "print('# hello')\n"
        "print(f'mode {quick}: ours 1 s, peer 3 s, speedup 3.000')\n"
    )
    rows = run.run_one(fake, quick=True, timeout_s=60)
    assert [(r.benchmark, r.name, r.speedup, r.status) for r in rows] == [
        ("fake", "mode True", pytest.approx(3.0), "-")
    ]
    rows = run.run_one(fake, quick=False, timeout_s=60)
    assert rows[0].name == "mode False"


def test_benchmarks_print_only_convention_lines(bench, capsys):
    bench.report(bench.Result("a (b): c", 1.0, 2.0, 1.5, note="x"))
    bench.info("for people")
    with pytest.raises(SystemExit) as stop:
        bench.skip("gl", "no OpenGL")
    assert stop.value.code == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "a (b): c: ours 1 s, peer 2 s, speedup 2.000 (target speedup >= 1.5: pass)  # x",
        "# for people",
        "SKIP gl: no OpenGL",
    ]
    parsed = [bench.parse_line(line) for line in out]
    assert parsed[0].speedup == pytest.approx(2.0) and parsed[0].passed is True
    assert parsed[1] is None and parsed[2] == bench.Skip("gl", "no OpenGL")
    assert bench.exit_status([parsed[0], bench.Result("d", 2.0, 1.0, 1)]) == 1
    # an optional peer that is not installed (kete): no speedup, judged on our time alone
    alone = bench.Result("e", 1.1, float("nan"), bench.Target(max_ours_s=1.5))
    again = bench.parse_line(alone.line())
    assert again.passed is True and again.ours_s == 1.1
    with pytest.raises(ValueError, match="is not peer / ours"):
        bench.parse_line("f: ours 1 s, peer 3 s, speedup nan")


def test_measure_alternates_and_takes_the_median(bench):
    calls = []
    medians = bench.measure(
        {"ours": lambda: calls.append("o"), "peer": lambda: calls.append("p")}, repeat=3
    )
    assert set(medians) == {"ours", "peer"}
    assert calls == ["o", "p", "o", "p", "p", "o", "o", "p"]  # warmup, then turns swapped
    assert isinstance(bench.measure(lambda: None, repeat=1, warmup=0), float)


def test_measure_reports_the_median_per_call(bench, monkeypatch):
    """On a fake clock: the calls 'take' the listed seconds; no real time is measured."""
    clock = [0.0]
    monkeypatch.setattr(bench.time, "perf_counter", lambda: clock[0])

    def costing(*seconds):
        costs = iter(seconds)
        return lambda: clock.__setitem__(0, clock[0] + next(costs))

    t = bench.measure(
        {"ours": costing(9.0, 1.0, 5.0, 2.0), "peer": costing(9.0, 4.0, 4.0, 4.0)}, repeat=3
    )
    assert t == {"ours": 2.0, "peer": 4.0}  # the warmup (9 s) left out; median, not min/mean
    per_call = bench.measure(costing(3.0, 3.0, 6.0, 6.0), repeat=2, warmup=0, number=2)
    assert per_call == pytest.approx(4.5)  # each round: 2 calls, seconds per call


def test_assist_peer_helper_imports(bench_path):
    """benchmarks/_assist_peer.py (nbody.py's optional ASSIST peer, loaded only when it runs)
    still imports against the current code, without ASSIST itself; its force set is ours."""
    module = load(BENCH_DIR / "_assist_peer.py")
    assert module.FORCES == ["SUN", "PLANETS", "ASTEROIDS", "NON_GRAVITATIONAL", "GR_SIMPLE"]


def test_timings_keep_the_fastest_and_slowest_round(bench, monkeypatch):
    """What the benchmarks print beside each line (a shared machine's spread): the median,
    the fastest and the slowest of the interleaved rounds, on the clock given."""
    clock = [0.0]

    def costing(*seconds):
        costs = iter(seconds)
        return lambda: clock.__setitem__(0, clock[0] + next(costs))

    t = bench.timings(
        {"ours": costing(9.0, 1.0, 5.0, 2.0), "peer": costing(9.0, 4.0, 3.0, 6.0)},
        repeat=3,
        clock=lambda: clock[0],
    )
    assert (t["ours"].median, t["ours"].low, t["ours"].high, t["ours"].rounds) == (2, 1, 5, 3)
    assert t["peer"].span() == "3-6 s"
    assert bench.spread_note(t) == "medians of 3 interleaved rounds; ours 1-5 s, peer 3-6 s"


def test_kete_peer_helper_imports(bench_path):
    """benchmarks/_kete_peer.py (nbody.py's optional kete peer) imports without kete; the
    bodies it sets kete's masses from are ours."""
    module = load(BENCH_DIR / "_kete_peer.py")
    assert module.KETE_IDS == {2000001: 20000001, 2000004: 20000004}
    assert set(module.STUB_ASTEROIDS.values()) == {20000002, 20000010, 20000704}
