"""Reading state: durable, atomic, shared safely, and never fatal when the file is bad."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from newstui.model.user.state import ReadingState, default_state_path


def test_read_star_saved_survive_reopen(tmp_path) -> None:
    path = tmp_path / "s" / "state.db"
    state = ReadingState(path)
    state.set_read(["a", "b"])
    assert state.toggle_star("a") is True
    state.save_search("korea", 'tag:"north korea"')
    assert state.toggle_read("b") is False
    state.close()
    again = ReadingState(path)
    assert again.read == {"a"} and again.starred == {"a"}
    assert again.saved == {"korea": 'tag:"north korea"'}
    assert again.problems == []


def test_corrupt_file_is_moved_aside(tmp_path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"this is not a database" * 100)
    state = ReadingState(path)
    assert state.read == set()
    assert "moved it to" in state.problems[0]
    assert list(tmp_path.glob("state.db.corrupt-*"))
    state.set_read(["x"])
    assert ReadingState(path).read == {"x"}


def test_unwritable_location_falls_back_to_memory(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    state = ReadingState(blocker / "state.db")  # a path under a regular file cannot be created
    assert state.problems and "will not be saved" in state.problems[0]
    state.set_read(["a"])
    assert state.read == {"a"}


def test_env_var_sets_default_path(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NEWSTUI_STATE", str(tmp_path / "x.db"))
    assert default_state_path() == tmp_path / "x.db"


WRITER = """
import sys
from newstui.model.user.state import ReadingState
state = ReadingState(sys.argv[1])
i = 0
while True:
    state.set_read([f"k{i}-{j}" for j in range(50)])
    state.toggle_star(f"k{i}-0")
    i += 1
"""


def test_kill_9_during_writes_never_corrupts(tmp_path) -> None:
    path = tmp_path / "state.db"
    counts = []
    for _ in range(25):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)])
        time.sleep(0.15 + (len(counts) % 5) * 0.03)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        state = ReadingState(path)
        assert state.problems == []
        # Batches are atomic: every batch of 50 is all there or not at all.
        batches: dict[str, int] = {}
        for key in state.read:
            batches[key.split("-")[0]] = batches.get(key.split("-")[0], 0) + 1
        assert set(batches.values()) <= {50}
        counts.append(len(state.read))
        state.close()
    assert counts == sorted(counts) and counts[-1] > 0


def test_two_processes_share_one_file(tmp_path) -> None:
    path = tmp_path / "state.db"
    script = ("import sys\nfrom newstui.model.user.state import ReadingState\n"
              "s = ReadingState(sys.argv[1])\n"
              "for i in range(200):\n    s.set_read([f'{sys.argv[2]}{i}'])\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), tag])
             for tag in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    state = ReadingState(path)
    assert len(state.read) == 400 and state.problems == []


def test_locked_file_is_never_moved_aside(tmp_path, monkeypatch) -> None:
    path = tmp_path / "state.db"
    ReadingState(path).set_read(["kept"])
    real = ReadingState._connect

    def locked(self, where):
        if where != ":memory:":
            raise sqlite3.OperationalError("database is locked")
        return real(self, where)

    monkeypatch.setattr(ReadingState, "_connect", locked)
    monkeypatch.setattr("newstui.model.user.state.time.sleep", lambda s: None)
    state = ReadingState(path)
    assert "will not be saved" in state.problems[0]
    assert not list(tmp_path.glob("*.corrupt-*"))
    monkeypatch.undo()
    assert ReadingState(path).read == {"kept"}
