"""Subscriptions: the hand-editable ``feeds.yaml``, read and validated like the config (a
bad entry is reported with its line and the others still work), and written back
atomically by ``newstui feeds add|remove|import``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newstui.model.cache.sealed import write_atomically
from newstui.model.corpus.sanitize import clean_line
from newstui.model.durations import format_interval, parse_interval

MAX_FEEDS_FILE = 4 * 1024 * 1024


@dataclass
class Feed:
    """One subscription. ``interval`` (seconds) is how often it is fetched at most by the
    app's background refresh; None: at every refresh."""

    url: str
    name: str = ""
    tags: tuple[str, ...] = ()
    section: str = ""
    full_text: bool = False
    interval: int | None = None

    @property
    def label(self) -> str:
        """The name, else host and path: how the feed is named in messages and ``fetch
        NAME``."""
        if self.name:
            return self.name
        parts = urlsplit(self.url)
        return clean_line(f"{parts.hostname or ''}{parts.path.rstrip('/')}") or self.url

    def to_yaml(self) -> dict[str, Any]:
        """The entry as written to ``feeds.yaml`` (defaults left out)."""
        entry: dict[str, Any] = {"url": self.url}
        if self.name:
            entry["name"] = self.name
        if self.tags:
            entry["tags"] = list(self.tags)
        if self.section:
            entry["section"] = self.section
        if self.full_text:
            entry["full_text"] = True
        if self.interval is not None:
            entry["interval"] = format_interval(self.interval)
        return entry


@dataclass
class Subscriptions:
    """The feeds of a file, and a one-line problem for each entry that could not be used."""

    feeds: list[Feed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    path: Path | None = None

    def find(self, name: str) -> Feed | None:
        """The feed named ``name`` (case-insensitively), or with that URL."""
        key = name.casefold()
        for feed in self.feeds:
            if feed.label.casefold() == key or feed.url == name:
                return feed
        return None


def _home(env: str, xdg: str, fallback: str, *parts: str) -> Path:
    if value := os.environ.get(env):
        return Path(value).expanduser()
    base = os.environ.get(xdg) or os.path.join(os.path.expanduser("~"), fallback)
    return Path(base, *parts)


def default_feeds_path() -> Path:
    """``$NEWSTUI_FEEDS``, else ``$XDG_CONFIG_HOME/newstui/feeds.yaml``."""
    return _home("NEWSTUI_FEEDS", "XDG_CONFIG_HOME", ".config", "newstui", "feeds.yaml")


def default_news_dir() -> Path:
    """``$NEWSTUI_NEWS``, else ``$XDG_DATA_HOME/newstui/news``: where fetched articles go."""
    return _home("NEWSTUI_NEWS", "XDG_DATA_HOME", ".local/share", "newstui", "news")


def default_feeds_db() -> Path:
    """``$NEWSTUI_FEEDS_DB``, else ``$XDG_STATE_HOME/newstui/feeds.db``: fetch state."""
    return _home("NEWSTUI_FEEDS_DB", "XDG_STATE_HOME", ".local/state", "newstui", "feeds.db")


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host: nothing else is ever fetched."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) \
        and url == url.strip() and not any(c.isspace() or ord(c) < 32 for c in url)


def load_subscriptions(path: Path | None = None) -> Subscriptions:
    """The subscriptions in ``path`` (the default file when None); a missing file is none."""
    from newstui.model.untrusted import read_settings_file

    path = path or default_feeds_path()
    subs = Subscriptions(path=path)
    text, problem = read_settings_file(path, MAX_FEEDS_FILE)
    if problem is not None:
        subs.problems.append(problem)
    return subs if text is None else parse_subscriptions(text, subs)


def parse_subscriptions(text: str, subs: Subscriptions | None = None) -> Subscriptions:
    """Validate YAML ``text``: a list of feed entries (or ``{feeds: [...]}``)."""
    from newstui.model.untrusted import Refused, compose_yaml

    subs = subs or Subscriptions()
    name = str(subs.path or "feeds.yaml")
    try:
        data, root = compose_yaml(text, MAX_FEEDS_FILE)
    except Refused as exc:
        subs.problems.append(f"{name}:{exc.line or 1}: {exc.reason}")
        return subs
    if data is None or root is None:
        return subs
    if isinstance(data, dict) and "feeds" in data:
        root = next(v for k, v in root.value if str(k.value) == "feeds")
        data = data["feeds"]
    if not isinstance(data, list):
        subs.problems.append(f"{name}:{root.start_mark.line + 1}: expected a list of feeds "
                             "(- url: https://...)")
        return subs
    seen: set[str] = set()
    for node, entry in zip(root.value, data, strict=False):
        line = node.start_mark.line + 1
        feed, problem = feed_from(entry)
        if feed is not None and feed.label.casefold() in seen:
            problem = f"a second feed named {feed.label!r}: names must differ"
            feed = None
        if feed is None:
            subs.problems.append(f"{name}:{line}: {problem}; this feed is left out")
            continue
        seen.add(feed.label.casefold())
        subs.feeds.append(feed)
    return subs


def feed_from(entry: object) -> tuple[Feed | None, str]:
    """A feed from one YAML entry, or None and why not."""
    if isinstance(entry, str):
        entry = {"url": entry}
    if not isinstance(entry, dict):
        return None, "an entry must be a mapping with a url"
    url = entry.get("url")
    if not isinstance(url, str) or not is_web_url(url.strip()):
        return None, f"url must be an http(s) address, not {clean_line(str(url))[:80]!r}"
    unknown = sorted(str(k) for k in entry if k not in
                     ("url", "name", "tags", "section", "full_text", "interval"))
    if unknown:
        return None, f"unknown key {unknown[0]!r} (url, name, tags, section, full_text, interval)"
    tags = entry.get("tags") or []
    if isinstance(tags, str):
        tags = [t for t in tags.split(",") if t.strip()]
    if not isinstance(tags, list) or not all(isinstance(t, str | int) for t in tags):
        return None, "tags must be a list of words"
    full = entry.get("full_text", False)
    if not isinstance(full, bool):
        return None, "full_text must be true or false"
    interval = None
    if entry.get("interval") is not None:
        interval = parse_interval(entry["interval"])
        if interval is None:
            return None, f"interval must look like 30m, 2h or 1d, not {entry['interval']!r}"
    return Feed(url=url.strip(), name=clean_line(str(entry.get("name") or "")),
                tags=tuple(dict.fromkeys(clean_line(str(t)) for t in tags if str(t).strip())),
                section=clean_line(str(entry.get("section") or "")), full_text=full,
                interval=interval), ""


def save_subscriptions(path: Path, feeds: list[Feed]) -> None:
    """Write ``feeds`` to ``path`` atomically (a temporary file, then a rename)."""
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    text = ("# newstui subscriptions: one entry per feed (url, name, tags, section, "
            "full_text, interval)\n"
            + yaml.safe_dump([f.to_yaml() for f in feeds], allow_unicode=True,
                             sort_keys=False, default_flow_style=False))
    write_atomically(path, text.encode("utf-8"))
