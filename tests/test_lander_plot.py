"""``orbitviz lander philae --plot``: the altitude picture shows the path and marks the contacts.

The figure is read back (its artists by gid): the line is the path's altitude, one marker per
contact at the times the JSON report gives, which are ESA's published times (15:34:04 first
touchdown, 17:31:17 rest; see test_lander.py), the hops' apexes labelled, axes labelled.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from plot_support import PNG_MAGIC, find_artist, find_artists, pixels_of, seconds, x_of

import orbitviz.reports.lander as lander_report
from orbitviz.cli import main
from orbitviz.reports.lander import lander_figure


def test_lander_plot(tmp_path, capsys, mirror, monkeypatch):
    drawn = []
    real = lander_report.plot_lander

    def spy(path, out):
        drawn.append(path)
        return real(path, out)

    monkeypatch.setattr(lander_report, "plot_lander", spy)
    out = tmp_path / "philae.png"
    assert main(["lander", "philae", "--format", "json", "--plot", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"plot written to {out}" in captured.err
    report = json.loads(captured.out)
    [path] = drawn

    ax = lander_figure(path).axes[0]
    line = find_artist(ax, "altitude")
    np.testing.assert_allclose(line.get_ydata(), path.altitude_km * 1e3, rtol=1e-12)
    assert len(line.get_ydata()) == len(path.et) > 100
    assert seconds(x_of(line)[0], path.touchdowns[0].utc) < 600  # the data start before it
    assert find_artist(ax, "surface").get_ydata()[0] == 0.0

    contacts = report["touchdowns"]
    markers, lines = find_artists(ax, "contact marker"), find_artists(ax, "contact")
    assert len(markers) == len(lines) == len(contacts) == 4
    for marker, vline, contact in zip(markers, lines, contacts):
        assert seconds(x_of(marker)[0], contact["utc"]) < 1e-3
        assert seconds(x_of(vline)[0], contact["utc"]) < 1e-3
        assert marker.get_ydata()[0] == pytest.approx(contact["altitude_residual_m"], abs=1e-9)
    # ESA's timeline: first touchdown 15:34:04, rest from 17:31:17 (within a second)
    assert seconds(x_of(markers[0])[0], "2014-11-12T15:34:04") < 1.0
    assert seconds(x_of(markers[-1])[0], "2014-11-12T17:31:17") < 1.0
    texts = [t.get_text() for t in find_artists(ax, "contact label")]
    assert [t.split("\n")[0] for t in texts] == [c["kind"] for c in contacts]
    assert all(t.endswith(f"\n{c['utc'][11:19]} UTC") for t, c in zip(texts, contacts))
    # the two high hops have their apex labelled at the apex, the low last hop none
    apexes = find_artists(ax, "apex label")
    high = [h for h in report["hops"] if h["apex_m"] > 5.0]
    assert len(apexes) == len(high) == 2
    for text, hop in zip(apexes, high):
        assert text.get_text().startswith(f"apex {hop['apex_m']:.0f} m")
        assert text.xy[1] == pytest.approx(hop["apex_m"])
        assert seconds(text.xy[0], hop["apex_utc"]) < 1e-3
        i = int(np.argmin(seconds(x_of(line), text.xy[0])))
        assert line.get_ydata()[i] == pytest.approx(hop["apex_m"], abs=1.0)  # on the line
    assert ax.get_xlabel() == "UTC" and ax.get_ylabel() == "altitude above the shape model (m)"
    assert ax.get_title().startswith(f"{report['lander']} on {report['body']}: altitude")

    assert out.read_bytes()[:8] == PNG_MAGIC
    assert pixels_of(out, "tab:blue") > 1600  # the altitude line (measured: 3,207)
    assert pixels_of(out, "tab:red") > 300  # contact lines, markers, labels (measured: 592)
