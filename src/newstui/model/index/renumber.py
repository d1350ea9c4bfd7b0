"""Renumbering the store's articles after some were removed and others inserted.

Articles are numbered newest first (so a bit set lists in date order by itself). Removing
and inserting articles keeps the order of all the others, so old numbers map to new ones
by a map that only ever increases: runs of consecutive old numbers, each moved by one
offset. A :class:`Renumbering` applies that map to bit sets and to arrays of numbers, so
that a change to a few files updates every index in memory instead of reading every file
again.

Costs, measured at 100k articles (``benchmarks/bench_live.py``): a bit set is moved run by
run (a shift and a mask per run, C speed) while there are few runs — the usual case, new
articles being the newest and landing together at the top — and through its digit string
(one slice per run, linear in its size) when there are many.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Sequence
from typing import Any

FEW_RUNS = 24  # up to this many runs a bit set is moved run by run (see bits())
# From this many numbers an array is moved by numpy (~2 ns a number against ~60 in Python;
# below, the call costs more than it saves). A posting array of a 100k-article body index
# holds up to ~3,000 numbers, and there are tens of thousands of them.
NUMPY_FROM = 32


class Renumbering:
    """The map from old article numbers to new ones.

    ``size`` old articles; the old numbers in ``removed`` are gone, and the new articles
    are inserted at the new numbers ``inserted`` (sorted). Every other article keeps its
    place relative to the others.
    """

    def __init__(self, size: int, removed: Iterable[int], inserted: Iterable[int]) -> None:
        self.old_size = size
        gone = sorted(set(removed))
        into = sorted(set(inserted))
        self.removed = gone
        self.inserted = into
        self.size = size - len(gone) + len(into)
        if (gone and (gone[0] < 0 or gone[-1] >= size)) or (
                into and (into[0] < 0 or into[-1] >= self.size)):
            raise ValueError("an article number out of range")
        # Runs of old numbers [start, end) moved to new_start on: walk the new numbers,
        # skipping the places of inserted articles and the removed old ones.
        runs: list[tuple[int, int, int]] = []
        old = new = gi = ii = 0
        while new < self.size:
            if ii < len(into) and into[ii] == new:
                new += 1
                ii += 1
                continue
            while gi < len(gone) and gone[gi] == old:
                old += 1
                gi += 1
            next_gone = gone[gi] if gi < len(gone) else size
            next_insert = into[ii] if ii < len(into) else self.size
            length = min(next_gone - old, next_insert - new)
            runs.append((old, old + length, new))
            old += length
            new += length
        self.runs = runs
        self._map: array | None = None
        self._np_map: Any = None

    def new_number(self, old: int) -> int:
        """The new number of old article ``old``, or -1 if it was removed."""
        runs = self.runs
        at = bisect.bisect_right(runs, old, key=lambda run: run[0]) - 1
        if at < 0 or old >= runs[at][1]:
            return -1
        start, _, new = runs[at]
        return new + old - start

    def old_number(self, new: int) -> int:
        """The old number of new article ``new``, or -1 if it was inserted."""
        runs = self.runs
        at = bisect.bisect_right(runs, new, key=lambda run: run[2]) - 1
        if at < 0:
            return -1
        start, end, first = runs[at]
        return start + new - first if new - first < end - start else -1

    def then(self, later: Renumbering) -> Renumbering:
        """This renumbering followed by ``later`` (from this one's new numbers), as one:
        costs the articles either moved, not the corpus."""
        if later.old_size != self.size:
            raise ValueError("the renumberings do not follow each other")
        removed = set(self.removed)
        removed.update(a for a in map(self.old_number, later.removed) if a >= 0)
        inserted = set(later.inserted)
        inserted.update(c for c in map(later.new_number, self.inserted) if c >= 0)
        return Renumbering(self.old_size, removed, inserted)

    @property
    def identity(self) -> bool:
        """Nothing moves."""
        return not self.removed and not self.inserted

    @property
    def new_of_old(self) -> array:
        """The new number of each old one (-1 for a removed article)."""
        if self._map is None:
            m = array("q", [-1]) * self.old_size
            for start, end, new in self.runs:
                m[start:end] = array("q", range(new, new + end - start))
            self._map = m
        return self._map

    def bits(self, bits: int) -> int:
        """A bit set of old numbers, in new numbers."""
        if not bits or self.identity:
            return bits
        runs = self.runs
        if len(runs) <= FEW_RUNS:
            out = 0
            for start, end, new in runs:
                part = (bits >> start) & ((1 << (end - start)) - 1)
                if part:
                    out |= part << new
            return out
        # Many runs: through the digit string, lowest bit first, one slice per run.
        digits = format(bits, "b")[::-1]
        pieces: list[str] = []
        at = 0
        for start, end, new in runs:
            if start >= len(digits):
                break
            if new > at:
                pieces.append("0" * (new - at))
            piece = digits[start:end]
            pieces.append(piece)
            at = new + len(piece)
        joined = "".join(pieces).rstrip("0")
        return int(joined[::-1], 2) if joined else 0

    def docs(self, docs: Sequence[int]) -> array:
        """Sorted old numbers, in new numbers (removed ones dropped), still sorted."""
        if len(docs) < NUMPY_FROM:
            return array("I", self.doc_list(docs))
        source = docs if isinstance(docs, array) and docs.typecode == "I" else array("I", docs)
        return self.many([source])[0]

    def many(self, arrays: Sequence[array]) -> list[array]:
        """:meth:`docs` of each of ``arrays`` (non-empty, of typecode ``I``), in one numpy
        pass: a call per array would cost more than the moving itself."""
        if not arrays:
            return []
        import numpy as np

        if self._np_map is None:
            self._np_map = np.frombuffer(self.new_of_old, dtype=np.int64)
        lengths = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
        flat = np.frombuffer(b"".join(arrays), dtype=np.uint32)
        moved = self._np_map[flat]
        if self.removed:
            keep = moved >= 0
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            lengths = np.add.reduceat(keep.astype(np.int64), starts) if len(flat) else lengths
            moved = moved[keep]
        data = moved.astype(np.uint32).tobytes()
        ends = np.cumsum(lengths) * 4
        out: list[array] = []
        start = 0
        for end in ends.tolist():
            piece = array("I")
            piece.frombytes(data[start:end])
            out.append(piece)
            start = end
        return out

    def doc_list(self, docs: Sequence[int]) -> list[int]:
        """:meth:`docs` as a list."""
        m = self.new_of_old
        return [d for d in map(m.__getitem__, docs) if d >= 0]
