"""Word indexes: word -> positions of the articles that contain it, one index per field group.

The engine looks up candidate words here (exact, prefix, fuzzy within a length band) and
scores only the articles they point at, never the whole corpus.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterable
from heapq import merge
from typing import TYPE_CHECKING, Protocol

from newstui.model.index import bitset, packed
from newstui.model.index.renumber import NUMPY_FROM
from newstui.model.memory import give_back

if TYPE_CHECKING:
    from newstui.model.index.renumber import Renumbering

WORD = re.compile(r"\w+(?:['’.-]\w+)*")
PUNCT = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum()) + "“”‘’«»…—–•·¡¿"
_NON_WORD = re.compile(r"[\W_]+")


def tokens(text: str) -> list[str]:
    """Lower-cased whitespace-separated words of ``text``, punctuation trimmed from the ends.

    This is how queries are split: ``kim's`` stays one word.
    """
    out = []
    for raw in text.casefold().split():
        word = raw.strip(PUNCT)
        if word:
            out.append(word)
    return out


def word_parts(word: str) -> list[str]:
    """The parts of a compound word: ``kim's`` -> ``kim``, ``s``; ``covid-19`` -> ``covid``,
    ``19``. Indexing and highlighting split words the same way."""
    return [part for part in _NON_WORD.split(word) if part]


def index_words(text: str, min_length: int = 1) -> set[str]:
    """The words to index for ``text``: its tokens, and the parts of compound ones.

    ``Kim's`` is indexed as ``kim's`` and ``kim``; ``COVID-19`` as ``covid-19``, ``covid``
    and ``19``. Split/strip is used instead of a regex because it is ~3x faster on bodies.
    """
    raw = set(text.casefold().split())
    # Most tokens are letters and digits only: nothing to strip, no parts. They are sorted
    # out in C (filter, set difference), and only the rest go through Python: ~15% faster
    # on the generated bodies (0.20-0.23 s a 1,000 against 0.23-0.27 s).
    words = set(filter(str.isalnum, raw))
    for token in raw - words:
        word = token.strip(PUNCT)
        words.add(word)
        if not word.isalnum():
            words.update(word_parts(word))
    if min_length > 1:
        return {w for w in words if len(w) >= min_length}
    words.discard("")
    return words


Posting = array | int | bytes  # numbers (typecode I), a bit set, or packed (see packed.py)

Buffer = array | bytes | memoryview  # of 4-byte article numbers (typecode I)


class Postings(Protocol):
    """A chunk's postings: (word, its article numbers) pairs."""

    def items(self) -> Iterable[tuple[str, Buffer]]:
        """Each word and its article numbers, ascending."""
        ...


DENSE = 32  # a word in 1/32 of the articles or more is kept as a bit set: no bigger than
# its array of 4-byte numbers, and a query never has to build it.
# The body index packs its lists, a byte a number once a word is in 1/256 of the articles
# or more: a bit set is no smaller until 1/8. At a million articles, its words in 1/32 to
# 1/8 of the articles took 142 MB less packed, and the engine answered the same keystrokes
# no slower (p95 15-18 ms before, 12 ms after: benchmarks/README.md, issue 14, stop 37).
BODY_DENSE = 8
FOLD = 16_384  # numbers a bit-set word gathers in merge() before they are folded into it
# (at most 64 KB a word waiting: with 32,768 the body pass at a million articles peaked at
# 2,209 MB in a script, with 16,384 and jobs of 2,000 at 2,179, in as long: 238 s)
SEGMENT = 2048  # numbers a word gathers in merge(packed_runs=True) before they are packed
TRIM_EVERY = 2000  # words whose runs finish() joins between two give_back() calls
TRIM_EVERY_BITS = 500  # and bit sets it completes
_NEVER = 2**63


def _array(docs: Buffer) -> array:
    """``docs`` as an array (itself if it is one)."""
    if isinstance(docs, array):
        return docs
    out = array("I")
    out.frombytes(docs)
    return out


def _extend(postings: array, docs: Buffer) -> None:
    """Append ``docs`` to ``postings`` (a copy of memory either way)."""
    if isinstance(docs, array):
        postings.extend(docs)
    else:
        postings.frombytes(docs)


class WordIndex:
    """Postings for one field group, with a sorted vocabulary for prefix and length lookups.

    While it is built, a word's postings are an array of article numbers; :meth:`finish`
    turns the words found in many articles into bit sets (see :mod:`newstui.model.index.bitset`).
    """

    def __init__(self, dense: int = DENSE) -> None:
        self.postings: dict[str, Posting] = {}
        self.dense = dense  # a word in 1/dense of the articles or more is a bit set
        self.size = 0  # the number of articles, once finished
        self.packed = False  # long lists packed (pack()): the body index
        self._pending: dict[str, array] = {}  # merged docs of bit-set words, not yet in
        # Packed runs of a word's numbers merged before those of its array, and how many
        # numbers they hold (see merge's ``packed_runs``); words whose runs do not pack.
        self._runs: dict[str, list[bytes]] = {}
        self._lasts: dict[str, list[int]] = {}  # each run's last number
        self._in_runs: dict[str, int] = {}
        self._loose: set[str] = set()
        self._sorted: list[str] | None = None
        self._by_length: dict[int, list[str]] | None = None

    @staticmethod
    def for_bodies() -> WordIndex:
        """An empty body index: bit sets only for its most common words (:data:`BODY_DENSE`)."""
        return WordIndex(BODY_DENSE)

    def _threshold(self, size: int) -> int:
        """How many of ``size`` articles a word is in to be kept as a bit set."""
        return max(64, size // self.dense)

    def add(self, doc: int, words: set[str]) -> None:
        """Record that document ``doc`` contains ``words`` (docs must come in order)."""
        # While building, every posting is a list: cheaper to create than an array for each
        # new word (compact() makes them arrays).
        # (No typing.cast: a function call per article cost ~1.5 s at a million.)
        postings: dict[str, list[int]] = self.postings  # type: ignore[assignment]
        for word in words:
            bucket = postings.get(word)
            if bucket is None:
                postings[word] = [doc]
            else:
                bucket.append(doc)
        self._sorted = self._by_length = None

    def compact(self) -> dict[str, array]:
        """The postings as 4-byte arrays (half the memory of lists, fast to pickle)."""
        self.postings = {w: d if isinstance(d, array | int | bytes) else array("I", d)
                         for w, d in self.postings.items()}
        return self.postings  # type: ignore[return-value]

    def merge(self, postings: Postings, size: int = 0, packed_runs: bool = False) -> None:
        """Append another chunk's postings (its docs all come after ours; each word's as
        4-byte numbers in anything with the buffer protocol: an array, or a view of a
        :class:`~newstui.model.index.chunk_postings.ChunkPostings`). Knowing the
        final ``size``, a word found in enough articles becomes a bit set at once: its
        array would grow to 4 bytes an article before :meth:`finish` shrank it (at 100k
        articles, ~100 MB less at the peak).

        With ``packed_runs`` (an index to :meth:`pack` once finished: the body index) a
        word's numbers are packed each time it has gathered :data:`SEGMENT` of them, and
        :meth:`finish` joins the runs packed: a first launch's index holds ~2 bytes a
        number while it is built, not 4 (~0.3 GB less at the peak at a million articles,
        for ~5 s more of this thread)."""
        mine = self.postings
        threshold = self._threshold(size) if size else 0
        pending = self._pending
        # A bit-set word's numbers wait at most this many before they are folded in.
        fold = min(threshold, FOLD)
        full: list[tuple[str, array]] = []  # arrays to keep as packed runs
        in_runs = self._in_runs
        # Below this many numbers an array neither becomes a bit set nor a run (a word
        # with runs is checked against the threshold when its array is full).
        low = min(threshold or _NEVER, SEGMENT if packed_runs else _NEVER)
        for word, docs in postings.items():
            known = mine.get(word)
            if known is None:
                mine[word] = known = _array(docs)
                if threshold and len(known) >= threshold:
                    mine[word] = bitset.from_docs((known,), size)
            elif isinstance(known, int):
                # Gathered and folded into the bit set a few thousand at a time: one
                # bit-set conversion per chunk per word was ~2x slower overall.
                waiting = pending.get(word)
                if waiting is None:
                    pending[word] = waiting = array("I")
                _extend(waiting, docs)
                if len(waiting) >= fold:
                    mine[word] = known | bitset.from_docs((waiting,), size)
                    del pending[word]
            elif isinstance(known, bytes):
                raise ValueError("a packed index is finished: it takes no more chunks")
            else:
                _extend(known, docs)
                if (n := len(known)) < low:
                    continue
                held = n + in_runs.get(word, 0) if packed_runs else n
                if threshold and held >= threshold:
                    runs = map(packed.unpack, self._take_runs(word)[0])
                    mine[word] = bitset.from_docs((*runs, known), size)
                elif packed_runs and n >= SEGMENT and word not in self._loose:
                    full.append((word, known))
        if full:
            self._pack_runs(full)
        self._sorted = self._by_length = None

    def _pack_runs(self, full: list[tuple[str, array]]) -> None:
        """Keep each word's array as a packed run, the array emptied (all packed in one go:
        a numpy call a run, and unpacking the runs to join them, cost ~18 s of this thread
        at a million articles)."""
        runs, in_runs = self._runs, self._in_runs
        for (word, docs), run in zip(full, packed.pack_many([d for _, d in full]),
                                     strict=True):
            if run is None:
                self._loose.add(word)  # gaps too wide to pack: the array keeps growing
                continue
            runs.setdefault(word, []).append(run)
            self._lasts.setdefault(word, []).append(docs[-1])
            in_runs[word] = in_runs.get(word, 0) + len(docs)
            del docs[:]

    def _take_runs(self, word: str) -> tuple[list[bytes], list[int]]:
        """The word's packed runs and their last numbers, in order, no longer kept."""
        self._in_runs.pop(word, None)
        return self._runs.pop(word, []), self._lasts.pop(word, [])

    def finish(self, size: int) -> None:
        """Say the index is complete for ``size`` articles; keep frequent words as bit sets."""
        self.size = size
        threshold = self._threshold(size)
        postings = self.postings
        # Each word's waiting numbers freed once they are in its bit set, and the heap's
        # free pages given back every few hundred bit sets: each is made of pieces of
        # ~125 KB at a million articles (a numpy array, its bytes, the new int), which
        # the heap kept. Measured at a million articles: finish() peaked ~260 MB lower
        # (2,643 -> 2,381 MB), ~210 MB of it from these trims.
        pending = self._pending
        while pending:
            word, waiting = pending.popitem()
            postings[word] = postings[word] | bitset.from_docs((waiting,), size)  # type: ignore[operator]
            del waiting
            if len(pending) % TRIM_EVERY_BITS == 0:
                give_back()
        for done, word in enumerate(list(self._runs), 1):
            if done % TRIM_EVERY == 0:
                # The runs joined are freed in ~4 KB pieces, which the joined lists (up to
                # ~60 KB) cannot reuse (~15 MB less at the peak at a million articles).
                give_back()
            tail = postings[word]
            held = self._in_runs[word] + len(tail)  # type: ignore[arg-type]
            runs, lasts = self._take_runs(word)
            if held < threshold and (joined_bytes := packed.join(
                    runs, lasts, tail)) is not None:  # type: ignore[arg-type]
                postings[word] = joined_bytes  # the runs' bytes joined: nothing unpacked
                continue
            # One word at a time unpacked, joined and packed again: never all at once.
            joined = array("I")
            for run in runs:
                joined.extend(packed.unpack(run))
            joined.extend(tail)  # type: ignore[arg-type]
            postings[word] = (bitset.from_docs((joined,), size) if len(joined) >= threshold
                              else packed.pack(joined) or joined)
        self._loose = set()
        for word, docs in postings.items():
            if isinstance(docs, array) and len(docs) >= threshold:
                postings[word] = bitset.from_docs((docs,), size)

    def pack(self) -> int:
        """Keep the long lists of this finished index packed (see
        :mod:`newstui.model.index.packed`): about half the memory, a numpy call a lookup.
        Returns how many lists were packed now."""
        postings = self.postings
        done = 0
        for word, docs in postings.items():
            if isinstance(docs, array) and (small := packed.pack(docs)) is not None:
                postings[word] = small
                done += 1
        self.packed = True
        return done

    def renumbered(self, renumbering: Renumbering,
                   added: Iterable[tuple[int, set[str]]] = ()) -> WordIndex:
        """A finished copy of this finished index in the new numbering of
        ``renumbering``, with the words of the ``added`` articles (new number, words) in:
        what a few changed files cost instead of indexing every article again."""
        if self._pending:
            self.finish(renumbering.old_size)
        out = WordIndex(self.dense)
        out.size = renumbering.size
        out.postings = self._moved(renumbering)
        out._add_finished(added)
        if self.packed:
            out.pack()
        return out

    def _moved(self, renumbering: Renumbering) -> dict[str, Posting]:
        moved: dict[str, Posting] = {}
        large: list[tuple[str, array]] = []  # moved together (see Renumbering.many)
        for word, docs in self.postings.items():
            if isinstance(docs, bytes):
                docs = packed.unpack(docs)
            if isinstance(docs, int):
                bits = renumbering.bits(docs)
                if bits:
                    moved[word] = bits
            elif len(docs) >= NUMPY_FROM:
                large.append((word, docs))
            elif docs := renumbering.docs(docs):
                moved[word] = docs
        for (word, _), docs in zip(large, renumbering.many([a for _, a in large]),
                                   strict=True):
            if docs:
                moved[word] = docs
        return moved

    def with_words(self, added: Iterable[tuple[int, set[str]]]) -> WordIndex:
        """A copy of this finished index with more words of some of its articles (number,
        words; words it already has for them are fine): postings not touched are shared."""
        out = WordIndex(self.dense)
        out.size = self.size
        out.postings = dict(self.postings)
        out.packed = self.packed
        out._add_finished(added, unique=True)
        return out

    def _add_finished(self, added: Iterable[tuple[int, set[str]]],
                      unique: bool = False) -> None:
        """Put the words of ``added`` articles (number, words) into this finished index
        (``unique``: some may be there already)."""
        new: dict[str, list[int]] = {}
        for doc, words in sorted(added, key=lambda pair: pair[0]):
            for word in words:
                new.setdefault(word, []).append(doc)
        size, postings = self.size, self.postings
        threshold = self._threshold(size)
        for word, extra in new.items():
            known = postings.get(word)
            if isinstance(known, bytes):
                known = packed.unpack(known)  # and kept unpacked: a few words a change
            if isinstance(known, int):
                # A few bits are cheaper OR-ed one by one than through a digit string.
                mask = bitset.from_docs((extra,), size) if len(extra) > 64 else sum(
                    1 << d for d in extra)
                postings[word] = known | mask
                continue
            if not known:
                together = array("I", extra)
            elif unique:
                together = array("I", sorted(set(known).union(extra)))
            else:
                together = array("I", merge(known, extra))
            postings[word] = (bitset.from_docs((together,), size) if len(together) >= threshold
                              else together)
        self._sorted = self._by_length = None

    def bits(self, words: Iterable[str]) -> int:
        """The articles holding any of ``words``, as a bit set."""
        dense = 0
        sparse: list[array] = []
        postings = self.postings
        for word in words:
            docs = postings.get(word)
            if isinstance(docs, int):
                dense |= docs
            elif isinstance(docs, bytes):
                sparse.append(packed.unpack(docs))
            elif docs:
                sparse.append(docs)
        if not sparse:
            return dense
        # An unfinished index does not know its size: make room for its largest number.
        size = self.size or 1 + max(max(docs) for docs in sparse)
        return dense | bitset.from_docs(sparse, size)

    def docs(self, word: str) -> array | int | None:
        """The articles holding ``word``: an array of numbers, a bit set, or None."""
        docs = self.postings.get(word)
        return packed.unpack(docs) if isinstance(docs, bytes) else docs

    def __contains__(self, word: object) -> bool:
        return word in self.postings

    def plain(self) -> WordIndex:
        """This index with every posting in :attr:`postings` (see
        :class:`newstui.model.index.moved.MovedIndex`, which is not)."""
        return self

    @property
    def vocabulary(self) -> list[str]:
        """All words, sorted."""
        if self._sorted is None:
            self._sorted = sorted(self.postings)
        return self._sorted

    def with_prefix(self, prefix: str, limit: int = 5000) -> list[str]:
        """Words starting with ``prefix`` (at most ``limit``)."""
        vocab = self.vocabulary
        i = bisect.bisect_left(vocab, prefix)
        out: list[str] = []
        while i < len(vocab) and vocab[i].startswith(prefix) and len(out) < limit:
            out.append(vocab[i])
            i += 1
        return out

    def of_length(self, low: int, high: int) -> list[str]:
        """Words whose length is within ``[low, high]``."""
        if self._by_length is None:
            by_length: dict[int, list[str]] = {}
            for word in self.postings:
                by_length.setdefault(len(word), []).append(word)
            self._by_length = by_length
        out: list[str] = []
        for n in range(low, high + 1):
            out.extend(self._by_length.get(n, ()))
        return out

    def __len__(self) -> int:
        return len(self.postings)
