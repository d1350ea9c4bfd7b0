"""Word indexes moved to a new numbering lazily: a live change costs its own articles.

Articles are numbered newest first, so a new newest article moves every other one by one.
Moving every posting of every index at once (:meth:`WordIndex.renumbered`) cost ~1 s per
change at 100k articles and 11-24 s at a million (``benchmarks/bench_live.py``): the body
index alone holds ~240M article numbers there. A :class:`MovedIndex` instead keeps the
index it came from untouched, with the map from its numbers to the new ones (one
:class:`~newstui.model.index.renumber.Renumbering`, successive changes composed into it)
and a small index of the added articles' words in the new numbers. A lookup moves only the
bit set it answers with: a shift and a mask per run of the map, ~0.1 ms at a million.

That holds while the map has few runs (new articles landing together, a few removed); a
change that scatters articles through the list (a burst of old files, many deletions)
moves the postings at once, as before. The moved postings are made in full only when
someone needs them all: saving the caches, after which the store keeps them
(:meth:`newstui.model.index.store.Store.settle`), so lookups stop paying the map.
"""

from __future__ import annotations

import bisect
import heapq
from array import array
from collections.abc import Iterable

from newstui.model.index import bitset, packed
from newstui.model.index.renumber import FEW_RUNS, Renumbering
from newstui.model.index.words import Posting, WordIndex


def moved(index: WordIndex, renumbering: Renumbering,
          added: Iterable[tuple[int, set[str]]] = ()) -> WordIndex:
    """``index`` in the numbering of ``renumbering``, with the words of the ``added``
    articles (new number, words): lazily while the map stays simple (see the module)."""
    if isinstance(index, MovedIndex):
        return index.renumbered(renumbering, added)
    if len(renumbering.runs) > FEW_RUNS:
        return index.renumbered(renumbering, added)
    return MovedIndex(index, renumbering, added)


class MovedIndex(WordIndex):
    """A finished :class:`WordIndex` seen through a renumbering, plus the words of the
    articles added since (kept apart, in the new numbers). Read-only, like any finished
    index: every change makes a new one."""

    def __init__(self, base: WordIndex, moves: Renumbering,
                 added: Iterable[tuple[int, set[str]]] = (),
                 extra: WordIndex | None = None) -> None:
        # Not WordIndex.__init__: ``postings`` is made on demand here.
        if base._pending:
            base.finish(moves.old_size)
        self._base = base
        self.packed = base.packed
        self.dense = base.dense
        self._moves = moves
        self._gone = frozenset(moves.removed)
        self.size = moves.size
        self._pending: dict[str, array] = {}
        self._sorted: list[str] | None = None
        self._by_length: dict[int, list[str]] | None = None
        if extra is None:
            extra = WordIndex(base.dense)
            extra.size = moves.size
        extra._add_finished(added)
        self._extra = extra
        self._overlaps = False  # the extra words include some of moved articles
        self._plain: WordIndex | None = None

    @property
    def postings(self) -> dict[str, Posting]:
        """Every posting in the new numbers: made whole on first use (O(index size))."""
        return self.plain().postings

    @postings.setter
    def postings(self, value: dict[str, Posting]) -> None:
        raise AttributeError("a moved index is read-only")

    def plain(self) -> WordIndex:
        """This index as a plain one, its postings moved (made once, then kept)."""
        if self._plain is None:
            out = WordIndex(self.dense)
            out.size = self.size
            out.postings = self._base._moved(self._moves)
            by_doc: dict[int, set[str]] = {}
            for word, docs in self._extra.postings.items():
                for d in bitset.members(docs) if isinstance(docs, int) else docs:
                    by_doc.setdefault(d, set()).add(word)
            # Added articles have numbers of their own, but with_words may have given
            # words to moved ones: only then are duplicates looked for (a set a word).
            out._add_finished(by_doc.items(), unique=self._overlaps)
            if self.packed:
                out.pack()
            self._plain = out
        return self._plain

    def renumbered(self, renumbering: Renumbering,
                   added: Iterable[tuple[int, set[str]]] = ()) -> WordIndex:
        moves = self._moves.then(renumbering)
        extra = self._extra.renumbered(renumbering, added)
        lazy = MovedIndex(self._base, moves, extra=extra)
        lazy._overlaps = self._overlaps
        # Too many runs to move every lookup's answer: move the postings now, in one pass
        # from the old index (not two: to this one's numbers, then to the new ones).
        return lazy.plain() if len(moves.runs) > FEW_RUNS else lazy

    def with_words(self, added: Iterable[tuple[int, set[str]]]) -> WordIndex:
        out = MovedIndex(self._base, self._moves, extra=self._extra.with_words(added))
        out._overlaps = True
        return out

    def finish(self, size: int) -> None:
        if size != self.size:
            raise ValueError("a moved index is finished for its own size")

    def bits(self, words: Iterable[str]) -> int:
        words = list(words)
        return self._moves.bits(self._base.bits(words)) | self._extra.bits(words)

    def docs(self, word: str) -> array | int | None:
        base = self._base.docs(word)
        extra = self._extra.docs(word)
        if isinstance(base, int) or isinstance(extra, int):
            return self.bits((word,)) or None
        moved_base = self._moves.docs(base) if base is not None else array("I")
        if not extra:
            return moved_base or None
        if self._overlaps:
            return array("I", sorted(set(moved_base).union(extra)))
        return array("I", heapq.merge(moved_base, extra))

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (word in self._extra.postings or self._held(word))

    def _held(self, word: str) -> bool:
        """Whether an article still here holds ``word`` of the old index: only a word
        whose every article was removed is not, and it has no more articles than were."""
        docs = self._base.postings.get(word)
        if docs is None:
            return False
        gone = self._gone
        if isinstance(docs, bytes):
            if packed.count(docs) > len(gone):
                return True
            docs = packed.unpack(docs)
        if isinstance(docs, int):
            return docs.bit_count() > len(gone) or bool(self._moves.bits(docs))
        return len(docs) > len(gone) or any(d not in gone for d in docs)

    @property
    def vocabulary(self) -> list[str]:
        if self._sorted is None:
            held = [w for w in self._base.vocabulary if self._held(w)] if self._gone \
                else self._base.vocabulary
            self._sorted = list(heapq.merge(held, self._new_words()))
        return self._sorted

    def with_prefix(self, prefix: str, limit: int = 5000) -> list[str]:
        vocab = self._base.vocabulary
        i = bisect.bisect_left(vocab, prefix)
        found: list[str] = []
        while i < len(vocab) and vocab[i].startswith(prefix) and len(found) < limit:
            if self._held(vocab[i]):
                found.append(vocab[i])
            i += 1
        more = [w for w in self._extra.with_prefix(prefix, limit) if not self._held(w)]
        return list(heapq.merge(found, more))[:limit] if more else found

    def of_length(self, low: int, high: int) -> list[str]:
        held = self._base.of_length(low, high)
        if self._gone:
            held = [w for w in held if self._held(w)]
        return held + [w for w in self._extra.of_length(low, high) if not self._held(w)]

    def __len__(self) -> int:
        return len(self.vocabulary)

    def _new_words(self) -> list[str]:
        """The added articles' words the old index does not hold (still)."""
        return sorted(w for w in self._extra.postings if not self._held(w))
