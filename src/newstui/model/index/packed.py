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
