"""Fetch state in ``feeds.db`` (SQLite, WAL): per feed its validators (``ETag`` and
``Last-Modified`` exactly as received), last fetch, status and error, a ``Retry-After``
time, a permanent redirect; per item the file it became and a hash of what was written.

The durability rules of the reading state, but for ``synchronous=NORMAL``: one transaction
per feed; a file that is corrupt (or not ours) is moved aside and the next fetch downloads
everything again.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from newstui.model.untrusted import move_aside

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, last_fetch REAL, last_status TEXT,
    last_error TEXT, retry_after REAL, moved_from TEXT, title TEXT, folder TEXT);
CREATE TABLE IF NOT EXISTS items (
    feed TEXT NOT NULL, key TEXT NOT NULL, file TEXT NOT NULL, hash TEXT NOT NULL,
    first_seen REAL NOT NULL, PRIMARY KEY (feed, key));
"""


@dataclass
class FeedRecord:
    """What was remembered of one feed's last fetch."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_fetch: float | None = None
    last_status: str | None = None
    last_error: str | None = None
    retry_after: float | None = None
    moved_from: str | None = None
    title: str | None = None
    folder: str | None = None  # the feed's folder in the news folder, kept across moves


@dataclass(frozen=True)
class Seen:
    """An item already written: its file (relative to the news folder), content hash and
    when it was first seen (its date when the feed gives none)."""

    file: str
    hash: str
    first_seen: float


class FetchState:
    """The fetch state file, or one in memory (``path`` None). Thread-safe."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.problems: list[str] = []
        self._lock = threading.Lock()
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return self._connect(":memory:")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._connect(str(self.path))
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            columns = {row[1] for row in db.execute("PRAGMA table_info(feeds)")}
            if "etag" not in columns:
                raise sqlite3.DatabaseError("not a newstui feeds file")
            return db
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                self.problems.append(f"{self.path} is in use: fetch state kept in memory")
                return self._connect(":memory:")
            return self._set_aside(exc)
        except OSError as exc:
            self.problems.append(f"cannot use {self.path}: {exc.strerror}: fetch state kept "
                                 "in memory")
            return self._connect(":memory:")

    def _connect(self, where: str) -> sqlite3.Connection:
        db = sqlite3.connect(where, timeout=10, isolation_level=None, check_same_thread=False)
        if where != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL: a crash of newstui loses nothing; a power cut may lose the last
            # fetches, which then download again. FULL cost 2.6 s of fsyncs for 200 feeds.
            db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
        return db

    def _set_aside(self, error: Exception) -> sqlite3.Connection:
        assert self.path is not None
        try:
            aside = move_aside(self.path)
            self.problems.append(f"{self.path} was unreadable ({error}); moved it to {aside}: "
                                 "every feed is downloaded again")
            return self._connect(str(self.path))
        except (OSError, sqlite3.DatabaseError) as exc:
            self.problems.append(f"{self.path} is unreadable ({error}) and could not be moved "
                                 f"aside ({exc}): fetch state kept in memory")
            return self._connect(":memory:")

    def feed(self, url: str) -> FeedRecord:
        """What is known of the feed at ``url`` (a blank record if nothing)."""
        with self._lock:
            row = self._db.execute(
                "SELECT url, etag, last_modified, last_fetch, last_status, last_error, "
                "retry_after, moved_from, title, folder FROM feeds WHERE url = ?",
                (url,)).fetchone()
        return FeedRecord(*row) if row else FeedRecord(url)

    def seen(self, feed: str) -> dict[str, Seen]:
        """The items of ``feed`` already written, by key."""
        with self._lock:
            rows = self._db.execute("SELECT key, file, hash, first_seen FROM items "
                                    "WHERE feed = ?", (feed,)).fetchall()
        return {key: Seen(file, digest, first) for key, file, digest, first in rows}

    def item_count(self, feed: str) -> int:
        """How many items of ``feed`` have been written."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM items WHERE feed = ?",
                                        (feed,)).fetchone()[0])

    def save(self, record: FeedRecord, items: dict[str, Seen]) -> None:
        """Record one fetch of a feed and the items it wrote, in one transaction."""
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT OR REPLACE INTO feeds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record.url, record.etag, record.last_modified, record.last_fetch,
                 record.last_status, record.last_error, record.retry_after, record.moved_from,
                 record.title, record.folder))
            self._db.executemany(
                "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?)",
                [(record.url, key, s.file, s.hash, s.first_seen) for key, s in items.items()])

    def move(self, old: str, new: str) -> None:
        """The feed at ``old`` moved for good to ``new``: its state and items go with it."""
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM feeds WHERE url = ?", (new,))
            self._db.execute("UPDATE feeds SET url = ? WHERE url = ?", (new, old))
            self._db.execute("UPDATE OR REPLACE items SET feed = ? WHERE feed = ?", (new, old))

    def forget(self, url: str) -> None:
        """Drop what is known of a feed (unsubscribed); its files stay."""
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM feeds WHERE url = ?", (url,))
            self._db.execute("DELETE FROM items WHERE feed = ?", (url,))

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()
