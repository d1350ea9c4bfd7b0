"""Feed documents to items: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and RDF with fastfeedparser
(a compiled core, ~30x faster than feedparser on the shared feeds), and with feedparser for
what it cannot read; JSON Feed 1.0/1.1 with the standard ``json`` module (neither reads it).

A feed with recoverable errors (feedparser's ``bozo``) is still read; only a document with
nothing usable is an error, with a one-line reason. The document type declaration is
removed first, so no entity is expanded and nothing outside the document is read.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from newstui.model.corpus.sanitize import clean_line
from newstui.model.feeds.opml import strip_doctype

_TAGS = re.compile(r"<[^>]*>")
MAX_ITEMS = 2000  # of one document: a real feed has tens


class FeedError(Exception):
    """A document that is not a usable feed, with a one-line reason."""


@dataclass
class Item:
    """One feed item, its text fields sanitised to one line; ``html`` is the item's body as
    the feed gives it (content, else summary), to be converted to text."""

    guid: str = ""
    link: str = ""
    title: str = ""
    published: dt.datetime | None = None
    author: str = ""
    categories: list[str] = field(default_factory=list)
    html: str = ""
    is_html: bool = True


@dataclass
class Document:
    """A parsed feed: its title and link, its items, and a note when it had recoverable
    errors."""

    title: str = ""
    link: str = ""
    items: list[Item] = field(default_factory=list)
    note: str = ""


def parse_document(data: bytes, content_type: str = "", url: str = "") -> Document:
    """The feed in ``data``; :class:`FeedError` if it holds none."""
    head = data[:512].lstrip().lower()
    if "json" in content_type.lower() or head.startswith(b"{"):
        return parse_json_feed(data)
    return _parse_xml(data, content_type, url)


def _text(value: object) -> str:
    """A title or name from a feed: tags and entities taken out, one clean line."""
    text = str(value or "")
    if "<" in text:
        text = _TAGS.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return clean_line(text)


def _parse_xml(data: bytes, content_type: str, url: str) -> Document:
    data = strip_doctype(data.lstrip())
    fast = _parse_fast(data)
    return fast if fast is not None else _parse_slow(data, content_type, url)


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))


def _parse_fast(data: bytes) -> Document | None:
    """The feed as fastfeedparser reads it; None when it cannot (feedparser then tries).

    Control characters are not allowed in XML: its parser then recovers by dropping markup
    around them, so such a document goes to feedparser, which reads it as written."""
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return None
    try:
        import fastfeedparser
    except ImportError:
        return None
    try:
        parsed = fastfeedparser.parse(data)  # bytes: never a URL to fetch
    except Exception:  # anything it cannot read goes to feedparser, which reads more
        return None
    feed = parsed.get("feed") or {}
    entries = parsed.get("entries") or []
    if not entries:
        return None  # an empty or truncated feed: feedparser says which
    return Document(title=_text(feed.get("title")), link=str(feed.get("link") or ""),
                    items=[_fast_entry(e) for e in entries[:MAX_ITEMS]])


def _fast_entry(entry: Any) -> Item:
    content = entry.get("content") or []
    body, is_html = "", True
    if content and isinstance(content, list):
        chosen = next((c for c in content if "html" in str(c.get("type", ""))), content[0])
        body = str(chosen.get("value") or "")
        is_html = "plain" not in str(chosen.get("type") or "html")
    if not body:
        body = str(entry.get("description") or "")
    tags = [_text(t.get("term") if isinstance(t, dict) else t) for t in entry.get("tags") or []]
    return Item(guid=str(entry.get("id") or "").strip(), link=str(entry.get("link") or ""),
                title=_text(entry.get("title")),
                published=_iso(entry.get("published") or entry.get("updated")),
                author=_text(entry.get("author")), categories=[t for t in tags if t],
                html=body, is_html=is_html)


def _parse_slow(data: bytes, content_type: str, url: str) -> Document:
    import feedparser  # only when fetching, for feeds fastfeedparser cannot read

    headers = {"content-type": content_type or "application/xml"}
    if url:
        headers["content-location"] = url
    # A stream, never bytes or a string: feedparser opens a string that looks like a URL
    # or a file name.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers,
                              sanitize_html=False, resolve_relative_uris=True)
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    if not entries and not feed.get("title"):
        if parsed.get("bozo"):
            reason = str(parsed.get("bozo_exception") or "not a feed").splitlines()[0]
            if head_is_html(data):
                raise FeedError("an HTML page, not a feed")
            raise FeedError(f"not a feed: {clean_line(reason)[:160]}")
        if not parsed.get("version"):
            raise FeedError("an HTML page, not a feed" if head_is_html(data) else
                            "not a feed (no RSS, Atom or RDF root element)")
    items = [_entry(entry) for entry in entries[:MAX_ITEMS]]
    note = ""
    if parsed.get("bozo"):
        note = f"recoverable errors: {clean_line(str(parsed.get('bozo_exception')))[:120]}"
    return Document(title=_text(feed.get("title")), link=str(feed.get("link") or ""),
                    items=items, note=note)


def head_is_html(data: bytes) -> bool:
    """True when ``data`` starts like an HTML page."""
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:300]


def _entry(entry: Any) -> Item:
    content = entry.get("content") or []
    body, is_html = "", True
    if content:
        # Prefer the HTML version when a feed gives several.
        chosen = next((c for c in content if "html" in str(c.get("type", ""))), content[0])
        body = str(chosen.get("value") or "")
        is_html = "plain" not in str(chosen.get("type", "html"))
    elif entry.get("summary"):
        body = str(entry.get("summary") or "")
        detail = entry.get("summary_detail") or {}
        is_html = "plain" not in str(detail.get("type", "html"))
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    published = None
    if stamp:
        try:
            published = dt.datetime.fromtimestamp(time.mktime(stamp) - time.timezone,
                                                  tz=dt.UTC)
        except (OverflowError, ValueError, OSError):
            published = None
    tags = [_text(t.get("term") or t.get("label")) for t in entry.get("tags") or []]
    return Item(guid=str(entry.get("id") or "").strip(), link=str(entry.get("link") or ""),
                title=_text(entry.get("title")), published=published,
                author=_text(entry.get("author")), categories=[t for t in tags if t],
                html=body, is_html=is_html)


def parse_json_feed(data: bytes) -> Document:
    """A JSON Feed 1.0/1.1 document."""
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedError(f"not valid JSON: {str(exc).splitlines()[0][:120]}") from None
    if not isinstance(feed, dict) or not isinstance(feed.get("items", []), list):
        raise FeedError("not a JSON Feed (no items list)")
    version = str(feed.get("version", ""))
    if "jsonfeed.org" not in version and "items" not in feed:
        raise FeedError("not a JSON Feed")
    items = [_json_item(x) for x in feed.get("items", [])[:MAX_ITEMS] if isinstance(x, dict)]
    return Document(title=_text(feed.get("title")), link=str(feed.get("home_page_url") or ""),
                    items=items)


def _json_item(item: dict[str, Any]) -> Item:
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict)
                                      else [])
    author = ", ".join(_text(a.get("name")) for a in authors if isinstance(a, dict)
                       and a.get("name"))
    body, is_html = str(item.get("content_html") or ""), True
    if not body:
        body, is_html = str(item.get("content_text") or item.get("summary") or ""), False
    raw_tags = item.get("tags")
    tags = [_text(t) for t in raw_tags if isinstance(t, str)] if isinstance(raw_tags, list) \
        else []
    return Item(guid=str(item.get("id") or "").strip(), link=str(item.get("url") or ""),
                title=_text(item.get("title")),
                published=_iso(item.get("date_published") or item.get("date_modified")),
                author=author, categories=[t for t in tags if t], html=body, is_html=is_html)


def _iso(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
