"""One refresh of the subscriptions, as the command line and the app run it: load the
feeds file, fetch the feeds (all, the named ones, or those due by their ``interval:``),
then name the feeds that had no name after their title and follow permanent moves."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newstui.model.feeds.fetch_state import FetchState
from newstui.model.feeds.fetcher import JOBS, FeedResult, fetch_feeds
from newstui.model.feeds.subscriptions import (
    Feed,
    Subscriptions,
    default_feeds_db,
    default_news_dir,
    is_web_url,
    load_subscriptions,
    save_subscriptions,
)


@dataclass
class Report:
    """What a refresh did: a result per feed fetched, and problems with the files."""

    results: list[FeedResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    subscribed: int = 0

    @property
    def new(self) -> int:
        """New articles written."""
        return sum(r.new for r in self.results)

    @property
    def updated(self) -> int:
        """Articles rewritten because their item changed."""
        return sum(r.updated for r in self.results)

    @property
    def failed(self) -> list[FeedResult]:
        """The feeds that failed."""
        return [r for r in self.results if r.status == "error"]

    def summary(self) -> str:
        """``N feeds: K new articles, M not modified, E failed``."""
        same = sum(r.status == "not-modified" for r in self.results)
        return (f"{_count(len(self.results), 'feed')}: {_count(self.new, 'new article')}, "
                f"{same:,} not modified, {len(self.failed):,} failed")


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def due(feeds: list[Feed], state: FetchState, every: int, now: float | None = None
        ) -> list[Feed]:
    """The feeds whose own ``interval`` (else ``every`` seconds) has passed since their
    last fetch."""
    now = time.time() if now is None else now
    chosen = []
    for feed in feeds:
        last = state.feed(feed.url).last_fetch
        wait = feed.interval if feed.interval is not None else every
        if last is None or now - last >= wait - 1:
            chosen.append(feed)
    return chosen


def refresh(subs: Subscriptions | None = None, news_dir: Path | None = None,
            db_path: Path | None = None, *, feeds: list[Feed] | None = None,
            every: int | None = None, jobs: int = JOBS,
            progress: Callable[[FeedResult, int, int], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> Report:
    """Fetch the subscriptions ``subs`` (read from the feeds file when None, and its
    problems reported), or only ``feeds`` of them, or only those due when ``every`` is
    given (seconds); then name and move them as :func:`apply_results` says."""
    report = Report()
    if subs is None:
        subs = load_subscriptions()
        report.problems += subs.problems
    report.subscribed = len(subs.feeds)
    chosen = subs.feeds if feeds is None else feeds
    if not chosen:
        return report
    state = FetchState(db_path or default_feeds_db())
    report.problems += state.problems
    try:
        if every is not None:
            chosen = due(chosen, state, every)
        if chosen:
            report.results = fetch_feeds(chosen, state, news_dir or default_news_dir(),
                                         jobs=jobs, progress=progress, cancelled=cancelled)
            problem = apply_results(subs, report.results, state)
            if problem:
                report.problems.append(problem)
    finally:
        state.close()
    return report


def apply_results(subs: Subscriptions, results: list[FeedResult], state: FetchState
                  ) -> str | None:
    """Name feeds that had no name after their title, follow permanent moves, and save the
    feeds file if that changed it; a problem line if it could not be saved."""
    changed = False
    names = {f.label.casefold() for f in subs.feeds}
    by_url = {f.url: f for f in subs.feeds}
    for result in results:
        feed = by_url.get(result.url)
        if feed is None:
            continue
        if not feed.name and result.title and result.title.casefold() not in names:
            names.discard(feed.label.casefold())
            feed.name = result.title[:80]
            names.add(feed.name.casefold())
            changed = True
        moved = result.moved_to
        if moved and is_web_url(moved) and moved not in by_url:
            state.move(feed.url, moved)
            record = state.feed(moved)
            record.moved_from = feed.url
            state.save(record, {})
            feed.url = moved
            changed = True
    if changed and subs.path is not None:
        try:
            save_subscriptions(subs.path, subs.feeds)
        except OSError as exc:
            return f"cannot write {subs.path}: {exc.strerror or exc}"
    return None
