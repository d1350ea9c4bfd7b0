"""Posting lists packed as gaps of one width: the body index in ~half the memory.

A word's articles are sorted numbers; the gaps between them are small for any word found
in more than a few articles. Packed, a list is one byte saying the width (1 or 2 bytes),
the first number in 4 bytes, then every gap in that width: numpy turns it back into
numbers with one cumulative sum (~2 µs for a few hundred). Measured on the 100k corpus
(``benchmarks/bench_index_options.py``): the body index's postings 144 MB as 4-byte
numbers, 73 MB packed so (Tantivy's index of the same text: 56.5 MB). A list whose widest
gap needs 4 bytes is left as it is: packing it would save nothing.
"""

from __future__ import annotations

from array import array
from typing import Any

PACK_FROM = 16  # shorter lists stay arrays: a few bytes saved, a numpy call each lookup
_WIDTHS = {1: "uint8", 2: "uint16"}


def _np() -> Any:
    import numpy as np

    return np


def pack(docs: array) -> bytes | None:
    """``docs`` (sorted numbers, typecode ``I``) packed, or None when that saves nothing."""
    if len(docs) < PACK_FROM:
        return None
    np = _np()
    numbers = np.frombuffer(docs, dtype=np.uint32)
    gaps = np.diff(numbers)
    widest = int(gaps.max())
    width = 1 if widest < 256 else 2 if widest < 65536 else 0
    if not width:
        return None
    gap_bytes: bytes = gaps.astype(_WIDTHS[width]).tobytes()
    return bytes((width,)) + int(numbers[0]).to_bytes(4, "little") + gap_bytes


def pack_many(lists: list[array]) -> list[bytes | None]:
    """:func:`pack` of each of ``lists``, in a few numpy calls over all of them at once
    (a call each cost ~100 µs: the body index packs ~100,000 runs at a million articles)."""
    np = _np()
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    if not len(lists) or int(lengths.min()) < 2:
        return [pack(docs) for docs in lists]
    numbers = np.frombuffer(b"".join(lists), dtype=np.uint32)
    starts = np.zeros(len(lists), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    gaps = np.diff(numbers)
    gaps[starts[1:] - 1] = 0  # from one list's last number to the next one's first
    widest = np.maximum.reduceat(gaps, starts)
    narrow: dict[int, Any] = {}
    out: list[bytes | None] = []
    for start, length, wide, first in zip(starts.tolist(), lengths.tolist(), widest.tolist(),
                                         numbers[starts].tolist(), strict=True):
        width = 1 if wide < 256 else 2 if wide < 65536 else 0
        if not width or length < PACK_FROM:
            out.append(None if not width else pack(lists[len(out)]))
            continue
        if width not in narrow:
            narrow[width] = gaps.astype(_WIDTHS[width])
        out.append(bytes((width,)) + first.to_bytes(4, "little")
                   + narrow[width][start : start + length - 1].tobytes())
    return out


def join(runs: list[bytes], lasts: list[int], tail: array) -> bytes | None:
    """The packed list of ``runs`` (packed lists, each of numbers above the one before;
    ``lasts`` their last numbers) followed by ``tail`` (numbers above those): their bytes
    joined, nothing unpacked; None when they differ in width or a gap between them does
    not fit it (:func:`pack` them whole instead)."""
    width = runs[0][0]
    limit = 256**width
    parts: list[bytes | memoryview] = [runs[0]]
    for last, run in zip(lasts, runs[1:], strict=False):
        gap = int.from_bytes(run[1:5], "little") - last
        if run[0] != width or not 0 < gap < limit:
            return None
        parts += (gap.to_bytes(width, "little"), memoryview(run)[5:])
    if tail:
        np = _np()
        gaps = np.diff(np.frombuffer(tail, dtype=np.uint32).astype(np.int64), prepend=lasts[-1])
        if int(gaps.min()) <= 0 or int(gaps.max()) >= limit:
            return None
        parts.append(gaps.astype(_WIDTHS[width]).tobytes())
    return b"".join(parts)


def unpack(packed: bytes) -> array:
    """The sorted numbers of a packed list."""
    np = _np()
    width = packed[0]
    gaps = np.frombuffer(packed, dtype=_WIDTHS[width], offset=5)
    numbers = np.empty(len(gaps) + 1, dtype=np.uint32)
    numbers[0] = int.from_bytes(packed[1:5], "little")
    np.cumsum(gaps, dtype=np.uint32, out=numbers[1:])
    numbers[1:] += numbers[0]
    out = array("I")
    out.frombytes(numbers.tobytes())
    return out


def count(packed: bytes) -> int:
    """How many numbers a packed list holds."""
    return (len(packed) - 5) // packed[0] + 1


def valid(packed: object, size: int) -> bool:
    """Whether ``packed`` (from an untrusted cache) is a packed list of numbers below
    ``size``."""
    if type(packed) is not bytes or len(packed) < 5 or packed[0] not in _WIDTHS:
        return False
    if (len(packed) - 5) % packed[0]:
        return False
    np = _np()
    gaps = np.frombuffer(packed, dtype=_WIDTHS[packed[0]], offset=5)
    return int.from_bytes(packed[1:5], "little") + int(gaps.sum(dtype=np.uint64)) < size
