"""End-to-end helpers: the installed ``newstui`` in a private tmux server, and a private sshd.

These tests need tmux (and sshd/ssh for the SSH test). Where they are missing the tests are
skipped with the reason, except when NEWSTUI_REQUIRE_E2E=1 (set by .ci/run), where a missing
tool is a failure: CI installs them and must run these tests.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

NEWSTUI = str(Path(sys.executable).with_name("newstui"))


def need(tool: str) -> str:
    """The path of ``tool``; skip (or fail in CI) when it is not installed."""
    found = shutil.which(tool) or (tool if os.path.exists(tool) else None)
    if found is None:
        message = f"{tool} is not installed"
        if os.environ.get("NEWSTUI_REQUIRE_E2E") == "1":
            pytest.fail(message + " (NEWSTUI_REQUIRE_E2E=1)")
        pytest.skip(message)
    return found


def cursor_line(screen: str) -> str:
    """The headline row holding the cursor mark ("" while none is drawn)."""
    return next((line for line in screen.splitlines() if line.startswith("▌")), "")


class Tmux:
    """One tmux server on a private socket, running one command in a window."""

    def __init__(self, tmp: Path) -> None:
        self.socket = f"newstui-test-{uuid.uuid4().hex[:8]}"
        self.status = tmp / "status"
        self.tmp = tmp

    def run(self, *args: str) -> str:
        """Run a tmux subcommand on our server."""
        proc = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=20)
        return proc.stdout

    def start(self, command: str, width: int, height: int, env: dict[str, str]) -> None:
        """Start ``command`` in a ``width`` x ``height`` window; its exit status is recorded."""
        # Never the user's own config and reading state: each test gets fresh ones.
        env = {"NEWSTUI_STATE": str(self.tmp / "state.db"),
               "NEWSTUI_CONFIG": str(self.tmp / "config.yaml"),
               "NEWSTUI_CACHE": str(self.tmp / "cache"), **env}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        script = f"{exports} {command}; echo $? > {shlex.quote(str(self.status))}; sleep 30"
        # Textual takes COLUMNS/LINES as a fixed size, and pytest's process has them set.
        clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d",
                        "-x", str(width), "-y", str(height), "sh", "-c", script],
                       check=True, timeout=20, env=clean)
        # Detached sessions follow no client's size: let resize-window set it.
        self.run("set-option", "-g", "window-size", "manual")

    def keys(self, *keys: str) -> None:
        """Send keys (tmux key names, or literal text with ``-l`` semantics for words)."""
        for key in keys:
            if len(key) > 1 and key.isalpha() and key[0].islower() and key not in (
                    "Enter", "Escape", "Tab", "Down", "Up", "End", "Home"):
                self.run("send-keys", "-l", key)
            else:
                self.run("send-keys", key)
                if key == "Escape":
                    # ESC and a key sent together read as Alt+key, as in any terminal.
                    time.sleep(0.3)

    def screen(self) -> str:
        """The visible screen as text."""
        return self.run("capture-pane", "-p")

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        """Wait until ``text`` is on screen; return the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear; screen was:\n{screen}")

    def wait_until(self, predicate, timeout: float = 15.0) -> str:
        """Wait until ``predicate(screen)`` is true; return the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"condition not met; screen was:\n{screen}")

    def exit_status(self, timeout: float = 15.0) -> int:
        """Wait for the command to end and return its exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status.exists() and self.status.read_text().strip():
                return int(self.status.read_text())
            time.sleep(0.05)
        raise AssertionError(f"the command did not exit; screen was:\n{self.screen()}")

    def kill(self) -> None:
        """Stop the server and everything started in it.

        Killing the server hangs up its panes, but a program behind ``script`` or ``ssh``
        has a terminal of its own and would live on: every descendant of a pane is
        terminated too.
        """
        panes = self.run("list-panes", "-a", "-F", "#{pane_pid}").split()
        doomed = descendants({int(p) for p in panes if p.isdigit()})
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       timeout=20)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            alive = [pid for pid in doomed if _signal(pid, sig)]
            deadline = time.monotonic() + 3
            while alive and time.monotonic() < deadline:
                time.sleep(0.05)
                alive = [pid for pid in alive if _signal(pid, 0)]
            if not alive:
                return


def descendants(roots: set[int]) -> list[int]:
    """``roots`` and every process below them."""
    table = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True,
                           timeout=10).stdout.split()
    children: dict[int, list[int]] = {}
    for pid, ppid in zip(table[::2], table[1::2], strict=True):
        children.setdefault(int(ppid), []).append(int(pid))
    found, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _signal(pid: int, sig: int) -> bool:
    """Send ``sig``; True if the process is still running (a zombie counts as gone)."""
    try:
        os.kill(pid, sig)
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False
    except PermissionError:
        return True


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server, killed after the test."""
    need("tmux")
    assert os.path.exists(NEWSTUI), f"the newstui command is not installed at {NEWSTUI}"
    server = Tmux(tmp_path)
    try:
        yield server
    finally:
        server.kill()
