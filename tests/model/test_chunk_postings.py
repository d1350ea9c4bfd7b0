"""Body postings made a chunk at a time by Arrow and numpy are exactly those made word by
word, and so are the header indexes made so (issue 14: bodies searchable sooner, with the
same words found)."""

from __future__ import annotations

import random
from array import array
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newstui.model.corpus.article import Article
from newstui.model.corpus.files import searchable_text
from newstui.model.index import chunk_postings as cp
from newstui.model.index import store as store_module
from newstui.model.index.chunk_postings import MIN_TEXTS, chunk_postings, word_by_word
from newstui.model.index.store import HEADER_INDEXES, _header_index, header_words
from newstui.model.index.words import WordIndex

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# Every kind of character the two ways could split, fold or trim differently: ASCII and
# other whitespace, the separators Python splits on and Arrow does not, joiners, marks,
# case that folds to more letters, controls, an escape, punctuation that is trimmed.
TRICKY = ("aZé9 \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u202f"
          "\u205f\u3000\u180e\u200b\u200d'’.-_—«»…ßİΣσςǅﬁ\u0301\x00\x1b😀&;#")


def _arrays_used(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the batches that went through Arrow (so a test cannot pass by falling back)."""
    calls: list[int] = []
    real = cp._split

    def counted(batch: list[tuple[int, str]], *args: Any) -> Any:
        calls.append(len(batch))
        return real(batch, *args)

    monkeypatch.setattr(cp, "_split", counted)
    return calls


def _both(texts: list[str], docs: list[int] | None = None
          ) -> tuple[dict[str, array], dict[str, array]]:
    docs = list(range(len(texts))) if docs is None else docs
    return (chunk_postings(zip(docs, texts, strict=True), len(texts)).as_dict(),
            word_by_word(zip(docs, texts, strict=True)))


def test_the_bundled_seeds_are_indexed_as_word_by_word(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _arrays_used(monkeypatch)
    texts = [searchable_text(p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))]
    assert len(texts) >= MIN_TEXTS
    docs = list(range(3, 3 + 5 * len(texts), 5))  # numbers with gaps, as after skipped files
    fast, plain = _both(texts, docs)
    assert calls, "the seeds went word by word: nothing was compared"
    assert fast == plain
    assert {"kim", "trump", "u.s", "2019"} <= set(fast)
    assert all(postings.typecode == "I" for postings in fast.values())


def test_words_met_again_in_later_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _arrays_used(monkeypatch)
    monkeypatch.setattr(cp, "BATCH", 7)
    rnd = random.Random(4)
    vocabulary = ["Kim's", "kim", "KIM", "covid-19", "U.S.", "...", "«korea»", "talks,", "ß"]
    texts = [" ".join(rnd.choices(vocabulary, k=rnd.randint(0, 12))) for _ in range(100)]
    fast, plain = _both(texts)
    assert calls == [64, 7, 7, 7, 7, 7, 1]  # the first batch large enough to be worth it
    assert fast == plain
    assert fast["kim"] == array("I", [d for d, t in enumerate(texts) if "kim" in t.lower()])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.sampled_from(TRICKY), max_size=60), min_size=MIN_TEXTS,
                max_size=150))
def test_tricky_text_is_indexed_as_word_by_word(texts: list[str]) -> None:
    fast, plain = _both(texts)
    assert fast == plain


def test_a_lone_surrogate_sends_its_batch_word_by_word(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cp, "BATCH", 50)
    texts = [f"north korea talks {i}" for i in range(120)]
    texts[70] = "bad \ud800 surrogate korea"
    fast, plain = _both(texts)
    assert fast == plain
    assert 70 in fast["korea"] and "\ud800" in fast


def test_keys_too_wide_for_32_bits() -> None:
    texts = [f"word{i % 17} shared" for i in range(MIN_TEXTS * 2)]
    # Room for 2**30 texts: word * most + text no longer fits 32 bits past word 1.
    fast = chunk_postings(enumerate(texts), 2**30).as_dict()
    assert fast == word_by_word(enumerate(texts))


def test_few_texts_or_no_arrow_go_word_by_word(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _arrays_used(monkeypatch)
    few = [f"talks {i}" for i in range(MIN_TEXTS - 1)]
    assert chunk_postings(enumerate(few), len(few)).as_dict() == word_by_word(enumerate(few))
    assert not calls
    monkeypatch.setattr(cp, "_arrow", lambda: None)
    many = [f"talks {i}" for i in range(MIN_TEXTS * 3)]
    assert chunk_postings(enumerate(many), len(many)).as_dict() == word_by_word(enumerate(many))
    assert not calls


def test_nothing_to_index_and_too_many_texts() -> None:
    assert chunk_postings(iter([]), 0).as_dict() == {}
    marks = [(d, "... — «»") for d in range(MIN_TEXTS)]
    assert chunk_postings(marks, len(marks)) == ([], array("Q"), b"")
    with pytest.raises(ValueError, match="more than"):
        chunk_postings(((d, "x") for d in range(MIN_TEXTS + 1)), MIN_TEXTS)


def test_chunks_merged_from_packed_postings_make_the_same_index() -> None:
    rnd = random.Random(9)
    vocabulary = ["kim", "jong", "talks", "covid-19", "u.s.", "rare", "Korea's"]
    texts = [" ".join(rnd.choices(vocabulary, k=rnd.randint(0, 9))) for _ in range(600)]
    plain, fast = WordIndex(), WordIndex()
    for start in range(0, 600, 150):  # four jobs, merged in order
        items = list(enumerate(texts))[start : start + 150]
        plain.merge(word_by_word(items), 600)
        fast.merge(chunk_postings(items, len(items)), 600)
    plain.finish(600)
    fast.finish(600)
    assert fast.postings == plain.postings
    assert isinstance(fast.postings["kim"], int)  # frequent: a bit set
    assert {"covid", "19", "korea's", "korea", "s"} <= set(fast.postings)


def _plain_header_index(articles: list[Article], name: str) -> WordIndex:
    """A header index as the store built it before: each article's words, added in turn."""
    index = WordIndex()
    for d, article in enumerate(articles):
        index.add(d, header_words(name, article))
    index.compact()
    index.finish(len(articles))
    return index


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.text(st.sampled_from(TRICKY), max_size=30),
                          st.lists(st.text(st.sampled_from(TRICKY), max_size=8), max_size=3),
                          st.text(st.sampled_from(TRICKY), max_size=40)),
                min_size=MIN_TEXTS, max_size=200))
def test_header_indexes_are_made_as_word_by_word(fields: list[tuple[str, list[str], str]]) -> None:
    articles = [Article(title=t, tags=tuple(tags), caption=c, source="Reuters",
                        dateline="SEOUL, Dec 3", id=str(i))
                for i, (t, tags, c) in enumerate(fields)]
    for name in HEADER_INDEXES:
        assert _header_index(articles, name).postings == \
            _plain_header_index(articles, name).postings, name


def test_header_indexes_of_many_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _arrays_used(monkeypatch)
    monkeypatch.setattr(store_module, "HEADER_BLOCK", 150)
    rnd = random.Random(5)
    vocabulary = ["Kim", "jong-un", "Talks", "rare", "U.S.", "SEOUL,", "«Korea»", "ß"]
    articles = [Article(title=" ".join(rnd.choices(vocabulary, k=rnd.randint(0, 6))) + f" only{i}",
                        tags=tuple(rnd.choices(vocabulary, k=2)), caption=rnd.choice(vocabulary),
                        id=str(i)) for i in range(700)]
    for name in HEADER_INDEXES:
        fast = _header_index(articles, name)
        assert fast.postings == _plain_header_index(articles, name).postings, name
        assert isinstance(fast.postings["kim"], int)  # in most articles: a bit set
    title = _header_index(articles, "title").postings
    edges = (0, 149, 150, 699)  # either side of a block's end
    assert [title[f"only{d}"] for d in edges] == [array("I", [d]) for d in edges]
    assert len(calls) >= 3 * 4  # every block of every index went through Arrow
    assert _header_index([], "title").postings == {}
