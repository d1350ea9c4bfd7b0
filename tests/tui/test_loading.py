"""A folder too big to load before the first frame: list first, then details, then bodies."""

from __future__ import annotations

from newstui.model.library import PRELOAD_FILES
from newstui.tui.app import NewsApp
from tests.model.test_two_pass import _corpus
from tests.tui.conftest import ready, settle


async def test_a_large_folder_gets_its_details_and_bodies_after_the_list(tmp_path) -> None:
    _corpus(tmp_path, n=PRELOAD_FILES + 20)  # more than is loaded before the first frame
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot, timeout=60)
        await settle(app, pilot)
        assert len(app.reader.store) == PRELOAD_FILES + 22
        assert all(a.words is not None for a in app.reader.store.articles)  # the details pass ran
        assert app.reader.store.articles[0].caption.startswith("A picture of")
        assert app.reader.article_view.article.dateline.startswith("Lagos, March")
        await pilot.press("slash", *"lagos")  # a dateline word: found once details are in
        await settle(app, pilot)
        assert len(app.reader.headlines.rows) == PRELOAD_FILES + 20


async def test_a_launch_from_a_large_cache_shows_the_cached_list_then_the_checked_one(
        tmp_path, monkeypatch) -> None:
    from newstui.model.cache import headers
    from tests.model.test_cache import _age

    monkeypatch.setattr(headers, "QUICK_BYTES", 0)  # any cache counts as large
    _corpus(tmp_path, n=PRELOAD_FILES + 20)
    _age(*tmp_path.iterdir())
    for edit in (False, True):
        if edit:  # a file changed while newstui was not running
            path = tmp_path / "s007.txt"
            path.write_text(path.read_text().replace("Story 7 about", "Edited 7 about"))
            _age(path, seconds=60)
        app = NewsApp([str(tmp_path)])
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(app, pilot, timeout=60)
            await settle(app, pilot)
            for _ in range(400):  # the later passes, then the bar says no more
                if not app.reader.status:
                    break
                await pilot.pause(0.05)
            assert app.reader.status == "", app.reader.status
            titles = {a.title for a in app.reader.store.articles}
            assert len(titles) == PRELOAD_FILES + 22
            assert ("Edited 7 about elections" in titles) is edit
            assert ("Story 7 about elections" in titles) is not edit


async def test_the_check_of_a_cached_list_shows_in_the_bar_after_bodies(tmp_path) -> None:
    # A list from the caches is searchable before its files are checked: the bar says
    # "checking files" while that goes on, and nothing once it is done.
    from newstui.model.library import Progress
    from newstui.tui.messages import LoadProgress
    from newstui.tui.widgets.filter_bar import Note

    _corpus(tmp_path, n=12)
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        count = app.reader.filter_bar.query_one("#filter-count", Note)
        assert "checking" not in count.text
        app.reader.post_message(LoadProgress(Progress("checking", 400, 1000)))
        await pilot.pause()
        assert "checking files 40%" in count.text and not app.reader.loading_corpus
        app.reader.post_message(LoadProgress(Progress("checking", 1000, 1000)))
        await pilot.pause()
        assert "checking" not in count.text and count.text.endswith("of 14 · 14 unread")


async def test_files_that_cannot_be_used_are_said_once_and_the_rest_listed(tmp_path) -> None:
    (tmp_path / "good.txt").write_text("A good story\n\nIt reads fine.\n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 1000)
    (tmp_path / "empty.md").write_bytes(b"")
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        titles = [a.title for a in app.reader.view.store.articles]
        notes = [str(n.message) for n in app._notifications]
        assert titles == ["A good story"]
        assert notes.count("2 files skipped: 'newstui check' says why") == 1, notes
