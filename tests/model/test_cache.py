"""The header cache: unchanged files are not parsed again; anything doubtful is parsed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from newstui.model.cache.headers import MAGIC, HeaderCache
from newstui.model.corpus.files import file_stat
from newstui.model.library import Library
from newstui.model.load import passes as load_module
from newstui.model.load.passes import load_paths


def _art(title: str, tags: str = "#A #B") -> str:
    return f" date 2023-01-02  {title} : Src\n\nBody about {title}.\n\n{tags}\n"


def _age(*paths: Path, seconds: float = 3600) -> None:
    """Make files look written an hour ago (fresh files are never cached)."""
    when = time.time() - seconds
    for path in paths:
        os.utime(path, (when, when))


def _load(folder: Path):
    cache = HeaderCache.for_paths([str(folder)])
    return load_paths([str(folder)], cache=cache), cache


def _summary(result) -> list[tuple]:
    return [(a.id, a.title, a.date, a.tags, a.digest, a.words) for a in result.articles]


def test_second_load_parses_nothing_and_gives_the_same_articles(write, tmp_path,
                                                                parses) -> None:
    files = [write(f"{n}.txt", _art(f"Title {n}")) for n in range(5)]
    files.append(write("dup.txt", _art("Title 1")))  # same content as 1.txt
    _age(*files)
    first, cache = _load(tmp_path)
    assert cache.path is not None and cache.path.is_file()
    assert len(parses) == 6
    parses.clear()
    second, _ = _load(tmp_path)
    assert parses == []
    assert _summary(second) == _summary(first)
    assert second.warnings == first.warnings  # the duplicate is still reported


def test_changed_files_are_parsed_again(write, tmp_path, parses) -> None:
    a, b, c = (write(f"{n}.txt", _art(f"Title {n}")) for n in "abc")
    _age(a, b, c)
    _load(tmp_path)
    b.write_text(_art("Changed title, longer than before"))
    _age(b, seconds=1800)
    stamp = a.stat().st_mtime
    a.write_text(_art("Title X"))  # same size as before
    os.utime(a, (stamp + 1, stamp + 1))
    c.unlink()
    parses.clear()
    result, _ = _load(tmp_path)
    assert sorted(parses) == ["a.txt", "b.txt"]
    assert sorted(x.title for x in result.articles) == ["Changed title, longer than before",
                                                     "Title X"]


def test_files_changed_just_now_are_not_cached(write, tmp_path, parses) -> None:
    old = write("old.txt", _art("Old"))
    _age(old)
    write("new.txt", _art("New"))  # written this second: a second write could keep its stat
    _load(tmp_path)
    parses.clear()
    _load(tmp_path)
    assert parses == ["new.txt"]


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty"])
def test_a_damaged_cache_is_ignored_and_rebuilt(write, tmp_path, parses, damage) -> None:
    _age(write("a.txt", _art("A")), write("b.txt", _art("B")))
    first, cache = _load(tmp_path)
    data = cache.path.read_bytes()
    damaged = {"flip": data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:],
               "truncate": data[: len(data) // 2],
               "garbage": MAGIC + os.urandom(200),
               "empty": b""}[damage]
    cache.path.write_bytes(damaged)
    parses.clear()
    again, reread = _load(tmp_path)
    assert sorted(parses) == ["a.txt", "b.txt"]
    assert _summary(again) == _summary(first)
    assert reread.problem != ""
    parses.clear()
    _load(tmp_path)
    assert parses == []  # rebuilt


def test_a_cache_from_another_version_is_not_used(write, tmp_path, parses, monkeypatch) -> None:
    _age(write("a.txt", _art("A")))
    _load(tmp_path)
    monkeypatch.setattr("newstui.model.cache.headers.__version__", "99.0")
    parses.clear()
    _load(tmp_path)
    assert parses == ["a.txt"]


def test_cache_off_and_unwritable(write, tmp_path, parses, monkeypatch) -> None:
    _age(write("a.txt", _art("A")))
    monkeypatch.setenv("NEWSTUI_CACHE", "off")
    result, cache = _load(tmp_path)
    assert cache.path is None and len(result.articles) == 1
    blocker = tmp_path.parent / f"{tmp_path.name}-not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("NEWSTUI_CACHE", str(blocker / "cache"))
    result, _ = _load(tmp_path)
    assert len(result.articles) == 1
    assert any("header cache not saved" in w for _, w in result.warnings)


def test_seeds_load_the_same_from_the_cache(private_cache) -> None:
    from tests.conftest import SEEDS

    first, _ = _load(SEEDS)
    second, _ = _load(SEEDS)
    assert _summary(second) == _summary(first) and len(first.articles) >= 290


def test_large_folder_parses_its_first_chunk_and_takes_the_rest_from_cache(
        write, tmp_path, parses, monkeypatch) -> None:
    from newstui.model.load.passes import CHUNK

    files = [write(f"{n:05d}.txt", _art(f"Title {n}")) for n in range(CHUNK + 150)]
    _age(*files)
    first, cache = _load(tmp_path)
    monkeypatch.setattr("newstui.model.cache.headers.QUICK_BYTES", 0)  # as if the cache were huge
    saved = cache.path.stat().st_mtime_ns
    parses.clear()
    second, _ = _load(tmp_path)
    assert len(parses) == CHUNK  # the first chunk only; the other 150 came from the cache
    assert _summary(second) == _summary(first)
    assert cache.path.stat().st_mtime_ns == saved  # nothing changed: not written again


def test_body_index_comes_from_its_cache_while_nothing_changes(write, tmp_path,
                                                               monkeypatch) -> None:
    from newstui.model.index.store import Store
    from newstui.model.search.engine import Engine

    fruit = ["kiwi", "mango", "papaya"]
    files = [write(f"{n}.txt", _art(f"Title {n}") + f"\n{fruit[n % 3]} common words\n")
             for n in range(40)]
    _age(*files)
    built: list[int] = []
    real = load_module.index_bodies
    monkeypatch.setattr(load_module, "index_bodies",
                        lambda docs, *a, **k: built.append(len(docs)) or real(docs, *a, **k))

    def fresh() -> Store:
        paths = [str(tmp_path)]
        return Library(paths, cache=HeaderCache.for_paths(paths)).load(full=True).store

    first = fresh()
    assert built == [40]
    second = fresh()
    assert built == [40]  # not indexed again
    assert [second.articles[d].id for d in Engine(second).search("mango").doc_ids] == \
        [first.articles[d].id for d in Engine(first).search("mango").doc_ids]
    assert len(Engine(second).search("mango").doc_ids) == 13

    files[5].write_text(_art("Title 5") + "\nmango now\n")  # a change: build again
    _age(files[5], seconds=1800)
    third = fresh()
    assert built == [40, 40]
    assert len(Engine(third).search("mango").doc_ids) == 14

    cache = HeaderCache.for_paths([str(tmp_path)]).bodies()
    data = cache.path.read_bytes()
    cache.path.write_bytes(data[:-10] + bytes(10))  # damaged: ignored, rebuilt
    fourth = fresh()
    assert built == [40, 40, 40]
    assert len(Engine(fourth).search("mango").doc_ids) == 14


def test_a_file_whose_metadata_changed_is_read_again(write, tmp_path, parses) -> None:
    a = write("a.txt", _art("A"))
    _age(a)
    _load(tmp_path)
    parses.clear()
    _load(tmp_path)
    assert parses == []
    time.sleep(0.05)  # past the kernel clock's tick, so the ctime really differs
    os.chmod(a, 0o600)  # same size and mtime, new ctime: maybe unreadable now, check it
    parses.clear()
    _load(tmp_path)
    assert parses == ["a.txt"]


def test_released_entries_are_merged_with_the_file_when_saved(write, tmp_path,
                                                              parses) -> None:
    # After a load the entries leave memory; live changes put and forget meanwhile, and
    # the next save holds the file's entries with those changes: nothing lost, nothing
    # gone brought back.
    a, b, c = (write(f"{n}.txt", _art(f"Title {n}")) for n in "abc")
    _age(a, b, c)
    _, cache = _load(tmp_path)
    assert cache.release()
    assert not cache.release()  # once
    assert cache.hits([str(a)]) == {}  # released: a live change parses its few files
    d = write("d.txt", _art("Title d"))
    _age(d)
    loaded = load_paths([str(d)], save=False)
    cache.put(loaded.articles[0], (), file_stat(os.stat(d)))
    cache.forget([str(b)])
    b.unlink()
    assert cache.save() is None
    parses.clear()
    again, _ = _load(tmp_path)
    assert sorted(a.title for a in again.articles) == ["Title a", "Title c", "Title d"]
    assert parses == []  # every one of them came from the cache


def test_entries_put_again_keep_those_not_put(write, tmp_path, parses) -> None:
    # A first launch's details put most entries again (put_again forgets what the file
    # held first): the save still holds every entry, the new ones and those not put.
    a, b, c = (write(f"{n}.txt", _art(f"Title {n}")) for n in "abc")
    _age(a, b, c)
    _, cache = _load(tmp_path)
    cache.put_again()
    a.write_text(_art("Title a, again"))
    _age(a)
    loaded = load_paths([str(a)], save=False)
    cache.put(loaded.articles[0], (), file_stat(os.stat(a)))
    assert cache.save() is None
    parses.clear()
    again, _ = _load(tmp_path)
    assert sorted(x.title for x in again.articles) == ["Title a, again", "Title b", "Title c"]
    assert parses == []  # every one of them came from the cache


@pytest.mark.parametrize("spool", ["kept", "cannot be made", "cannot be written",
                                   "cannot be read back"])
def test_frames_keep_their_entries_out_of_memory_or_in_it_when_they_must(
        write, tmp_path, parses, monkeypatch, spool) -> None:
    # A frame's blob goes to a temporary file (a first launch's million entries: ~430 MB
    # less while the body index is in memory); where that fails, it stays in memory, and
    # a blob that cannot be read back only means parsing its files again.
    from newstui.model.cache import headers

    monkeypatch.setattr(headers, "FRAME", 4)
    if spool == "cannot be made":
        monkeypatch.setattr(headers, "_Spool", _refused)
    elif spool == "cannot be written":
        monkeypatch.setattr(headers._Spool, "put", lambda self, blob: None)
    elif spool == "cannot be read back":
        monkeypatch.setattr(headers._Spool, "get", lambda self, at, size: None)
    files = [write(f"{n:02d}.txt", _art(f"Title {n}")) for n in range(10)]
    _age(*files)
    cache = HeaderCache.for_paths([str(tmp_path)])
    first = load_paths([str(tmp_path)], cache=cache, save=False)
    frames = {v for v in cache._new.values() if type(v) is headers._Frame}
    assert len(frames) == 2  # 10 entries: two frames of 4, and two entries as they are
    out_of_memory = spool in ("kept", "cannot be read back")
    assert all((f._blob is None) == out_of_memory for f in frames)
    assert cache.save() is None
    parses.clear()
    again, _ = _load(tmp_path)
    assert _summary(again) == _summary(first)
    if spool == "cannot be read back":
        assert len(parses) == 8  # the entries of the two frames: parsed again
    else:
        assert parses == []  # all from the cache
    assert not [n for n in os.listdir(cache.path.parent) if n.startswith(".newstui")]


def _refused(folder: Path) -> object:
    raise OSError(28, "No space left on device")


def test_a_save_after_a_release_streams_the_file_and_keeps_its_order(
        write, tmp_path, parses, monkeypatch) -> None:
    # The file is read back a block at a time as it is written again, never whole: its
    # entries keep their places (replaced where put again), the forgotten ones go, and
    # the entries of new files come last.
    from newstui.model.cache import headers

    monkeypatch.setattr(headers, "FRAME", 3)  # entries put again are kept in frames
    monkeypatch.setattr(headers, "BLOB", 4)  # and the file has many blocks
    files = [write(f"{n:02d}.txt", _art(f"Title {n}")) for n in range(12)]
    _age(*files)
    _, cache = _load(tmp_path)
    order = list(HeaderCache.for_paths([str(tmp_path)])._old)
    assert cache.release()
    for n in (2, 3, 4, 9):
        files[n].write_text(_art(f"Title {n}, again"))
    new = write("zz.txt", _art("Title new"))
    _age(files[2], files[3], files[4], files[9], new)
    changed = [files[n] for n in (2, 3, 4, 9)] + [new]
    for article in load_paths([str(f) for f in changed], save=False).articles:
        cache.put(article, (), file_stat(os.stat(article.path)))
    cache.forget([str(files[7])])
    files[7].unlink()
    assert cache._spool is not None  # (the entries put since are in a frame)
    with monkeypatch.context() as patched:
        patched.setattr(HeaderCache, "_read_opened",
                        lambda self: pytest.fail("the whole file read back"))
        assert cache.save() is None
    assert cache._spool is None  # its frames saved and gone, so is it: it does not grow
    reread = HeaderCache.for_paths([str(tmp_path)])
    saved = list(reread._old)
    assert not reread.problem, reread.problem
    assert saved == [p for p in order if p != str(files[7])] + [str(new)]
    parses.clear()
    again, _ = _load(tmp_path)
    assert parses == []  # every one of them came from the cache, as it is now
    titles = sorted(a.title for a in again.articles)
    assert titles == sorted([f"Title {n}" for n in (0, 1, 5, 6, 8, 10, 11)]
                            + [f"Title {n}, again" for n in (2, 3, 4, 9)] + ["Title new"])


def test_a_save_after_every_entry_was_put_again_does_not_read_the_file(
        write, tmp_path, parses, monkeypatch) -> None:
    # A first launch lets the entries go before the body pass; its details put every one
    # again, and the save then has no need of what the file held.
    from newstui.model.cache import headers

    files = [write(f"{n}.txt", _art(f"Title {n}")) for n in range(6)]
    _age(*files)
    _, cache = _load(tmp_path)
    assert cache.release()
    for article in load_paths([str(tmp_path)], save=False).articles[1:]:
        cache.put(article, (), file_stat(os.stat(article.path)))
    cache.forget([str(files[0])])
    with monkeypatch.context() as patched:
        patched.setattr(headers.HeaderCache, "_blocks",
                        lambda self, path: pytest.fail("the file read back"))
        assert cache.save() is None
    parses.clear()
    again, _ = _load(tmp_path)
    assert parses == ["0.txt"]  # forgotten, so parsed; the rest came from the cache
    assert len(again.articles) == 6


def test_released_entries_are_read_back_when_a_reload_needs_them(write, tmp_path,
                                                                 parses) -> None:
    a, b = (write(f"{n}.txt", _art(f"Title {n}")) for n in "ab")
    _age(a, b)
    _, cache = _load(tmp_path)
    assert cache.release()
    cache.forget([str(b)])
    assert cache.known([str(a)]) == 1  # read back
    parses.clear()
    assert str(a) in cache.hits([str(a)])
    assert cache.save() is None
    assert HeaderCache.for_paths([str(tmp_path)]).known([str(a), str(b)]) == 1


def test_a_cache_in_the_old_layout_is_parsed_again_quietly(write, tmp_path, parses) -> None:
    import marshal

    from newstui.model.cache.headers import OLD_MAGIC
    from newstui.model.cache.sealed import sealed, write_atomically

    a = write("a.txt", _art("Title a"))
    _age(a)
    _, cache = _load(tmp_path)
    assert cache.path is not None
    write_atomically(cache.path, sealed([OLD_MAGIC, marshal.dumps([[6, "0"], []])]))
    parses.clear()
    result, again = _load(tmp_path)
    assert len(parses) == 1 and again.problem == "" and result.articles[0].title == "Title a"


def test_read_entries_share_their_path_strings_however_the_folder_is_typed(
        write, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "corp" / "x"
    for i in range(5):
        write(f"corp/x/a{i}.txt", _art(f"Title {i}"))
    _age(*folder.glob("*.txt"))
    monkeypatch.chdir(tmp_path)
    for typed in ("corp/x", str(folder)):  # parsed (its rows' paths) as corp/x
        Library([typed]).load(full=True, bodies=False)
    for spelling in ("corp/x", str(folder), "./corp/x"):
        entries = HeaderCache.for_paths([spelling])._old
        want = [os.path.join(os.path.normpath(spelling), f"a{i}.txt") for i in range(5)]
        assert sorted(entries) == want
        # Read as the rows were written: the rows' own path strings are the keys.
        shared = [key is entry[1][-2] for key, entry in entries.items()]
        assert shared == [os.path.normpath(spelling) == "corp/x"] * 5


def test_a_search_as_the_list_comes_waits_for_the_cached_indexes(write, tmp_path,
                                                                 monkeypatch) -> None:
    import threading

    from newstui.model.index import store as store_module
    from newstui.model.library import Published

    files = [write(f"{n}.txt", _art(f"Mango {n}" if n % 2 else f"Kiwi {n}")) for n in range(30)]
    _age(*files)
    Library([str(tmp_path)]).load()  # every pass: the header indexes are cached after it
    built: list[str] = []
    real = store_module._header_index
    monkeypatch.setattr(store_module, "_header_index",
                        lambda articles, name: built.append(name) or real(articles, name))
    found: list[int] = []
    searches: list[threading.Thread] = []

    def listener(event: object) -> None:
        # The list is out before its indexes are attached: a search now must wait for
        # them (the store is held), not build them.
        if isinstance(event, Published) and event.snapshot.stage == "listed":
            engine = event.snapshot.engine
            searches.append(threading.Thread(
                target=lambda: found.append(len(engine.search("mango").doc_ids))))
            searches[-1].start()

    Library([str(tmp_path)]).load(listener, bodies=False)
    for search in searches:
        search.join(10)
    assert found == [15] and built == []


@pytest.mark.parametrize("opened", ["real", "link"])
def test_entries_kept_in_frames_are_saved_checked_and_released(
        write, tmp_path, parses, monkeypatch, opened) -> None:
    """Entries put in a row are kept marshalled together (frames, see _Frame): every use
    of them finds what a plain entry would, under the path as opened, even where the
    cache file keys files by their real path (a folder opened through a link)."""
    from newstui.model.cache import headers

    monkeypatch.setattr(headers, "FRAME", 7)  # many frames, and a few entries outside one
    news = tmp_path / "news"
    files = [write(f"news/{n:03d}.txt", _art(f"Title {n}", f"#T{n % 4}")) for n in range(40)]
    _age(*files)
    folder = news
    if opened == "link":
        folder = tmp_path / "link"
        folder.symlink_to(news, target_is_directory=True)
    first = Library([str(folder)])
    seen: dict[str, object] = {}
    real_release = first.cache.release

    def release() -> bool:
        # What the cache kept just before the details pass let its entries go.
        seen["framed"] = sum(type(v) is headers._Frame for v in first.cache._new.values())
        seen["stats"] = [first.cache.stat_known(str(folder / f.name)) for f in files]
        return real_release()

    monkeypatch.setattr(first.cache, "release", release)
    first.load(bodies=False)
    assert seen["framed"] >= 35  # all but the last entries put (40 % 7): in frames
    assert seen["stats"] == [file_stat(f.stat()) for f in files]
    assert first.cache.released  # saved: nothing differs from the file, so let go
    parses.clear()
    second = Library([str(folder)])
    second.load(bodies=False)
    assert parses == []  # every entry found again, with its details
    assert second.store.articles == first.store.articles
    assert [a.words for a in second.store.articles] == [a.words for a in first.store.articles]


def test_the_stats_in_memory_fill_a_list_in_its_order(tmp_path, monkeypatch) -> None:
    """fill_stats writes the stat of each path whose entry is in memory at that path's
    place, whether the entry is in a frame, put again since (the newer wins) or alone, and
    leaves forgotten and unknown paths as they were."""
    from array import array

    from newstui.model.cache.list_file import NO_STAT
    from newstui.model.corpus.article import Article

    monkeypatch.setattr("newstui.model.cache.headers.FRAME", 3)
    cache = HeaderCache(tmp_path / "headers")
    old = 10**18  # long ago (ns): never too new to cache
    paths = [f"/news/{i}.md" for i in range(8)]
    for i, path in enumerate(paths):
        cache.put(Article(title=f"t{i}", path=path), (), (100 + i, old, old + i))
    # Put again: the newer entry's frame comes first in the entries, the older one after.
    cache.put(Article(title="again", path=paths[3]), (), (999, old, old))
    cache.forget([paths[1]])
    assert sum(type(e).__name__ == "_Frame" for e in cache._new.values()) >= 6
    order = [paths[7], "/news/unknown.md", *paths[:7]]
    stats = array("q", NO_STAT) * len(order)
    stats[3:6] = array("q", (5, 6, 7))  # known from elsewhere, not in memory: kept
    cache.fill_stats(order, stats)
    want = [cache.stat_known(p) or NO_STAT for p in order]
    want[1] = (5, 6, 7)
    assert [tuple(stats[i : i + 3]) for i in range(0, len(stats), 3)] == want
    assert want[order.index(paths[3])] == (999, old, old)
    assert want[order.index(paths[1])] == NO_STAT and want[0] == (107, old, old + 7)


def test_a_wrong_stat_in_a_cache_entry_fills_nothing(tmp_path) -> None:
    """An entry read from the cache file is untrusted: a stat that is not three integers
    leaves its place unknown and does not shift the others."""
    from array import array

    from newstui.model.cache.list_file import NO_STAT

    cache = HeaderCache(tmp_path / "headers")
    cache._entries = {"/a": ((1, 2), (), ()), "/b": (("x", 2, 3), (), ()), "/c": (2**70,),
                      "/d": ((4, 5, 6), (), ())}
    stats = array("q", NO_STAT) * 5
    cache.fill_stats(["/a", "/b", "/c", "/d", "/e"], stats)
    assert list(stats) == [*NO_STAT * 3, 4, 5, 6, *NO_STAT]
