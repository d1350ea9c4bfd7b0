"""In the app: R fetches the feeds in a worker, and the new articles appear without a
restart, unread, with the cursor and the open article where they were."""

from __future__ import annotations

import asyncio
import os

from newstui.cli import main
from newstui.model.user.state import ReadingState
from newstui.tui.app import NewsApp
from tests.tui.conftest import ready, settle


async def test_r_fetches_and_new_articles_appear_in_place(server, tmp_path, capsys) -> None:
    assert main(["feeds", "add", server.url("/feeds/SamRuby.xml")]) == 0
    assert await asyncio.to_thread(main, ["fetch"]) == 0  # it runs an event loop of its own
    news = os.environ["NEWSTUI_NEWS"]
    app = NewsApp([news], state=ReadingState(tmp_path / "state.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        reader = app.reader
        assert len(reader.store) == 20
        await pilot.press("j", "j", "j", "enter")
        await settle(app, pilot)
        reading = reader.headlines.current
        assert reading is not None and reader.article_view.article.id == reading.id
        assert main(["feeds", "add", server.url("/feeds/json_feed.json")]) == 0
        await pilot.press("R")
        for _ in range(300):
            await pilot.pause(0.05)
            if len(reader.store) == 40 and not reader.fetching:
                break
        await settle(app, pilot)
        assert len(reader.store) == 40
        assert reader.headlines.current.id == reading.id  # the cursor stayed on it
        assert reader.article_view.article.id == reading.id  # and it is still open
        newest = reader.store.articles[0]
        assert newest.source == "inessential.com" and not reader.is_read(newest)
        assert any("2 feeds: 20 new articles" in str(n.message) for n in app._notifications)
    capsys.readouterr()


async def test_r_without_feeds_says_how_to_add_one(tmp_path) -> None:
    app = NewsApp([str(tmp_path)], state=ReadingState(None))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("R")
        await settle(app, pilot)
        for _ in range(100):
            if any("No feeds yet" in str(n.message) for n in app._notifications):
                break
            await pilot.pause(0.05)
        assert any("No feeds yet" in str(n.message) for n in app._notifications)
