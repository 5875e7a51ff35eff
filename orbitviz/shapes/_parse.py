"""Vectorised text helpers for the readers: tokens, numbers and polygon fans, all in numpy.

Numbers are parsed with SWAR arithmetic (eight ASCII digits at a time in a uint64, as in
simdjson's ``parse_eight_digits``): a token ``-123.456`` becomes the integer 123456 divided by
10**3, which is exactly what ``strtod`` returns. Tokens outside this fast path (exponents, more
than 15 digits, ``nan``) go through numpy's own string-to-float conversion.
"""

from __future__ import annotations

import os

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

PAD = 32  # spaces around the buffer, so that windows never leave it

_U = np.uint64
_ZEROS = _U(0x3030303030303030)
_HIGH = _U(0xF0F0F0F0F0F0F0F0)
_SIX = _U(0x0606060606060606)
_POW10 = 10.0 ** np.arange(23)
_KEEP = np.array([0] + [~((1 << (8 * (8 - n))) - 1) & (2**64 - 1) for n in range(1, 9)], _U)
_FILL = _ZEROS & ~_KEEP  # '0' in the bytes before the token
_BELOW = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1] * 2, _U)


class BadToken(ValueError):
    """A token is not a number; ``index`` is its position in the list given to the parser."""

    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


def read_padded(path) -> np.ndarray:
    """The file's bytes as uint8, with ``PAD`` spaces before, and a newline plus ``PAD`` spaces
    after (read straight into the array: no copy)."""
    with open(path, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        buf = np.full(size + 2 * PAD + 1, 32, np.uint8)
        got = stream.readinto(buf[PAD : PAD + size].data)
    buf[PAD + got] = 10
    return buf[: PAD + got + 1 + PAD]


def padded(data: bytes) -> np.ndarray:
    """``data`` as uint8, padded like :func:`read_padded`."""
    return np.frombuffer(b" " * PAD + data + b"\n" + b" " * PAD, np.uint8)


def tokens(buf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of every run of non-whitespace bytes (whitespace: <= 32)."""
    ws = buf <= 32
    edges = np.flatnonzero(ws[:-1] != ws[1:]) + 1
    return edges[0::2], edges[1::2]


def line_tokens(
    buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, slash: bool = False, simple: bool = True
):
    """Tokens of the lines ``buf[starts[i]:ends[i]]``: absolute token starts and ends, in file
    order, and the number of tokens on each line. With ``slash``, a token ends at its first '/'
    (OBJ ``f 1/2/3``). With ``simple``, single-space-separated blocks take a fast path that
    takes spaces only as separators; otherwise a (lines x longest line) byte matrix is used, in
    chunks for long lines.
    """
    lengths = ends - starts
    if len(starts) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    found = _single_spaced(buf, starts, ends, slash) if simple else None
    if found is not None:
        return found
    if lengths.max() <= 64:
        return _row_tokens(buf, starts, lengths, int(lengths.max()), slash)
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[order]
    counts = np.zeros(len(starts), np.int64)
    parts, done = [], 0
    while done < len(order):  # chunks of similar lengths, ~16 MB of bytes each
        fits = np.arange(1, len(order) - done + 1) * sorted_lengths[done:] <= 1 << 24
        stop = done + max(1, len(fits) if fits.all() else int(np.argmin(fits)))
        chunk = order[done:stop]
        s, e, c = _row_tokens(buf, starts[chunk], lengths[chunk], int(lengths[chunk].max()), slash)
        parts.append((s, e))
        counts[chunk] = c
        done = stop
    s = np.concatenate([p[0] for p in parts])
    e = np.concatenate([p[1] for p in parts])
    in_file_order = np.argsort(s, kind="stable")
    return s[in_file_order], e[in_file_order], counts


def _single_spaced(buf, starts, ends, slash):
    """The common case, fast: lines of one block, each ' t1 t2 ... tk' with single spaces."""
    block = buf[starts[0] : ends[-1]]
    if slash and (block == 47).any():
        return None
    spaces = np.flatnonzero(block == 32) + starts[0]
    k = len(spaces) // len(starts)
    if k == 0 or len(spaces) != k * len(starts):
        return None
    spaces = spaces.reshape(-1, k)
    token_ends = np.empty_like(spaces)
    token_ends[:, :-1] = spaces[:, 1:]
    token_ends[:, -1] = ends
    if not ((spaces[:, 0] == starts).all() and (token_ends > spaces + 1).all()):
        return None
    return (spaces + 1).ravel(), token_ends.ravel(), np.full(len(starts), k)


def _row_tokens(buf, starts, lengths, width, slash):
    if width == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(len(starts), np.int64)
    rows = sliding_window_view(buf, width)[starts]
    ws = (rows <= 32) | (np.arange(width) >= lengths[:, None])
    sep = (ws | (rows == 47)) if slash else ws
    before = np.ones_like(ws)
    before[:, 1:] = ws[:, :-1]
    begins = ~ws & before
    ends = np.ones_like(sep)
    ends[:, :-1] = sep[:, 1:]
    ends &= ~sep
    begin_flat = np.flatnonzero(begins)
    if slash:  # only the first slash-separated part of each token counts
        run_begin = np.ones_like(sep)
        run_begin[:, 1:] = sep[:, :-1]
        run_begin &= ~sep
        runs = np.flatnonzero(run_begin)
        end_flat = np.flatnonzero(ends)[begins.ravel()[runs]]
        if len(end_flat) != len(begin_flat):  # a token starting with '/': give it no digits
            bad = begin_flat[rows.ravel()[begin_flat] == 47]
            end_flat = np.sort(np.r_[end_flat, bad])
    else:
        end_flat = np.flatnonzero(ends)
    row = begin_flat // width
    base = starts[row] - row * width
    return begin_flat + base, end_flat + 1 + base, np.count_nonzero(begins, axis=1)


def _words(buf: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The 8 bytes ending at each of ``ends``, as little-endian uint64 (unaligned loads)."""
    words = np.ndarray((len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))[ends - 8]
    return words if words.dtype == _U else words.astype(_U)


def _digits8(x: np.ndarray, lens: np.ndarray):
    """Value of the last ``lens`` (0..8) bytes of each word, and whether they all are digits."""
    x = (x & _KEEP[lens]) | _FILL[lens]
    ok = ((x & _HIGH) == _ZEROS) & (((x + _SIX) & _HIGH) == _ZEROS)
    x = (x & _U(0x0F0F0F0F0F0F0F0F)) * _U(2561) >> _U(8)
    x = (x & _U(0x00FF00FF00FF00FF)) * _U(6553601) >> _U(16)
    x = (x & _U(0x0000FFFF0000FFFF)) * _U(42949672960001) >> _U(32)
    return x, ok


def _dot_byte(x: np.ndarray, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Byte index (0..7) of the '.' among the last ``lens`` bytes of each word (8 if there is
    none), and whether there is at most one."""
    t = x ^ _U(0x2E2E2E2E2E2E2E2E)
    low7 = _U(0x7F7F7F7F7F7F7F7F)
    flags = ~(((t & low7) + low7) | t | low7) & _KEEP[lens]  # 0x80 where the byte is '.'
    single = (flags & (flags - _U(1))) == 0
    exponent = np.frexp(flags.astype(np.float64))[1]  # flag 2**(8k+7) -> exponent 8k+8
    return np.where(flags == 0, 8, (exponent - 8) >> 3), single


def _short_floats(buf, first, ends):
    """Tokens of at most 8 bytes (sign excluded): one word each, the dot squeezed out."""
    size = ends - first
    word = _words(buf, ends)
    dot, fast = _dot_byte(word, np.minimum(size, 8))
    has_dot = dot < 8
    below = _BELOW[dot]
    merged = np.where(has_dot, ((word & below) << _U(8)) | (word & ~_BELOW[dot + 1]), word)
    digits = size - has_dot
    value, ok = _digits8(merged, np.clip(digits, 0, 8))
    fast &= ok & (size <= 8) & (digits > 0)
    return value.astype(np.float64) / _POW10[np.where(has_dot, 7 - dot, 0)], fast


def _long_floats(buf, first, ends):
    """Tokens of up to 8 integer and 8 fraction digits (15 in all): two words each."""
    n, size = len(first), ends - first
    width = int(min(17, size.max()))
    rows = sliding_window_view(buf, width)[first] == 46
    col = rows.argmax(axis=1)
    dot = np.where(rows[np.arange(n), col] & (col < size), first + col, ends)
    int_len, frac_len = dot - first, np.maximum(ends - dot - 1, 0)
    fast = (int_len <= 8) & (frac_len <= 8) & (int_len + frac_len <= 15) & (int_len + frac_len > 0)
    ipart, ok_i = _digits8(_words(buf, dot), np.minimum(int_len, 8))
    fpart, ok_f = _digits8(_words(buf, ends), np.minimum(frac_len, 8))
    frac_len = np.minimum(frac_len, 15)
    mantissa = ipart * _POW10[frac_len].astype(_U) + fpart
    return mantissa.astype(np.float64) / _POW10[frac_len], fast & ok_i & ok_f


def _slow_numbers(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, integer: bool):
    """numpy's own conversion, for the few tokens the fast path does not take."""
    raw = buf.tobytes()
    words = np.array([raw[s:e] for s, e in zip(starts.tolist(), ends.tolist())], dtype=bytes)
    try:
        return words.astype(np.int64 if integer else np.float64)
    except (ValueError, OverflowError):
        for i, word in enumerate(words):
            try:
                np.array([word]).astype(np.int64 if integer else np.float64)
            except (ValueError, OverflowError):
                raise BadToken(i) from None
        raise


def numbers(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, integer: bool = False):
    """Parse the tokens ``buf[starts[i]:ends[i]]`` as int64 (``integer``) or float64.

    Raises BadToken with the index of the first token that is not a number.
    """
    if len(starts) == 0:
        return np.zeros(0, np.int64 if integer else np.float64)
    sign = buf[starts]
    negative = sign == 45
    signed = negative | (sign == 43)
    first = starts + (signed & (ends - starts > 1)) if signed.any() else starts
    if integer:
        value, fast = _digits8(_words(buf, ends), np.minimum(ends - first, 8))
        out = value.astype(np.int64)
        fast &= ends - first <= 8
    else:
        out, fast = _short_floats(buf, first, ends)
        if not fast.all():
            retry = np.flatnonzero(~fast)
            out[retry], fast[retry] = _long_floats(buf, first[retry], ends[retry])
    if signed.any():
        np.negative(out, out=out, where=negative)
    if not fast.all():
        slow = np.flatnonzero(~fast)
        try:
            out[slow] = _slow_numbers(buf, starts[slow], ends[slow], integer)
        except BadToken as bad:
            raise BadToken(int(slow[bad.index])) from None
    return out


def fan(flat: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Triangulate polygons (``counts[i]`` >= 3 corners each, concatenated in ``flat``) as fans.

    Returns the (T, 3) triangles and, for each, the index of its polygon.
    """
    if (counts == 3).all():
        return flat.reshape(-1, 3), np.arange(len(counts))
    offsets = np.cumsum(counts) - counts
    n_tri = counts - 2
    polygon = np.repeat(np.arange(len(counts)), n_tri)
    j = np.arange(len(polygon)) - np.repeat(np.cumsum(n_tri) - n_tri, n_tri)
    base = offsets[polygon]
    return np.stack([flat[base], flat[base + j + 1], flat[base + j + 2]], axis=1), polygon
