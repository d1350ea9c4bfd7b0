"""Packed posting lists: the same numbers back, and a forged one from a cache refused."""

from __future__ import annotations

import marshal
from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newstui.model.cache.bodies import BodyCache
from newstui.model.cache.sealed import sealed, write_atomically
from newstui.model.index import bitset, packed
from newstui.model.index.words import BODY_DENSE, DENSE, WordIndex


@settings(max_examples=300, deadline=None)
@given(st.sets(st.integers(0, 200_000), max_size=400), st.integers(1, 60_000))
def test_a_packed_list_gives_its_numbers_back(numbers, spread) -> None:
    docs = array("I", sorted({n * spread % 4_000_000_000 for n in numbers}))
    small = packed.pack(docs)
    if small is None:  # too short, or a gap needing 4 bytes
        gaps = [b - a for a, b in zip(docs, docs[1:], strict=False)]
        assert len(docs) < packed.PACK_FROM or max(gaps) >= 65536
        return
    assert list(packed.unpack(small)) == list(docs)
    assert packed.count(small) == len(docs)
    assert len(small) <= 5 + 2 * (len(docs) - 1) < 4 * len(docs)
    assert packed.valid(small, docs[-1] + 1)
    assert not packed.valid(small, docs[-1])  # a number out of range


def test_forged_packed_lists_are_refused() -> None:
    good = packed.pack(array("I", range(0, 200, 3)))
    assert good is not None and packed.valid(good, 200)
    assert not packed.valid(b"\x03" + good[1:], 200)  # no such width
    assert not packed.valid(b"\x02" + good[1:], 200)  # a length the width does not divide
    assert not packed.valid(good[:4], 200)
    assert not packed.valid(bytearray(good), 200)
    assert not packed.valid(good[:1] + (2**32 - 1).to_bytes(4, "little") + good[5:], 200)


def _index(size: int) -> WordIndex:
    index = WordIndex()
    for doc in range(size):
        index.add(doc, {"every", f"w{doc % 7}", f"r{doc % 97}"} | ({"rare"} if doc == 5 else set()))
    index.compact()
    index.finish(size)
    return index


def test_a_packed_index_answers_and_caches_as_before(tmp_path) -> None:
    plain, small = _index(3000), _index(3000)
    small.pack()
    assert any(isinstance(d, bytes) for d in small.postings.values())
    for word in ["every", "w3", "r10", "rare", "none"]:
        assert small.bits([word]) == plain.bits([word])
        docs, want = small.docs(word), plain.docs(word)
        assert (bitset.members(docs) if isinstance(docs, int) else list(docs or [])) == (
            bitset.members(want) if isinstance(want, int) else list(want or []))
    cache = BodyCache(tmp_path / "bodies.bin")
    assert cache.save("key", small) is None
    loaded = cache.load("key", 3000)
    assert loaded is not None and loaded.postings == small.postings
    # A packed list naming an article past the end makes the whole file a miss.
    forged = packed.pack(array("I", range(2900, 3100, 2)))
    blob = marshal.dumps({"bad": (forged,)})
    write_atomically(tmp_path / "forged.bin", sealed(iter([
        b"newstui body index\nkey\n", len(blob).to_bytes(4, "little") + blob])))
    refused = BodyCache(tmp_path / "forged.bin")
    assert refused.load("key", 3000) is None and "not usable" in refused.problem


def test_a_body_cache_written_before_packing_is_packed_and_written_again(tmp_path) -> None:
    from newstui.model.cache.bodies import body_key
    from newstui.model.cache.headers import HeaderCache
    from newstui.model.library import Library
    from tests.model.test_live_changes import _corpus

    root = tmp_path / "news"
    _corpus(root, 300)
    cache_file = tmp_path / "cache" / "headers-test.bin"
    first = Library([str(root)], cache=HeaderCache(cache_file))
    first.load()
    key = body_key(first.store.articles)
    bodies = first.cache.bodies()
    written = bodies.load(key, len(first.store))
    assert written is not None and any(isinstance(d, bytes) for d in written.postings.values())
    old = WordIndex()  # the same index as an older newstui wrote it: every list whole
    old.postings = {w: packed.unpack(d) if isinstance(d, bytes) else d
                    for w, d in written.postings.items()}
    assert bodies.save(key, old) is None
    assert not any(isinstance(d, bytes) for d in bodies.load(key, 300).postings.values())
    again = Library([str(root)], cache=HeaderCache(cache_file))
    again.load()
    assert again.store.body_index.packed
    assert list(again.engine.search("storm").doc_ids) == list(first.engine.search("storm").doc_ids)
    rewritten = again.cache.bodies().load(key, 300)
    assert rewritten is not None and rewritten.postings == written.postings


class _Chunk:
    """A chunk's postings as ``WordIndex.merge`` takes them."""

    def __init__(self, words: dict[str, list[int]]) -> None:
        self._words = words

    def items(self):
        return [(w, array("I", docs)) for w, docs in self._words.items()]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from("abcdefg"),
                                st.lists(st.integers(0, 40), min_size=1, max_size=40)),
                min_size=1, max_size=12),
       st.sampled_from([100, 3000, 200_000]))
def test_packed_runs_while_merging_make_the_same_index(chunks, spread) -> None:
    """The body index packs a word's numbers in runs as they are merged (see
    WordIndex.merge): finished, it holds the same numbers, bit sets and packed lists as
    one merged as arrays and packed at the end; gaps too wide to pack (spread 200,000)
    stay an array."""
    # Each chunk's numbers come after the last chunk's, as the body pass's do.
    parts, start = [], 0
    for chunk in chunks:
        base = start
        numbered = {w: sorted({base + n * spread for n in docs}) for w, docs in chunk.items()}
        parts.append(numbered)
        start = 1 + max([base, *(d for docs in numbered.values() for d in docs)])
    size = start
    plain, runs = WordIndex(), WordIndex()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("newstui.model.index.words.SEGMENT", 16)
        for numbered in parts:
            plain.merge(_Chunk(numbered), size)
            runs.merge(_Chunk(numbered), size, packed_runs=True)
    for index in (plain, runs):
        index.finish(size)
        index.pack()
    assert runs.postings.keys() == plain.postings.keys()
    for word, docs in plain.postings.items():
        mine = runs.postings[word]
        assert type(mine) is type(docs), word
        assert (mine == docs if isinstance(docs, int | bytes)
                else list(mine) == list(docs)), word  # type: ignore[arg-type]
        assert runs.docs(word) == plain.docs(word)
    # And both hold every number merged, each word's.
    merged: dict[str, set[int]] = {}
    for numbered in parts:
        for word, docs in numbered.items():
            merged.setdefault(word, set()).update(docs)
    for word, numbers in merged.items():
        docs = runs.docs(word)
        assert (bitset.members(docs) if isinstance(docs, int) else list(docs)) == sorted(numbers)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sets(st.integers(0, 5_000), max_size=80),
                          st.sampled_from([1, 3, 200, 70_000])), max_size=8))
def test_many_lists_packed_at_once_are_each_packed_alone(specs) -> None:
    lists = [array("I", sorted(n * spread for n in numbers)) for numbers, spread in specs]
    assert packed.pack_many(lists) == [packed.pack(docs) for docs in lists]


def test_finishing_the_index_gives_memory_back_as_it_goes(monkeypatch) -> None:
    """finish() gives the heap's free pages back every few words (at a million articles
    it peaked ~260 MB higher before), and makes the same index."""
    calls: list[int] = []
    monkeypatch.setattr("newstui.model.index.words.give_back", lambda: calls.append(1) or True)
    monkeypatch.setattr("newstui.model.index.words.SEGMENT", 16)
    monkeypatch.setattr("newstui.model.index.words.TRIM_EVERY", 2)
    monkeypatch.setattr("newstui.model.index.words.TRIM_EVERY_BITS", 2)
    size = 640  # a word in 64 articles or more is a bit set
    dense = {w: list(range(0, 128, 2)) for w in "abcd"}  # bit sets at once
    sparse = {w: list(range(1, 21, 2)) for w in "efgh"}  # too few for a bit set
    more = {w: list(range(201, 221, 2)) for w in "efgh"}  # and with these, packed runs
    later = {w: list(range(300, 310)) for w in "abcd"}  # waiting to join the bit sets
    index = WordIndex()
    index.merge(_Chunk({**dense, **sparse}), size, packed_runs=True)
    index.merge(_Chunk({**more, **later}), size, packed_runs=True)
    calls.clear()
    index.finish(size)
    assert len(calls) >= 4  # two for the bit sets completed, two for the runs joined
    for word in "abcd":
        assert bitset.members(index.docs(word)) == dense[word] + later[word]
    for word in "efgh":
        assert list(index.docs(word)) == sparse[word] + more[word]


def test_the_body_index_keeps_bit_sets_for_its_most_common_words_only(tmp_path) -> None:
    """A word in 1/10 of the articles is a bit set in a header index (1/32 and more) but
    a packed list in the body index (bit sets from 1/8: a byte a number is smaller below
    that); the body cache gives back the same, and a body index built from files too."""
    size = 6400
    words = {"every": list(range(size)), "quarter": list(range(0, size, 4)),
             "tenth": list(range(3, size, 10)), "rare": list(range(5, size, 800))}
    header, body = WordIndex(), WordIndex(BODY_DENSE)
    for index in (header, body):
        index.merge(_Chunk(words), size, packed_runs=index is body)
        index.finish(size)
    body.pack()
    assert (header.dense, body.dense) == (DENSE, BODY_DENSE)
    kinds = {w: type(d).__name__ for w, d in body.postings.items()}
    assert kinds == {"every": "int", "quarter": "int", "tenth": "bytes", "rare": "array"}
    assert isinstance(header.postings["tenth"], int)
    for word, docs in words.items():
        found = body.docs(word)
        assert (bitset.members(found) if isinstance(found, int) else list(found)) == docs
        assert body.bits([word]) == header.bits([word])
    cache = BodyCache(tmp_path / "bodies.bin")
    cache.save("key", body)
    loaded = cache.load("key", size)
    assert loaded is not None and loaded.dense == BODY_DENSE
    assert loaded.postings == body.postings


def test_a_bit_set_word_folds_its_numbers_in_a_few_thousand_at_a_time(monkeypatch) -> None:
    """The numbers merged for a word that is already a bit set wait at most FOLD long
    before they are folded in (at a million articles a body word could otherwise hold
    125,000 of them, 0.5 MB, until the end), and the bit set ends the same."""
    monkeypatch.setattr("newstui.model.index.words.FOLD", 10)
    size = 1000
    index = WordIndex()  # a word in 64 articles or more is a bit set
    expected: list[int] = []
    for start in range(0, size, 8):
        docs = list(range(start, start + 8, 2))  # 4 a chunk: 16 chunks make it a bit set
        expected += docs
        index.merge(_Chunk({"word": docs}), size)
        assert all(len(waiting) < 10 for waiting in index._pending.values())
    assert isinstance(index.postings["word"], int)
    index.finish(size)
    assert bitset.members(index.docs("word")) == expected
