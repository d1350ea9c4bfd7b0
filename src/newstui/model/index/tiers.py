"""Scored result sets as tiers, and rows that are listed only as far as they are read.

A :class:`Tiers` is a few disjoint sets of articles (bit sets, see
:mod:`newstui.model.index.bitset`), each with one score. AND, OR and NOT of tiers are int
operations, so a query that matches 100k articles costs a few microseconds of set algebra,
not 100k Python steps. :class:`Rows` then lists the articles best tier first, newest first
within a tier (the store numbers articles newest first), materialising only the rows asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from newstui.model.index import bitset

Tier = tuple[float, int]


class Tiers:
    """Disjoint (score, set) pairs, best score first. Build with :meth:`best_of` or the
    operators below."""

    __slots__ = ("tiers",)

    def __init__(self, tiers: Iterable[Tier] = ()) -> None:
        merged: dict[float, int] = {}
        for score, docs in tiers:
            if docs:
                key = round(score, 4)
                merged[key] = merged.get(key, 0) | docs
        self.tiers = sorted(merged.items(), key=lambda t: -t[0])

    @classmethod
    def best_of(cls, scored: Iterable[tuple[float, int]]) -> Tiers:
        """Each article keeps the best score it was given (sets may overlap on the way in)."""
        taken = 0
        out: list[Tier] = []
        for score, docs in sorted(scored, key=lambda t: -t[0]):
            fresh = docs & ~taken
            if fresh:
                out.append((score, fresh))
                taken |= fresh
        return cls(out)

    def bits(self) -> int:
        """Every article in any tier."""
        out = 0
        for _, docs in self.tiers:
            out |= docs
        return out

    def __len__(self) -> int:
        return sum(docs.bit_count() for _, docs in self.tiers)

    def __and__(self, other: Tiers) -> Tiers:
        """Articles in both; scores add up."""
        return Tiers((a + b, da & db) for a, da in self.tiers for b, db in other.tiers)

    def __or__(self, other: Tiers) -> Tiers:
        """Articles in either; where in both, scores add up."""
        mine, theirs = self.bits(), other.bits()
        both = [(a + b, da & db) for a, da in self.tiers for b, db in other.tiers]
        only = [(a, da & ~theirs) for a, da in self.tiers]
        only += [(b, db & ~mine) for b, db in other.tiers]
        return Tiers(both + only)

    def raised(self, boosts: Sequence[tuple[float, int]]) -> Tiers:
        """These tiers with ``amount`` added to the score of the articles of each
        (``amount``, set) of ``boosts`` (the sets disjoint)."""
        out: list[Tier] = []
        for score, docs in self.tiers:
            rest = docs
            for amount, chosen in boosts:
                if part := docs & chosen:
                    out.append((score + amount, part))
                    rest &= ~chosen
            out.append((score, rest))
        return Tiers(out)

    def without(self, docs: int) -> Tiers:
        """These tiers less the articles in ``docs``."""
        return Tiers((score, tier & ~docs) for score, tier in self.tiers)

    def score(self, doc: int) -> float | None:
        """The score of article ``doc``, or None if it is not here."""
        return next((score for score, docs in self.tiers if bitset.contains(docs, doc)), None)


class Rows(Sequence[int]):
    """The articles of some tiers, best tier first and newest first within a tier.

    Nothing is listed up front: reading row ``i`` lists its tier only as far as ``i``.
    """

    def __init__(self, tiers: Tiers) -> None:
        self._sets = [docs for _, docs in tiers.tiers]
        self._sizes = [docs.bit_count() for docs in self._sets]
        self._listers: list[bitset.Lister | None] = [None] * len(self._sets)
        self._length = sum(self._sizes)

    def __len__(self) -> int:
        return self._length

    def _lister(self, part: int) -> bitset.Lister:
        lister = self._listers[part]
        if lister is None:
            lister = self._listers[part] = bitset.Lister(self._sets[part])
        return lister

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
        for part, size in enumerate(self._sizes):
            if index < size:
                return self._lister(part).get(index)
            index -= size
        raise IndexError(index)

    def __contains__(self, doc: object) -> bool:
        return isinstance(doc, int) and any(bitset.contains(s, doc) for s in self._sets)

    def __iter__(self) -> Iterator[int]:
        for part, size in enumerate(self._sizes):
            lister = self._lister(part)
            lister.extend(size)
            yield from lister.found

    def index(self, doc: int, start: int = 0, stop: int | None = None) -> int:
        """Position of ``doc`` (ValueError if absent)."""
        offset = 0
        for docs, size in zip(self._sets, self._sizes, strict=True):
            if bitset.contains(docs, doc):
                found = offset + bitset.position(docs, doc)
                if found >= start and (stop is None or found < stop):
                    return found
                break
            offset += size
        raise ValueError(doc)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows | list | tuple | range):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Rows({len(self)} docs)"
