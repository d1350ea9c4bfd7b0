"""The header cache's preview turns entries into articles a column at a time (issue 14: the
list from the caches at a million articles); what it makes must be what the entry-by-entry
way makes, for any cache, forged ones included."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newstui.model.cache import headers
from newstui.model.cache.headers import HeaderCache
from newstui.model.corpus.article import Article

CLEAN = st.text(st.sampled_from("ab Zé\u00df"), max_size=6)
# Most parts are clean (only those take the column way); some have what a parse cleans.
TEXT = st.shared(st.sampled_from([CLEAN, CLEAN, CLEAN, st.text(
    st.sampled_from("ab Zé\x1b\u202e\t\n\u00df"), max_size=6)]), key="text").flatmap(
    lambda text: text)


@st.composite
def articles(draw: st.DrawFn, path: str) -> Article:
    return Article(
        title=draw(TEXT), source=draw(TEXT), section=draw(TEXT), caption=draw(TEXT),
        date=draw(st.none() | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
        tags=tuple(draw(st.lists(TEXT, max_size=3))),
        words=draw(st.none() | st.integers(0, 10**6)), layout=draw(st.sampled_from(
            ["seed", "plain", "markdown"])), id=draw(TEXT), path=path, digest=draw(TEXT))


# What a forged or damaged cache may hold instead of a value, at any place in an entry.
ODD = st.sampled_from([None, 3, -1, 10**7, 2.5, "x", b"x", (), ("x",), [], True])


@st.composite
def entries(draw: st.DrawFn, path: str) -> object:
    article = draw(articles(path))
    stat = (draw(st.integers(0, 9)), 1, 2)
    warnings = tuple(draw(st.lists(TEXT, max_size=2)))
    row = list(article.to_row())
    damage = draw(st.sampled_from(["none"] * 6 + ["value", "length", "entry", "path",
                                                  "stat", "warning", "tag"]))
    if damage == "value":
        row[draw(st.integers(0, len(row) - 1))] = draw(ODD)
    elif damage == "length":
        row = row[: draw(st.integers(0, len(row) - 1))] + [draw(ODD)] * draw(st.integers(0, 1))
    elif damage == "entry":
        return draw(ODD)
    elif damage == "path":
        row[Article._fields.index("path")] = path + "x"
    elif damage == "stat":
        stat = draw(ODD)  # type: ignore[assignment]
    elif damage == "warning":
        warnings = (draw(ODD),)
    elif damage == "tag":
        row[Article._fields.index("tags")] = (draw(ODD),)
    return (stat, tuple(row), warnings)


@st.composite
def parts(draw: st.DrawFn) -> list[tuple[str, object]]:
    n = draw(st.integers(1, 8))
    return [(f"/n/{i}.txt", draw(entries(f"/n/{i}.txt"))) for i in range(n)]


@settings(max_examples=400, deadline=None)
@given(parts())
def test_columns_make_what_entries_one_by_one_make(part) -> None:
    # None leaves the part to the one-by-one way: always right, only slower (the test
    # below checks a clean cache does not take it).
    fast = headers._entries_at_once(part)
    slow = headers._entries_one_by_one(part)
    if fast is not None:
        assert fast == slow
        # The same objects as a parse would share: one date object a day, interned names.
        for (a, _, _), (b, _, _) in zip(fast, slow, strict=True):
            assert a.source is b.source and a.section is b.section and a.date == b.date
            assert type(a) is Article

def test_a_clean_cache_is_previewed_a_column_at_a_time(tmp_path, monkeypatch) -> None:
    made = [Article(title=f"T{i}", date=dt.date(2024, 1, 1 + i % 28), source="S", tags=("a",),
                    words=3, id=str(i), path=f"/n/{i}.txt", digest=str(i)) for i in range(50)]
    cache = HeaderCache(tmp_path / "headers-x.bin")
    cache._entries = {a.path: ((1, 2, 3), a.to_row(), ()) for a in made}
    monkeypatch.setattr(headers, "PREVIEW_STEP", 7)
    one_by_one = []
    monkeypatch.setattr(headers, "_entries_one_by_one",
                        lambda part: one_by_one.append(part) or [])
    assert [a for a, _, _ in cache.preview()] == made
    assert one_by_one == []
