"""Renumbering the store's articles after some were removed and others inserted.

Articles are numbered newest first (so a bit set lists in date order by itself). Removing
and inserting articles keeps the order of all the others, so old numbers map to new ones
by a map that only ever increases: runs of consecutive old numbers, each moved by one
offset. A :class:`Renumbering` applies that map to bit sets and to arrays of numbers, so
that a change to a few files updates every index in memory instead of reading every file
again.

Costs (``benchmarks/bench_live.py``): a bit set is moved run by run (a shift and a mask
per run, C speed) while there are few runs — the usual case, new articles being the newest
and landing together at the top — and bit by bit through numpy when there are many (~1 ms
at a million articles). Indexes are moved through this map lazily (see
:mod:`newstui.model.index.moved`), so a change does not pay for every posting.
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
BATCH = 4 * 1024 * 1024  # numbers moved by one numpy pass (see Renumbering.many)
GONE = 2**32 - 1  # a removed article, in the 4-byte map


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
        self._np_source: Any = None

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
        # Many runs: bit by bit, in numpy (a byte a bit for a moment): ~1 ms at a million
        # articles, where the digit string the int gives cost ~4 ms.
        import numpy as np

        source = self._source()
        nbytes = self.old_size // 8 + 1  # room for the zero bit inserted articles read
        flags = np.unpackbits(np.frombuffer(bits.to_bytes(nbytes, "little"), dtype=np.uint8),
                              bitorder="little")
        return int.from_bytes(np.packbits(flags[source], bitorder="little").tobytes(),
                              "little")

    def _source(self) -> Any:
        """For each new number, the old one (``old_size``, a bit always clear, for an
        inserted article): numpy's gather moves every bit of a set at once."""
        if self._np_source is None:
            import numpy as np

            source = np.full(self.size, self.old_size, dtype=np.intp)
            for start, end, new in self.runs:
                source[new:new + end - start] = np.arange(start, end, dtype=np.intp)
            self._np_source = source
        return self._np_source

    def docs(self, docs: Sequence[int]) -> array:
        """Sorted old numbers, in new numbers (removed ones dropped), still sorted."""
        if len(docs) < NUMPY_FROM:
            return array("I", self.doc_list(docs))
        source = docs if isinstance(docs, array) and docs.typecode == "I" else array("I", docs)
        return self.many([source])[0]

    def many(self, arrays: Sequence[array]) -> list[array]:
        """:meth:`docs` of each of ``arrays`` (non-empty, of typecode ``I``), in numpy
        passes of ~4M numbers: a call per array would cost more than the moving itself,
        one pass for all (~240M numbers at a million articles) several GB at once."""
        out: list[array] = []
        batch: list[array] = []
        count = 0
        for docs in arrays:
            batch.append(docs)
            count += len(docs)
            if count >= BATCH:
                out += self._many(batch)
                batch, count = [], 0
        if batch:
            out += self._many(batch)
        return out

    def _many(self, arrays: list[array]) -> list[array]:
        import numpy as np

        if self._np_map is None:
            # 4-byte numbers as the postings are, a removed article as GONE (2**32 - 1).
            self._np_map = np.frombuffer(self.new_of_old, dtype=np.int64).astype(np.uint32)
        lengths = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
        moved = self._np_map[np.frombuffer(b"".join(arrays), dtype=np.uint32)]
        if self.removed:
            keep = moved != GONE
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            lengths = np.add.reduceat(keep.astype(np.int64), starts)
            moved = moved[keep]
        data = memoryview(moved.tobytes())
        ends = (np.cumsum(lengths) * 4).tolist()
        out: list[array] = []
        start = 0
        for end in ends:
            piece = array("I")
            piece.frombytes(data[start:end])
            out.append(piece)
            start = end
        return out

    def doc_list(self, docs: Sequence[int]) -> list[int]:
        """:meth:`docs` as a list."""
        m = self.new_of_old
        return [d for d in map(m.__getitem__, docs) if d >= 0]
