"""OBJ and PLY readers: format variants, round trips, bad files and fuzzing."""

import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapes_support import (
    CUBE_FACES,
    CUBE_VERTICES,
    as_float32_xz,
    icosphere,
    obj_text,
    write_ply,
)

from orbitviz.errors import ShapeFormatError
from orbitviz.shapes import Mesh, read_obj, read_ply, read_shape

SQUARE = "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 0.5 1.5 0\n"


def obj(tmp_path, text, name="model.obj"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_obj_round_trip_of_an_icosphere(tmp_path):
    v, f = icosphere(3)
    mesh = read_shape(obj(tmp_path, obj_text(v, f)))
    assert np.array_equal(mesh.vertices, v)  # repr() text: exact
    assert np.array_equal(mesh.faces, f)
    assert mesh.source == tmp_path / "model.obj"


def test_obj_with_texture_and_normal_indices_comments_and_other_statements(tmp_path):
    text = (
        "# exported by hand\r\nmtllib cube.mtl\no cube\n\n   \ng sides\ns off\n"
        + "".join(f"v {x} {y} {z}\nvt 0.5 0.5\nvn 0 0 1\n" for x, y, z in CUBE_VERTICES)
        + "usemtl rock\n"
        + "".join(
            f"f {a + 1}/{a + 1}/{a + 1} {b + 1}//{b + 1} {c + 1}/{c + 1}\n"
            for a, b, c in CUBE_FACES
        )
    )
    mesh = read_obj(obj(tmp_path, text))
    assert np.array_equal(mesh.vertices, CUBE_VERTICES)
    assert np.array_equal(mesh.faces, CUBE_FACES)
    assert mesh.volume_km3 == pytest.approx(1.0)


def test_obj_negative_indices_count_back_from_the_last_vertex(tmp_path):
    text = "v 0 0 0\nv 1 0 0\nv 0 1 0\nf -3 -2 -1\nv 0 0 1\nf -4 -3 -1\nf 1 -1 3\n"
    mesh = read_obj(obj(tmp_path, text))
    assert mesh.faces.tolist() == [[0, 1, 2], [0, 1, 3], [0, 3, 2]]


def test_obj_polygons_become_fans(tmp_path):
    mesh = read_obj(obj(tmp_path, SQUARE + "f 1 2 3 4\nf 1 2 3 5 4\nf 3 4 5\n"))
    assert mesh.faces.tolist() == [[0, 1, 2], [0, 2, 3], [0, 1, 2], [0, 2, 4], [0, 4, 3], [2, 3, 4]]


def test_obj_long_polygon_lines_tabs_crlf_extra_coordinates_and_exponents(tmp_path):
    n = 40  # a 40-gon: the line is longer than the fast row width
    ring = "".join(
        f"v\t{float(np.cos(a))!r}  {float(np.sin(a))!r}\t0.0 1.0\r\n"
        for a in np.linspace(0, 2 * np.pi, n, endpoint=False)
    )
    text = ring + "v 0 0 1e0 0.5 0.5 0.5\r\n  f " + " ".join(map(str, range(1, n + 1))) + " \r\n"
    mesh = read_obj(obj(tmp_path, text))
    assert len(mesh.faces) == n - 2
    assert mesh.vertices[-1].tolist() == [0, 0, 1]
    assert mesh.area_km2 == pytest.approx(n / 2 * np.sin(2 * np.pi / n))


@pytest.mark.parametrize("fmt", ["ascii", "binary_little_endian", "binary_big_endian"])
@pytest.mark.parametrize("count_type, index_type", [("uchar", "int"), ("int", "uint")])
def test_ply_round_trip(tmp_path, fmt, count_type, index_type):
    v, f = icosphere(2)
    path = write_ply(tmp_path / "ball.ply", v, f.tolist(), fmt, count_type, index_type)
    mesh = read_shape(path)
    assert np.array_equal(mesh.vertices, as_float32_xz(v))
    assert np.array_equal(mesh.faces, f)
    assert mesh.is_watertight


@pytest.mark.parametrize("fmt", ["ascii", "binary_little_endian", "binary_big_endian"])
def test_ply_polygons_become_fans(tmp_path, fmt):
    verts = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0.5, 1.5, 0]]
    path = write_ply(
        tmp_path / "poly.ply", verts, [[0, 1, 2, 3], [0, 1, 2], [0, 1, 2, 4, 3]], fmt, extras=False
    )
    assert read_ply(path).faces.tolist() == [
        [0, 1, 2],
        [0, 2, 3],
        [0, 1, 2],
        [0, 1, 2],
        [0, 2, 4],
        [0, 4, 3],
    ]


def ply_bytes(tmp_path):
    return write_ply(tmp_path / "good.ply", CUBE_VERTICES, CUBE_FACES.tolist()).read_bytes()


BAD_FILES = {
    "login.obj": (
        b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head></html>",
        "HTML page",
    ),
    "404.ply": (b"\n<html><body>404 Not Found</body></html>", "HTML page"),
    "empty.obj": (b"", "is empty"),
    "blank.ply": (b"  \n\n", "is empty"),
    "missing-vertex.obj": (SQUARE.encode() + b"f 1 2 6\n", "line 6: face refers to vertex 6"),
    "zero-index.obj": (SQUARE.encode() + b"f 0 1 2\n", "refers to vertex 0"),
    "nan.obj": (b"v 0 0 0\nv nan 0 0\nv 0 1 0\nf 1 2 3\n", "line 2: vertex coordinate is NaN"),
    "word.obj": (b"v 0 0 0\nv 1 zero 0\nv 0 1 0\nf 1 2 3\n", "line 2: vertex coordinate 'zero'"),
    "short.obj": (b"v 0 0 0\nv 1 0\nv 0 1 0\nf 1 2 3\n", "line 2: 2 vertex"),
    "no-faces.obj": (b"v 0 0 0\nv 1 0 0\nv 0 1 0\n", "no faces"),
    "text.obj": (b"hello world\n", "no vertices"),
    "junk.obj": (bytes(range(256)) * 4, "binary data"),
    "junk.ply": (b"ply\n\x00\x01\x02\xff" * 10, "end_header"),
    "float128.ply": (
        (b"ply\nformat ascii 1.0\nelement vertex 1\nproperty float128 x\nend_header\n1\n"),
        "header line 4: unknown PLY property type 'float128'",
    ),
    "nan.ply": (
        (
            b"ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
            b"property float z\nelement face 1\nproperty list uchar int vertex_indices\n"
            b"end_header\n0 0 0\n1 nan 0\n0 1 0\n3 0 1 2\n"
        ),
        "vertex 1 has a NaN",
    ),
    "missing-vertex.ply": (
        (
            b"ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\n"
            b"property float y\nproperty float z\nelement face 1\n"
            b"property list uchar int vertex_indices\nend_header\n"
            b"0 0 0\n1 0 0\n0 1 0\n3 0 1 3\n"
        ),
        "refers to vertex 3",
    ),
    "twice.ply": (
        (
            b"ply\nformat binary_big_endian 1.0\nelement vertex 1\nproperty float x\n"
            b"property float x\nend_header\n" + bytes(8)
        ),
        "header line 5: element 'vertex' has property 'x' twice",
    ),  # found by the fuzzer
    "notply.ply": (b"solid cube\nfacet normal 0 0 1\n", "not a PLY file"),
    "model.dat": (b"solid cube\nfacet normal 0 0 1\n", "unknown shape-model format"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_raise_shape_format_error_naming_the_file(tmp_path, name):
    content, message = BAD_FILES[name]
    path = obj(tmp_path, content, name)
    with pytest.raises(ShapeFormatError, match=message) as err:
        read_shape(path)
    assert str(path) in str(err.value)


def test_truncated_binary_ply(tmp_path):
    good = ply_bytes(tmp_path)
    for cut in (len(good) - 3, len(good) - 60, good.index(b"end_header") + 40):
        path = obj(tmp_path, good[:cut], "cut.ply")
        with pytest.raises(ShapeFormatError, match="truncated") as err:
            read_shape(path)
        assert str(path) in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(ShapeFormatError, match="does not exist"):
        read_shape(tmp_path / "nowhere.obj")


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


OBJ_ALPHABET = st.sampled_from(list("vf 0123456789.-/#\n\t\re+") + ["vt ", "nan", "\x00", "é"])


@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.lists(OBJ_ALPHABET, max_size=80).map("".join),
    prefix=st.sampled_from(["", SQUARE, "v 1 2 3\nf 1 1 1\n"]),
)
def test_fuzz_obj_gives_a_mesh_or_shape_format_error(fuzz_dir, text, prefix):
    path = fuzz_dir / "fuzz.obj"
    path.write_bytes((prefix + text).encode())
    try:
        mesh = read_obj(path)
    except ShapeFormatError as err:
        assert str(path) in str(err)
    else:
        assert isinstance(mesh, Mesh) and np.isfinite(mesh.vertices).all()


@settings(max_examples=900, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), fmt=st.sampled_from(["ascii", "binary_little_endian", "binary_big_endian"]))
def test_fuzz_ply_gives_a_mesh_or_shape_format_error(fuzz_dir, data, fmt):
    good = bytearray(
        write_ply(
            fuzz_dir / f"good-{fmt}.ply", CUBE_VERTICES, [[0, 1, 2, 3], [4, 5, 6]], fmt
        ).read_bytes()
    )
    for _ in range(data.draw(st.integers(1, 4))):
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        at = data.draw(st.integers(0, max(len(good) - 1, 0)))
        if action == "flip" and good:
            good[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del good[at:]
        else:
            good[at:at] = data.draw(st.binary(max_size=8))
    path = fuzz_dir / "fuzz.ply"
    path.write_bytes(bytes(good))
    try:
        mesh = read_ply(path)
    except ShapeFormatError as err:
        assert str(path) in str(err)
    else:
        assert isinstance(mesh, Mesh) and np.isfinite(mesh.vertices).all()


def test_ply_list_count_larger_than_the_file(tmp_path):
    good = ply_bytes(tmp_path)
    start = good.index(b"end_header\n") + len(b"end_header\n") + 8 * (4 + 8 + 4 + 4 + 1)
    bad = good[:start] + struct.pack("<B", 250) + good[start + 1 :]
    with pytest.raises(ShapeFormatError, match="truncated"):
        read_ply(obj(tmp_path, bad, "big-list.ply"))
