"""Targets by name: names and spaced or packed designations resolve offline, `orbitviz targets`
lists what is known, a target without a window gets its next close approach or says how to
give one, and a screening shows proper designations, names and impacts.

Truth for the approaches: JPL's close-approach data for 101955 Bennu lists Earth approaches on
2037-02-11 (0.0987 au) and 2043-02-09 (0.0966 au) (SBDB; checked here to 1 % and a day, the
orbit being NEODyS's); 2008 TC3 hit the Earth on 2008-10-07 at 02:45:45 UT (tests/
test_impacts.py for the sources).
"""

from __future__ import annotations

import pytest

from orbitviz import flyby
from orbitviz.cli import main
from orbitviz.smallbodies import resolve_target


@pytest.mark.parametrize(
    ("name", "designation"),
    [
        ("Florence", "3122"),
        ("Toutatis", "4179"),
        ("Bennu", "101955"),
        ("101955 Bennu", "101955"),
        ("2016 FY12", "2016 FY12"),
        ("2016FY12", "2016 FY12"),
    ],
)
def test_names_and_designations_resolve_offline(name, designation):
    elements, _ = resolve_target(name)
    assert elements.designation == designation
    if designation.isdigit():
        assert elements.name.startswith(f"{designation} ")  # "3122 Florence"


def test_targets_lists_what_is_known_offline(capsys):
    assert main(["targets"]) == 0
    out = capsys.readouterr().out
    for text in ("99942 Apophis", "2021 WP", "Florence", "Toutatis", "Bennu", "29,049"):
        assert text in out
    assert main(["targets", "Bennu"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("101955 Bennu")
    assert "2037-02-11" in out and "0.0987" in out  # JPL: 2037-Feb-11, 0.0987 au


def test_a_target_without_a_window_gets_its_next_approach_or_says_how():
    report = flyby("Bennu", uncertainty="none", compare=False)
    assert report.summary["closest_approach_utc"].startswith("2037-02-11")
    assert report.summary["closest_distance_au"] == pytest.approx(0.0987, rel=0.01)
    assert report.summary["notes"][0].startswith("window: +-10 days around the next approach")
    with pytest.raises(Exception, match="give the window yourself, --start and --stop"):
        flyby("Florence", uncertainty="none", compare=False)  # next within 0.2 au: 2057


def test_screening_rows_show_designations_names_and_impacts(capsys):
    args = ["screen", "--start", "2008-10-01", "--stop", "2008-10-10", "--threshold", "0.01au"]
    assert main([*args, "--scheduler", "synchronous", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "2008 TC3: IMPACT on Earth at 2008-10-07 02:45:" in out
    row = next(line for line in out.splitlines() if line.startswith("2008 TC3 "))
    assert "IMPACT" in row and "e+" not in out and "e-0" not in out
