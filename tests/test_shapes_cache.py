"""The mesh cache: second loads come from it, damaged files are rewritten, keys are content."""

import hashlib

import numpy as np
import pytest
from shapes_support import icosphere, obj_text

from orbitviz import _files
from orbitviz.shapes import cache, load_mesh


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(root))
    return root


@pytest.fixture
def model(tmp_path):
    v, f = icosphere(3)
    path = tmp_path / "ball.obj"
    path.write_text(obj_text(v, f))
    return path


def forbid_parsing(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("parsed the file instead of using the cache")

    monkeypatch.setattr(cache, "read_shape", fail)


def test_second_load_comes_from_the_cache_with_identical_arrays(cache_root, model, monkeypatch):
    first = load_mesh(model, body="ball")
    stored = cache.mesh_cache_path(model)
    assert stored.parent == cache_root / "meshes" and stored.is_file()
    assert not list(stored.parent.glob(".*"))  # written atomically, no leftovers
    forbid_parsing(monkeypatch)
    second = load_mesh(model, body="ball", frame="BALL_FIXED")
    assert np.array_equal(first.vertices, second.vertices)
    assert np.array_equal(first.faces, second.faces)
    assert second.body == "ball" and second.frame == "BALL_FIXED" and second.source == model


def _read_records(path):
    with open(path, "rb") as stream:
        return np.load(stream, allow_pickle=False), np.load(stream, allow_pickle=False)


@pytest.mark.parametrize(
    "damage", [b"", b"not an array file", "pickle", "missing-array", "truncated", "trailing"]
)
def test_damaged_cache_is_ignored_and_rewritten(cache_root, model, damage):
    reference = load_mesh(model)
    stored = cache.mesh_cache_path(model)
    good = stored.read_bytes()
    if damage == "pickle":  # an object array would need allow_pickle=True
        with open(stored, "wb") as stream:
            np.save(stream, np.array([None, 1], dtype=object), allow_pickle=True)
            np.save(stream, reference.faces)
    elif damage == "missing-array":
        with open(stored, "wb") as stream:
            np.save(stream, reference.vertices)
    elif damage == "truncated":
        stored.write_bytes(good[:-7])
    elif damage == "trailing":
        stored.write_bytes(good + b"\0")
    else:
        stored.write_bytes(damage)
    mesh = load_mesh(model)
    assert np.array_equal(mesh.vertices, reference.vertices)
    assert np.array_equal(mesh.faces, reference.faces)
    vertices, faces = _read_records(stored)  # rewritten, valid again
    assert np.array_equal(vertices, reference.vertices) and np.array_equal(faces, reference.faces)
    assert stored.read_bytes() == good


def test_cache_is_keyed_by_content(cache_root, model, tmp_path):
    copy = tmp_path / "renamed.obj"
    copy.write_bytes(model.read_bytes())
    assert cache.mesh_cache_path(copy) == cache.mesh_cache_path(model)
    load_mesh(model)
    v, f = icosphere(1)
    model.write_text(obj_text(v * 2, f))  # edited in place: a new key, the new shape
    assert cache.mesh_cache_path(model) != cache.mesh_cache_path(copy)
    assert len(load_mesh(model).faces) == len(f)
    truth = hashlib.sha256(copy.read_bytes()).hexdigest()
    assert cache.mesh_cache_path(copy).name.split("-")[0] == truth


def test_use_cache_false_neither_reads_nor_writes(cache_root, model):
    assert len(load_mesh(model, use_cache=False).faces) == 1280
    assert not (cache_root / "meshes").exists()


def test_unwritable_cache_still_loads(tmp_path, model, monkeypatch):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(blocker))
    assert len(load_mesh(model).faces) == 1280


def test_unchanged_files_are_not_hashed_again(cache_root, model, monkeypatch):
    load_mesh(model)
    monkeypatch.setattr(_files, "_memo", {})  # as in the next process: the on-disk memo serves
    monkeypatch.setattr(_files, "_sha256_of_contents", lambda path: pytest.fail("hashed again"))
    forbid_parsing(monkeypatch)
    assert len(load_mesh(model).faces) == 1280


def test_same_size_edit_is_noticed(cache_root, model):
    first = load_mesh(model)
    text = model.read_text().replace("v 0.0 ", "v 0.5 ", 1)
    assert len(text) == len(model.read_text())
    model.write_text(text)  # same size, new mtime
    assert not np.array_equal(load_mesh(model).vertices, first.vertices)
