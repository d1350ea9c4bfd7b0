"""The article record: one field list, pinned, and the rows built from it."""

from __future__ import annotations

import datetime as dt

import pytest

from newstui.model.cache.headers import FORMAT
from newstui.model.corpus.article import Article


def test_the_field_list_is_pinned_with_the_cache_format() -> None:
    # The header cache stores Article.to_row() and loading workers exchange it: reordering,
    # adding or removing a field changes what a row means. Change this pin only together
    # with FORMAT in newstui.model.cache.headers, so old caches are not misread.
    assert (Article._fields, FORMAT) == ((
        "title", "date", "source", "section", "caption", "dateline", "url", "tags", "words",
        "layout", "id", "path", "digest",
    ), 7)


def test_rows_round_trip() -> None:
    article = Article(title="T", date=dt.date(2023, 9, 13), source="S", section="W",
                      caption="C", dateline="D", url="https://example.com/a", tags=("x", "y"),
                      words=12, layout="seed", id="a", path="/n/a.txt", digest="0f")
    row = article.to_row()
    assert row[Article._fields.index("date")] == dt.date(2023, 9, 13).toordinal()
    assert Article.from_row(row) == article
    undated = article._replace(date=None)
    assert Article.from_row(undated.to_row()) == undated


@pytest.mark.parametrize("row", [
    (),
    ("T",) * 5,
    ("T", "not an ordinal", "", "", "", "", "", (), 1, "seed", "a", "p", "d"),
    ("T", 10**30, "", "", "", "", "", (), 1, "seed", "a", "p", "d"),
])
def test_a_row_of_the_wrong_shape_is_refused(row) -> None:
    with pytest.raises((TypeError, ValueError, OverflowError)):
        Article.from_row(row)


def test_records_are_built_by_keyword_with_defaults() -> None:
    article = Article(title="Only a title")
    assert (article.date, article.tags, article.words, article.layout) == (None, (), None,
                                                                          "plain")
    assert article.to_json()["title"] == "Only a title"


def test_a_workers_row_is_the_located_articles_row() -> None:
    parsed = Article(title="T", date=dt.date(2024, 2, 29), tags=("x",), layout="seed")
    located = parsed._replace(id="i", path="/p.txt", digest="d")
    assert parsed.row_at("i", "/p.txt", "d") == located.to_row()
    assert Article.from_row(parsed._replace(date=None).row_at("i", "/p.txt", "d")) == \
        located._replace(date=None)


def test_rows_share_repeated_strings() -> None:
    # Rows come from workers and caches with their own copies of every string: sources,
    # sections and tags repeat across a corpus and are kept once.
    one = Article(title="A", source="Src", section="World", tags=("north korea", "x"),
                  id="a", path="/a", digest="1").to_row()
    two = Article(title="B", source="Src", section="World", tags=("north korea",),
                  id="b", path="/b", digest="2").to_row()
    import marshal

    a, b = (Article.from_row(marshal.loads(marshal.dumps(r))) for r in (one, two))
    assert a.source is b.source and a.section is b.section and a.tags[0] is b.tags[0]
    with pytest.raises(TypeError):
        Article.from_row((*one[:7], ("ok", 3), *one[8:]))


def test_details_replace_only_the_details() -> None:
    a = Article(title="t", date=dt.date(2020, 1, 2), source="s", section="x", caption="old",
                tags=("a", "b"), layout="seed", id="i", path="p", digest="d")
    got = a.with_details(("caption", "dateline", "https://example.org/", 120))
    assert type(got) is Article
    assert got == a._replace(caption="caption", dateline="dateline",
                             url="https://example.org/", words=120)
    assert got.details() == ("caption", "dateline", "https://example.org/", 120)
