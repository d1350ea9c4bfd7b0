"""OPML 1.0/2.0 import and OPML 2.0 export of subscriptions.

Import: every outline with an ``xmlUrl`` is a feed; the outlines it is nested in become its
tags (as do the comma-separated values of its ``category``). Export writes each feed's
tags as ``category`` and newstui's own settings as extra attributes (``section``,
``fullText``, ``interval``), so that export then import gives the same subscriptions.
A document type declaration is removed before parsing: no entity is ever expanded and
nothing outside the file is read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from newstui.model.corpus.sanitize import clean_line
from newstui.model.durations import format_interval, parse_interval
from newstui.model.feeds.subscriptions import Feed, is_web_url

MAX_OPML = 8 * 1024 * 1024
_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.IGNORECASE | re.DOTALL)


class OpmlError(Exception):
    """An OPML file that cannot be read, with a one-line reason."""


def strip_doctype(data: bytes) -> bytes:
    """``data`` without its document type declaration (and so without entity definitions:
    no billion laughs, no external entities)."""
    return _DOCTYPE.sub(b"", data, count=1) if b"<!DOCTYPE" in data.upper() else data


def import_opml(data: bytes) -> tuple[list[Feed], list[str]]:
    """The feeds of an OPML document and a problem line for each outline left out."""
    if len(data) > MAX_OPML:
        raise OpmlError(f"larger than {MAX_OPML // (1024 * 1024)} MB")
    try:
        root = ET.fromstring(strip_doctype(data))
    except ET.ParseError as exc:
        raise OpmlError(f"not valid OPML (XML): {exc}") from None
    body = root.find("body") if root.tag.lower() == "opml" else None
    if body is None:
        raise OpmlError("not an OPML document (no <opml><body>)")
    feeds: list[Feed] = []
    problems: list[str] = []
    _walk(body, [], feeds, problems)
    return feeds, problems


def _walk(node: ET.Element, folders: list[str], feeds: list[Feed], problems: list[str]) -> None:
    for outline in node.findall("outline"):
        attrs = {k.lower(): v for k, v in outline.attrib.items()}
        label = clean_line(attrs.get("title") or attrs.get("text") or "")
        url = (attrs.get("xmlurl") or "").strip()
        if not url:
            _walk(outline, [*folders, label] if label else folders, feeds, problems)
            continue
        if not is_web_url(url):
            problems.append(f"{label or url!r}: not an http(s) feed address: left out")
            continue
        categories = [c.strip().strip("/") for c in attrs.get("category", "").split(",")]
        tags = [clean_line(t) for t in (*folders, *categories) if t and clean_line(t)]
        interval = parse_interval(attrs["interval"]) if attrs.get("interval") else None
        if not attrs.get("title") and label == Feed(url).label:
            label = ""  # an export of a feed with no name of its own
        feeds.append(Feed(url=url, name=label, tags=tuple(dict.fromkeys(tags)),
                          section=clean_line(attrs.get("section", "")),
                          full_text=attrs.get("fulltext", "").lower() in ("true", "1", "yes"),
                          interval=interval))


def export_opml(feeds: list[Feed], title: str = "newstui subscriptions") -> str:
    """The feeds as an OPML 2.0 document."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attrs = {"type": "rss", "text": feed.label, "xmlUrl": feed.url}
        if feed.name:  # a feed with no name shows its address, and comes back with none
            attrs["title"] = feed.name
        if feed.tags:
            attrs["category"] = ",".join(t.replace(",", " ") for t in feed.tags)
        if feed.section:
            attrs["section"] = feed.section
        if feed.full_text:
            attrs["fullText"] = "true"
        if feed.interval is not None:
            attrs["interval"] = format_interval(feed.interval)
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"
