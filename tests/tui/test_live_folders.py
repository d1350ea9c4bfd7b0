"""Files added, changed and removed while the app runs appear, change and go, with the
cursor and the open article kept (issue 14, live folders)."""

from __future__ import annotations

import os
import time

from newstui.model.user.state import ReadingState
from newstui.tui.app import NewsApp
from tests.tui.conftest import ready, settle


def _article(title: str, date: str) -> str:
    return f" date {date}  {title} : Wire\n\nBody of {title}.\n"


async def _until(pilot, condition, timeout: float = 8.0) -> None:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "the change did not show"
        await pilot.pause(0.05)


async def test_added_changed_and_removed_files_show_in_place(write, tmp_path) -> None:
    write("news/a.txt", _article("Older story", "2024-01-01"))
    write("news/b.txt", _article("Middle story", "2024-02-01"))
    app = NewsApp([str(tmp_path / "news")], state=ReadingState(tmp_path / "s.db"))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        reader = app.reader
        await pilot.press("j", "enter")  # the older one, opened
        await settle(app, pilot)
        assert reader.headlines.current.title == "Older story"
        await pilot.pause(0.5)  # the watcher is up
        # Written the way a fetcher writes: a temporary name, then a rename.
        write("news/.c.txt.tmp", _article("Newest story", "2024-03-01"))
        os.replace(tmp_path / "news/.c.txt.tmp", tmp_path / "news/c.txt")
        await _until(pilot, lambda: len(reader.store) == 3)
        await settle(app, pilot)
        assert reader.store.articles[0].title == "Newest story"
        assert reader.headlines.current.title == "Older story"  # the cursor stayed
        assert reader.article_view.article.title == "Older story"  # still open
        assert not reader.is_read(reader.store.articles[0])  # new articles are unread
        write("news/b.txt", _article("Middle story, updated", "2024-02-01"))
        await _until(pilot, lambda: any(a.title == "Middle story, updated"
                                        for a in reader.store.articles))
        (tmp_path / "news/c.txt").unlink()
        await _until(pilot, lambda: len(reader.store) == 2)
        assert reader.headlines.current.title == "Older story"
        assert "Newest story" not in {a.title for a in reader.store.articles}


async def test_following_can_be_turned_off(write, tmp_path) -> None:
    from newstui.model.user.config import parse_config

    write("news/a.txt", _article("Only story", "2024-01-01"))
    config = parse_config("follow_folders: false\n")
    app = NewsApp([str(tmp_path / "news")], config=config, state=ReadingState(None))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        write("news/b.txt", _article("Another", "2024-02-01"))
        await pilot.pause(1.5)
        assert len(app.reader.store) == 1
