"""examples/kepler90_transits.py runs top to bottom and says what it promises."""

from __future__ import annotations

import runpy
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kepler90_transits.py"


def test_the_kepler90_example_runs(mirror, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert out.startswith("KIC 11442793: ")
    assert "Kepler-90 d" in out and "periods the data allow" in out
    assert (tmp_path / "kepler90_transits.png").stat().st_size > 50_000
