"""Read shape models (Wavefront OBJ, PLY) into a :class:`Mesh`, fast and with helpful errors.

Every problem with a file is raised as :class:`orbitviz.errors.ShapeFormatError` naming the
file (and the line, for text) and what to do about it.

Example:
    >>> from orbitviz import data
    >>> mesh = read_shape(data.fetch("67p-spc.ply"))
    >>> len(mesh.faces)
    96834
"""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np

from orbitviz._files import check_input, spooled
from orbitviz.errors import ShapeFormatError
from orbitviz.shapes import _parse
from orbitviz.shapes._parse import PAD, BadToken
from orbitviz.shapes.mesh import Mesh

_HTML_HINT = (
    "it looks like an HTML page (a login page, a 404 or a redirect page saved in place "
    "of the model); download the file again from its archive"
)


def read_shape(path: str | Path, *, body: str | None = None, frame: str | None = None) -> Mesh:
    """Read an OBJ, PLY or SPICE DSK (type 2) shape model, recognised by its content first and
    then its extension."""
    path = Path(path)
    info = check_input(path, what="shape file", error=ShapeFormatError, pipes=True)
    if info is not None and stat.S_ISFIFO(info.st_mode):  # a shell's <(cmd): read it once
        return _read_pipe(path, body, frame)
    head = _head(path)
    if head.startswith(b"ply"):
        return read_ply(path, body=body, frame=frame)
    if head.startswith(b"DAS/DSK"):
        return read_dsk_mesh(path, body=body, frame=frame)
    _reject_non_text(path, head, "shape-model")
    if path.suffix.lower() == ".ply":
        raise ShapeFormatError(
            f"{path} is not a PLY file (it does not start with 'ply'); re-download or re-export it"
        )
    if path.suffix.lower() == ".obj" or b"\nv " in head or head.startswith(b"v "):
        return read_obj(path, body=body, frame=frame)
    raise ShapeFormatError(
        f"{path}: unknown shape-model format (supported: Wavefront OBJ, PLY and SPICE DSK type 2)"
    )


def _read_pipe(path: Path, body: str | None, frame: str | None) -> Mesh:
    try:
        with spooled(path) as copy:
            mesh = read_shape(copy, body=body, frame=frame)
    except OSError as exc:
        raise ShapeFormatError(f"cannot read shape file {path}: {exc.strerror or exc}") from None
    return Mesh(mesh.vertices, mesh.faces, mesh.body, mesh.frame, path)


def read_dsk_mesh(path: str | Path, *, body: str | None = None, frame: str | None = None) -> Mesh:
    """Read the plates of a SPICE DSK (type 2) file; body and frame come from the file."""
    from orbitviz.spice.dsk import read_dsk  # SPICE stays in orbitviz.spice

    plates = read_dsk(path)
    return Mesh(
        plates.vertices_km, plates.faces, body or plates.body, frame or plates.frame, Path(path)
    )


def read_obj(path: str | Path, *, body: str | None = None, frame: str | None = None) -> Mesh:
    """Read a Wavefront OBJ file (``v`` and ``f`` statements; polygons become triangle fans)."""
    path = Path(path)
    _reject_non_text(path, _head(path), "OBJ")
    try:
        buf = _parse.read_padded(path)
    except OSError as exc:
        raise ShapeFormatError(f"cannot read shape file {path}: {exc.strerror or exc}") from None
    if bytes(buf[PAD : PAD + 3]) == b"\xef\xbb\xbf":  # a UTF-8 BOM hid the first 'v' line
        buf[PAD : PAD + 3] = 32
    return _obj(path, buf, body, frame)


def read_ply(path: str | Path, *, body: str | None = None, frame: str | None = None) -> Mesh:
    """Read a PLY file (ascii, binary little- or big-endian; polygons become triangle fans)."""
    path = Path(path)
    data = _read_bytes(path)
    if not data.startswith(b"ply"):
        _reject_non_text(path, data[:_HEAD], "PLY")
        raise ShapeFormatError(
            f"{path} is not a PLY file (it does not start with 'ply'); re-download or re-export it"
        )
    return _ply(path, data, body, frame)


_HEAD = 1 << 16


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read(_HEAD)
    except FileNotFoundError:
        raise ShapeFormatError(
            f"shape file {path} does not exist; check the path, or fetch it "
            "with orbitviz.data.fetch(name)"
        ) from None
    except OSError as exc:
        raise ShapeFormatError(f"cannot read shape file {path}: {exc.strerror or exc}") from None


def _read_bytes(path: Path) -> bytes:
    _head(path)  # the same errors for a missing or unreadable file
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ShapeFormatError(f"cannot read shape file {path}: {exc.strerror or exc}") from None


def _reject_non_text(path: Path, head: bytes, kind: str) -> None:
    stripped = head.lstrip()
    if not stripped:
        raise ShapeFormatError(
            f"{path} is empty; the download or export did not finish, fetch the file again"
        )
    if stripped[:1] == b"<":
        raise ShapeFormatError(f"{path} is not a {kind} file: {_HTML_HINT}")
    if b"\0" in head:
        raise ShapeFormatError(
            f"{path} is not a {kind} text file (it contains binary data); "
            "check that you picked the right file, or re-download it"
        )


# --------------------------------------------------------------------------------------- OBJ


def _obj(path: Path, buf: np.ndarray, body: str | None, frame: str | None) -> Mesh:
    newlines = np.flatnonzero(buf == 10)
    first, ends = np.r_[PAD, newlines[:-1] + 1], newlines.copy()
    _trim_blanks(buf, first, ends)
    statement = (first < ends) & (buf[first + 1] <= 32)
    lead = buf[first]
    v_lines = np.flatnonzero(statement & (lead == ord("v")))
    f_lines = np.flatnonzero(statement & (lead == ord("f")))
    if len(v_lines) == 0:
        raise ShapeFormatError(
            f"{path} has no vertices ('v' lines): it is not an OBJ shape "
            "model, or it is empty or truncated; re-download it"
        )
    if len(f_lines) == 0:
        raise ShapeFormatError(
            f"{path} has vertices but no faces ('f' lines): a point cloud "
            "cannot be shown as a surface; use a mesh file"
        )
    where = _LineFinder(path, newlines)
    vertices = _obj_vertices(where, buf, first[v_lines] + 1, ends[v_lines], v_lines)
    faces = _obj_faces(
        where, buf, first[f_lines] + 1, ends[f_lines], f_lines, v_lines, len(vertices)
    )
    return Mesh(vertices, faces, body, frame, path)


class _LineFinder:
    """Turns byte offsets into 'file, line N' for error messages."""

    def __init__(self, path: Path, newlines: np.ndarray):
        self.path, self.newlines = path, newlines

    def __call__(self, offset: int) -> str:
        return f"{self.path}, line {int(np.searchsorted(self.newlines, offset)) + 1}"


def _trim_blanks(buf: np.ndarray, first: np.ndarray, ends: np.ndarray) -> None:
    """Move each line's ``first`` and ``ends`` (in place) past blanks ('\\r', tabs, spaces)."""
    todo = np.flatnonzero((buf[first] <= 32) & (first < ends))
    while len(todo):
        first[todo] += 1
        todo = todo[(buf[first[todo]] <= 32) & (first[todo] < ends[todo])]
    todo = np.flatnonzero((buf[ends - 1] <= 32) & (first < ends))
    while len(todo):
        ends[todo] -= 1
        todo = todo[(buf[ends[todo] - 1] <= 32) & (first[todo] < ends[todo])]


def _tokens_and_numbers(where, buf, line_starts, line_ends, integer, what):
    """Tokens of the lines (see _parse.line_tokens), the leading 3 of each for vertices, and
    their values. The fast single-space path is retried in full before reporting a bad token."""
    for simple in (True, False):
        starts, ends, counts = _parse.line_tokens(
            buf, line_starts, line_ends, slash=integer, simple=simple
        )
        _check_counts(where, counts, line_starts, what)
        if not integer and not (counts == 3).all():  # x y z w or x y z r g b: keep x y z
            rank = np.arange(len(starts)) - np.repeat(np.cumsum(counts) - counts, counts)
            starts, ends = starts[rank < 3], ends[rank < 3]
        try:
            return _parse.numbers(buf, starts, ends, integer), starts, counts
        except BadToken as bad:
            i = bad.index
    word = buf[starts[i] : ends[i]].tobytes()[:40].decode("latin-1")
    raise ShapeFormatError(
        f"{where(starts[i])}: {what} {word!r} is not a number; the file "
        "is damaged or not an OBJ file"
    )


def _check_counts(where: _LineFinder, counts, line_starts, what: str) -> None:
    short = counts < 3
    if short.any():
        i = int(np.argmax(short))
        raise ShapeFormatError(
            f"{where(line_starts[i])}: {counts[i]} {what}(s) on the line, "
            "expected at least 3; the file is damaged"
        )


def _obj_vertices(where, buf, line_starts, line_ends, lines) -> np.ndarray:
    values, _, _ = _tokens_and_numbers(
        where, buf, line_starts, line_ends, False, "vertex coordinate"
    )
    vertices = values.reshape(-1, 3)
    bad = ~np.isfinite(vertices).all(axis=1)
    if bad.any():
        raise ShapeFormatError(
            f"{where(line_starts[np.argmax(bad)])}: vertex coordinate is NaN "
            "or infinite; the file is damaged, re-export or re-download it"
        )
    return vertices


def _obj_faces(where, buf, line_starts, line_ends, lines, v_lines, n_vertices) -> np.ndarray:
    refs, starts, counts = _tokens_and_numbers(
        where, buf, line_starts, line_ends, True, "face vertex index"
    )
    resolved = refs - 1  # OBJ counts from 1 ...
    negative = refs < 0  # ... or back from the last vertex defined before the face
    if negative.any():
        defined = np.searchsorted(v_lines, np.repeat(lines, counts)[negative])
        resolved[negative] = defined + refs[negative]
    bad = (refs == 0) | (resolved < 0) | (resolved >= n_vertices)
    if bad.any():
        i = int(np.argmax(bad))
        raise ShapeFormatError(
            f"{where(starts[i])}: face refers to vertex {int(refs[i])}, but the file defines "
            f"{n_vertices} vertices (OBJ indices start at 1); the file is truncated or damaged, "
            "re-download it"
        )
    return _parse.fan(resolved, counts)[0]


# --------------------------------------------------------------------------------------- PLY

_PLY_TYPES = {
    "char": "i1",
    "int8": "i1",
    "uchar": "u1",
    "uint8": "u1",
    "short": "i2",
    "int16": "i2",
    "ushort": "u2",
    "uint16": "u2",
    "int": "i4",
    "int32": "i4",
    "uint": "u4",
    "uint32": "u4",
    "float": "f4",
    "float32": "f4",
    "double": "f8",
    "float64": "f8",
}
_FORMATS = {"ascii": None, "binary_little_endian": "<", "binary_big_endian": ">"}


class _Element:
    def __init__(self, name: str, count: int):
        self.name, self.count = name, count
        self.props: list[tuple[str, str, str | None]] = []  # (name, item type, count type|None)


def _ply(path: Path, data: bytes, body: str | None, frame: str | None) -> Mesh:
    order, elements, body_start = _ply_header(path, data)
    by_name = {e.name: e for e in elements}
    if "vertex" not in by_name or "face" not in by_name or len(by_name) < len(elements):
        raise ShapeFormatError(
            f"{path}: PLY header must declare one 'vertex' and one 'face' "
            "element; this file is not a usable shape model"
        )
    if any(count for _, _, count in by_name["vertex"].props) or all(
        count is None for _, _, count in by_name["face"].props
    ):
        raise ShapeFormatError(
            f"{path}: PLY vertices must have scalar x, y, z and faces a "
            "'vertex_indices' list; re-export the model"
        )
    if order is None:
        raw, order = _ply_ascii_numbers(path, data, body_start, elements), "="
        offset = 0
    else:
        raw, offset = data, body_start
    parsed = {}
    for element in elements:  # all of them: a file cut anywhere is reported as truncated
        parsed[element.name], offset = _read_element(path, raw, offset, element, order)
    vertex, (face_flat, face_counts) = parsed["vertex"], parsed["face"]
    names = [p[0] for p in by_name["vertex"].props]
    if not {"x", "y", "z"} <= set(names):
        raise ShapeFormatError(
            f"{path}: PLY vertices have no x, y, z properties (found "
            f"{names}); re-export the model with positions"
        )
    vertices = np.stack([vertex[c].astype(np.float64) for c in "xyz"], axis=1)
    if not np.isfinite(vertices).all():
        bad = int(np.argmax(~np.isfinite(vertices).all(axis=1)))
        raise ShapeFormatError(
            f"{path}: vertex {bad} has a NaN or infinite coordinate; the file "
            "is damaged, re-export or re-download it"
        )
    if (face_counts < 3).any():
        bad = int(np.argmax(face_counts < 3))
        raise ShapeFormatError(
            f"{path}: face {bad} has {int(face_counts[bad])} corners; a face "
            "needs at least 3, the file is damaged"
        )
    if face_flat.dtype.kind == "f" and (face_flat != np.round(face_flat)).any():
        raise ShapeFormatError(f"{path}: a face's vertex index is not an integer")
    flat = face_flat.astype(np.int64)
    if len(flat) and (flat.min() < 0 or flat.max() >= len(vertices)):
        bad = int(np.argmax((flat < 0) | (flat >= len(vertices))))
        raise ShapeFormatError(
            f"{path}: a face refers to vertex {int(flat[bad])}, but the file "
            f"has {len(vertices)} vertices (0-based); it is truncated or "
            "damaged, re-download it"
        )
    faces, _ = _parse.fan(flat, face_counts)
    return Mesh(vertices, faces, body, frame, path)


def _ply_header(path: Path, data: bytes):
    end = data.find(b"end_header")
    if end < 0:
        raise ShapeFormatError(
            f"{path}: PLY header has no 'end_header' line; the file is "
            "truncated or not a PLY file, re-download it"
        )
    body_start = data.find(b"\n", end)
    body_start = len(data) if body_start < 0 else body_start + 1
    try:
        lines = data[:end].decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise ShapeFormatError(
            f"{path}: PLY header contains non-ASCII bytes; the file is damaged, re-download it"
        ) from None
    order: str | None = "missing"
    elements: list[_Element] = []
    for number, line in enumerate(lines, start=1):
        words = line.split()
        where = f"{path}, header line {number}"
        if not words or words[0] in ("ply", "comment", "obj_info"):
            continue
        if words[0] == "format":
            if len(words) < 2 or words[1] not in _FORMATS:
                raise ShapeFormatError(
                    f"{where}: unknown PLY format {' '.join(words[1:])!r} "
                    f"(expected one of {', '.join(_FORMATS)})"
                )
            order = _FORMATS[words[1]]
        elif words[0] == "element" and len(words) == 3 and words[2].isdigit():
            elements.append(_Element(words[1], int(words[2])))
        elif words[0] == "property" and elements:
            prop = _ply_property(where, words)
            if any(prop[0] == name for name, _, _ in elements[-1].props):
                raise ShapeFormatError(
                    f"{where}: element {elements[-1].name!r} has property "
                    f"{prop[0]!r} twice; the header is damaged"
                )
            elements[-1].props.append(prop)
        else:
            raise ShapeFormatError(
                f"{where}: cannot understand {line.strip()[:60]!r}; the header is damaged"
            )
    if order == "missing":
        raise ShapeFormatError(f"{path}: PLY header has no 'format' line; the file is damaged")
    return order, elements, body_start


def _ply_property(where: str, words: list[str]) -> tuple[str, str, str | None]:
    def dtype(name: str) -> str:
        if name not in _PLY_TYPES:
            raise ShapeFormatError(
                f"{where}: unknown PLY property type {name!r} (known: "
                f"{', '.join(_PLY_TYPES)}); re-export the file with "
                "standard types"
            )
        return _PLY_TYPES[name]

    if words[1:2] == ["list"] and len(words) == 5:
        return words[4], dtype(words[3]), dtype(words[2])
    if len(words) == 3:
        return words[2], dtype(words[1]), None
    raise ShapeFormatError(f"{where}: malformed property line {' '.join(words)[:60]!r}")


def _ply_ascii_numbers(path: Path, data: bytes, body_start: int, elements) -> bytes:
    """All numbers of an ascii PLY body as native float64 bytes (walked like a binary body)."""
    if b"\0" in data:
        raise ShapeFormatError(f"{path}: ascii PLY contains binary data; re-download the file")
    buf = _parse.padded(data[body_start:])
    starts, ends = _parse.tokens(buf)
    try:
        values = _parse.numbers(buf, starts, ends)
    except BadToken as bad:
        line = (
            data.count(b"\n", 0, body_start)
            + 1
            + int(np.count_nonzero(buf[: starts[bad.index]] == 10))
        )
        word = buf[starts[bad.index] : ends[bad.index]].tobytes()[:40].decode("latin-1")
        raise ShapeFormatError(
            f"{path}, line {line}: {word!r} is not a number; the ascii PLY body is damaged"
        ) from None
    for element in elements:
        element.props = [
            (name, "f8", None if count is None else "f8") for name, _, count in element.props
        ]
    return values.tobytes()


def _read_element(path: Path, raw: bytes, offset: int, element: _Element, order: str):
    """One element's records from ``raw`` at ``offset``: a structured array (scalars only) or,
    for an element with lists, the flat items and counts of its vertex-index list."""
    if all(count is None for _, _, count in element.props):
        dtype = np.dtype([(name, order + t) for name, t, _ in element.props])
        _need(path, raw, offset, dtype.itemsize * element.count, element)
        end = offset + dtype.itemsize * element.count
        return np.frombuffer(raw, dtype, element.count, offset), end
    lists = [name for name, _, count in element.props if count is not None]
    wanted = next((n for n in ("vertex_indices", "vertex_index") if n in lists), lists[0])
    items, counts = [], []
    done, window = 0, element.count
    while done < element.count:
        dtype, fixed = _record_dtype(path, raw, offset, element, order)
        window = max(1, min(window, element.count - done, (len(raw) - offset) // dtype.itemsize))
        records = np.frombuffer(raw, dtype, window, offset)
        same = np.ones(window, bool)
        for name, n in fixed.items():
            same &= records["n_" + name] == n
        run = window if same.all() else int(np.argmin(same))
        items.append(records[wanted][:run].reshape(run, fixed[wanted]))
        counts.append(np.full(run, fixed[wanted], np.int64))
        done, offset = done + run, offset + run * dtype.itemsize
        window = 2 * run if run == window else 64
    flat = np.concatenate([i.ravel() for i in items]) if items else np.zeros(0)
    return (flat, np.concatenate(counts) if counts else np.zeros(0, np.int64)), offset


def _record_dtype(path: Path, raw: bytes, offset: int, element: _Element, order: str):
    """The fixed-size dtype of the record at ``offset`` (list lengths read from the record)."""
    fields: list[tuple] = []
    fixed, pos = {}, offset
    for name, item, count in element.props:
        if count is None:
            fields.append((name, order + item))
            pos += np.dtype(item).itemsize
            continue
        _need(path, raw, pos, np.dtype(count).itemsize, element)
        n = np.frombuffer(raw, order + count, 1, pos)[0]
        if not 0 <= n <= 1 << 20 or n != int(n):
            raise ShapeFormatError(
                f"{path}: element '{element.name}' has a list of length {n}; "
                "the file is damaged or truncated, re-download it"
            )
        n = int(n)
        fields += [("n_" + name, order + count), (name, order + item, (n,))]
        fixed[name] = n
        pos += np.dtype(count).itemsize + n * np.dtype(item).itemsize
    _need(path, raw, offset, pos - offset, element)
    return np.dtype(fields), fixed


def _need(path: Path, raw: bytes, offset: int, size: int, element: _Element) -> None:
    if offset + size > len(raw):
        raise ShapeFormatError(
            f"{path}: the file ends inside element '{element.name}' "
            f"({element.count} declared); it is truncated, re-download it"
        )
