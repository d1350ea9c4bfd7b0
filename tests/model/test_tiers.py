"""Scored tiers and lazily ordered rows."""

from __future__ import annotations

import pytest

from newstui.model.tiers import Rows, Tiers

# ten docs; newest first order is 9, 8, ..., 0 (rank[d] = 9 - d)
ORDER = list(range(9, -1, -1))
RANK = [9 - d for d in range(10)]


def test_best_of_keeps_each_docs_best_score() -> None:
    tiers = Tiers.best_of([(1.0, {1, 2, 3}), (3.0, {2}), (2.0, [3, 4])])
    assert tiers.tiers == [(3.0, {2}), (2.0, {3, 4}), (1.0, {1})]
    assert tiers.score(3) == 2.0 and tiers.score(7) is None


def test_and_adds_scores_or_adds_where_both() -> None:
    a = Tiers([(3.0, {1, 2}), (1.0, {3, 4})])
    b = Tiers([(1.0, {2, 3, 5})])
    assert (a & b).tiers == [(4.0, {2}), (2.0, {3})]
    assert (a | b).tiers == [(4.0, {2}), (3.0, {1}), (2.0, {3}), (1.0, {4, 5})]
    assert a.without({1, 4}).tiers == [(3.0, {2}), (1.0, {3})]


def test_rows_best_tier_first_newest_first_within() -> None:
    rows = Rows(Tiers([(1.0, {1, 5, 7}), (2.0, {2, 3})]), ORDER, RANK)
    assert list(rows) == [3, 2, 7, 5, 1]
    assert len(rows) == 5 and rows[0] == 3 and rows[-1] == 1 and rows[1:3] == [2, 7]
    assert 7 in rows and 4 not in rows
    assert rows.index(5) == 3
    with pytest.raises(ValueError):
        rows.index(4)
    with pytest.raises(IndexError):
        rows[5]


def test_large_tier_is_walked_lazily() -> None:
    n = 100_000
    order = list(range(n))
    rows = Rows(Tiers([(1.0, set(range(0, n, 2)))]), order, order)
    assert rows[0] == 0 and rows[3] == 6
    part = rows._parts[0]
    assert part.cursor < n  # only a block of the order was walked for the first rows
    assert rows.index(n - 2) == n // 2 - 1
    assert rows == list(range(0, n, 2))
