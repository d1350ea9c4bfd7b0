"""A large store's unread articles are counted in a worker, not on the event loop (issue
14: ~1.5 s at a million articles, during which no key was read)."""

from __future__ import annotations

import threading

from newstui.model.user.state import ReadingState
from newstui.tui.app import NewsApp
from newstui.tui.screens import reader
from tests.conftest import SEEDS
from tests.tui.conftest import ready, settle


def _count_line(app: NewsApp) -> str:
    return app.reader.filter_bar.query_one("#filter-count").text


async def test_unread_articles_are_counted_off_the_event_loop(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(reader, "UNREAD_INLINE", -1)  # any store counts as a large one
    counted_in: list[str] = []
    count = reader.unread_in

    def unread_in(store, read):
        counted_in.append(threading.current_thread().name)
        return count(store, read)

    monkeypatch.setattr(reader, "unread_in", unread_in)
    app = NewsApp([str(SEEDS)], state=ReadingState(tmp_path / "s.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        total = len(app.reader.store)
        assert app.reader.unread_count() == total
        assert f"{total:,} unread" in _count_line(app)
        assert counted_in and threading.main_thread().name not in counted_in
        await pilot.press("A", "y")  # every article read: counted again, in a worker
        await settle(app, pilot)
        assert app.reader.unread_count() == 0 and "0 unread" in _count_line(app)
        await pilot.press("U")
        await settle(app, pilot)
        assert app.reader.unread_count() == total
        assert threading.main_thread().name not in counted_in
