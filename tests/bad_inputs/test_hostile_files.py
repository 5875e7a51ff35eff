"""Files that are not what their names promise (#26 item 5): links to devices, loops of links,
named pipes, files rewritten in place, names with URI characters. Each is one line or read
right, never a hang, a RuntimeError or another file.

The device cases run in a child with a timeout: with the fix reverted they read /dev/zero
forever, which must fail the test, not hang the suite.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import needs_mirror, one_error_line

from orbitviz import data
from orbitviz._files import sha256_file
from orbitviz.data.fetch import verify
from orbitviz.errors import ChecksumError


def run_cli(mirror: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orbitviz.cli", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ORBITVIZ_DATA_MIRROR": str(mirror)},
    )


@pytest.fixture
def zero_link(tmp_path) -> Path:
    link = tmp_path / "model.obj"
    link.symlink_to("/dev/zero")
    return link


@needs_mirror
@pytest.mark.parametrize(
    ("argv", "what"),
    [
        (["shape", "info"], "shape file"),
        (["kernels", "info"], "kernel file"),
        (["screen", "--start", "2029-01-01", "--stop", "2029-02-01", "--catalog"], "catalog"),
        (["transit"], "light-curve file"),
    ],
)
def test_a_link_to_a_device_is_refused_at_once(mirror, zero_link, argv, what):
    """``shape info`` of a link to /dev/zero hashed forever (the mesh cache's key)."""
    if argv[0] == "screen":
        zero_link = zero_link.rename(zero_link.with_suffix(".csv"))
    done = run_cli(mirror, *argv, str(zero_link))
    assert done.returncode == 2, done.stderr[-400:]
    assert done.stderr.splitlines() == [
        f"orbitviz: error: {what} {zero_link} is a device or a socket, not a regular file; "
        "give a file"
    ]


def test_a_mirror_file_that_is_a_device_is_refused(tmp_path):
    link = tmp_path / "naif0012.tls"
    link.symlink_to("/dev/zero")
    item = data.entry("naif0012.tls")
    item = type(item)(**{**item.__dict__, "size": None})  # straight to the hash
    with pytest.raises(ChecksumError, match="is a device or a socket, not a regular file"):
        verify(item, link)


@pytest.mark.parametrize("argv", [["shape", "info"], ["kernels", "info"]])
def test_a_loop_of_links_is_one_line(tmp_path, capsys, argv):
    a, b = tmp_path / "a.obj", tmp_path / "b.obj"
    a.symlink_to(b)
    b.symlink_to(a)
    line = one_error_line(capsys, *argv, str(a))
    assert line.endswith(f"{a}: a loop of symbolic links; point the link at a real file")


@needs_mirror
def test_a_named_pipe_is_read_once_as_a_shell_gives_it(tmp_path, capsys, mirror):
    """``orbitviz shape info <(cat model.obj)`` said the file does not exist."""
    from orbitviz.cli import main

    source = mirror / "shapes" / "67p-4k.obj"
    pipe = tmp_path / "63"  # like /dev/fd/63: no suffix, the content says OBJ
    os.mkfifo(pipe)

    def feed():
        with open(pipe, "wb") as stream:
            stream.write(source.read_bytes())

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    assert main(["shape", "info", str(pipe)]) == 0
    writer.join(timeout=30)
    from_pipe = capsys.readouterr().out.splitlines()
    assert main(["shape", "info", str(source)]) == 0
    from_file = capsys.readouterr().out.splitlines()
    assert from_pipe[0].endswith(str(pipe)) and from_pipe[1:] == from_file[1:]
    assert "Wavefront OBJ" in from_pipe[1]
    assert [p.name for p in tmp_path.iterdir()] == ["63"]  # no copy left behind


def test_a_file_rewritten_in_place_is_hashed_again(tmp_path):
    """The memo key was (size, mtime, inode): an edit that kept both (an editor restoring the
    mtime, a copy with ``cp -p``) kept the old hash, and the old mesh."""
    path = tmp_path / "model.obj"
    path.write_text("v 0 0 0\n")
    before = path.stat()
    first = sha256_file(path, memo_dir=tmp_path / "memo")
    time.sleep(0.01)
    path.write_text("v 1 0 0\n")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime
    assert sha256_file(path, memo_dir=tmp_path / "memo") != first


@needs_mirror
@pytest.mark.parametrize("name", ["cat#1.db", "cat?x.db", "cat%41.db", "with space.db"])
def test_sqlite_catalog_names_with_uri_characters(tmp_path, mirror, name):
    """The path went into a ``file:`` URI unquoted: ``cat#1.db`` opened ``cat``, and one case
    created an empty file."""
    from orbitviz.smallbodies import read_catalog, read_neodys

    path = tmp_path / name
    shutil.copy(mirror / "catalogs" / "neodys.db", path)
    table = read_catalog(path, "neodys", table="main", warn=False)
    assert len(table) == len(read_neodys())
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    with sqlite3.connect(path) as con:  # and the file is untouched
        assert con.execute("SELECT count(*) FROM main").fetchone()[0] >= len(table)


def test_an_obj_with_a_byte_order_mark_keeps_its_first_vertex(tmp_path):
    from orbitviz.shapes import read_shape

    text = "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 2 3 4\nf 1 4 3\n"
    plain, marked = tmp_path / "plain.obj", tmp_path / "marked.obj"
    plain.write_text(text)
    marked.write_bytes(b"\xef\xbb\xbf" + text.encode())
    a, b = read_shape(plain), read_shape(marked)
    assert len(b.vertices) == 4 and (a.vertices == b.vertices).all()


@pytest.mark.parametrize("extra", ["comment\n", "\n", "comment made by hand\n"])
def test_ply_comments_before_the_format_line(tmp_path, capsys, extra):
    """A bare ``comment`` (or a blank line) after the magic loaded, then ``shape info``
    crashed; "comment made by hand" before the format was reported as format "PLY made"."""
    from orbitviz.cli import main

    ply = tmp_path / "tetra.ply"
    ply.write_text(
        f"ply\n{extra}format ascii 1.0\nelement vertex 4\nproperty float x\n"
        "property float y\nproperty float z\nelement face 4\n"
        "property list uchar int vertex_indices\nend_header\n"
        "0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 2 1\n3 0 1 3\n3 1 2 3\n3 0 3 2\n"
    )
    assert main(["shape", "info", str(ply)]) == 0
    rows = dict(line.split(None, 1) for line in capsys.readouterr().out.splitlines())
    assert rows["format"] == "PLY ascii" and rows["vertices"] == "4"


def test_an_sbdb_answer_nested_past_the_json_reader_is_one_line(tmp_path, capsys):
    """200,000 nested brackets gave a RecursionError traceback."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    line = one_error_line(capsys, "flyby", "Apophis", "--sbdb-file", str(deep))
    assert "nests its brackets deeper than Python's JSON reader goes" in line
