"""SBDB API answers: elements, sigmas, non-grav parameters and close approaches, checked
against the JSON itself; missing fields; the live query's cache (fetcher monkeypatched)."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import astroquery
import pytest

from orbitviz.errors import DownloadError, ElementsError, UnknownBody
from orbitviz.smallbodies import sbdb
from orbitviz.smallbodies.elements import AU_KM, SECONDS_PER_DAY, jd_tdb_to_et

ASTROQUERY_DATA = Path(astroquery.__file__).parent / "jplsbdb" / "tests" / "data"
FILES = ["apophis.dat", "67P.dat", "ceres.dat", "phaethon.dat"]


def raw(name):
    return json.loads((ASTROQUERY_DATA / name).read_text())


def json_elements(data):
    return {item["name"]: item for item in data["orbit"]["elements"]}


@pytest.fixture
def apophis_path():
    from orbitviz.data import fetch

    return fetch("sbdb_api_apophis.dat")


@pytest.mark.parametrize("name", FILES)
def test_elements_equal_the_json(name):
    data = raw(name)
    els = json_elements(data)
    el = sbdb.read_sbdb_file(ASTROQUERY_DATA / name).elements
    assert el.designation == data["object"]["des"]
    assert el.name == data["object"]["fullname"]
    for ours, theirs in [
        ("q_au", "q"),
        ("e", "e"),
        ("i_deg", "i"),
        ("node_deg", "om"),
        ("peri_deg", "w"),
        ("M_deg", "ma"),
    ]:
        assert getattr(el, ours) == float(els[theirs]["value"]), ours
        assert el.sigmas[ours] == float(els[theirs]["sigma"]), ours
    assert el.epoch_et == (float(data["orbit"]["epoch"]) - 2451545.0) * 86400.0
    assert f"SBDB orbit {data['orbit']['orbit_id']} (JPL)" in el.source and name in el.source
    # internal consistency of JPL's own numbers with ours: q = a (1 - e), Q = a (1 + e)
    a = float(els["a"]["value"])
    assert el.a_au == pytest.approx(a, rel=1e-13)
    assert a * (1 + el.e) == pytest.approx(float(els["ad"]["value"]), rel=1e-13)
    # period and mean motion from our GM agree with JPL's per and n (DE431 GM, see below)
    assert el.period_days == pytest.approx(float(els["per"]["value"]), rel=1e-12)
    assert el.mean_motion_deg_per_day == pytest.approx(float(els["n"]["value"]), rel=1e-12)
    # tp: our perihelion time (from M) is JPL's tp, modulo whole periods, to < 0.1 s
    offset_s = jd_tdb_to_et(els["tp"]["value"]) - el.tp_et
    periods = offset_s / el.period_s
    assert abs(periods - round(periods)) * el.period_s < 0.1


@pytest.mark.parametrize("name", FILES)
def test_sun_gm_follows_the_fitting_ephemeris(name):
    data = raw(name)
    els = json_elements(data)
    el = sbdb.read_sbdb_file(ASTROQUERY_DATA / name).elements
    assert data["orbit"]["pe_used"] == "DE431"
    n_rad_s = math.radians(float(els["n"]["value"])) / SECONDS_PER_DAY
    implied_gm = n_rad_s**2 * (float(els["a"]["value"]) * AU_KM) ** 3
    assert implied_gm == pytest.approx(el.gm_km3s2, rel=1e-12)
    assert el.gm_km3s2 == 132712440041.9394


def test_nongrav_parameters():
    comet = sbdb.read_sbdb_file(ASTROQUERY_DATA / "67P.dat").elements
    assert comet.nongrav["A1"] == 1.066669918189136e-09
    assert comet.nongrav["A2"] == -3.689152186829759e-11
    assert comet.nongrav["A3"] == 2.483436017455598e-10
    assert comet.sigmas["A1"] == 1.783e-11
    apophis = sbdb.read_sbdb_file(ASTROQUERY_DATA / "apophis.dat").elements
    assert apophis.nongrav["A2"] == -5.592840054057059e-14 and "A1" not in apophis.nongrav
    assert sbdb.read_sbdb_file(ASTROQUERY_DATA / "ceres.dat").elements.nongrav == {}


def test_fixture_through_fetch_matches_astroquery_copy(apophis_path):
    assert (
        sbdb.read_sbdb_file(apophis_path).elements.to_conics().tolist()
        == sbdb.read_sbdb_file(ASTROQUERY_DATA / "apophis.dat").elements.to_conics().tolist()
    )


@pytest.mark.parametrize(
    "name, rows", [("apophis.dat", 79), ("67P.dat", 18), ("phaethon.dat", 80), ("ceres.dat", 1)]
)
def test_close_approaches(name, rows):
    data = raw(name)
    ca = sbdb.read_sbdb_file(ASTROQUERY_DATA / name).close_approaches
    assert len(ca) == rows == len(data["ca_data"])
    assert ca["et"].is_monotonic_increasing
    by_jd = {row["jd"]: row for row in data["ca_data"]}
    for rec in ca.itertuples():
        src = by_jd.get(f"{rec.jd_tdb:.9f}")
        if src is None:  # match by value when the string formatting differs
            src = min(data["ca_data"], key=lambda r: abs(float(r["jd"]) - rec.jd_tdb))
        assert rec.dist_au == float(src["dist"]) and rec.v_rel_kms == float(src["v_rel"])
        assert rec.dist_min_au <= rec.dist_au <= rec.dist_max_au
        assert rec.et == pytest.approx((float(src["jd"]) - 2451545.0) * 86400.0, abs=1e-3)
        # 'cd' is 'jd' rounded to the minute: the same time scale (TDB), not UTC
        instant = dt.datetime(2000, 1, 1, 12) + dt.timedelta(seconds=rec.et)
        rounded = (instant + dt.timedelta(seconds=30)).replace(second=0, microsecond=0)
        assert rounded.strftime("%Y-%b-%d %H:%M") == rec.time_tdb


def test_apophis_2029_approach_row():
    ca = sbdb.read_sbdb_file(ASTROQUERY_DATA / "apophis.dat").close_approaches
    row = ca[(ca.body == "Earth") & ca.time_tdb.str.startswith("2029-Apr")].iloc[0]
    assert row.time_tdb == "2029-Apr-13 21:46"
    assert row.dist_au * AU_KM == pytest.approx(37_725, abs=5)  # 0.000252172816 au
    assert row.v_rel_kms == pytest.approx(7.4333, abs=1e-4)


def _write(tmp_path, data, name="broken.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda d: d["orbit"]["elements"].pop(0), "orbit.elements e"),
        (lambda d: d["orbit"].pop("epoch"), "orbit.epoch"),
        (lambda d: d.pop("orbit"), "'orbit'"),
        (lambda d: d["object"].pop("des"), "object.des"),
        (
            lambda d: d["orbit"]["elements"].__setitem__(
                slice(None), [e for e in d["orbit"]["elements"] if e["name"] not in ("ma", "tp")]
            ),
            "orbit.elements ma",
        ),
        (lambda d: d["orbit"]["elements"][3].__setitem__("value", "oops"), "not a number"),
    ],
)
def test_missing_fields_name_field_and_file(tmp_path, mutate, words):
    data = raw("apophis.dat")
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(ElementsError) as info:
        sbdb.read_sbdb_file(path)
    assert words in str(info.value) and "broken.json" in str(info.value)


def test_not_json_and_missing_file(tmp_path):
    bad = tmp_path / "page.html"
    bad.write_text("<html>503</html>")
    with pytest.raises(ElementsError, match=r"page\.html is not JSON"):
        sbdb.read_sbdb_file(bad)
    with pytest.raises(ElementsError, match="does not exist"):
        sbdb.read_sbdb_file(tmp_path / "nope.json")


def test_mean_anomaly_from_tp_when_ma_absent(tmp_path):
    data = raw("apophis.dat")
    data["orbit"]["elements"] = [e for e in data["orbit"]["elements"] if e["name"] != "ma"]
    el = sbdb.read_sbdb_file(_write(tmp_path, data)).elements
    assert el.M_deg == pytest.approx(180.429373045644, abs=1e-7)


def test_ceres_with_a_null_value_still_parses():
    el = sbdb.read_sbdb_file(ASTROQUERY_DATA / "ceres_missing_value.dat").elements
    assert el.q_au == 2.558038488592984 and el.period_days is not None


def test_not_found_answer_is_unknown_body():
    with pytest.raises(UnknownBody, match="not found"):
        sbdb.parse_sbdb({"code": "200", "message": "specified object was not found"})
    with pytest.raises(UnknownBody, match="several objects"):
        sbdb.parse_sbdb(
            {
                "code": "300",
                "list": [{"pdes": "1", "name": "Ceres"}, {"pdes": "2", "name": "Pallas"}],
            }
        )


# ---------------- live query and cache (the network is never touched) ----------------------


class FakeJPL:
    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, designation, timeout_s):
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(tmp_path))
    return tmp_path / "sbdb"


def test_success_is_cached_and_reused(cache, monkeypatch):
    text = (ASTROQUERY_DATA / "apophis.dat").read_text()
    fake = FakeJPL([text])
    monkeypatch.setattr(sbdb, "_fetch_sbdb_text", fake)
    first = sbdb.query_sbdb("99942")
    assert first.elements.q_au == 0.7460724295867941 and "fetched from JPL" in first.source
    entry = json.loads((cache / "99942.json").read_text())
    assert entry["response"]["orbit"]["orbit_id"] == "199" and entry["fetched_unix"] > 0
    second = sbdb.query_sbdb("99942")
    assert fake.calls == 1
    assert second.elements.source.endswith("from cache, 0.0 days old")
    assert len(second.close_approaches) == 79


def test_failures_are_not_cached(cache, monkeypatch):
    fake = FakeJPL(
        [
            json.dumps({"code": "200", "message": "specified object was not found"}),
            ConnectionError("no route to host"),
            "<html>oops</html>",
        ]
    )
    monkeypatch.setattr(sbdb, "_fetch_sbdb_text", fake)
    with pytest.raises(UnknownBody, match=r"'nothing'.*specified object was not found"):
        sbdb.query_sbdb("nothing")
    with pytest.raises(DownloadError) as info:
        sbdb.query_sbdb("nothing")
    message = str(info.value)
    assert "cannot reach JPL SBDB" in message and "--sbdb-file" in message
    assert "offline catalog" in message and "no route to host" in message
    with pytest.raises(DownloadError, match="unreadable"):
        sbdb.query_sbdb("nothing")
    assert not cache.exists() or not any(cache.iterdir())


def test_stale_cache_refreshes_or_falls_back(cache, monkeypatch):
    text = (ASTROQUERY_DATA / "phaethon.dat").read_text()
    monkeypatch.setattr(sbdb, "_fetch_sbdb_text", FakeJPL([text]))
    sbdb.query_sbdb("3200")
    path = cache / "3200.json"
    entry = json.loads(path.read_text())
    entry["fetched_unix"] -= 10 * 86400  # ten days old
    path.write_text(json.dumps(entry))
    # stale and JPL unreachable: the old answer, with a warning and its age
    monkeypatch.setattr(sbdb, "_fetch_sbdb_text", FakeJPL([TimeoutError("timed out")]))
    with pytest.warns(UserWarning, match="10.0 days old"):
        rec = sbdb.query_sbdb("3200", max_age_days=7)
    assert "from cache, 10.0 days old (stale" in rec.source
    # still young enough for a generous max age: no question asked
    fake = FakeJPL([])
    monkeypatch.setattr(sbdb, "_fetch_sbdb_text", fake)
    assert "10.0 days old" in sbdb.query_sbdb("3200", max_age_days=30).source and fake.calls == 0
    # stale and JPL answers: refreshed
    fake = FakeJPL([text])
    monkeypatch.setattr(sbdb, "_fetch_sbdb_text", fake)
    assert "fetched from JPL" in sbdb.query_sbdb("3200").source and fake.calls == 1
    assert json.loads(path.read_text())["fetched_unix"] > entry["fetched_unix"] + 9 * 86400


def test_sbdb_elements_rounded_to_their_sigmas():
    el = sbdb.read_sbdb_file(ASTROQUERY_DATA / "apophis.dat").elements.rounded_to_sigma()
    # sigmas: q 4.7439e-9, e 5.3461e-9, i 3.5025e-7, node 2.1065e-5, peri 2.0643e-5, M 5.4642e-6
    assert (el.q_au, el.e, el.i_deg) == (0.746072430, 0.191195305, 3.3313695)
    assert (el.node_deg, el.peri_deg, el.M_deg) == (204.44603, 126.40188, 180.429373)
    assert el.epoch_et == jd_tdb_to_et(2454733.5) and "rounded to sigma" in el.source
