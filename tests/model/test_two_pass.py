"""A load in two passes (list fields, then details) ends where a full load starts."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newstui.model.cache.headers import HeaderCache
from newstui.model.corpus.article import Article
from newstui.model.index.store import Store
from newstui.model.load.chunks import run_chunks
from newstui.model.load.passes import load_paths, read_details
from newstui.model.search.engine import Engine
from tests.model.test_cache import _age

SEED = (" date 2023-03-{day:02d}  Story {i} about {topic} : Wire {src}\n\n"
        "  • World\n  • Story {i} about {topic}\n\nStory {i} about {topic}\n\n"
        "A picture of {topic} number {i}. Reuters\n\n\n\n"
        "Lagos, March {day}\n\n"
        "First paragraph of story {i} with some words.\n\nSecond paragraph, more words.\n\n"
        "Key points\n\n  • one point\n  • another point\n\n"
        "#Topic {topic} #Wire{src}\n")


def _corpus(folder: Path, n: int = 40) -> None:
    topics = ["zebras", "harbours", "volcanoes", "elections"]
    for i in range(n):
        text = SEED.format(day=1 + i % 28, i=i, topic=topics[i % 4], src=i % 3)
        (folder / f"s{i:03d}.txt").write_text(text)
    (folder / "plain.txt").write_text("A plain headline\n\nIts only paragraph.\n")
    (folder / "fm.md").write_text("---\ntitle: Front matter\ndate: 2023-01-05\n---\nBody.\n")


def test_list_pass_then_details_equals_a_full_load(tmp_path) -> None:
    _corpus(tmp_path)
    full = Store(load_paths([str(tmp_path)]).articles)
    quick = Store(load_paths([str(tmp_path)], details=False).articles)
    pending = [a for a in quick.articles if a.words is None]
    assert len(pending) == 40  # every seed-layout file; the others were parsed in full
    assert [a.id for a in quick.articles] == [a.id for a in full.articles]  # same list, same order
    assert all(a.caption == "" for a in pending)
    quick.fill_details(read_details(quick.articles))
    assert quick.articles == full.articles
    assert quick.articles[0].caption.startswith("A picture of")
    assert quick.articles[0].dateline.startswith("Lagos, March")


def test_caption_words_are_searchable_once_details_are_in(tmp_path) -> None:
    _corpus(tmp_path)
    store = Store(load_paths([str(tmp_path)], details=False).articles)
    assert len(Engine(store).search("lagos").doc_ids) == 0
    store.fill_details(read_details(store.articles))
    assert len(Engine(store).search("lagos").doc_ids) == 40


def test_a_file_changed_between_the_passes_keeps_its_list_fields(tmp_path) -> None:
    _corpus(tmp_path, n=3)
    store = Store(load_paths([str(tmp_path)], details=False).articles)
    changed = next(a for a in store.articles if a.words is None)
    Path(changed.path).write_text(" date 2020-01-01  Other : X\n\nBody.\n")
    found = read_details(store.articles)
    assert store.articles.index(changed) not in found
    assert len(found) == 2


def test_the_cache_keeps_list_fields_until_details_are_read(tmp_path, parses) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    _corpus(folder, n=5)
    _age(*folder.iterdir())
    reads = parses
    paths = [str(folder)]
    load_paths(paths, cache=HeaderCache.for_paths(paths), details=False)
    assert len(reads) == 7
    reads.clear()
    # A load that needs details reads again the files whose details the cache lacks...
    full = load_paths(paths, cache=HeaderCache.for_paths(paths))
    assert sorted(reads) == [f"s{i:03d}.txt" for i in range(5)]
    assert all(a.words is not None for a in full.articles)
    # ...and, the details now cached, nothing at all.
    reads.clear()
    again = load_paths(paths, cache=HeaderCache.for_paths(paths))
    assert reads == []
    assert sorted(again.articles) == sorted(full.articles)


def test_read_details_saves_them_in_the_loads_cache(tmp_path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    _corpus(folder, n=5)
    _age(*folder.iterdir())
    paths = [str(folder)]
    cache = HeaderCache.for_paths(paths)
    store = Store(load_paths(paths, cache=cache, details=False).articles)
    store.fill_details(read_details(store.articles, cache))
    cached = load_paths(paths, cache=HeaderCache.for_paths(paths), details=False)
    assert all(a.words is not None for a in cached.articles)  # from the cache, details and all


def _article(title: str, day: int | None, id_: str) -> Article:
    date = dt.date(2023, 1, day) if day else None
    return Article(title=title, date=date, words=0, layout="seed", id=id_, path=id_,
                   digest=id_)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "ab", "Ab", "b", "B a", "é", "", "a b"]),
                          st.sampled_from([None, 1, 2, 31])), max_size=30))
def test_store_order_is_newest_first_then_title_then_id(rows) -> None:
    articles = [_article(t, d, f"id{i:02d}") for i, (t, d) in enumerate(rows)]
    random.Random(len(rows)).shuffle(articles)
    expected = sorted(articles, key=lambda a: (a.date is None, -(a.date or dt.date.min).toordinal(),
                                               a.title.casefold(), a.id))
    assert Store(articles).articles == expected


def test_run_chunks_draws_jobs_lazily_and_in_order() -> None:
    drawn: list[int] = []

    def jobs():
        for i in range(10):
            drawn.append(i)
            yield (i,)

    results: list[int] = []

    def merge(result: int) -> None:
        results.append(result)
        assert len(drawn) <= len(results) + 1  # one process: a job is drawn when it runs

    run_chunks(lambda i: i * i, jobs(), merge, workers=1)
    assert results == [i * i for i in range(10)]


def test_a_few_details_filled_in_give_the_index_a_full_rebuild_would(tmp_path) -> None:
    _corpus(tmp_path, n=60)
    full = {a.path: a for a in load_paths([str(tmp_path)]).articles}
    store = Store(load_paths([str(tmp_path)], details=False).articles)
    engine = Engine(store)
    engine.search("zebras")  # the header indexes are built
    few = {d: full[a.path] for d, a in enumerate(store.articles) if a.words is None}
    few = dict(list(few.items())[:4])  # fewer than a tenth: added to the index, not rebuilt
    store.fill_details(few)
    meta = store.indexes()["meta"]
    rebuilt = Store(store.articles).indexes()["meta"]
    assert set(meta.postings) == set(rebuilt.postings)
    for word in rebuilt.postings:
        assert meta.bits([word]) == rebuilt.bits([word]), word
    assert Engine(store).search("lagos").doc_ids  # a dateline word of the four
