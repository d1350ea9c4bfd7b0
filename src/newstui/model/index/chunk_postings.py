"""Body postings for a chunk of texts, made in a few array passes instead of word by word.

Indexed word by word, a body costs ~0.6 ms of CPU here: its words are made as Python
strings (casefold, split, a set), then every (word, article) pair is a dict lookup and an
append. Here a chunk's texts are split on ASCII whitespace and their distinct tokens found
by Arrow (C++: one split, one hash table over the chunk's tokens); only the distinct
tokens (~25,000 in 1,000 generated bodies, against ~970,000 tokens) go through Python, to
become the words :func:`~newstui.model.index.words.index_words` makes of them; and the
(word, article) pairs are sorted and made unique by numpy.

The result is exactly what :meth:`WordIndex.add` of each text's ``index_words`` and then
:meth:`WordIndex.compact` make (tests compare the two on real, generated and hostile text):
a token is split further by Python's own ``str.split`` after ``casefold``, so whitespace
beyond ASCII's splits as it always did. Without pyarrow, or for a few texts, the texts are
indexed word by word. The postings come packed (:class:`ChunkPostings`): a worker sends
them to the app in three objects, not an array for each word.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate, chain, islice
from typing import TYPE_CHECKING, Any, NamedTuple

from newstui.model.index.words import PUNCT, WordIndex, index_words, word_parts

if TYPE_CHECKING:
    import numpy as np


class ChunkPostings(NamedTuple):
    """A chunk's postings in three objects, not an array a word: word ``i``'s article
    numbers are the 4-byte numbers (typecode ``I``) ``docs[4 * ends[i - 1] : 4 * ends[i]]``.
    A chunk has ~30,000 words: pickled, sent and merged so, no array is made for each
    (4,000 generated bodies: pickled in 3 ms, not 53 ms, unpickled in 2 ms, not 45 ms,
    and ~22 ms of making arrays saved: ``benchmarks/bench_postings.py``)."""

    words: list[str]
    ends: array  # typecode Q
    docs: bytes

    def items(self) -> Iterator[tuple[str, memoryview]]:
        """(word, its article numbers as a view of ``docs``), in order."""
        view = memoryview(self.docs)
        start = 0
        for word, end in zip(self.words, self.ends, strict=True):
            yield word, view[4 * start : 4 * end]
            start = end

    def as_dict(self) -> dict[str, array]:
        """Word -> its article numbers, an array each."""
        out = {}
        for word, docs in self.items():
            out[word] = postings = array("I")
            postings.frombytes(docs)
        return out

    @classmethod
    def of(cls, postings: dict[str, array]) -> ChunkPostings:
        """``postings`` packed."""
        return cls(list(postings), array("Q", accumulate(map(len, postings.values()))),
                   b"".join(docs.tobytes() for docs in postings.values()))


MIN_TEXTS = 64  # fewer are indexed word by word: the array passes have a fixed cost
BATCH = 1000  # texts split at once: Arrow's tokens take ~60 bytes each while they live


def chunk_postings(items: Iterable[tuple[int, str]], most: int) -> ChunkPostings:
    """Postings (word -> article numbers) of the (article number, text) ``items``, at
    most ``most`` of them, numbers ascending. Taken a batch at a time: the
    texts of a whole chunk need not be in memory at once."""
    items = iter(items)
    batch = list(islice(items, max(BATCH, MIN_TEXTS)))
    if len(batch) < MIN_TEXTS or (arrow := _arrow()) is None:
        return ChunkPostings.of(word_by_word(chain(batch, items)))
    words = _Words()
    docs: list[int] = []
    keys: list[np.ndarray] = []
    while batch:
        if len(docs) + len(batch) > most:
            raise ValueError(f"more than {most} texts")
        keys.append(_batch_keys(batch, len(docs), most, words, arrow))
        docs.extend(doc for doc, _ in batch)
        batch = list(islice(items, BATCH))
    return _postings(keys, docs, most, words, arrow[2])


def word_by_word(items: Iterable[tuple[int, str]]) -> dict[str, array]:
    """:func:`chunk_postings` the plain way: each text's words, added one by one."""
    index = WordIndex()
    for doc, text in items:
        index.add(doc, index_words(text))
    return index.compact()


def _arrow() -> tuple[Any, Any, Any] | None:
    """(pyarrow, pyarrow.compute, numpy), or None where pyarrow cannot be imported."""
    try:
        import numpy
        import pyarrow
        import pyarrow.compute
    except ImportError:
        return None
    return pyarrow, pyarrow.compute, numpy


class _Words:
    """The chunk's words, numbered as first met, and the word numbers of each token met."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.first: dict[str, int] = {}  # token -> its first word's number (-1: none)
        self.more: dict[str, tuple[int, ...]] = {}  # token -> its other words' numbers

    def learn(self, tokens: list[str]) -> None:
        """Number the words of those ``tokens`` not met before."""
        first, numbers, more = self.first, self.numbers, self.more
        for token in [t for t in tokens if t not in first]:
            folded = token.casefold()
            if folded.isalnum():  # most tokens: one word, the token itself, folded
                first[token] = numbers.setdefault(folded, len(numbers))
                continue
            found = [numbers.setdefault(word, len(numbers))
                     for word in sorted(_words_of(token))]
            first[token] = found[0] if found else -1
            if len(found) > 1:
                more[token] = tuple(found[1:])


def _words_of(token: str) -> set[str]:
    """What :func:`index_words` makes of a text that is this one ASCII-whitespace-free
    token (it may still hold other whitespace: ``str.split`` splits on it)."""
    out: set[str] = set()
    for raw in token.casefold().split():
        if raw.isalnum():
            out.add(raw)
            continue
        word = raw.strip(PUNCT)
        out.add(word)
        if not word.isalnum():
            out.update(word_parts(word))
    out.discard("")
    return out


def _postings(keys: list[np.ndarray], docs: list[int], n: int, words: _Words,
              numpy: Any) -> ChunkPostings:
    """The postings of the batches' (word, text) ``keys`` (``word * n + text``)."""
    pairs = numpy.concatenate(keys) if keys else numpy.empty(0, numpy.int64)
    del keys[:]
    pairs = pairs.astype(_key_type(n, words, numpy), copy=False)  # 32-bit sorts ~3x faster
    pairs.sort()
    if len(pairs):
        first = numpy.empty(len(pairs), bool)
        first[0] = True
        numpy.not_equal(pairs[1:], pairs[:-1], out=first[1:])
        pairs = pairs[first]  # a word's article once, however often the article has it
    word_of = pairs // n
    numbers = numpy.asarray(docs, dtype=numpy.uint32)[pairs - word_of * n]
    # Every word numbered is in some text of the chunk, so the sorted pairs hold each word's
    # articles in turn, word 0 first: its count says where the next word's begin.
    ends = numpy.cumsum(numpy.bincount(word_of, minlength=len(words.numbers)), dtype=numpy.uint64)
    return ChunkPostings(list(words.numbers), array("Q", ends.tobytes()), numbers.tobytes())


def _batch_keys(batch: list[tuple[int, str]], start: int, n: int, words: _Words,
                arrow: tuple[Any, Any, Any]) -> np.ndarray:
    """The (word, text) pairs of a batch of texts (the ``start``-th text on), as ``word *
    n + text``, repeats included: 32-bit numbers while the words so far allow it."""
    pa, pc, numpy = arrow
    try:
        blobs = [text.encode("utf-8") for _, text in batch]
    except UnicodeEncodeError:  # a lone surrogate: Arrow's strings must be UTF-8
        return _plain_keys(batch, start, n, words, numpy)
    offsets = numpy.zeros(len(blobs) + 1, numpy.int64)
    numpy.cumsum(numpy.fromiter(map(len, blobs), numpy.int64, len(blobs)), out=offsets[1:])
    texts = pa.LargeStringArray.from_buffers(
        len(blobs), pa.py_buffer(offsets), pa.py_buffer(b"".join(blobs)))
    del blobs
    # The system's allocator, not Arrow's pool, which keeps what a batch freed for the
    # next one: ~60 MB more in each worker.
    pool = pa.system_memory_pool()
    split = pc.ascii_split_whitespace(texts, memory_pool=pool)
    parents = pc.list_parent_indices(split, memory_pool=pool).to_numpy()
    encoded = pc.dictionary_encode(split.flatten(), memory_pool=pool)
    del texts, split
    token_of = encoded.indices.to_numpy()
    distinct = encoded.dictionary.to_pylist()
    words.learn(distinct)
    kind = _key_type(n, words, numpy)
    text_of = parents.astype(kind)
    text_of += start
    first = numpy.fromiter(map(words.first.__getitem__, distinct), kind, len(distinct))
    word_of = first[token_of]
    found = word_of >= 0
    keys = [word_of[found] * n + text_of[found]]
    more_of = words.more
    several = [i for i, token in enumerate(distinct) if token in more_of] if more_of else []
    if several:
        # Tokens of more than one word (``kim's``: ``kim's``, ``kim``, ``s``): a pair for
        # each further word of each of their occurrences.
        more = [more_of[distinct[i]] for i in several]
        more_count = numpy.zeros(len(distinct), numpy.int64)
        more_count[several] = [len(m) for m in more]
        more_at = numpy.zeros(len(distinct), numpy.int64)
        more_at[several] = numpy.cumsum(more_count[several]) - more_count[several]
        flat = numpy.fromiter(chain.from_iterable(more), kind)
        has_more = more_count[token_of] > 0
        tokens, texts_of = token_of[has_more], text_of[has_more]
        counts = more_count[tokens]
        ends = numpy.cumsum(counts)
        at = numpy.repeat(more_at[tokens] - (ends - counts), counts) + numpy.arange(ends[-1])
        keys.append(flat[at] * n + numpy.repeat(texts_of, counts))
    joined: np.ndarray = numpy.concatenate(keys)
    return joined


def _plain_keys(batch: list[tuple[int, str]], start: int, n: int, words: _Words,
                numpy: Any) -> np.ndarray:
    """:func:`_batch_keys` of a batch Arrow cannot take, word by word."""
    numbers = words.numbers
    keys = [numbers.setdefault(word, len(numbers)) * n + text
            for text, (_, body) in enumerate(batch, start) for word in index_words(body)]
    narrow: np.ndarray = numpy.asarray(keys, _key_type(n, words, numpy))
    return narrow


def _key_type(n: int, words: _Words, numpy: Any) -> Any:
    """32-bit numbers while every key (``word * n + text``) of the words so far fits: half
    the memory, and faster; else 64-bit."""
    return numpy.int32 if len(words.numbers) * n < 2**31 else numpy.int64
