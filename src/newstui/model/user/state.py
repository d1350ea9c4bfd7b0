"""Reading state: read/unread, starred articles and saved searches, kept durably in SQLite.

Articles are keyed by their content digest (a hash of the file's bytes), so state survives
renaming or moving the corpus folder. Every change is committed at once in WAL mode: a
``kill -9`` at any moment leaves the last committed state intact, and several newstui
processes can share one state file. A file that is not a readable database is moved aside
and newstui starts with empty state instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from platformdirs import user_state_dir

from newstui.model.untrusted import move_aside

SCHEMA = """
CREATE TABLE IF NOT EXISTS read (key TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS starred (key TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS saved (name TEXT PRIMARY KEY, query TEXT NOT NULL, at REAL NOT NULL);
"""


COLUMNS = {"read": ("key", "at"), "starred": ("key", "at"), "saved": ("name", "query", "at")}


def _foreign_schema(db: sqlite3.Connection) -> str | None:
    """Why ``db`` is not a newstui state file (a table of another shape), or None."""
    for table, wanted in COLUMNS.items():
        have = tuple(row[1] for row in db.execute(f"PRAGMA table_info({table})"))
        if have[: len(wanted)] != wanted:
            return f"table {table} has columns {', '.join(have) or 'none'}, not {', '.join(wanted)}"
    return None


def default_state_path() -> Path:
    """``$NEWSTUI_STATE``, else ``$XDG_STATE_HOME/newstui/state.db``."""
    if env := os.environ.get("NEWSTUI_STATE"):
        return Path(env).expanduser()
    return Path(user_state_dir("newstui", appauthor=False)) / "state.db"


class ReadingState:
    """Read and starred sets and saved searches, mirrored in memory and saved on each change.

    Thread-safe: the app changes state on its event loop while search workers read it.
    ``problems`` lists what went wrong opening the file (shown to the user once).
    """

    def __init__(self, path: Path | str | None) -> None:
        self.path = Path(path) if path is not None else None
        self.problems: list[str] = []
        self._lock = threading.Lock()
        self.read: set[str] = set()
        self.starred: set[str] = set()
        self.saved: dict[str, str] = {}
        self._db = self._open()
        self._reload()

    # -- opening -------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return self._connect(":memory:")
        for attempt in range(5):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = self._connect(str(self.path))
                if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise sqlite3.DatabaseError("integrity check failed")
                if (foreign := _foreign_schema(db)) is not None:
                    db.close()
                    raise sqlite3.DatabaseError(foreign)
                return db
            except sqlite3.OperationalError as exc:
                # Busy or locked is another newstui at work, not damage: never move the
                # file aside for it. Wait a little, then go on without saving.
                if attempt < 4 and ("locked" in str(exc) or "busy" in str(exc)):
                    time.sleep(0.2 * (attempt + 1))
                    continue
                self.problems.append(f"cannot use state file {self.path}: {exc}; reading "
                                     "state will not be saved this session")
                return self._connect(":memory:")
            except sqlite3.DatabaseError as exc:
                return self._set_aside(exc)
            except OSError as exc:
                self.problems.append(f"cannot use state file {self.path}: {exc.strerror}; "
                                     "reading state will not be saved this session")
                return self._connect(":memory:")
        raise AssertionError("unreachable")  # the last attempt always returns

    def _connect(self, where: str) -> sqlite3.Connection:
        db = sqlite3.connect(where, timeout=10, isolation_level=None, check_same_thread=False)
        if where != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
        db.executescript(SCHEMA)
        return db

    def _set_aside(self, error: Exception) -> sqlite3.Connection:
        assert self.path is not None
        try:
            aside = move_aside(self.path)
            self.problems.append(f"state file {self.path} was unreadable ({error}); moved it to "
                                 f"{aside} and started with empty state")
            return self._connect(str(self.path))
        except (OSError, sqlite3.DatabaseError) as exc:
            self.problems.append(f"state file {self.path} is unreadable ({error}) and could not "
                                 f"be moved aside ({exc}); reading state will not be saved")
            return self._connect(":memory:")

    def _reload(self) -> None:
        with self._lock:
            self.read = {k for (k,) in self._db.execute("SELECT key FROM read")}
            self.starred = {k for (k,) in self._db.execute("SELECT key FROM starred")}
            self.saved = dict(self._db.execute("SELECT name, query FROM saved ORDER BY name"))

    # -- changes (each one committed before returning) -----------------------------------------
    def _write(self, sql: str, rows: Iterable[tuple[object, ...]]) -> None:
        # One explicit transaction per change: in autocommit mode ``with connection`` would
        # commit row by row, and a kill -9 could then leave half a "mark all read".
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(sql, rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self.problems.append(f"could not save reading state: {exc}")

    def set_read(self, keys: Iterable[str], read: bool = True) -> None:
        """Mark ``keys`` read (or unread)."""
        keys = list(keys)
        now = time.time()
        with self._lock:
            if read:
                self.read.update(keys)
            else:
                self.read.difference_update(keys)
        if read:
            self._write("INSERT OR REPLACE INTO read VALUES (?, ?)", ((k, now) for k in keys))
        else:
            self._write("DELETE FROM read WHERE key = ?", ((k,) for k in keys))

    def toggle_read(self, key: str) -> bool:
        """Flip one article's read mark; return the new value."""
        now_read = key not in self.read
        self.set_read([key], now_read)
        return now_read

    def toggle_star(self, key: str) -> bool:
        """Flip one article's star; return the new value."""
        with self._lock:
            starred = key not in self.starred
            (self.starred.add if starred else self.starred.discard)(key)
        if starred:
            self._write("INSERT OR REPLACE INTO starred VALUES (?, ?)", [(key, time.time())])
        else:
            self._write("DELETE FROM starred WHERE key = ?", [(key,)])
        return starred

    def save_search(self, name: str, query: str) -> None:
        """Save ``query`` under ``name`` (replacing one of the same name)."""
        with self._lock:
            self.saved[name] = query
        self._write("INSERT OR REPLACE INTO saved VALUES (?, ?, ?)", [(name, query, time.time())])

    def delete_search(self, name: str) -> None:
        """Forget the saved search ``name``."""
        with self._lock:
            self.saved.pop(name, None)
        self._write("DELETE FROM saved WHERE name = ?", [(name,)])

    # -- reading -------------------------------------------------------------------------------
    def keys(self, which: str) -> frozenset[str]:
        """A snapshot of the ``read`` or ``starred`` keys, safe to use from another thread."""
        with self._lock:
            return frozenset(self.read if which == "read" else self.starred)

    def close(self) -> None:
        """Close the database (every change is already committed)."""
        self._db.close()
