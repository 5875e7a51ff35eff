"""The two file helpers every layer uses: atomic writes and sha256 of a file."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading

import pytest

from orbitviz import _files
from orbitviz._files import atomic_open, atomic_path, atomic_write, sha256_file


def _payload(tag: int, size: int = 1 << 18) -> bytes:
    return bytes([65 + tag % 26]) * size


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_bytes_and_text_land_under_the_final_name(tmp_path):
    assert atomic_write(tmp_path / "a.bin", b"\x00\x01").read_bytes() == b"\x00\x01"
    assert atomic_write(tmp_path / "b.txt", "Ω km").read_text(encoding="utf-8") == "Ω km"
    with atomic_open(tmp_path / "c.txt", "w") as stream:
        stream.write("line\n")
    assert (tmp_path / "c.txt").read_text() == "line\n"
    with atomic_path(tmp_path / "d.csv") as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".csv"  # writers choosing by suffix
        assert not (tmp_path / "d.csv").exists()
        tmp.write_text("x,y\n")
    assert (tmp_path / "d.csv").read_text() == "x,y\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("how", ["open", "path"])
def test_failure_mid_write_keeps_the_old_file_and_no_temporary(tmp_path, how):
    final = tmp_path / "table.json"
    final.write_text("old")
    with pytest.raises(RuntimeError, match="disk on fire"):
        if how == "open":
            with atomic_open(final, "w") as stream:
                stream.write("half a ")
                stream.flush()
                raise RuntimeError("disk on fire")
        else:
            with atomic_path(final) as tmp:
                tmp.write_text("half a ")
                raise RuntimeError("disk on fire")
    assert final.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.json"]


def test_failure_of_a_new_file_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt), atomic_open(tmp_path / "new.bin") as stream:
        stream.write(b"123")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_the_data_is_fsynced_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.fstat(fd).st_ino))
        real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", os.stat(src).st_ino))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    final = atomic_write(tmp_path / "x.bin", b"data")
    inode = final.stat().st_ino
    assert ("replace", inode) in events
    assert ("fsync", inode) in events[: events.index(("replace", inode))]


def _hammer(final, tag, rounds, errors):
    try:
        for _ in range(rounds):
            atomic_write(final, _payload(tag))
    except BaseException as exc:  # noqa: BLE001 -- reported to the test
        errors.append(repr(exc))


def test_concurrent_writers_and_a_reader_never_collide(tmp_path):
    final = tmp_path / "shared.bin"
    atomic_write(final, _payload(0))
    errors: list[str] = []
    stop = threading.Event()

    def read():
        while not stop.is_set():
            data = final.read_bytes()
            if data not in (_payload(0), _payload(1), _payload(2)):
                errors.append(f"reader saw a partial file of {len(data)} bytes")
                return

    writers = [threading.Thread(target=_hammer, args=(final, t, 40, errors)) for t in (1, 2)]
    reader = threading.Thread(target=read)
    reader.start()
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    stop.set()
    reader.join()
    assert errors == []
    assert final.read_bytes() in (_payload(1), _payload(2))
    assert _leftovers(tmp_path) == []


def _process_writer(final, tag):
    errors: list[str] = []
    _hammer(final, tag, 40, errors)
    if errors:
        raise SystemExit(errors[0])


def test_concurrent_processes_never_collide(tmp_path):
    final = tmp_path / "shared.bin"
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    procs = [ctx.Process(target=_process_writer, args=(final, t)) for t in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert final.read_bytes() in (_payload(1), _payload(2))
    assert _leftovers(tmp_path) == []


def test_sbdb_cache_writers_do_not_collide(tmp_path):
    """The SBDB answer cache (once a fixed ``.tmp`` name) goes through the shared helper."""
    import json

    from orbitviz.smallbodies import sbdb

    path = tmp_path / "sbdb" / "apophis.json"
    errors: list[str] = []

    def write(tag):
        try:
            for i in range(30):
                sbdb._write_cache(path, "99942", {"tag": tag, "pad": "x" * 50_000}, float(i))
        except BaseException as exc:  # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=write, args=(t,)) for t in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert json.loads(path.read_text())["response"]["tag"] in (1, 2)
    assert [p.name for p in path.parent.iterdir()] == ["apophis.json"]


def test_a_folder_replaces_only_an_empty_folder(tmp_path):
    final = tmp_path / "frames"
    final.mkdir()
    with atomic_path(final, folder=True) as tmp:
        assert tmp.is_dir() and tmp != final
        (tmp / "frame_00000.png").write_bytes(b"png")
    assert [p.name for p in final.iterdir()] == ["frame_00000.png"]
    with pytest.raises(OSError), atomic_path(final, folder=True) as tmp:  # not empty now
        (tmp / "frame_00000.png").write_bytes(b"new")
    assert (final / "frame_00000.png").read_bytes() == b"png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frames"]


def test_sha256_matches_hashlib_and_is_memoised(tmp_path, monkeypatch):
    path = tmp_path / "kernel.bsp"
    path.write_bytes(os.urandom(5 << 20))  # more than one 4 MiB chunk
    truth = hashlib.sha256(path.read_bytes()).hexdigest()
    assert sha256_file(path) == truth
    monkeypatch.setattr(_files, "_sha256_of_contents", lambda p: pytest.fail("hashed again"))
    assert sha256_file(path) == truth
    assert sha256_file(tmp_path / "." / "kernel.bsp") == truth  # the same file by another name
    monkeypatch.undo()
    path.write_bytes(b"edited")  # new size and mtime: a fresh hash
    assert sha256_file(path) == hashlib.sha256(b"edited").hexdigest()


def test_sha256_memo_dir_serves_a_later_process(tmp_path, monkeypatch):
    path = tmp_path / "shape.obj"
    path.write_bytes(b"v 0 0 0\n" * 1000)
    memo = tmp_path / "memo"
    truth = hashlib.sha256(path.read_bytes()).hexdigest()
    assert sha256_file(path, memo_dir=memo) == truth
    assert len(list(memo.iterdir())) == 1
    monkeypatch.setattr(_files, "_memo", {})  # as in a new process
    monkeypatch.setattr(_files, "_sha256_of_contents", lambda p: pytest.fail("hashed again"))
    assert sha256_file(path, memo_dir=memo) == truth
    monkeypatch.setattr(_files, "_memo", {})
    monkeypatch.setattr(_files, "_sha256_of_contents", lambda p: "f" * 64)
    os.utime(path, ns=(1, 1))  # touched: the memo no longer applies
    assert sha256_file(path, memo_dir=memo) == "f" * 64


def test_unwritable_memo_dir_only_costs_time(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("abc")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert sha256_file(path, memo_dir=blocker) == hashlib.sha256(b"abc").hexdigest()
