"""Related stories from the store's indexes."""

from __future__ import annotations

import datetime as dt

from newstui.model.corpus.article import Article
from newstui.model.index.store import Store
from newstui.model.search.related import related


def _store() -> Store:
    day = dt.date(2024, 1, 1)
    rows = [
        ("Volcano erupts in Iceland", ("Iceland", "Volcanoes")),
        ("Iceland volcano eruption forces evacuation", ("Iceland", "Volcanoes")),
        ("Grindavik evacuated as Iceland volcano threatens town", ("Iceland",)),
        ("Football cup final ends in a draw", ("Football",)),
        ("Volcano erupts in Iceland", ("Iceland", "Volcanoes")),  # the same story again
        ("Markets fall in Tokyo", ("Japan", "Markets")),
        ("Tokyo markets recover", ("Japan", "Markets")),
    ]
    articles = [Article(title=t, tags=tags, date=day + dt.timedelta(days=i), id=f"a{i}",
                        digest=f"d{i}" if i != 4 else "d0") for i, (t, tags) in enumerate(rows)]
    articles += [Article(title=f"Filler story number {i}", tags=("Misc",), id=f"f{i}",
                         digest=f"f{i}") for i in range(40)]
    return Store(articles)


def _titles(store: Store, article_id: str) -> list[str]:
    doc = store.doc_of[article_id]
    return [store.articles[d].title for d in related(store, doc)]


def test_related_shares_rare_tags_and_words_best_first() -> None:
    store = _store()
    found = _titles(store, "a0")
    assert found[0] == "Iceland volcano eruption forces evacuation"  # two tags and two words
    assert "Grindavik evacuated as Iceland volcano threatens town" in found
    assert "Football cup final ends in a draw" not in found
    assert "Volcano erupts in Iceland" not in found  # itself, and its duplicate
    assert _titles(store, "a5") == ["Tokyo markets recover"]


def test_related_is_bounded_and_safe() -> None:
    store = _store()
    assert len(related(store, store.doc_of["f1"], limit=3)) == 3  # "Misc" and "story"
    assert related(store, 10_000) == [] and related(store, -1) == []
    assert related(Store([Article(title="alone", id="x")]), 0) == []
