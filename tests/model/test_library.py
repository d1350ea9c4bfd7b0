"""The Library: one owner of the loaded corpus, used alike by the app and the command line."""

from __future__ import annotations

from pathlib import Path

from newstui.model.cache.headers import HeaderCache
from newstui.model.library import Library, Problem, Progress, Published
from newstui.model.load.passes import load_paths
from tests.conftest import SEEDS, cancel_after
from tests.model.test_two_pass import _age, _corpus


def _events(library: Library, **kwargs) -> list[object]:
    seen: list[object] = []
    library.load(seen.append, **kwargs)
    return seen


def test_the_passes_run_in_order_and_publish_each_stage(tmp_path) -> None:
    # A first launch indexes bodies before it reads details: body words are what a search
    # misses most. (Article 0 is the newest: story 27, dated March 28.)
    _corpus(tmp_path, n=30)
    library = Library([str(tmp_path)])
    seen: list[tuple[str, int, int, bool]] = []

    def listener(event: object) -> None:
        if isinstance(event, Published):
            snapshot = event.snapshot
            seen.append((snapshot.stage, len(snapshot.engine.search("words").doc_ids),
                         len(snapshot.engine.search("lagos").doc_ids),
                         snapshot.store.details_unread()))
        elif isinstance(event, Progress):
            seen.append((event.phase, 0, 0, False))

    library.load(listener)
    stages = [s for s, *_ in seen if s in ("partial", "listed", "indexed", "complete")]
    assert stages == ["partial", "listed", "indexed", "complete"]
    phases = [s for s, *_ in seen if s in ("list", "bodies", "details")]
    assert phases[0] == "list" and phases[-1] == "details"
    assert max(i for i, (s, *_) in enumerate(seen) if s == "bodies") < min(
        i for i, (s, *_) in enumerate(seen) if s == "details")
    indexed = next(x for x in seen if x[0] == "indexed")
    assert indexed[1] == 30 and indexed[3]  # body words searchable, details still unread
    complete = next(x for x in seen if x[0] == "complete")
    assert complete[1] == 30 and complete[2] == 30 and not complete[3]
    assert library.snapshot.stage == "complete" and len(library.store) == 32
    assert all(a.words is not None for a in library.store.articles)


def test_the_header_indexes_cached_after_a_first_launch_hold_the_details(tmp_path,
                                                                         monkeypatch) -> None:
    # Saved once the details are in, not with the bodies: the next launch takes the meta
    # index from the cache, and a caption word must be in it.
    from newstui.model.cache import headers

    monkeypatch.setattr(headers, "QUICK_BYTES", 0)  # any cache counts as large
    _corpus(tmp_path, n=30)
    _age(*tmp_path.rglob("*.*"))  # (files written this instant are not cached)
    Library([str(tmp_path)]).load()
    again = Library([str(tmp_path)])
    stages = [e.snapshot.stage for e in _events(again) if isinstance(e, Published)]
    assert stages[-2:] == ["detailed", "complete"] and "indexed" not in stages
    assert again._cached_indexes  # the header indexes came from the cache
    assert again.store.indexes()["meta"].docs("picture") is not None  # a caption word
    assert len(again.engine.search("picture").doc_ids) == 30


def test_a_first_launch_lets_the_header_cache_entries_go_before_the_body_pass(
        tmp_path, monkeypatch, parses) -> None:
    # They are saved with the list, and the body index is built meanwhile (~350 MB at a
    # million files); the details put them again, and the next launch finds every one.
    _corpus(tmp_path, n=30)
    _age(*tmp_path.rglob("*.*"))  # (files written this instant are not cached)
    library = Library([str(tmp_path)])
    seen: list[tuple[bool, int]] = []
    real = library.body_pass

    def body_pass(*args, **kwargs) -> None:
        seen.append((library.cache.released, len(library.cache._new)))
        real(*args, **kwargs)

    monkeypatch.setattr(library, "body_pass", body_pass)
    library.load()
    assert seen == [(True, 0)]
    assert library.cache.list_path is not None and library.cache.list_path.exists()
    parses.clear()
    again = load_paths([str(tmp_path)], cache=HeaderCache.for_paths([str(tmp_path)]))
    assert parses == []  # each file's entry, with its details
    assert sorted(a.words for a in again.articles) == sorted(
        a.words for a in library.store.articles)
    assert all(a.words is not None for a in again.articles)


def test_each_snapshot_has_its_own_engine_for_its_own_store(tmp_path) -> None:
    _corpus(tmp_path, n=10)
    library = Library([str(tmp_path)])
    snapshots = [e.snapshot for e in _events(library) if isinstance(e, Published)]
    assert len({id(s.engine) for s in snapshots}) == len(snapshots)
    assert all(s.engine.store is s.store for s in snapshots)


def test_a_full_load_is_one_pass_with_the_same_articles_as_the_loader(tmp_path) -> None:
    _corpus(tmp_path, n=12)
    library = Library([str(tmp_path)])
    stages = [e.snapshot.stage for e in _events(library, full=True, bodies=False)
              if isinstance(e, Published)]
    assert stages == ["partial", "detailed"]  # no details pass, no bodies
    assert sorted(library.store.articles) == sorted(load_paths([str(tmp_path)]).articles)


def test_partial_snapshots_come_each_time_the_list_has_doubled(tmp_path, monkeypatch) -> None:
    from newstui.model import library as library_module

    monkeypatch.setattr(library_module, "SNAPSHOT_EVERY", 1)
    monkeypatch.setattr(library_module, "load_paths", _one_chunk_at_a_time)
    _corpus(tmp_path, n=5)
    library = Library([str(tmp_path)])
    sizes = [len(e.snapshot.store) for e in _events(library) if isinstance(e, Published)
             and e.snapshot.stage == "partial"]
    # One file a chunk: the first, then whenever SNAPSHOT_EVERY more and the list doubled.
    assert sizes == [1, 2, 4]


def _one_chunk_at_a_time(*args, **kwargs):
    from newstui.model.load import passes

    real = passes.CHUNK
    passes.CHUNK = 1
    try:
        return load_paths(*args, **kwargs)
    finally:
        passes.CHUNK = real


def test_cancelling_stops_between_passes_and_keeps_the_last_snapshot(tmp_path) -> None:
    _corpus(tmp_path, n=10)
    library = Library([str(tmp_path)])
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return library.snapshot.listed  # stop as soon as the list is in

    library.load(cancelled=cancelled)
    assert calls and library.snapshot.stage == "listed"
    assert any(a.words is None for a in library.store.articles)  # no details pass ran


def test_a_preloaded_small_folder_needs_only_the_body_pass() -> None:
    library = Library([str(SEEDS)])
    assert library.preload()
    assert library.snapshot.stage == "detailed"
    stages = [e.snapshot.stage for e in _events(library) if isinstance(e, Published)]
    assert stages == ["complete"]
    assert not Library([str(SEEDS)]).preload(limit=10)  # too many files: nothing read


def test_a_cache_that_cannot_be_written_is_told_once(tmp_path, monkeypatch) -> None:
    (tmp_path / "news").mkdir()
    _corpus(tmp_path / "news", n=5)
    _age(*(tmp_path / "news").iterdir())
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("NEWSTUI_CACHE", str(blocker / "cache"))
    paths = [str(tmp_path / "news")]
    library = Library(paths, cache=HeaderCache.for_paths(paths))
    problems = [e.text for e in _events(library) if isinstance(e, Problem)]
    assert len(problems) == 2  # headers and bodies, each once
    assert any(p.startswith("header cache not saved") for p in problems)
    assert any(p.startswith("body index cache not saved") for p in problems)
    assert library.problems == problems
    assert any("header cache not saved" in w for _, w in library.report.warnings)


def test_the_cli_and_the_library_list_the_same(tmp_path: Path, capsys) -> None:
    from newstui.cli import main

    _corpus(tmp_path, n=8)
    assert main(["list", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    library = Library([str(tmp_path)])
    library.load(full=True, bodies=False)
    assert [line.split("  ")[-1] for line in lines] == [a.title for a in library.store.articles]


def test_a_long_list_pass_cancelled_half_way_leaves_what_it_read_cached(tmp_path,
                                                                       monkeypatch) -> None:
    from newstui.model import library as library_module
    from tests.model.test_cache import _age

    monkeypatch.setattr(library_module, "CHECKPOINT_SECONDS", -1.0)  # after every chunk
    monkeypatch.setattr(library_module, "CHECKPOINT_PARSED", 1)
    monkeypatch.setattr(library_module, "load_paths", _one_chunk_at_a_time)
    _corpus(tmp_path, n=12)
    _age(*tmp_path.iterdir())
    library = Library([str(tmp_path)])
    library.load(cancelled=cancel_after(6))
    assert library.snapshot.stage == "partial"  # quit during the list pass
    files = sorted(str(p) for p in tmp_path.iterdir())
    known = HeaderCache.for_paths([str(tmp_path)]).known(files)
    assert 0 < known < len(files)  # what was read is cached for the next launch


def test_the_header_indexes_come_from_the_cache_the_second_time(tmp_path) -> None:
    from tests.model.test_cache import _age

    _corpus(tmp_path, n=30)
    _age(*tmp_path.iterdir())
    first = Library([str(tmp_path)])
    first.load()
    again = Library([str(tmp_path)])
    again.load()
    assert not first._cached_indexes and again._cached_indexes
    for query in ("zebras", "lagos", "wire", "tag:topic", "source:wire"):
        assert list(first.engine.search(query).doc_ids) == list(
            again.engine.search(query).doc_ids), query
    (tmp_path / "s001.txt").unlink()  # other articles: built, not taken from the cache
    third = Library([str(tmp_path)])
    third.load()
    assert not third._cached_indexes


def test_a_launch_from_the_caches_writes_no_cache(tmp_path, monkeypatch) -> None:
    from newstui.model.cache import headers
    from tests.model.test_cache import _age

    monkeypatch.setattr(headers, "QUICK_BYTES", 0)  # a large cache: the first chunk is parsed
    _corpus(tmp_path, n=30)
    _age(*tmp_path.iterdir())
    Library([str(tmp_path)]).load()
    cache = HeaderCache.for_paths([str(tmp_path)]).path
    written = cache.stat().st_mtime_ns
    again = Library([str(tmp_path)])
    again.load()
    assert again.store.articles and all(a.words is not None for a in again.store.articles)
    assert cache.stat().st_mtime_ns == written
