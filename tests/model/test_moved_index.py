"""Word indexes moved lazily by live changes answer as indexes moved at once would
(issue 14: a change costs its own articles, not the corpus)."""

from __future__ import annotations

import os
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newstui.model.cache.headers import HeaderCache
from newstui.model.index import bitset, packed
from newstui.model.index.moved import MovedIndex, moved
from newstui.model.index.renumber import Renumbering
from newstui.model.index.words import BODY_DENSE, DENSE, WordIndex
from newstui.model.library import Library
from tests.model.test_live_changes import _article, _corpus, _loaded, _same_as_fresh

VOCABULARY = ["north", "korea", "nor", "talks", "tax", "taxes", "oil", "storm", "st", "x"]


@st.composite
def renumberings(draw: st.DrawFn, size: int) -> Renumbering:
    removed = draw(st.sets(st.integers(0, size - 1), max_size=min(size, 6))) if size else set()
    new_size = size - len(removed) + draw(st.integers(0, 6))
    count = new_size - (size - len(removed))
    inserted = draw(st.sets(st.integers(0, max(0, new_size - 1)), min_size=count,
                            max_size=count)) if new_size else set()
    return Renumbering(size, removed, inserted)


def _map(renumbering: Renumbering) -> list[int]:
    return list(renumbering.new_of_old)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_renumberings_compose_as_their_maps_do(data) -> None:
    first = data.draw(renumberings(data.draw(st.integers(0, 40))))
    second = data.draw(renumberings(first.size))
    both = first.then(second)
    later = _map(second)
    assert _map(both) == [-1 if n < 0 else later[n] for n in _map(first)]
    assert both.size == second.size
    for old, new in enumerate(_map(first)):
        assert first.new_number(old) == new
        if new >= 0:
            assert first.old_number(new) == old
    assert all(first.old_number(n) == -1 for n in first.inserted)


def _index(rng: random.Random, size: int, dense: int = DENSE
           ) -> tuple[WordIndex, list[set[str]]]:
    words = [set(rng.sample(VOCABULARY, rng.randint(1, 5))) for _ in range(size)]
    index = WordIndex(dense)
    for doc, these in enumerate(words):
        index.add(doc, these)
    index.compact()
    index.finish(size)
    return index, words


def _numbers(docs: object) -> list[int]:
    if isinstance(docs, int):
        return bitset.members(docs)
    return list(packed.unpack(docs) if isinstance(docs, bytes) else docs)  # type: ignore[arg-type]


def _answers(index: WordIndex) -> dict[str, object]:
    return {
        "bits": {w: bitset.members(index.bits([w])) for w in VOCABULARY + ["fresh", "gone"]},
        "docs": {w: list(bitset.members(d) if isinstance(d, int) else d)
                 for w in VOCABULARY + ["fresh"] if (d := index.docs(w)) is not None},
        "prefix": {p: index.with_prefix(p, limit=3) for p in ["", "n", "no", "t", "ta", "f"]},
        "lengths": sorted(index.of_length(1, 4)),
    }


@settings(max_examples=120, deadline=None)
@given(seed=st.integers(0, 10_000), steps=st.integers(1, 6))
def test_a_moved_index_answers_as_one_moved_at_once(seed, steps) -> None:
    rng = random.Random(seed)
    size = rng.randint(0, 200)
    body = rng.random() < 0.5
    lazy, words = _index(rng, size, BODY_DENSE if body else DENSE)
    if body:
        lazy.pack()  # as the body index is
    eager = lazy
    for _ in range(steps):
        n = len(words)
        removed = set(rng.sample(range(n), rng.randint(0, min(n, 3)))) if n else set()
        top = rng.random() < 0.6  # new articles the newest, or anywhere
        new_size = n - len(removed) + rng.randint(0, 4)
        count = new_size - (n - len(removed))
        inserted = (list(range(count)) if top
                    else sorted(rng.sample(range(new_size), count)))
        renumbering = Renumbering(n, removed, inserted)
        added = [(d, set(rng.sample(VOCABULARY + ["fresh"], rng.randint(1, 4))))
                 for d in inserted]
        lazy = moved(lazy, renumbering, added)
        eager = eager.renumbered(renumbering, added)
        kept = iter(w for d, w in enumerate(words) if d not in removed)
        by_number = dict(added)
        words = [by_number[d] if d in by_number else next(kept) for d in range(new_size)]
        if words and rng.random() < 0.3:  # more words for articles already there
            more = [(d, set(rng.sample(VOCABULARY + ["fresh"], 2)))
                    for d in rng.sample(range(len(words)), min(3, len(words)))]
            lazy = lazy.with_words(more)
            eager = eager.with_words(more)
            for d, these in more:
                words[d] = words[d] | these
        assert lazy.size == eager.size == len(words)
        assert _answers(lazy) == _answers(eager)
        assert all(w in lazy for w in eager.postings)
    plain = lazy.plain()
    assert plain.packed == eager.packed == body
    # A moved body index keeps the body index's bit sets: for its most common words only.
    assert lazy.dense == plain.dense == eager.dense == (BODY_DENSE if body else DENSE)
    assert {w: _numbers(d) for w, d in plain.postings.items()} == {
        w: _numbers(d) for w, d in eager.postings.items()}
    for doc, these in enumerate(words):
        assert {w for w in VOCABULARY + ["fresh"] if bitset.contains(plain.bits([w]), doc)} \
            == these


def test_a_new_newest_article_moves_no_posting(tmp_path: Path) -> None:
    """The common live change (a feed writes the newest article) leaves every index as it
    was, seen through the map; saving the caches settles them, and the next launch
    equals a fresh load."""
    root = tmp_path / "news"
    rng = _corpus(root, 90)
    cache = HeaderCache(tmp_path / "cache" / "headers")
    library = _loaded(root, cache)
    library.save_caches()
    before = library.store.body_index.plain().postings
    assert cache._entries is None  # released after the load
    for i in range(3):
        path = root / "world" / f"new{i}.md"
        text = _article(rng, 2000 + i, "freshword").replace("date: 2024-", "date: 2031-")
        path.write_text(text, encoding="utf-8")
        assert library.apply_changes({os.path.abspath(path)}, settle=0) == 1
        assert cache._entries is None  # the new file parsed, the cache file not read back
        body = library.store.body_index
        assert isinstance(body, MovedIndex)
        assert body._base.postings is before  # nothing was moved
        assert all(isinstance(i, MovedIndex) for i in library.store.indexes().values())
        _same_as_fresh(library, root)
        assert len(library.engine.search("freshword").doc_ids) == i + 1
    (root / "world" / "0004.md").unlink()
    library.apply_changes({os.path.abspath(root / "world" / "0004.md")}, settle=0)
    _same_as_fresh(library, root)
    library.caches_unsaved = True
    library.save_caches()
    assert not isinstance(library.store.body_index, MovedIndex)
    _same_as_fresh(library, root)
    again = _launched_again(root, cache)
    assert again.store.articles == library.store.articles
    assert {w: _numbers(d) for w, d in again.store.body_index.postings.items()} == {
        w: _numbers(d) for w, d in library.store.body_index.postings.items() if d}
    assert library.store.body_index.dense == again.store.body_index.dense == BODY_DENSE


def _launched_again(root: Path, cache: HeaderCache) -> Library:
    """A library over ``root`` opened as the next launch would, from the same caches."""
    library = Library([str(root)], cache=HeaderCache(cache.path))
    library.load()
    return library


def test_the_article_maps_follow_details_and_changes(tmp_path: Path) -> None:
    """Numbers are found by sort key and the maps by id, path and digest are carried
    through changes and the details pass: each stays what a fresh store would make."""
    from newstui.model.index.store import Store

    root = tmp_path / "news"
    _corpus(root, 40)
    library = Library([str(root)], cache=HeaderCache(None))
    library.list_pass()
    store = library.store
    made = (store.by_id, store.by_path, store.by_digest)  # made before the details
    assert all(made)
    library.details_pass()
    library.body_pass()
    library.engine.warm()
    store = library.store
    fresh = Store(store.articles)
    for d, article in enumerate(store.articles):
        assert store.doc_of[article.id] == d
        assert store.by_path[article.path] is article  # the detailed article, not the old
        assert store.by_id[article.id] is article
    gone = {3, 7}
    newest = store.articles[0]._replace(id="brand-new", path=str(root / "x.md"),
                                        digest="fresh")
    changed, _ = store.changed(gone, [newest], [set()])
    again = Store(changed.articles)
    assert changed.articles == again.articles
    for name in ("by_id", "by_path", "by_digest"):
        assert getattr(changed, name) == getattr(again, name), name
    assert changed.doc_of.get("brand-new") == again.doc_of.get("brand-new")
    assert changed.doc_of.get(store.articles[3].id) is None
    assert fresh.doc_of.get("nothing") is None and "nothing" not in fresh.doc_of
