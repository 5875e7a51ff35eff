"""``orbitviz lander philae --plot``: the altitude picture is written."""

from __future__ import annotations

from orbitviz.cli import main


def test_lander_plot(tmp_path, capsys, mirror):
    out = tmp_path / "philae.png"
    assert main(["lander", "philae", "--format", "json", "--plot", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000
    assert "plot written to" in capsys.readouterr().err
