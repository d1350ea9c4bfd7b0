"""Fetching feeds politely with httpx: a limited number at once and per host, conditional
requests, a deadline per feed and a size cap per response, one retry on network errors,
``Retry-After`` respected; then each feed's new and changed items written as article files.

Everything runs on one asyncio loop in the calling thread (:func:`fetch_feeds`); parsing,
HTML conversion and full-text extraction run in a worker thread, so a slow parse never
holds up the downloads of the other feeds. ``cancelled()`` is polled: when it turns true
every download stops at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from newstui import __version__
from newstui.model.cache.sealed import write_atomically
from newstui.model.corpus.sanitize import clean_line
from newstui.model.feeds.articles import file_for, folder_for, item_key, render_item
from newstui.model.feeds.documents import Document, FeedError, Item, parse_document
from newstui.model.feeds.fetch_state import FeedRecord, FetchState, Seen
from newstui.model.feeds.html_text import html_to_text, plain_to_text
from newstui.model.feeds.subscriptions import Feed, is_web_url

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"newstui/{__version__} (+https://github.com/newstui/newstui)"
MAX_BYTES = 20 * 1024 * 1024
MAX_PAGE_BYTES = 5 * 1024 * 1024
CONNECT_TIMEOUT = 10.0
DEADLINE = 30.0  # seconds for a feed's download (its retry included), once its host is free
PAGE_DEADLINE = 15.0
JOBS = 8
PER_HOST = 2
MAX_RETRY_AFTER = 24 * 3600
Status = Literal["ok", "not-modified", "error"]


class _Failed(Exception):
    """A download that failed, with a one-line reason."""


@dataclass
class FeedResult:
    """How fetching one feed went: the ``newstui fetch --json`` record, plus the feed's
    title (to name a feed that has no name) and where it moved for good."""

    feed: str
    url: str
    status: Status
    new: int = 0
    updated: int = 0
    error: str | None = None
    title: str = ""
    moved_to: str | None = None
    files: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The documented JSON line."""
        return {"feed": self.feed, "url": self.url, "status": self.status, "new": self.new,
                "updated": self.updated, "error": self.error}


@dataclass
class _Response:
    status: int
    body: bytes
    headers: dict[str, str]
    url: str
    moved: bool


def fetch_feeds(feeds: list[Feed], state: FetchState, news_dir: Path, *, jobs: int = JOBS,
                per_host: int = PER_HOST, deadline: float = DEADLINE,
                max_bytes: int = MAX_BYTES,
                progress: Callable[[FeedResult, int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> list[FeedResult]:
    """Fetch ``feeds`` and write their items under ``news_dir``; one result per feed, in
    the order given. ``progress(result, done, total)`` is called as each feed finishes."""
    fetcher = Fetcher(state, news_dir, jobs=jobs, per_host=per_host, deadline=deadline,
                      max_bytes=max_bytes, progress=progress, cancelled=cancelled)
    return asyncio.run(fetcher.run(feeds))


class Fetcher:
    """One fetch of a list of feeds (see :func:`fetch_feeds`)."""

    def __init__(self, state: FetchState, news_dir: Path, *, jobs: int = JOBS,
                 per_host: int = PER_HOST, deadline: float = DEADLINE,
                 max_bytes: int = MAX_BYTES,
                 progress: Callable[[FeedResult, int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> None:
        self.state, self.news_dir = state, news_dir
        self.jobs, self.per_host, self.deadline = max(1, jobs), max(1, per_host), deadline
        self.max_bytes = max_bytes
        self.progress, self.cancelled = progress, cancelled
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._done = 0

    async def run(self, feeds: list[Feed]) -> list[FeedResult]:
        """Fetch every feed, at most ``jobs`` at once."""
        import httpx

        limit = asyncio.Semaphore(self.jobs)
        timeout = httpx.Timeout(self.deadline, connect=CONNECT_TIMEOUT)
        limits = httpx.Limits(max_connections=self.jobs * 2,
                              max_keepalive_connections=self.jobs)
        async with httpx.AsyncClient(follow_redirects=True, timeout=timeout, limits=limits,
                                     headers={"User-Agent": USER_AGENT}, trust_env=True
                                     ) as client:
            tasks = [asyncio.ensure_future(self._one(client, limit, feed, len(feeds)))
                     for feed in feeds]
            watcher = asyncio.ensure_future(self._watch(tasks))
            try:
                results = await asyncio.gather(*tasks, return_exceptions=True)
            finally:
                watcher.cancel()
        out: list[FeedResult] = []
        for feed, result in zip(feeds, results, strict=True):
            if isinstance(result, FeedResult):
                out.append(result)
            else:
                reason = "cancelled" if isinstance(result, asyncio.CancelledError) \
                    else f"{type(result).__name__}: {result}"
                out.append(FeedResult(feed.label, feed.url, "error", error=clean_line(reason)))
        return out

    async def _watch(self, tasks: Sequence[asyncio.Future[Any]]) -> None:
        if self.cancelled is None:
            return
        while True:
            await asyncio.sleep(0.05)
            if self.cancelled():
                for task in tasks:
                    task.cancel()
                return

    async def _one(self, client: httpx.AsyncClient, limit: asyncio.Semaphore, feed: Feed,
                   total: int) -> FeedResult:
        async with limit:
            result = await self._feed(client, feed)
        self._done += 1
        if self.progress is not None:
            self.progress(result, self._done, total)
        return result

    def _host(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self.per_host)
        return sem

    def _record_failure(self, feed: Feed, reason: str, retry_after: float | None = None) -> None:
        record = self.state.feed(feed.url)
        record.last_fetch, record.last_status, record.last_error = time.time(), "error", reason
        if retry_after is not None:
            record.retry_after = retry_after
        self.state.save(record, {})

    async def _feed(self, client: httpx.AsyncClient, feed: Feed) -> FeedResult:
        record = self.state.feed(feed.url)
        now = time.time()
        if not is_web_url(feed.url):
            return FeedResult(feed.label, feed.url, "error", error="not an http(s) address")
        if record.retry_after and now < record.retry_after:
            until = dt.datetime.fromtimestamp(record.retry_after).strftime("%H:%M:%S")
            return FeedResult(feed.label, feed.url, "error",
                              error=f"skipped: the server asked to wait until {until}")
        headers = {}
        if record.etag:
            headers["If-None-Match"] = record.etag
        if record.last_modified:
            headers["If-Modified-Since"] = record.last_modified
        try:
            response = await self._get(client, feed.url, headers, self.max_bytes)
        except _Failed as exc:
            self._record_failure(feed, str(exc))
            return FeedResult(feed.label, feed.url, "error", error=str(exc))
        return await self._answer(client, feed, record, response)

    async def _answer(self, client: httpx.AsyncClient, feed: Feed, record: FeedRecord,
                      response: _Response) -> FeedResult:
        moved = response.url if response.moved and response.url != feed.url else None
        if response.status == 304:
            record.last_fetch, record.last_status, record.last_error = time.time(), \
                "not-modified", None
            record.retry_after = None
            self.state.save(record, {})
            return FeedResult(feed.label, feed.url, "not-modified", moved_to=moved)
        if response.status in (429, 503):
            wait = retry_after(response.headers.get("retry-after", ""))
            reason = f"HTTP {response.status}" + (f": retry after {wait:.0f} s" if wait else "")
            self._record_failure(feed, reason, time.time() + wait if wait else None)
            return FeedResult(feed.label, feed.url, "error", error=reason)
        if not 200 <= response.status < 300:
            reason = f"HTTP {response.status}"
            self._record_failure(feed, reason)
            return FeedResult(feed.label, feed.url, "error", error=reason)
        try:
            document = await asyncio.to_thread(parse_document, response.body,
                                               response.headers.get("content-type", ""),
                                               response.url)
        except FeedError as exc:
            self._record_failure(feed, str(exc))
            return FeedResult(feed.label, feed.url, "error", error=str(exc))
        # The validators exactly as received, saved with the items in one transaction.
        record.etag = response.headers.get("etag")
        record.last_modified = response.headers.get("last-modified")
        result = await self._store(client, feed, record, document)
        result.moved_to = moved
        return result

    async def _store(self, client: httpx.AsyncClient, feed: Feed, record: FeedRecord,
                     document: Document) -> FeedResult:
        """Write the document's new and changed items; record the fetch."""
        seen = self.state.seen(feed.url)
        folder = record.folder or folder_for(feed)
        source = feed.name or document.title or feed.label
        now = dt.datetime.now(dt.UTC)
        pages: dict[str, str] = {}
        if feed.full_text:
            pages = await self._pages(client, [i for i in document.items
                                               if item_key(i) not in seen])
        written = await asyncio.to_thread(self._write_items, feed, folder, source,
                                          document.items, seen, pages, now)
        result = FeedResult(feed.label, feed.url, "ok", title=document.title)
        for key, (entry, is_new) in written.items():
            result.files.append(entry.file)
            if is_new:
                result.new += 1
            else:
                result.updated += 1
            seen[key] = entry
        record.folder = folder
        record.last_fetch, record.last_status, record.last_error = time.time(), "ok", None
        record.retry_after = None
        record.title = document.title or record.title
        self.state.save(record, {k: v for k, (v, _) in written.items()})
        return result

    def _write_items(self, feed: Feed, folder: str, source: str, items: list[Item],
                     seen: dict[str, Seen], pages: dict[str, str], now: dt.datetime
                     ) -> dict[str, tuple[Seen, bool]]:
        """Render and write items (in a worker thread); what was written, by key."""
        written: dict[str, tuple[Seen, bool]] = {}
        for item in items:
            key = item_key(item)
            if key in written:
                continue  # a feed listing one item twice
            known = seen.get(key)
            if known is not None and feed.full_text:
                continue  # its page was read once: a changed summary does not replace it
            first = dt.datetime.fromtimestamp(known.first_seen, dt.UTC) if known else now
            # Relative links resolve against the feed's address (one set of converter
            # options per feed, not per item).
            body = pages.get(key) or (html_to_text(item.html, feed.url) if item.is_html
                                      else plain_to_text(item.html))
            rendered = render_item(feed, source, item, body, key, first)
            if known is not None and known.hash == rendered.hash:
                continue
            name = known.file if known is not None else f"{folder}/{file_for(feed.url, key)}"
            path = self.news_dir / name
            if not _inside(path, self.news_dir):
                continue
            write_atomically(path, rendered.text.encode("utf-8"))
            written[key] = (Seen(name, rendered.hash, first.timestamp()), known is None)
        return written

    async def _pages(self, client: httpx.AsyncClient, items: list[Item]) -> dict[str, str]:
        """Full text of the items' pages, by item key (those that could be extracted)."""
        from newstui.model.feeds.full_text import extract_article

        found: dict[str, str] = {}

        async def one(item: Item) -> None:
            if not is_web_url(item.link):
                return  # never file:, data:, javascript: or anything but http(s)
            try:
                page = await self._get(client, item.link, {}, MAX_PAGE_BYTES, PAGE_DEADLINE)
            except _Failed:
                return
            if page.status != 200:
                return
            text = await asyncio.to_thread(extract_article, page.body, page.url)
            if text:
                found[item_key(item)] = text

        await asyncio.gather(*(one(item) for item in items[:100]))
        return found

    async def _get(self, client: httpx.AsyncClient, url: str, headers: dict[str, str],
                   cap: int, deadline: float | None = None) -> _Response:
        """GET ``url`` (one retry on a network error) within ``deadline`` seconds from when
        its host has a free slot, its body read up to ``cap`` bytes."""
        import httpx

        limit = self.deadline if deadline is None else deadline
        async with self._host(url):
            end = time.monotonic() + limit
            for attempt in (0, 1):
                try:
                    return await asyncio.wait_for(self._download(client, url, headers, cap),
                                                  max(0.01, end - time.monotonic()))
                except TimeoutError:
                    raise _Failed(f"no complete answer within {limit:g} s") from None
                except httpx.UnsupportedProtocol:
                    raise _Failed("redirected to an address that is not http(s)") from None
                except httpx.TooManyRedirects:
                    raise _Failed("too many redirects") from None
                except (httpx.TransportError, httpx.DecodingError) as exc:
                    retry = attempt == 0 and not isinstance(exc, httpx.DecodingError)
                    if retry and end - time.monotonic() > 1.0:
                        await asyncio.sleep(0.5)
                        continue
                    raise _Failed(_network_reason(exc)) from None
        raise AssertionError("unreachable")

    async def _download(self, client: httpx.AsyncClient, url: str, headers: dict[str, str],
                        cap: int) -> _Response:
        async with client.stream("GET", url, headers=headers) as response:
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > cap:
                raise _Failed(f"larger than {cap // (1024 * 1024)} MB ({int(length):,} bytes)")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    raise _Failed(f"larger than {cap // (1024 * 1024)} MB")
                chunks.append(chunk)
            moved = any(r.status_code in (301, 308) for r in response.history) and all(
                r.status_code in (301, 308) for r in response.history)
            return _Response(response.status_code, b"".join(chunks),
                             {k.lower(): v for k, v in response.headers.items()},
                             str(response.url), moved)


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError):
        return False


def _network_reason(exc: Exception) -> str:
    import httpx

    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {CONNECT_TIMEOUT:g} s"
    if isinstance(exc, httpx.TimeoutException):
        return "the server stopped answering (timed out)"
    if isinstance(exc, httpx.ConnectError):
        text = str(exc) or "connection failed"
        return clean_line(f"cannot connect: {text}")[:200]
    if isinstance(exc, httpx.DecodingError):
        return "the answer could not be decompressed"
    return clean_line(f"network error: {type(exc).__name__}: {exc}")[:200]


def retry_after(value: str) -> float:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), at most a
    day; 0 when there is none or it cannot be read."""
    value = value.strip()
    if not value:
        return 0.0
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, min((when - dt.datetime.now(dt.UTC)).total_seconds(), MAX_RETRY_AFTER))
