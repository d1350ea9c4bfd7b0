"""Feed items as article files: Markdown with YAML front matter, which the loader reads
with every field (title, date, source, section, tags, url) and keys by the item's ``guid``
(so read and starred state survive an update of the item).

File and folder names come from hashes and the subscription's own URL, never from feed
text; files are written atomically (a temporary file, then a rename in the same folder),
so a running reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from newstui.model.corpus.sanitize import clean_line
from newstui.model.feeds.documents import Item
from newstui.model.feeds.subscriptions import Feed, is_web_url

_SLUG = re.compile(r"[^a-z0-9]+")


def _hash(*parts: str, size: int = 8) -> str:
    data = "\0".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=size).hexdigest()


def folder_for(feed: Feed) -> str:
    """The feed's folder name: its host (letters, digits and ``-`` only) and a hash of its
    URL, e.g. ``news-example-com-1a2b3c4d``."""
    host = _SLUG.sub("-", (urlsplit(feed.url).hostname or "feed").lower()).strip("-")[:40]
    return f"{host or 'feed'}-{_hash(feed.url, size=4)}"


def item_key(item: Item) -> str:
    """What identifies an item within its feed: the guid, else the link, else title and
    date."""
    if item.guid:
        return f"guid:{item.guid}"
    if item.link:
        return f"link:{item.link}"
    when = item.published.isoformat() if item.published else ""
    return f"title:{item.title}\0{when}"


def file_for(feed_url: str, key: str) -> str:
    """The item's file name (a hash of the feed and the item key)."""
    return f"{_hash(feed_url, key)}.md"


@dataclass(frozen=True)
class Rendered:
    """An item's file text, and a hash of it that says whether it changed."""

    text: str
    hash: str


def render_item(feed: Feed, source: str, item: Item, body: str, key: str,
                first_seen: dt.datetime) -> Rendered:
    """The article file for ``item``: front matter, then the Markdown ``body``."""
    import yaml  # only when fetching

    when = item.published or first_seen
    tags = list(dict.fromkeys(t for t in (*feed.tags, *item.categories) if t))
    meta: dict[str, object] = {
        "title": clean_line(item.title) or "(untitled)",
        "date": when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": clean_line(source),
    }
    # Always a section: the loader would otherwise name one after the feed's hashed folder.
    meta["section"] = clean_line(feed.section) or clean_line(source)
    if tags:
        meta["tags"] = [clean_line(t) for t in tags][:50]
    link = item.link.strip()
    if is_web_url(link):
        meta["url"] = link
    if item.author:
        meta["author"] = clean_line(item.author)
    meta["guid"] = _hash(feed.url, key, size=16)  # the item's stable identity
    meta["feed"] = feed.url
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's: ~10x faster
    head = yaml.dump(meta, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10_000)
    byline = f"*By {clean_line(item.author)}*\n\n" if item.author else ""
    text = f"---\n{head}---\n{byline}{body.strip()}\n"
    return Rendered(text, _hash(text, size=12))
