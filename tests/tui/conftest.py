"""Helpers for driving NewsApp with Pilot."""

from __future__ import annotations

from newstui.tui.app import NewsApp


async def ready(app: NewsApp, pilot, timeout: float = 10.0) -> None:
    """Wait until loading has finished and the first article is on screen."""
    waited = 0.0
    while (app.screen is not app.reader or app.reader.loading_corpus
           or (app.reader.headlines.current is not None
               and app.reader.article_view.article is None)):
        await pilot.pause(0.02)
        waited += 0.02
        assert waited < timeout, "the app did not finish loading"
    await pilot.pause()


async def settle(app: NewsApp, pilot) -> None:
    """Let workers (search, article reads) deliver their results."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def row_text(app: NewsApp, y: int) -> str:
    """The plain text of screen row ``y`` of the headline list."""
    return app.reader.headlines.render_line(y).text
