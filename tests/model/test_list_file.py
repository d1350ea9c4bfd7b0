"""The list file: the store's articles in columns with each file's stat, shown by a launch
from the caches without reading the header cache; as untrusted as any other cache."""

from __future__ import annotations

import datetime as dt
import marshal
import os
from pathlib import Path

import pytest

from newstui.model.cache import headers, list_file
from newstui.model.cache.list_file import NO_STAT, load_list, stats_in_order
from newstui.model.cache.list_file import save_list as save_in_order
from newstui.model.cache.sealed import sealed, write_atomically
from newstui.model.corpus.article import Article
from newstui.model.library import Library, Progress, Published
from tests.model.test_cache import _age
from tests.model.test_cached_list import _fresh, _rows
from tests.model.test_two_pass import _corpus


def save_list(path: Path, articles: list[Article], stat_of, warnings=()) -> str | None:
    return save_in_order(path, articles, stats_in_order(articles, stat_of), warnings)


def _articles(n: int = 5) -> list[Article]:
    return [Article(title=f"Story {i} — «über» 東京",
                    date=dt.date(2021, 3, 1 + i) if i % 2 else None, source="Wire",
                    section="world › asia" if i % 3 else "", caption=f"cap {i}",
                    dateline="Seoul, May 3" if i == 1 else "", url=f"https://x.test/{i}",
                    tags=("Korea", "North Korea") if i % 2 else (),
                    words=None if i == 4 else i * 10, layout="seed" if i % 2 else "plain",
                    id=f"s{i}", path=f"/news/a\nb {i}.txt", digest=f"d{i:023}")
            for i in range(n)]


def test_a_saved_list_comes_back_the_same(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(list_file, "BLOCK", 2)  # several blocks, the last one short
    articles = _articles()
    stats = {a.path: (i, 10**18 + i, -i) for i, a in enumerate(articles) if i != 3}
    path = tmp_path / "list.bin"
    warned = [("/news/a\nb 1.txt", "impossible date '2021-02-30': date unknown")]
    assert save_list(path, articles, stats.get, warned) is None
    found = load_list(path)
    assert found is not None
    assert found.articles == articles
    assert found.warnings == warned
    by_path = found.stats_by_path()
    assert by_path == {a.path: stats.get(a.path, NO_STAT) for a in articles}


def test_the_stats_alone_come_back_the_same(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(list_file, "BLOCK", 2)
    articles = _articles()
    path = tmp_path / "list.bin"
    save_list(path, articles, lambda p: (len(p), 2, 3) if "3" not in p else None)
    found = load_list(path)
    assert found is not None
    assert list_file.load_stats(path) == found.stats_by_path() != {}
    _write(path, _head(), _block(stats=b"\0" * 40))
    assert list_file.load_stats(path) == {}
    assert list_file.load_stats(tmp_path / "none.bin") == {}


def test_repeated_values_come_back_as_one_object(tmp_path) -> None:
    path = tmp_path / "list.bin"
    save_list(path, Library([str(_folder(tmp_path))]).load().store.articles, lambda p: None)
    found = load_list(path)
    assert found is not None
    sources = {id(a.source) for a in found.articles}
    assert len(sources) == len({a.source for a in found.articles})


def _write(path: Path, head: object, *blocks: object) -> None:
    frames = [marshal.dumps(head), *map(marshal.dumps, blocks)]
    write_atomically(path, sealed([list_file.MAGIC, *(len(f).to_bytes(4, "little") + f
                                                      for f in frames)]))


def _block(**changes: object) -> tuple[object, ...]:
    """One well-formed block of two rows, with some of its parts replaced."""
    articles = _articles(2)
    stats = stats_in_order(articles, lambda p: (1, 2, 3)).tobytes()
    parts = list(list_file._columns(articles, stats))
    names = ["texts", "repeated", "tags", "dates", "words", "stats"]
    for name, value in changes.items():
        parts[names.index(name)] = value
    return tuple(parts)


def _head(n: int = 2) -> list[object]:
    from newstui import __version__

    return [list_file.FORMAT, __version__, n, []]


def test_a_well_formed_file_is_read(tmp_path) -> None:
    path = tmp_path / "list.bin"
    _write(path, _head(), _block())
    assert load_list(path) is not None  # (what the forged ones below differ from)


def _titles(old: str, new: str) -> list[str]:
    texts = list(_block()[0])
    texts[0] = texts[0].replace(old, new)
    return texts


# What each forged file changes of a good one: its head, or a part of its only block.
FORGED: dict[str, tuple[str, object]] = {
    "escape in a title": ("texts", _titles("Story 0", "\x1b]8;;https://evil.test\x07S0")),
    "newline in a title": ("texts", _titles("Story 0", "Story\n0")),
    "control in a tag": ("tags", [("Kor\x07ea",), ()]),
    "tag not a string": ("tags", [(1,), ()]),
    "date not a number": ("dates", ["2021-01-01", None]),
    "date out of range": ("dates", [0, None]),
    "words not a number": ("words", ["ten", None]),
    "short stats": ("stats", b"\0" * 40),
    "stat not numbers": ("stats", [(1, 2, 3), (1, 2, 3)]),
    "a row too many": ("words", [1, 2, 3]),
    "another version": ("head", [list_file.FORMAT + 1, *_head()[1:]]),
    "more rows than said": ("head", _head(1)),
    "fewer rows than said": ("head", _head(3)),
    "bad warning": ("head", [*_head()[:3], [("p", "\x1b[2J")]]),
    "not a block": ("block", {"rows": 2}),
}


@pytest.mark.parametrize("forged", FORGED)
def test_a_forged_or_damaged_file_is_not_used(tmp_path, forged: str) -> None:
    path = tmp_path / "list.bin"
    part, value = FORGED[forged]
    head = value if part == "head" else _head()
    block = value if part == "block" else _block() if part == "head" else _block(
        **{part: value})
    _write(path, head, block)
    assert load_list(path) is None


def test_a_damaged_file_is_not_used(tmp_path) -> None:
    path = tmp_path / "list.bin"
    save_list(path, _articles(), lambda p: None)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert load_list(path) is None
    path.write_bytes(data[:40] + bytes([data[40] ^ 1]) + data[41:])
    assert load_list(path) is None
    path.unlink()
    assert load_list(path) is None


# -- in a launch -------------------------------------------------------------------------------
def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    (folder / "sport").mkdir(parents=True)
    _corpus(folder, 40)
    (folder / "sport" / "match.txt").write_text("Cup final tonight\n\nA plain story.\n")
    _age(*folder.rglob("*.*"))
    return folder


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headers, "QUICK_BYTES", 0)  # any cache counts as large


def _launch(folder: Path) -> tuple[Library, list[str], list[str]]:
    library = Library([str(folder)])
    stages: list[str] = []
    phases: list[str] = []

    def listener(event: object) -> None:
        if isinstance(event, Published):
            stages.append(event.snapshot.stage)
        elif isinstance(event, Progress):
            phases.append(event.phase)

    library.load(listener)
    return library, stages, phases


def test_a_launch_from_the_caches_takes_the_list_file_and_never_reads_the_header_cache(
        tmp_path, large, monkeypatch) -> None:
    folder = _folder(tmp_path)
    first, _, _ = _launch(folder)
    assert first.cache.list_path is not None and first.cache.list_path.exists()
    read: list[object] = []
    real_read = headers.HeaderCache._read_opened
    monkeypatch.setattr(headers.HeaderCache, "_read_opened",
                        lambda self: read.append(self) or real_read(self))
    library, stages, phases = _launch(folder)
    assert stages[:2] == ["partial", "listed"] and "list" not in phases
    assert read == []  # the header cache's entries never read
    assert _rows(library) == _fresh(folder)
    assert library.store.body_index.postings == first.store.body_index.postings
    assert sorted(library.report.warnings) == sorted(first.report.warnings)
    # Nothing to save: no live change, and the list file still holds the store.
    written = {p: p.stat().st_mtime_ns for p in first.cache.path.parent.iterdir()}
    library.save_caches()
    assert {p: p.stat().st_mtime_ns for p in first.cache.path.parent.iterdir()} == written


def test_a_file_changed_since_the_list_file_is_applied_and_saved(tmp_path, large) -> None:
    folder = _folder(tmp_path)
    _launch(folder)
    story = folder / "s003.txt"
    story.write_text(story.read_text().replace("Story 3 about", "Changed 3 about"))
    _age(story, seconds=60)
    (folder / "s004.txt").unlink()
    library, stages, phases = _launch(folder)
    assert "list" not in phases and "changes" in phases
    assert _rows(library) == _fresh(folder)
    assert any("Changed 3" in a.title for a in library.store.articles)
    again, _, phases = _launch(folder)
    assert "changes" not in phases and "list" not in phases
    assert _rows(again) == _fresh(folder)


def test_a_list_file_naming_a_file_outside_the_folder_is_not_shown(tmp_path, large) -> None:
    folder = _folder(tmp_path)
    first, _, _ = _launch(folder)
    outside = tmp_path / "secret.txt"
    outside.write_text("Not in the folder\n\nPrivate.\n")
    _age(outside)
    path = first.cache.list_path
    assert path is not None
    for forged in (str(outside), str(folder / ".hidden" / "x.txt"),
                   str(folder / "sport" / ".." / ".." / "secret.txt")):
        articles = [*first.store.articles]
        articles[0] = articles[0]._replace(path=forged)
        save_list(path, articles, lambda p: (1, 2, 3))
        library, stages, _ = _launch(folder)
        assert all(a.path != forged for a in library.store.articles)
        assert _rows(library) == _fresh(folder)


def test_the_list_is_not_saved_when_most_stats_are_unknown(tmp_path, large) -> None:
    folder = _folder(tmp_path)
    library = Library([str(folder)])
    library.load(bodies=False)
    path = library.cache.list_path
    assert path is not None and path.exists()
    path.unlink()
    library._list_stale = True
    library.cache.release()
    library.cache._new = {}  # nothing in memory, and no list file to take stats from
    library._save_list(library.store)
    assert not path.exists()


def test_a_list_file_that_cannot_be_written_is_reported(tmp_path, large) -> None:
    folder = _folder(tmp_path)
    library = Library([str(folder)])
    path = library.cache.list_path
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkdir(path)  # a folder where the file would go: it cannot be replaced
    library.load(bodies=False)
    assert any(p == str(path) and "list not saved" in w for p, w in library.report.warnings)
    assert [a.path for a in library.store.articles]  # the load itself went on


def test_the_cache_keys_hash_what_they_hashed_an_article_at_a_time(monkeypatch) -> None:
    # Made in a few large updates now: the same bytes, so caches saved before stay valid.
    import hashlib

    from newstui import __version__
    from newstui.model.cache import bodies

    monkeypatch.setattr(bodies, "_KEY_STEP", 3)  # several updates, the last one short
    articles = [a._replace(path=f"/news/\udcff {i}.txt") for i in range(4)
                for a in _articles(2)]
    old_body = hashlib.blake2b(f"{bodies.FORMAT} {__version__} {len(articles)}\n".encode(),
                               digest_size=16)
    old_header = hashlib.blake2b(
        f"headers {bodies.FORMAT} {__version__} {len(articles)}\n".encode(), digest_size=16)
    for a in articles:
        old_body.update(a.digest.encode())
        old_header.update(f"{a.digest}\0{a.path}\0".encode("utf-8", "surrogatepass"))
    assert bodies.body_key(articles) == old_body.hexdigest()
    assert bodies.header_key(articles) == old_header.hexdigest()
    assert bodies.header_key(articles[:-1]) != old_header.hexdigest()


def test_a_first_launch_writes_the_list_once_its_passes_are_done(tmp_path, large) -> None:
    # Writing it takes ~3 s at a million articles: after the body pass, not before it.
    folder = _folder(tmp_path)
    library = Library([str(folder)])
    path = library.cache.list_path
    assert path is not None
    seen: list[tuple[str, bool]] = []
    library.load(lambda e: seen.append((e.snapshot.stage, path.exists()))
                 if isinstance(e, Published) else None)
    assert ("complete", False) in seen and path.exists()
    found = load_list(path)
    assert found is not None and found.articles == library.store.articles
    # Every stat is the file's own (none unknown): the next launch re-reads nothing.
    stats = found.stats_by_path()
    assert all(stats[a.path] == (os.stat(a.path).st_size, os.stat(a.path).st_mtime_ns,
                                 os.stat(a.path).st_ctime_ns) for a in found.articles)


def test_a_launch_from_the_header_cache_alone_writes_the_list_file(tmp_path, large) -> None:
    # A cache from before list files (or a list file gone): the header cache's list is
    # shown, and the list file written once the passes are done, for the next launch.
    folder = _folder(tmp_path)
    first, _, _ = _launch(folder)
    path = first.cache.list_path
    assert path is not None
    path.unlink()
    library, stages, phases = _launch(folder)
    assert stages[:2] == ["partial", "listed"] and "list" not in phases
    assert path.exists()
    found = load_list(path)
    assert found is not None and found.articles == library.store.articles
    stats = found.stats_by_path()
    assert all(stats[a.path][0] == os.stat(a.path).st_size for a in found.articles)


def test_a_launch_from_the_header_cache_with_changes_writes_the_list_file(tmp_path,
                                                                         large) -> None:
    # As above, with files changed since: they are applied as live changes, and the list
    # written after them must still know the stats of the files that did not change.
    folder = _folder(tmp_path)
    first, _, _ = _launch(folder)
    path = first.cache.list_path
    assert path is not None
    path.unlink()
    story = folder / "s003.txt"
    story.write_text(story.read_text().replace("Story 3 about", "Changed 3 about"))
    _age(story, seconds=60)
    library, _, phases = _launch(folder)
    assert "list" not in phases and "changes" in phases
    assert path.exists()
    found = load_list(path)
    assert found is not None and found.articles == library.store.articles
    stats = found.stats_by_path()
    assert all(stats[a.path][0] == os.stat(a.path).st_size for a in found.articles)
    again, _, phases = _launch(folder)
    assert "list" not in phases and "changes" not in phases
    assert _rows(again) == _fresh(folder)


@pytest.mark.parametrize("order", ["days", "within a day", "an id twice", "a content twice",
                                   "a file twice"])
def test_a_list_file_unlike_a_load_is_replaced_by_the_folders_list(tmp_path, large,
                                                                   order: str) -> None:
    # The list is taken in the order it was saved in, not sorted again: a file whose days
    # are out of order is sorted at once (date ranges are ranges of numbers); one out of
    # order within a day, or with an id, a content or a file twice, is shown, then found
    # out with the files and read again.
    folder = _folder(tmp_path)
    first, _, _ = _launch(folder)
    path = first.cache.list_path
    assert path is not None
    articles = [*first.store.articles]
    i = next(i for i in range(len(articles) - 1) if articles[i].date == articles[i + 1].date)
    if order == "days":
        articles.reverse()
    elif order == "within a day":
        articles[i], articles[i + 1] = articles[i + 1], articles[i]
    else:
        field = {"an id twice": "id", "a content twice": "digest", "a file twice": "path"}
        name = field[order]
        articles[i + 1] = articles[i + 1]._replace(**{name: getattr(articles[i], name)})
    stats = {a.path: (os.stat(a.path).st_size, os.stat(a.path).st_mtime_ns,
                      os.stat(a.path).st_ctime_ns) for a in articles}
    save_list(path, articles, stats.get)
    library, stages, phases = _launch(folder)
    assert stages[:2] == ["partial", "listed"]
    assert ("list" in phases) is (order != "days")
    assert _rows(library) == _fresh(folder)
    assert library.store.in_order()
