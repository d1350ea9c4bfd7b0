"""Live changes applied to a loaded library give what a fresh load of the folders gives,
reading only the changed files (issue 14)."""

from __future__ import annotations

import os
import random
import shutil
from array import array
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newstui.model.cache.headers import HeaderCache
from newstui.model.index import bitset
from newstui.model.index.renumber import Renumbering
from newstui.model.library import Library
from newstui.model.load import passes

WORDS = ["north", "korea", "talks", "sanctions", "minister", "election", "vote", "market",
         "trade", "storm", "flood", "court", "ruling", "police", "strike", "union", "budget",
         "tax", "energy", "oil", "gas", "climate", "summit"]
QUERIES = ["north korea", '"north korea"', "kim", "talks storm", "tag:korea", "tag:energy",
           "source:wire", "zebra", "freshword", "after:2024-06-01", "minster", "brand new",
           "-storm flood", "section:sport"]


def _article(rng: random.Random, n: int, extra: str = "") -> str:
    day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize()
    tags = ", ".join(sorted({rng.choice(WORDS).title() for _ in range(3)}))
    body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
                       for _ in range(rng.randint(1, 4)))
    return (f"---\ntitle: {title} {n}\ndate: {day}\nsource: Wire\ntags: [{tags}]\n---\n\n"
            f"{body} {extra}\n")


def _corpus(root: Path, n: int, seed: int = 1) -> random.Random:
    rng = random.Random(seed)
    for i in range(n):
        folder = root / ("sport" if i % 3 == 0 else "world")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:04d}.md").write_text(_article(rng, i), encoding="utf-8")
    return rng


def _loaded(root: Path, cache: HeaderCache | None = None) -> Library:
    library = Library([str(root)], cache=cache or HeaderCache(None))
    library.load()
    library.engine.warm()  # the indexes are built: they are the ones moved
    return library


def _same_as_fresh(library: Library, root: Path) -> None:
    fresh = _loaded(root)
    assert library.store.articles == fresh.store.articles
    for query in QUERIES:
        assert list(library.engine.search(query).doc_ids) == list(
            fresh.engine.search(query).doc_ids), query
    assert {s[0] for s in library.report.skipped} == {s[0] for s in fresh.report.skipped}


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_renumbering_moves_bit_sets_and_arrays_as_a_list_would(data) -> None:
    size = data.draw(st.integers(0, 90))
    removed = data.draw(st.sets(st.integers(0, max(0, size - 1)), max_size=size)) if size else set()
    kept = [d for d in range(size) if d not in removed]
    new_size = len(kept) + data.draw(st.integers(0, 12))
    inserted = sorted(data.draw(st.sets(st.integers(0, max(0, new_size - 1)),
                                        min_size=new_size - len(kept),
                                        max_size=new_size - len(kept)))) if new_size else []
    renumbering = Renumbering(size, removed, inserted)
    after = iter(kept)
    expected = {next(after): n for n in range(new_size) if n not in set(inserted)}
    docs = sorted(data.draw(st.sets(st.integers(0, max(0, size - 1)), max_size=size))) \
        if size else []
    want = sorted(expected[d] for d in docs if d in expected)
    assert list(renumbering.docs(docs)) == want
    assert list(renumbering.docs(array("I", docs * 10)[: len(docs)])) == want
    assert [list(a) for a in renumbering.many([array("I", docs)] * 2)] == [want, want] \
        if docs else True
    assert bitset.members(renumbering.bits(bitset.from_docs([docs], max(size, 1)))) == want


def test_many_runs_move_a_bit_set_through_numpy(monkeypatch) -> None:
    from newstui.model.index import renumber

    monkeypatch.setattr(renumber, "FEW_RUNS", 0)
    renumbering = Renumbering(10, {1, 5}, [0, 4, 9])
    assert bitset.members(renumbering.bits(bitset.from_docs([[0, 1, 2, 9]], 10))) == [1, 2, 10]
    rng = random.Random(3)
    for _ in range(200):  # as the runs would move it, at any size (a byte's edge too)
        size = rng.randint(0, 70)
        removed = set(rng.sample(range(size), rng.randint(0, size)))
        new_size = size - len(removed) + rng.randint(0, 9)
        inserted = rng.sample(range(new_size), new_size - size + len(removed))
        renumbering = Renumbering(size, removed, inserted)
        docs = sorted(rng.sample(range(size), rng.randint(0, size)))
        want = sorted(n for d in docs if (n := renumbering.new_of_old[d]) >= 0)
        assert bitset.members(renumbering.bits(bitset.from_docs([docs], max(size, 1)))) == want


def test_added_changed_removed_and_renamed_files_match_a_fresh_load(tmp_path) -> None:
    root = tmp_path / "news"
    rng = _corpus(root, 120)
    library = _loaded(root)
    changed: set[str] = set()
    for i in (3, 50, 77):  # removed
        path = root / ("sport" if i % 3 == 0 else "world") / f"{i:04d}.md"
        path.unlink()
        changed.add(str(path))
    for i in range(5):  # added, among them the newest
        path = root / "world" / f"new{i}.md"
        path.write_text(_article(rng, 1000 + i, "freshword"), encoding="utf-8")
        changed.add(str(path))
    edited = root / "world" / "0010.md"
    edited.write_text(_article(rng, 10, "zebra"), encoding="utf-8")
    changed.add(str(edited))
    renamed = root / "world" / "0011.md"
    os.replace(renamed, root / "sport" / "0011-moved.md")  # also a new section
    changed |= {str(renamed), str(root / "sport" / "0011-moved.md")}
    (root / "world" / "broken.md").write_bytes(b"\x00\x01\x02" * 400)  # skipped, with a reason
    changed.add(str(root / "world" / "broken.md"))
    count = library.apply_changes({os.path.abspath(p) for p in changed}, settle=0)
    assert count > 0
    assert library.snapshot.stage == "complete"
    _same_as_fresh(library, root)
    assert len(library.engine.search("freshword").doc_ids) == 5
    assert any("broken.md" in path for path, _ in library.report.skipped)


def test_only_the_changed_files_are_read(tmp_path, monkeypatch) -> None:
    root = tmp_path / "news"
    rng = _corpus(root, 60)
    library = _loaded(root)
    read: list[str] = []
    real = passes.headers_of

    def counting(path, *args):
        read.append(path)
        return real(path, *args)

    monkeypatch.setattr(passes, "headers_of", counting)
    monkeypatch.setattr(passes, "index_bodies", lambda *a, **k: pytest.fail("re-indexed"))
    new = root / "world" / "new.md"
    new.write_text(_article(rng, 999, "freshword"), encoding="utf-8")
    assert library.apply_changes({str(new)}, settle=0) == 1
    assert read == [str(new)]
    assert len(library.engine.search("freshword").doc_ids) == 1
    # Touched but not changed: nothing to publish.
    snapshot = library.snapshot
    assert library.apply_changes({str(root / "world" / "0001.md")}, settle=0) == 0
    assert library.snapshot is snapshot


def test_a_folder_removed_and_recreated(tmp_path) -> None:
    root = tmp_path / "news"
    _corpus(root, 60)
    library = _loaded(root)
    saved = tmp_path / "saved-sport"
    shutil.move(str(root / "sport"), saved)
    library.apply_changes({str(root / "sport")}, settle=0)
    assert all(a.section != "sport" for a in library.store.articles)
    _same_as_fresh(library, root)
    shutil.move(str(saved), root / "sport")  # only the folder is reported, not its files
    library.apply_changes({str(root / "sport")}, settle=0)
    assert sum(a.section == "sport" for a in library.store.articles) == 20
    _same_as_fresh(library, root)


def test_a_copy_of_an_article_is_loaded_once(tmp_path) -> None:
    root = tmp_path / "news"
    _corpus(root, 10)
    library = _loaded(root)
    shutil.copy(root / "world" / "0001.md", root / "world" / "copy.md")
    library.apply_changes({str(root / "world" / "copy.md")}, settle=0)
    assert len(library.store) == 10
    assert any("same content" in w for _, w in library.report.warnings)


def test_a_file_still_being_written_waits(tmp_path) -> None:
    root = tmp_path / "news"
    rng = _corpus(root, 10)
    library = _loaded(root)
    new = root / "world" / "slow.md"
    new.write_text(_article(rng, 77), encoding="utf-8")
    assert library.apply_changes({str(new)}, settle=5.0) == 0  # modified just now
    assert library.unsettled == {str(new)}
    assert len(library.store) == 10


def test_the_caches_after_live_changes_serve_the_next_launch(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NEWSTUI_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "news"
    rng = _corpus(root, 80)
    library = _loaded(root, HeaderCache.for_paths([str(root)]))
    gone = root / "world" / "0001.md"
    gone.unlink()
    new = root / "world" / "new.md"
    new.write_text(_article(rng, 500, "freshword"), encoding="utf-8")
    library.apply_changes({str(gone), str(new)}, settle=0)
    library.save_caches()
    fresh = _loaded(root).store.articles
    # The next launch: no body indexing (the cached index is the one moved), no file
    # that is gone, and the same list as a load without caches.
    monkeypatch.setattr(passes, "index_bodies", lambda *a, **k: pytest.fail("re-indexed"))
    again = Library([str(root)])
    again.load()
    assert again.store.articles == fresh
    assert len(again.engine.search("freshword").doc_ids) == 1
    assert str(gone) not in {a.path for a in again.store.articles}
