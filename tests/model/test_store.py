"""The store orders, indexes and re-reads articles."""

from __future__ import annotations

from newstui.model.corpus.files import read_full
from newstui.model.index.store import Store
from newstui.model.load.passes import load_paths
from tests.conftest import SEEDS


def _art(date: str, title: str, tags: str, source: str = "S") -> str:
    return f" date {date}  {title} : {source}\n\nBody of {title}.\n\n{tags}\n"


def test_newest_first_and_indexes(write, tmp_path) -> None:
    write("a.txt", _art("2021-01-01", "Old", "#X #Y"))
    write("b.txt", _art("2023-01-01", "New", "#x", source="Other"))
    write("c.txt", "Undated headline\n\nbody\n")
    store = Store(load_paths([str(tmp_path)]).articles)
    assert [a.title for a in store.articles] == ["New", "Old", "Undated headline"]
    assert store.tags.most_common() == [("x", 2), ("Y", 1)]
    assert store.tags.doc_ids["x"].tolist() == [0, 1]  # articles are numbered newest first
    assert dict(store.sources.most_common()) == {"S": 1, "Other": 1}
    assert store.find("b") is store.articles[0]
    assert read_full(store.articles[1]).body == ("Body of Old.",)


def test_date_ranges_are_number_ranges(write, tmp_path) -> None:
    import datetime as dt

    from newstui.model.index import bitset

    for i, day in enumerate(["2023-01-05", "2023-01-03", "2023-01-03", "2022-12-31"]):
        write(f"{i}.txt", _art(day, f"T{i}", "#t"))
    write("u.txt", "Undated\n\nbody\n")
    store = Store(load_paths([str(tmp_path)]).articles)
    day = dt.date.fromisoformat

    def titles(start: str | None, end: str | None) -> list[str]:
        found = store.between(start and day(start), end and day(end))
        return sorted(store.articles[d].title for d in bitset.members(found))

    assert titles("2023-01-03", "2023-01-03") == ["T1", "T2"]
    assert titles("2023-01-01", None) == ["T0", "T1", "T2"]
    assert titles(None, "2023-01-02") == ["T3"]
    assert titles(None, None) == ["T0", "T1", "T2", "T3"]  # undated articles have no date
    assert titles("2024-01-01", None) == [] and titles("2023-01-04", "2023-01-03") == []


def test_bundled_corpus_is_real_and_clean() -> None:
    result = load_paths([str(SEEDS)])
    store = Store(result.articles)
    assert len(store) >= 290
    assert result.skipped == [] and result.warnings == []
    wikinews = [a for a in store.articles if a.source == "Wikinews"]
    assert len(wikinews) >= 290
    assert all(a.url.startswith("https://en.wikinews.org/wiki/") for a in wikinews)
    assert all(a.date is not None for a in store.articles)
    assert store.articles[0].title.startswith("Kim in Russia")
    assert not any("pre-publication review" in p for a in wikinews for p in read_full(a).body)


def test_facet_counts_with_marks(tmp_path) -> None:
    for i, tags in enumerate(["#a #b", "#a", "#b #c"]):
        (tmp_path / f"{i}.txt").write_text(f" date 2023-01-0{i + 1}  T{i} : S\n\nBody.\n\n{tags}\n")
    store = Store(load_paths([str(tmp_path)]).articles)
    marked = [a.title != "T1" for a in store.articles]
    assert store.tags.counted(marked) == [("a", 2, 1), ("b", 2, 2), ("c", 1, 1)]


def test_merging_with_the_final_size_makes_frequent_words_bit_sets_early() -> None:
    from array import array

    from newstui.model.index.words import WordIndex

    size = 6400  # a word in 200 or more articles is dense
    chunks = [{"common": array("I", range(start, start + 100)),
               "rare": array("I", [start])} for start in range(0, size, 100)]
    early, late = WordIndex(), WordIndex()
    for chunk in chunks:
        early.merge({w: array("I", d) for w, d in chunk.items()}, size)
        late.merge({w: array("I", d) for w, d in chunk.items()})
    assert isinstance(early.postings["common"], int)  # before finish()
    early.finish(size)
    late.finish(size)
    for word in ("common", "rare"):
        assert early.bits((word,)) == late.bits((word,))
    assert early.bits(("common",)).bit_count() == size


def _added(values):
    from newstui.model.index.store import Facet

    facet = Facet()
    facet.add_all(values)
    return facet


def test_a_facet_grouped_by_numpy_is_the_one_made_a_value_at_a_time() -> None:
    import random

    from newstui.model.index.store import Facet

    rng = random.Random(3)
    names = ["Korea", "korea", "KOREA", "Straße", "STRASSE", "strasse", "", "Putin",
             "Ukraine", "ukraine ", "東京", "İstanbul", "x"]
    for n in (0, 1, 7, 500, 5000):
        values = [tuple(rng.choice(names) for _ in range(rng.randrange(0, 5)))
                  for _ in range(n)]
        want = _added(values)
        got = Facet.grouped(values)
        assert list(got.doc_ids.items()) == list(want.doc_ids.items())  # the order too
        assert got._spelling == want._spelling
        assert got.most_common() == want.most_common()
    # Keys past 8 and 16 bits (sorted by numpy in wider codes), each used more than once.
    for distinct in (300, 70_000):
        values = [(f"V{rng.randrange(distinct)}", f"v{d % distinct}") for d in range(distinct * 2)]
        got, want = Facet.grouped(values), _added(values)
        assert list(got.doc_ids.items()) == list(want.doc_ids.items())
        assert len(got) == distinct
    # Each value's articles in an array of 4-byte numbers (lists of ints cost ~8x).
    assert {(d.typecode, d.itemsize) for d in got.doc_ids.values()} == {("I", 4)}


def test_a_large_store_s_facets_are_those_of_a_small_one(tmp_path, monkeypatch) -> None:
    from newstui.model.index import bitset

    result = load_paths([str(SEEDS)], cache=None, save=False)
    store = Store(result.articles)
    facets = store.facets()
    again = Store(result.articles)
    monkeypatch.setattr(bitset, "NUMPY_N", 1)  # grouped by numpy, as at 8k articles and up
    for small, large in zip(facets, again.facets(), strict=True):
        assert list(small.doc_ids.items()) == list(large.doc_ids.items()) != []
        assert small._spelling == large._spelling


def test_a_presorted_store_is_the_store_of_its_articles() -> None:
    import datetime as dt

    from newstui.model.corpus.article import Article
    from newstui.model.index.store import Store

    articles = [Article(title=f"T{i % 3}", date=dt.date(2024, 1, 1 + i % 4) if i % 5 else None,
                        id=f"a{i}", path=f"/n/{i}.txt", digest=f"d{i}") for i in range(30)]
    store = Store(articles)
    again = Store.presorted(store.articles)
    assert again.articles == store.articles and again._days == store._days
    assert again.in_order() and store.in_order()
    # Days out of order: sorted at once.
    assert Store.presorted(articles[::-1]).articles == store.articles
    # Out of order within a day: kept as given, and found out.
    swapped = [*store.articles]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    assert swapped[0].date == swapped[1].date
    assert Store.presorted(swapped).articles == swapped
    assert not Store.presorted(swapped).in_order()
