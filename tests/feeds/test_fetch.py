"""Fetching: the real shared feeds from a local server, conditional requests, limits,
errors, hostile input, de-duplication and updates, full text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newstui.model.corpus import read_full
from newstui.model.feeds import Feed
from newstui.model.feeds.fetch_state import FetchState
from newstui.model.feeds.fetcher import fetch_feeds, retry_after
from newstui.model.library import Library
from tests.feeds.server import FEEDS, FeedServer, rss

REAL = sorted(p.name for p in FEEDS.iterdir() if p.suffix in (".xml", ".json"))
FRAGMENTS = {  # single entries cut out of a feed: not feeds at all
    "AmazonWebServicesBlogFirstEntryContent.xml", "HREFConsideredHarmfulFirstEntry.xml",
    "PaulDixExplainsNothingFirstEntryContent.xml", "TechCrunchFirstEntry.xml",
    "TechCrunchFirstEntryDescription.xml", "TenderLovemakingFirstEntry.xml"}


def _fetch(server: FeedServer, tmp_path: Path, *feeds: Feed, **options):
    state = FetchState(tmp_path / "feeds.db")
    try:
        return fetch_feeds(list(feeds), state, tmp_path / "news", **options)
    finally:
        state.close()


def _files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "news").rglob("*.md"))


def test_every_real_feed_is_read_or_refused_with_a_reason(server, tmp_path) -> None:
    feeds = [Feed(server.url(f"/feeds/{name}"), name=name) for name in REAL]
    results = _fetch(server, tmp_path, *feeds)
    by_name = {r.feed: r for r in results}
    for name in REAL:
        result = by_name[name]
        if name in FRAGMENTS:
            assert result.status == "error" and result.error, name
            assert "\n" not in result.error
        else:
            assert result.status == "ok" and result.new > 0, (name, result.error)
    library = Library([str(tmp_path / "news")])
    library.load(full=True)
    total = sum(r.new for r in results)
    assert len(library.store) == total  # every item became an article the loader reads
    assert library.report.skipped == []
    json_feed = [a for a in library.store.articles if a.source == "json_feed.json"]
    assert len(json_feed) == by_name["json_feed.json"].new
    assert all(a.date is not None and a.title for a in library.store.articles)


def test_a_refetch_sends_the_validators_and_a_304_costs_nothing(server, tmp_path) -> None:
    feed = Feed(server.url("/feeds/TechCrunch.xml"), name="tc")
    [first] = _fetch(server, tmp_path, feed)
    assert first.status == "ok" and first.new == 20
    [again] = _fetch(server, tmp_path, feed)
    assert again.status == "not-modified" and again.new == 0
    sent = server.headers_of("/feeds/TechCrunch.xml")[-1]
    assert sent["if-none-match"].startswith('"') and sent["if-modified-since"] == \
        "Wed, 01 Nov 2023 10:00:00 GMT"
    assert sent["user-agent"].startswith("newstui/")
    assert len(_files(tmp_path)) == 20


def test_an_updated_item_is_rewritten_in_place_and_keeps_its_state(server, tmp_path) -> None:
    path = "/crafted"
    server.versions[path] = rss("<item><title>First version</title><guid>g1</guid>"
                                "<description>old text</description></item>"
                                "<item><title>Other</title><guid>g2</guid>"
                                "<description>same</description></item>")
    feed = Feed(server.url(path), name="crafted")
    [first] = _fetch(server, tmp_path, feed)
    assert (first.new, first.updated) == (2, 0)
    library = Library([str(tmp_path / "news")])
    library.load(full=True)
    old = next(a for a in library.store.articles if a.title == "First version")
    server.versions[path] = rss("<item><title>Second version</title><guid>g1</guid>"
                                "<description>new text</description></item>"
                                "<item><title>Other</title><guid>g2</guid>"
                                "<description>same</description></item>")
    [second] = _fetch(server, tmp_path, feed)
    assert (second.status, second.new, second.updated) == ("ok", 0, 1)
    assert len(_files(tmp_path)) == 2
    library = Library([str(tmp_path / "news")])
    library.load(full=True)
    new = next(a for a in library.store.articles if a.title == "Second version")
    assert new.path == old.path and new.digest == old.digest  # read/star state survives
    assert "new text" in " ".join(read_full(new).body)


def test_errors_are_one_line_each_and_never_hold_the_others(server, tmp_path) -> None:
    feeds = [Feed(server.url(p), name=p) for p in
             ("/slow", "/500", "/404", "/html", "/broken", "/endless", "/to-file")]
    feeds.append(Feed("http://127.0.0.1:9/", name="refused"))  # the discard port: closed
    feeds.append(Feed(server.url("/feeds/SamRuby.xml"), name="good"))
    start = time.monotonic()
    results = {r.feed: r for r in _fetch(server, tmp_path, *feeds, deadline=2.0,
                                         max_bytes=2 * 1024 * 1024)}
    assert time.monotonic() - start < 8
    assert results["good"].status == "ok" and results["good"].new == 20
    expected = {"/slow": "within 2 s", "/500": "HTTP 500", "/404": "HTTP 404",
                "/html": "HTML page", "/broken": "not a feed", "/endless": "larger than 2 MB",
                "/to-file": "not http(s)", "refused": "cannot connect"}
    for name, words in expected.items():
        result = results[name]
        assert result.status == "error" and words in (result.error or ""), (name, result.error)
        assert "\n" not in (result.error or "")


def test_retry_after_is_respected(server, tmp_path) -> None:
    feed = Feed(server.url("/429"), name="busy")
    [first] = _fetch(server, tmp_path, feed)
    assert first.status == "error" and "retry after 120 s" in (first.error or "")
    [second] = _fetch(server, tmp_path, feed)
    assert "skipped" in (second.error or "")
    assert len(server.headers_of("/429")) == 1  # the second fetch did not ask
    assert retry_after("30") == 30 and retry_after("junk") == 0
    assert 0 < retry_after("Wed, 21 Oct 2099 07:28:00 GMT") <= 24 * 3600


def test_redirects_gzip_and_a_permanent_move(server, tmp_path) -> None:
    results = {r.feed: r for r in _fetch(
        server, tmp_path, Feed(server.url("/moved"), name="moved"),
        Feed(server.url("/found"), name="found"), Feed(server.url("/gzip"), name="gzip"))}
    assert results["moved"].status == "ok" and results["moved"].moved_to == \
        server.url("/feeds/json_feed.json")
    assert results["found"].status == "ok" and results["found"].moved_to is None
    assert results["gzip"].status == "ok" and results["gzip"].new == 20
    assert "gzip" in server.headers_of("/gzip")[0]["accept-encoding"]


@pytest.mark.parametrize("path", ["/laughs", "/xxe"])
def test_entities_are_never_expanded_nor_fetched(server, tmp_path, path) -> None:
    [result] = _fetch(server, tmp_path, Feed(server.url(path), name="x"))
    for file in _files(tmp_path):
        text = file.read_text()
        assert "lollollol" not in text and "root:" not in text
        assert len(text) < 10_000
    assert result.status in ("ok", "error")


def test_hostile_items_land_sanitised_inside_the_news_folder(server, tmp_path) -> None:
    [result] = _fetch(server, tmp_path, Feed(server.url("/hostile"), full_text=True))
    assert result.status == "ok" and result.new == 2
    news = (tmp_path / "news").resolve()
    files = _files(tmp_path)
    assert len(files) == 2 and all(f.resolve().is_relative_to(news) for f in files)
    assert all(f.parent.parent == news for f in files)  # one folder per feed, hashed names
    for file in files:
        text = file.read_text()
        assert "\x1b" not in text and "\x07" not in text
        assert "file:///etc/passwd" not in text and "javascript:" not in text
        assert "alert(1)" not in text
    assert not any(p.startswith("/etc") for p, _ in server.requests)
    library = Library([str(tmp_path / "news")])
    library.load(full=True)
    titles = sorted(a.title for a in library.store.articles)
    assert titles[1].startswith("Evil") and "[bold]x[/bold]" in titles[1]


def test_full_text_fetches_each_page_once_and_only_over_http(server, tmp_path) -> None:
    feed = Feed(server.url("/summaries"), name="sums", full_text=True)
    [result] = _fetch(server, tmp_path, feed)
    assert result.status == "ok" and result.new == 4
    pages = [p for p, _ in server.requests if p.startswith("/page/")]
    assert sorted(pages) == ["/page/0", "/page/1", "/page/2"]
    library = Library([str(tmp_path / "news")])
    library.load(full=True)
    story = next(a for a in library.store.articles if a.title == "Story 1")
    body = read_full(story)
    text = " ".join(body.body) + body.markdown
    assert "Paragraph 11 of the full story" in text and "Only a summary" not in text
    assert "Home | World" not in text and "var x" not in text
    local = next(a for a in library.store.articles if a.title == "Local file")
    assert "summary" in " ".join(read_full(local).body)
    _fetch(server, tmp_path, feed)
    assert len([p for p, _ in server.requests if p.startswith("/page/")]) == 3


def test_cancelling_stops_every_download_at_once(server, tmp_path) -> None:
    feeds = [Feed(server.url("/slow"), name=f"slow{i}") for i in range(4)]
    start = time.monotonic()
    results = _fetch(server, tmp_path, *feeds, cancelled=lambda: time.monotonic() - start > 0.3)
    assert time.monotonic() - start < 2
    assert all(r.status == "error" for r in results)


def test_at_most_two_requests_per_host_at_once(server, tmp_path) -> None:
    feeds = [Feed(server.url("/slow") + f"?{i}", name=f"s{i}") for i in range(5)]
    start = time.monotonic()
    _fetch(server, tmp_path, *feeds, deadline=0.6, jobs=8)
    took = time.monotonic() - start
    # 5 slow feeds, 2 at a time, each cut at 0.6 s: three rounds.
    assert took >= 1.6, took
