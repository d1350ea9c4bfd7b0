"""A launch from a large header cache shows the cached list first, then checks the files:
what stays on screen is always what a fresh load of the folders gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newstui.model.cache import headers
from newstui.model.library import Library, Problem, Progress, Published
from newstui.model.load.cached_list import cached_list
from newstui.model.load.passes import load_paths
from tests.conftest import cancel_after
from tests.model.test_cache import _age
from tests.model.test_two_pass import _corpus


@pytest.fixture(autouse=True)
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    # Any cache counts as large: the cached list is shown first only for those.
    monkeypatch.setattr(headers, "QUICK_BYTES", 0)
    monkeypatch.setattr("newstui.model.load.cached_list.CHECK_STEP", 10)


def _folder(tmp_path: Path, name: str = "news") -> Path:
    folder = tmp_path / name
    (folder / "sport").mkdir(parents=True)
    _corpus(folder, 60)
    (folder / "sport" / "match.txt").write_text("Cup final tonight\n\nA plain story.\n")
    _age(*folder.rglob("*.*"))
    Library([str(folder)]).load(bodies=False)  # fills the header cache
    return folder


def _launch(folder: Path, bodies: bool = False
            ) -> tuple[Library, list[tuple[str, int]], list[str]]:
    library = Library([str(folder)])
    published: list[tuple[str, int]] = []
    phases: list[str] = []

    def listener(event: object) -> None:
        if isinstance(event, Published):
            published.append((event.snapshot.stage, len(event.snapshot.store)))
        elif isinstance(event, Progress):
            phases.append(event.phase)

    library.load(listener, bodies=bodies)  # the list pass, then the details still unread
    return library, [p for p in published if p[0] != "detailed"], phases


def _fresh(folder: Path) -> list[tuple[object, ...]]:
    result = load_paths([str(folder)], cache=None, save=False)
    from newstui.model.index.store import Store

    return [a.to_row()[:-1] for a in Store(result.articles).articles]  # all but the digest


def _rows(library: Library) -> list[tuple[object, ...]]:
    return [a.to_row()[:-1] for a in library.store.articles]


def test_an_unchanged_folder_keeps_the_cached_list(tmp_path) -> None:
    folder = _folder(tmp_path)
    (folder / "empty.txt").write_text("")  # skipped: no entry, and still unusable
    (folder / "sport" / "2024-02-31-odd.txt").write_text("Odd date\n\nIts text.\n")
    _age(folder / "empty.txt", folder / "sport" / "2024-02-31-odd.txt")
    Library([str(folder)]).load(bodies=False)
    library, published, phases = _launch(folder)
    # The first headlines, then the whole cached list, and no second list after the check.
    assert published[0][0] == "partial"
    assert published[1:] == [("listed", 64)]
    assert "checking" in phases and "list" not in phases
    assert _rows(library) == _fresh(folder)
    assert any(a.section == "sport" for a in library.store.articles)  # folders give sections
    assert [p for p, _ in library.report.skipped] == [str(folder / "empty.txt")]
    # Its warnings are those a load of the folder gives.
    warned = load_paths([str(folder)], cache=None, save=False).warnings
    assert sorted(library.report.warnings) == sorted(warned) != []
    # Nothing was put or changed: the cache is not written again.
    assert library.cache.save() is None and not library.cache._differs()


def _change(folder: Path, change: str) -> None:
    target = folder / "s005.txt"
    if change == "edit":
        target.write_text(target.read_text().replace("Story 5 about", "Changed 5 about"))
        _age(target, seconds=60)
    elif change == "delete":
        target.unlink()
    elif change == "add":
        (folder / "sport" / "new.txt").write_text("A new one\n\nIts text.\n")
        _age(folder / "sport" / "new.txt", seconds=60)
    else:
        target.rename(folder / "sport" / "moved.txt")


@pytest.mark.parametrize("change", ["edit", "delete", "add", "rename"])
def test_a_change_since_is_applied_to_the_cached_list(tmp_path, change: str) -> None:
    folder = _folder(tmp_path)
    _change(folder, change)
    library, published, phases = _launch(folder, bodies=True)
    stages = [s for s, _ in published]
    assert stages[:2] == ["partial", "listed"]  # the cached list, shown at once
    # The folders were not read again: the changed file was applied as a live change
    # once the passes were done.
    assert "list" not in phases and "changes" in phases
    assert stages[-1] == "complete"
    assert _rows(library) == _fresh(folder)
    # And saved: the next launch starts from what this one saw, with nothing to apply.
    again, published, phases = _launch(folder, bodies=True)
    assert "changes" not in phases and "list" not in phases
    assert _rows(again) == _fresh(folder)


@pytest.mark.parametrize("change", ["edit", "delete", "add", "rename"])
def test_without_bodies_a_change_since_reads_the_folders_again(tmp_path, change: str) -> None:
    # Live changes apply to a complete library only; before that the folders are read
    # again (their list replaces the cached one whole, no partial lists).
    folder = _folder(tmp_path)
    _change(folder, change)
    library, published, _ = _launch(folder)
    stages = [s for s, _ in published]
    assert stages[:2] == ["partial", "listed"]
    assert "partial" not in stages[2:]
    assert _rows(library) == _fresh(folder)


def test_many_changes_since_read_the_folders_again(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("newstui.model.library.LIVE_MIN", 2)  # "many": more than 2 here
    monkeypatch.setattr("newstui.model.library.LIVE_SHARE", 1000)
    folder = _folder(tmp_path)
    for name in ("s001.txt", "s002.txt", "s003.txt"):
        (folder / name).unlink()
    library, published, phases = _launch(folder, bodies=True)
    assert "list" in phases and "changes" not in phases
    # The cached list, searchable before its files are checked; many changed, so the
    # folders' list replaces it whole (no partial lists), its first files read for the list
    # only: bodies are indexed before their details are read.
    assert [s for s, _ in published] == ["partial", "listed", "complete",
                                         "listed", "indexed", "complete"]
    assert phases.index("checking") < phases.index("list")
    assert _rows(library) == _fresh(folder)


def test_copies_in_the_folder_read_it_as_before(tmp_path) -> None:
    folder = _folder(tmp_path)
    copy = folder / "sport" / "copy.txt"
    copy.write_bytes((folder / "s007.txt").read_bytes())  # loaded once: which, by order
    _age(copy)
    Library([str(folder)]).load(bodies=False)
    # From the list file: the copy the last load left out is a file it does not know, so
    # it is read when checked, and left out again (the list stands).
    library, published, phases = _launch(folder, bodies=True)
    assert "list" not in phases and "changes" in phases
    assert _rows(library) == _fresh(folder)
    # From the header cache alone: which copy is loaded depends on the order the files
    # are read in, so the folders are read again.
    assert library.cache.list_path is not None
    library.cache.list_path.unlink()
    library, published, phases = _launch(folder)
    assert [s for s, _ in published][-1] == "listed" and "list" in phases
    assert _rows(library) == _fresh(folder)


def test_a_cancel_during_the_check_leaves_no_claim(tmp_path) -> None:
    folder = _folder(tmp_path)
    library = Library([str(folder)])
    library.load(lambda event: None, cancel_after(3), bodies=False)
    # Stopped mid-check: the cache was not marked as all checked.
    assert library.cache._new == {}
    assert os.path.exists(library.cache.path)


def test_a_cache_naming_files_outside_the_folder_is_not_shown(tmp_path) -> None:
    # The cache is untrusted and its list is shown before any file is checked: an entry
    # for a file the folder's walk could not find (elsewhere, hidden, up a "..") means the
    # folder is read as before instead.
    folder = _folder(tmp_path)
    outside = tmp_path / "secret.txt"
    outside.write_text("Not in the folder\n\nPrivate.\n")
    _age(outside)
    cache = headers.HeaderCache.for_paths([str(folder)])
    entries = cache._old
    entry = next(iter(entries.values()))
    for forged in (str(outside), str(folder / ".hidden" / "x.txt"),
                   str(folder / "sport" / ".." / ".." / "secret.txt")):
        stat, row, warnings = entry  # a content and an id of its own: no copy of one
        row = (*row[:-3], "forged", forged, "f" * 40)
        cache._entries = {**entries, forged: (stat, row, warnings)}
        assert cached_list(cache, [str(folder)], [str(folder)], lambda: False) is None
    cache._entries = entries
    assert cached_list(cache, [str(folder)], [str(folder)], lambda: False) is not None


def test_a_folder_inside_a_hidden_one_still_gets_the_cached_list(tmp_path) -> None:
    folder = _folder(tmp_path, ".local/news")  # hidden above the opened folder: fine
    library, published, phases = _launch(folder)
    assert published[1:] == [("listed", 63)] and "list" not in phases
    assert _rows(library) == _fresh(folder)


def test_bodies_are_searchable_before_the_files_are_checked(tmp_path) -> None:
    # Checking a million files takes ~8 s: the list from the caches is searchable by its
    # bodies first, then checked, and a change found is applied after.
    folder = _folder(tmp_path)
    _change(folder, "edit")
    (folder / "empty.txt").write_text("")  # unusable: told once the check finds it
    _age(folder / "empty.txt")
    library = Library([str(folder)])
    events: list[tuple[str, str]] = []

    def listener(event: object) -> None:
        if isinstance(event, Published):
            events.append(("published", event.snapshot.stage))
        elif isinstance(event, Progress):
            events.append(("progress", event.phase if event.done else f"{event.phase} 0"))
        elif isinstance(event, Problem):
            events.append(("problem", f"{event.text} {event.title}"))

    library.load(listener)
    complete = events.index(("published", "complete"))
    # Said to come with the complete list (the screen shows loading goes on), then done.
    assert events[complete - 1] == ("progress", "checking 0")
    assert ("progress", "checking") not in events[:complete]
    assert events.index(("progress", "checking")) > complete
    assert events.index(("progress", "changes 0")) > events.index(("progress", "checking"))
    assert ("problem", "1 file skipped: 'newstui check' says why files") in events
    assert [p for p, _ in library.report.skipped] == [str(folder / "empty.txt")]
    assert _rows(library) == _fresh(folder)


def test_the_check_walks_the_files_a_load_reads_with_their_stats(tmp_path) -> None:
    from newstui.model.corpus.files import iter_file_stats, iter_files

    for name in ["a.txt", "b.md", "C.TXT", "skip.pdf", ".hidden.txt", "sub/d.txt",
                 "sub/deeper/e.md", ".git/f.txt", "sub2/g.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Headline\n\nBody.\n" * len(name))
    (tmp_path / "link").symlink_to(tmp_path / "sub")  # a linked folder is not walked
    (tmp_path / "linked.txt").symlink_to(tmp_path / "a.txt")  # a linked file is
    opened = [str(tmp_path), str(tmp_path / "b.md"), str(tmp_path / "missing")]
    skipped: list[tuple[str, str]] = []
    walked = list(iter_file_stats(opened, skipped))
    assert [p for p, _ in walked] == list(iter_files(opened, []))
    assert len(walked) == 8 and all(st == os.stat(p) for p, st in walked)
    assert skipped == [(str(tmp_path / "missing"), "no such file or folder")]


def test_a_load_stopped_before_the_check_leaves_no_check_to_come(tmp_path) -> None:
    # Quit (or a reload asked for) once bodies are searchable, before the check: a later
    # reload's complete list must not say "checking files" for a check that never comes.
    folder = _folder(tmp_path)
    library = Library([str(folder)])
    stop = False

    def listener(event: object) -> None:
        nonlocal stop
        if isinstance(event, Published) and event.snapshot.stage == "complete":
            stop = True

    library.load(listener, lambda: stop)
    assert library.snapshot.stage == "complete" and library._unchecked is None
    phases: list[str] = []
    library.reload(lambda e: phases.append(e.phase) if isinstance(e, Progress) else None)
    assert "checking" not in phases and library.snapshot.stage == "complete"
    assert _rows(library) == _fresh(folder)
