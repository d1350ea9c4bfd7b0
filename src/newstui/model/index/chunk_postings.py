"""Body postings for a chunk of texts, made in a few array passes instead of word by word.

Indexed word by word, a body costs ~0.6 ms of CPU here: its words are made as Python
strings (casefold, split, a set), then every (word, article) pair is a dict lookup and an
append. Here a chunk's texts are split on ASCII whitespace, ASCII letters lowered, by Arrow
(C++), 1,000 texts at a time, each batch's tokens dictionary-encoded, and the batches'
dictionaries then made one: only the chunk's distinct tokens (~55,000 in 4,000 generated
bodies, against ~4 million tokens) go through Python, once each, to become the words
:func:`~newstui.model.index.words.index_words` makes of them; and the (word, article)
pairs are sorted and made unique by numpy. The header word indexes are made the same way
(``newstui.model.index.store._header_index``).

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
from operator import itemgetter
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


_Texts = tuple[int, "np.ndarray"]  # a batch's first text, and each text's count of tokens
MIN_TEXTS = 64  # fewer are indexed word by word: the array passes have a fixed cost
BATCH = 500  # texts split at once: Arrow's tokens take ~60 bytes each while they live
# (a 4,000-body job peaked at 155 MB in a worker in batches of 500, at 170 in batches of
# 1,000, in the same time: issue 14, stop 37)
HEADER_BATCH = 10_000  # header fields: ~10 tokens a text, and a batch's fixed cost is paid less
_DOC, _TEXT = itemgetter(0), itemgetter(1)


def chunk_postings(items: Iterable[tuple[int, str]], most: int,
                   batch_size: int | None = None) -> ChunkPostings:
    """Postings (word -> article numbers) of the (article number, text) ``items``, at
    most ``most`` of them, numbers ascending. Taken ``batch_size`` texts (default
    :data:`BATCH`) at a time: the texts of a whole chunk need not be in memory at once."""
    size = batch_size or BATCH
    items = iter(items)
    batch = list(islice(items, max(size, MIN_TEXTS)))
    if len(batch) < MIN_TEXTS or (arrow := _arrow()) is None:
        return ChunkPostings.of(word_by_word(chain(batch, items)))
    words = _Words()
    docs: list[int] = []
    keys: list[np.ndarray] = []
    split: list[tuple[Any, _Texts]] = []  # each batch's tokens, and their texts
    while batch:
        if len(docs) + len(batch) > most:
            raise ValueError(f"more than {most} texts")
        tokens = _split(batch, len(docs), arrow)
        if tokens is None:  # a lone surrogate: Arrow's strings must be UTF-8
            keys.append(_plain_keys(batch, len(docs), most, words, arrow[2]))
        else:
            split.append(tokens)
        docs.extend(map(_DOC, batch))
        batch = list(islice(items, size))
    keys.extend(_split_keys(split, most, words, arrow))
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


def _split(batch: list[tuple[int, str]], start: int, arrow: tuple[Any, Any, Any]
           ) -> tuple[Any, _Texts] | None:
    """A batch of texts (the ``start``-th text of the chunk on) split on ASCII whitespace,
    ASCII letters lowered: its tokens, dictionary-encoded, and where they came from (the
    batch's first text and each text's count of tokens: 4 bytes a text, not a token). None
    for a batch Arrow cannot take (a lone surrogate)."""
    pa, pc, _ = arrow
    # The system's allocator, not Arrow's pool, which keeps what a batch freed for the
    # next one: ~60 MB more in each worker.
    pool = pa.system_memory_pool()
    try:
        texts = pa.array(list(map(_TEXT, batch)), pa.large_string(), memory_pool=pool)
    except UnicodeEncodeError:
        return None
    # Lowered first: ``casefold`` lowers ASCII letters anyway (a character at a time, so
    # folding the lowered token makes the same words), and "The" and "the" are then one
    # distinct token, not two to make words of.
    split = pc.ascii_split_whitespace(pc.ascii_lower(texts, memory_pool=pool),
                                      memory_pool=pool)
    del texts
    counts = pc.list_value_length(split, memory_pool=pool).to_numpy()
    return pc.dictionary_encode(split.flatten(), memory_pool=pool), (start, counts)


def _split_keys(split: list[tuple[Any, _Texts]], n: int, words: _Words,
                arrow: tuple[Any, Any, Any]) -> list[np.ndarray]:
    """The (word, text) pairs of the batches ``split``, as ``word * n + text``, repeats
    included: a batch's array each, 32-bit numbers while the words allow it.

    The batches' tokens are made one dictionary (in C++) before any becomes a word: the
    chunk's distinct tokens go through Python once, not once in every batch they are in
    (a 4,000-body chunk: ~55,000 tokens, against ~155,000 batch by batch)."""
    if not split:
        return []
    pa, _, numpy = arrow
    unified = pa.chunked_array([tokens for tokens, _ in split]).unify_dictionaries(
        memory_pool=pa.system_memory_pool())
    texts_of = [texts for _, texts in split]
    split.clear()  # the batches' own tokens: unified holds them as well (~4 bytes a token)
    distinct = unified.chunk(0).dictionary.to_pylist()
    words.learn(distinct)
    kind = _key_type(n, words, numpy)
    first = numpy.fromiter(map(words.first.__getitem__, distinct), kind, len(distinct))
    more = _More.of(distinct, words, kind, numpy)
    keys = []
    batches = unified.chunks
    del unified
    batches.reverse()
    for start, counts in texts_of:
        token_of = batches.pop().indices.to_numpy()  # the batch freed once its keys are made
        texts = numpy.repeat(numpy.arange(start, start + len(counts), dtype=kind), counts)
        word_of = first[token_of]
        found = word_of >= 0
        keys.append(word_of[found] * n + texts[found])
        if more is not None:
            keys.append(more.keys(token_of, texts, n, numpy))
    return keys


class _More(NamedTuple):
    """The further words of tokens of more than one word (``kim's``: ``kim's``, ``kim``,
    ``s``), as arrays over the distinct tokens: how many each has, where its words start
    in ``flat``, and the words."""

    counts: np.ndarray
    starts: np.ndarray
    flat: np.ndarray

    @classmethod
    def of(cls, distinct: list[str], words: _Words, kind: Any, numpy: Any) -> _More | None:
        """Those of the ``distinct`` tokens; None if no token has more than one word."""
        more_of = words.more
        several = [i for i, token in enumerate(distinct) if token in more_of] if more_of else []
        if not several:
            return None
        more = [more_of[distinct[i]] for i in several]
        counts = numpy.zeros(len(distinct), numpy.int64)
        counts[several] = [len(m) for m in more]
        starts = numpy.zeros(len(distinct), numpy.int64)
        starts[several] = numpy.cumsum(counts[several]) - counts[several]
        return cls(counts, starts, numpy.fromiter(chain.from_iterable(more), kind))

    def keys(self, token_of: np.ndarray, text_of: np.ndarray, n: int, numpy: Any) -> np.ndarray:
        """A pair for each further word of each occurrence of such a token."""
        has_more = self.counts[token_of] > 0
        tokens, texts = token_of[has_more], text_of[has_more]
        counts = self.counts[tokens]
        if not len(counts):
            empty: np.ndarray = numpy.empty(0, text_of.dtype)
            return empty
        ends = numpy.cumsum(counts)
        at = numpy.repeat(self.starts[tokens] - (ends - counts), counts) + numpy.arange(ends[-1])
        pairs: np.ndarray = self.flat[at] * n + numpy.repeat(texts, counts)
        return pairs


def _plain_keys(batch: list[tuple[int, str]], start: int, n: int, words: _Words,
                numpy: Any) -> np.ndarray:
    """The keys :func:`_split_keys` makes, of a batch Arrow cannot take, word by word."""
    numbers = words.numbers
    keys = [numbers.setdefault(word, len(numbers)) * n + text
            for text, (_, body) in enumerate(batch, start) for word in index_words(body)]
    narrow: np.ndarray = numpy.asarray(keys, _key_type(n, words, numpy))
    return narrow


def _key_type(n: int, words: _Words, numpy: Any) -> Any:
    """32-bit numbers while every key (``word * n + text``) of the words so far fits: half
    the memory, and faster; else 64-bit."""
    return numpy.int32 if len(words.numbers) * n < 2**31 else numpy.int64
