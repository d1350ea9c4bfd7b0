"""Scored result sets as tiers, and rows that are put in date order only as far as needed.

A :class:`Tiers` is a few disjoint sets of docs, each with one score. AND, OR and NOT of
tiers are set operations that run in C, so a query that matches 100k articles costs a few
set operations, not 100k Python steps. :class:`Rows` then lists the docs best tier first,
newest first within a tier, materialising only the rows that are asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import overload

Tier = tuple[float, frozenset[int] | set[int]]


class Tiers:
    """Disjoint (score, docs) sets. Build with :meth:`best_of` or the operators below."""

    __slots__ = ("tiers",)

    def __init__(self, tiers: Iterable[Tier] = ()) -> None:
        # The sets given are taken, not copied (callers hand over fresh sets): copying 100k-doc
        # sets was most of a query's time.
        merged: dict[float, set[int] | frozenset[int]] = {}
        for score, docs in tiers:
            if docs:
                key = round(score, 4)
                merged[key] = merged[key] | docs if key in merged else docs
        self.tiers = sorted(merged.items(), key=lambda t: -t[0])

    @classmethod
    def best_of(cls, scored: Iterable[tuple[float, Iterable[int]]]) -> Tiers:
        """Each doc keeps the best score it was given (sets may overlap on the way in)."""
        taken: set[int] = set()
        out: list[Tier] = []
        for score, docs in sorted(scored, key=lambda t: -t[0]):
            fresh = (docs if isinstance(docs, set | frozenset) else set(docs)) - taken
            if fresh:
                out.append((score, fresh))
                taken |= fresh
        return cls(out)

    def docs(self) -> set[int]:
        """Every doc in any tier."""
        out: set[int] = set()
        for _, docs in self.tiers:
            out |= docs
        return out

    def __len__(self) -> int:
        return sum(len(docs) for _, docs in self.tiers)

    def __and__(self, other: Tiers) -> Tiers:
        """Docs in both; scores add up."""
        return Tiers((a + b, da & db) for a, da in self.tiers for b, db in other.tiers)

    def __or__(self, other: Tiers) -> Tiers:
        """Docs in either; where in both, scores add up."""
        mine, theirs = self.docs(), other.docs()
        both = [(a + b, da & db) for a, da in self.tiers for b, db in other.tiers]
        only = [(a, da - theirs) for a, da in self.tiers]
        only += [(b, db - mine) for b, db in other.tiers]
        return Tiers(both + only)

    def without(self, docs: set[int] | frozenset[int]) -> Tiers:
        """These tiers less ``docs``."""
        return Tiers((score, tier - docs) for score, tier in self.tiers)

    def score(self, doc: int) -> float | None:
        """The score of ``doc``, or None if it is not here."""
        return next((score for score, docs in self.tiers if doc in docs), None)


class Rows(Sequence[int]):
    """Docs of some tiers, best tier first and newest first within a tier, made lazily.

    A small tier is sorted at once; a large one is walked out of the store's newest-first
    ``order`` only as far as the rows asked for, so showing the first screen of a 100k-row
    result costs a few hundred steps.
    """

    def __init__(self, tiers: Tiers, order: Sequence[int], rank: Sequence[int]) -> None:
        self._parts = [_Part(docs, order, rank) for _, docs in tiers.tiers]
        self._length = sum(len(p.docs) for p in self._parts)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        for part in self._parts:
            if index < len(part.docs):
                return part.get(index)
            index -= len(part.docs)
        raise IndexError(index)

    def __contains__(self, doc: object) -> bool:
        return any(doc in part.docs for part in self._parts)

    def __iter__(self) -> Iterator[int]:
        for part in self._parts:
            yield from part.all()

    def index(self, doc: int, start: int = 0, stop: int | None = None) -> int:
        """Position of ``doc`` (ValueError if absent)."""
        offset = 0
        for part in self._parts:
            if doc in part.docs:
                found = offset + part.position(doc)
                if found >= start and (stop is None or found < stop):
                    return found
                break
            offset += len(part.docs)
        raise ValueError(doc)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Rows({len(self)} docs)"


class _Part:
    """One tier's docs, listed newest first as far as has been needed.

    A small tier is sorted by rank the first time it is read; a large one is walked out of
    the store's newest-first ``order``, a block at a time.
    """

    __slots__ = ("docs", "listed", "order", "rank", "cursor", "sorted")

    def __init__(self, docs: set[int] | frozenset[int], order: Sequence[int],
                 rank: Sequence[int]) -> None:
        self.docs, self.order, self.rank = docs, order, rank
        self.listed: list[int] = []
        self.cursor = 0  # how far ``order`` has been walked
        self.sorted = False

    def _extend(self, upto: int) -> None:
        if not self.sorted and len(self.docs) * 16 < len(self.order):
            self.listed, self.sorted = sorted(self.docs, key=self.rank.__getitem__), True
        if self.sorted:
            return
        order, docs, listed = self.order, self.docs, self.listed
        cursor, end = self.cursor, len(order)
        while len(listed) <= upto and cursor < end:
            stop = min(end, cursor + 4096)
            listed.extend(d for d in order[cursor:stop] if d in docs)
            cursor = stop
        self.cursor = cursor
        self.sorted = cursor >= end

    def get(self, index: int) -> int:
        if index >= len(self.listed):
            self._extend(index)
        return self.listed[index]

    def all(self) -> list[int]:
        self._extend(len(self.docs))
        return self.listed

    def position(self, doc: int) -> int:
        checked = 0
        while True:
            try:
                return self.listed.index(doc, checked)
            except ValueError:
                if self.sorted:
                    raise
                checked = len(self.listed)
                self._extend(len(self.listed) + 4096)
