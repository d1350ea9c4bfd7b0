"""Bit sets, scored tiers and lazily listed rows."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newstui.model.index import bitset
from newstui.model.index.tiers import Rows, Tiers


def bits(*docs: int) -> int:
    return bitset.from_docs((docs,), 64)


@pytest.mark.parametrize("numpy_from", [bitset.NUMPY_N, 0])  # both ways, making and listing
@given(groups=st.lists(st.lists(st.integers(0, 299), max_size=40), max_size=5))
def test_from_docs_and_members_agree_with_sets(groups: list[list[int]], numpy_from: int,
                                               ) -> None:
    real = bitset.NUMPY_N
    bitset.NUMPY_N = numpy_from  # (not monkeypatch: Hypothesis runs many examples a test)
    try:
        value = bitset.from_docs(groups, 300)
        listed = bitset.members(value)
    finally:
        bitset.NUMPY_N = real
    expected = sorted(set().union(*groups)) if groups else []
    assert listed == expected
    assert bitset.count(value) == len(expected)
    for doc in range(300):
        assert bitset.contains(value, doc) == (doc in expected)
    if expected:
        assert bitset.position(value, expected[-1]) == len(expected) - 1


@pytest.mark.parametrize("numpy_from", [bitset.NUMPY_N, 0])  # digit string, numpy windows
@given(docs=st.sets(st.integers(0, 60_000), max_size=400),
       asks=st.lists(st.integers(0, 500), max_size=8))
def test_listers_list_the_lowest_members_first_however_far_they_are_asked(
        docs: set[int], asks: list[int], numpy_from: int) -> None:
    real = bitset.NUMPY_N
    bitset.NUMPY_N = numpy_from
    try:
        value = bitset.from_docs((sorted(docs),), 60_001)
        lister = bitset.Lister(value)
        expected = sorted(docs)
        for n in asks:
            lister.extend(n)
            assert len(lister.found) >= min(n, len(expected))
            assert lister.found == expected[:len(lister.found)]
            if n < len(expected):
                assert lister.get(n) == expected[n]
            assert bitset.first_members(value, n) == expected[:n]
        lister.extend(len(expected) + 1)
        assert lister.found == expected
    finally:
        bitset.NUMPY_N = real


def test_span_and_full() -> None:
    assert bitset.members(bitset.span(3, 7)) == [3, 4, 5, 6]
    assert bitset.span(5, 5) == bitset.span(6, 2) == 0
    assert bitset.members(bitset.full(4)) == [0, 1, 2, 3]


def test_best_of_keeps_each_docs_best_score() -> None:
    tiers = Tiers.best_of([(1.0, bits(1, 2, 3)), (3.0, bits(2)), (2.0, bits(3, 4))])
    assert tiers.tiers == [(3.0, bits(2)), (2.0, bits(3, 4)), (1.0, bits(1))]
    assert tiers.score(3) == 2.0 and tiers.score(7) is None


def test_and_adds_scores_or_adds_where_both() -> None:
    a = Tiers([(3.0, bits(1, 2)), (1.0, bits(3, 4))])
    b = Tiers([(1.0, bits(2, 3, 5))])
    assert (a & b).tiers == [(4.0, bits(2)), (2.0, bits(3))]
    assert (a | b).tiers == [(4.0, bits(2)), (3.0, bits(1)), (2.0, bits(3)),
                             (1.0, bits(4, 5))]
    assert a.without(bits(1, 4)).tiers == [(3.0, bits(2)), (1.0, bits(3))]


def test_rows_best_tier_first_lowest_number_first_within() -> None:
    rows = Rows(Tiers([(1.0, bits(1, 5, 7)), (2.0, bits(2, 3))]))
    assert list(rows) == [2, 3, 1, 5, 7]
    assert len(rows) == 5 and rows[0] == 2 and rows[-1] == 7 and rows[1:3] == [3, 1]
    assert 7 in rows and 4 not in rows and "x" not in rows
    assert rows.index(5) == 3
    with pytest.raises(ValueError):
        rows.index(4)
    with pytest.raises(IndexError):
        rows[5]


def test_large_tier_is_listed_lazily() -> None:
    n = 100_000
    rows = Rows(Tiers([(1.0, bitset.from_docs((range(0, n, 2),), n))]))
    assert rows[0] == 0 and rows[3] == 6
    assert len(rows._listers[0].found) < 1000  # only the first rows were listed
    assert rows.index(n - 2) == n // 2 - 1
    assert rows == list(range(0, n, 2))


def test_rows_match_a_plain_sort() -> None:
    rng = random.Random(3)
    n = 5000
    sets = [set(rng.sample(range(n), rng.randint(0, 900))) for _ in range(4)]
    tiers = Tiers.best_of((float(i), bitset.from_docs((sorted(s),), n))
                          for i, s in enumerate(sets))
    best: dict[int, int] = {}
    for i, s in enumerate(sets):
        for d in s:
            best[d] = i
    expected = sorted(best, key=lambda d: (-best[d], d))
    rows = Rows(tiers)
    assert list(rows) == expected
    assert [rows[i] for i in range(0, len(expected), 97)] == expected[::97]


def test_word_index_gives_bit_sets_finished_or_not() -> None:
    from newstui.model.index.words import WordIndex

    index = WordIndex()
    for doc in range(300):
        index.add(doc, {"every"} | ({"third"} if doc % 3 == 0 else set()) | {f"w{doc}"})
    index.compact()
    assert bitset.members(index.bits(["w7", "w9"])) == [7, 9]  # not finished: no size yet
    index.finish(300)
    assert isinstance(index.postings["every"], int)  # frequent: stored as a bit set
    assert not isinstance(index.postings["w7"], int)
    assert bitset.members(index.bits(["third", "w7"])) == sorted({*range(0, 300, 3), 7})
    assert index.bits(["nothing"]) == 0


def test_raised_adds_to_the_chosen_articles_only() -> None:
    tiers = Tiers([(10.0, 0b1111), (5.0, 0b110000)])
    raised = tiers.raised([(2.0, 0b100001), (1.0, 0b000010)])
    assert raised.tiers == [(12.0, 0b1), (11.0, 0b10), (10.0, 0b1100), (7.0, 0b100000),
                            (5.0, 0b10000)]
    assert raised.bits() == tiers.bits()


def test_a_large_set_is_made_the_same_from_lists_arrays_ranges_and_bad_numbers() -> None:
    from array import array

    n = bitset.NUMPY_N + 1000  # numpy's way from here
    rng = random.Random(3)
    docs = sorted(rng.sample(range(n), 5_000))
    want = sum(1 << d for d in set(docs) | set(range(0, n, 999)) | {n - 1})
    made = bitset.from_docs((docs, array("i", [n - 1]), range(0, n, 999), []), n)
    assert made == want
    # Numbers out of range, or not numbers (a forged cache), are left out.
    assert bitset.from_docs(([-1, 5, n, 10**30], ["7", 8]), n) == (1 << 5) | (1 << 8)
    assert bitset.from_docs(([], array("i")), n) == 0


def test_first_members_are_the_lowest_in_order() -> None:
    rng = random.Random(5)
    docs = sorted(rng.sample(range(100_000), 3_000))
    bits = bitset.from_docs((docs,), 100_000)
    assert bitset.first_members(bits, 10**6) == docs == bitset.members(bits)
    assert bitset.first_members(bits, 7) == docs[:7]
    assert bitset.first_members(0, 5) == []



def test_first_members_of_sets_that_outgrow_each_window() -> None:
    import random

    rng = random.Random(7)
    for n, share in ((70_000, 0.9), (70_000, 0.01), (300_000, 0.0005), (5_000, 0.5)):
        docs = sorted(rng.sample(range(n), max(1, int(n * share))))
        bits = bitset.from_docs((docs,), n)
        for limit in (1, 63, 64, 1_000, 10_000, len(docs), len(docs) + 5):
            assert bitset.first_members(bits, limit) == docs[:limit]
