"""The embedded table of famous close approachers and resolve_target's lookup order."""

from __future__ import annotations

import pytest

from orbitviz.data import fetch
from orbitviz.errors import UnknownBody
from orbitviz.smallbodies import (
    AU_KM,
    famous_bodies,
    read_neodys,
    read_sbdb_file,
    resolve_target,
)
from orbitviz.smallbodies import sbdb as sbdb_module
from orbitviz.smallbodies.elements import jd_tdb_to_et


def test_2021wp_is_the_notebooks_case():
    """JPL SBDB's full-precision elements, as the notebook prints them; rounded at each
    sigma's first significant digit they are the notebooks' rounded values."""
    el, window = resolve_target("2021 WP")
    assert (el.q_au, el.e, el.i_deg, el.node_deg, el.peri_deg, el.M_deg) == (
        0.9320456652320572,
        0.1566053963605083,
        3.808107572352944,
        58.20287162913875,
        306.7404738426862,
        91.92206685260463,
    )
    r = el.rounded_to_sigma()
    assert (r.q_au, r.e, r.i_deg, r.node_deg, r.peri_deg, r.M_deg) == (
        0.93205,
        0.1566,
        3.808,
        58.203,
        306.74,
        91.92,
    )
    assert el.epoch_et == jd_tdb_to_et(2459600.5)
    assert el.to_conics()[0] == pytest.approx(0.9320456652320572 * AU_KM)
    assert window.start_utc.startswith("2021-11-10") and window.stop_utc.startswith("2021-12-01")
    assert "Astroniz-YT-Tutorials" in el.source and "notebook 014" in el.source


def test_2021wp_sbdb_and_neodys_solutions_agree_within_sigma():
    """JPL's and NEODyS's orbits of 2021 WP at the same epoch (two independent fits) agree
    within JPL's 1-sigma (measured: 0.3 sigma for q, the largest)."""
    el, _ = resolve_target("2021WP")
    row = read_neodys().elements("2021 WP")
    assert row.epoch_et == el.epoch_et
    for name in ("q_au", "e", "i_deg", "node_deg", "peri_deg", "M_deg"):
        assert abs(getattr(el, name) - getattr(row, name)) < el.sigmas[name], name


def test_apophis_entry_equals_the_sbdb_fixture():
    el, window = resolve_target("Apophis")
    ref = read_sbdb_file(fetch("sbdb_api_apophis.dat")).elements
    for name in ("q_au", "e", "i_deg", "node_deg", "peri_deg", "M_deg", "epoch_et", "gm_km3s2"):
        assert getattr(el, name) == getattr(ref, name), name
    assert el.nongrav["A2"] == ref.nongrav["A2"]
    assert {k: el.sigmas[k] for k in el.sigmas} == {k: ref.sigmas[k] for k in el.sigmas}
    assert window.start_utc < "2029-04-13" < window.stop_utc


def test_duende_entry_equals_the_neodys_row():
    el, window = resolve_target("2012 DA14")
    ref = read_neodys().elements("367943")
    for name in ("q_au", "e", "i_deg", "node_deg", "peri_deg", "M_deg", "epoch_et"):
        assert getattr(el, name) == pytest.approx(getattr(ref, name), rel=1e-15), name
    assert window.start_utc < "2013-02-15" < window.stop_utc
    assert resolve_target("Duende")[0] == el and resolve_target("367943 Duende")[0] == el


def test_every_entry_cites_a_source():
    bodies = famous_bodies()
    assert {"2021WP", "99942", "367943"} <= set(bodies)
    for body in bodies.values():
        assert (
            body.elements.source.startswith("embedded table: ") and len(body.elements.source) > 40
        )
        assert body.window is not None


def test_lookup_order_sbdb_file_first(tmp_path):
    el, window = resolve_target("Apophis", sbdb_file=fetch("sbdb_api_apophis.dat"))
    assert "file sbdb_api_apophis.dat" in el.source
    assert window is not None  # the window still comes from the embedded table
    with pytest.warns(UserWarning, match="using the file"):
        el, _ = resolve_target("2021 WP", sbdb_file=fetch("sbdb_api_phaethon.dat"))
    assert el.designation == "3200"


def test_catalog_after_embedded_table():
    el, window = resolve_target("433")
    assert el.source == "NEODyS catalog snapshot 2022-01-21" and window is None


def test_online_only_when_asked(monkeypatch, tmp_path):
    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(tmp_path))
    calls = []

    def fake(designation, timeout_s):
        calls.append(designation)
        return fetch("sbdb_api_67P.dat").read_text()

    monkeypatch.setattr(sbdb_module, "_fetch_sbdb_text", fake)
    with pytest.raises(UnknownBody, match=r"unknown small body '67P'.*online"):
        resolve_target("67P")  # comets are not in NEODyS; offline -> unknown
    assert calls == []
    el, _ = resolve_target("67P", online=True)
    assert calls == ["67P"] and el.designation == "67P" and "fetched from JPL" in el.source


def test_unknown_target_message():
    with pytest.raises(UnknownBody) as info:
        resolve_target("Apofis")
    message = str(info.value)
    assert "'Apofis'" in message and "Apophis" in message
    assert "--sbdb-file" in message and "online" in message
    with pytest.raises(UnknownBody, match="2021WP"):
        resolve_target("2021 WPZ")
    with pytest.raises(UnknownBody, match="no target"):
        resolve_target("  ")
