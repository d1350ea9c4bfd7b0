"""Drive the real newstui in tmux and time what a user sees.

Usage: python benchmarks/bench_tmux.py [--corpus DIR ...] [--steps 40]

For each corpus (default: the bundled seeds): time from launch to the first headlines on
screen, then keystroke-to-screen latency for moving down the list (j), for the next article
while reading (J), and for typing a filter query. Latency is measured by polling
``tmux capture-pane`` (over one control-mode client, ~0.5 ms a poll) until the screen shows
the change. Prints a Markdown table with min / median / p95 / max in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

from newstui.model.library import Library
from newstui.model.search.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 200, 50
QUERIES = ["north korea", "kim", "ukrane", "putin arms"]
BUSY = ("loading", "checking files", "reading details", "indexing bodies")  # passes running
NEWSTUI = str(Path(sys.executable).with_name("newstui"))


class Screen:
    """A private tmux server running one newstui, driven through one control-mode client.

    Keys and screen captures go over the control client's pipe (``tmux -C``) instead of a
    new ``tmux`` process per command: spawning one costs ~2–3 ms on this machine, which both
    blurred every figure and took CPU from the app while polling.
    """

    def __init__(self, width: int, height: int) -> None:
        self.socket = f"bench-{uuid.uuid4().hex[:6]}"
        self.size = (width, height)
        self.control: subprocess.Popen[str] | None = None

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True).stdout

    def start(self, command: str) -> float:
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env |= {"TERM": "xterm-256color", "LANG": "C.UTF-8"}
        start = time.perf_counter()
        subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d",
                        "-x", str(self.size[0]), "-y", str(self.size[1]), command],
                       env=env, check=True)
        return start

    def _command(self, line: str) -> list[str]:
        """Run one tmux command over the control client; return its output lines."""
        if self.control is None:
            self.tmux("set-option", "-g", "window-size", "manual")  # a client must not resize
            self.control = subprocess.Popen(
                ["tmux", "-u", "-L", self.socket, "-C", "attach"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1,
                encoding="utf-8", errors="replace", env={**os.environ, "LANG": "C.UTF-8"})
            self._response()  # the attach command's own (empty) response comes first
            self._command("refresh-client -f no-output")  # no copy of the app's output
        assert self.control.stdin is not None
        self.control.stdin.write(line + "\n")
        self.control.stdin.flush()
        return self._response()

    def _response(self) -> list[str]:
        """Lines of the next ``%begin`` ... ``%end`` block (notifications are skipped)."""
        assert self.control is not None and self.control.stdout is not None
        lines: list[str] | None = None
        while True:
            got = self.control.stdout.readline()
            if not got:
                raise RuntimeError("the tmux control client went away")
            got = got.rstrip("\n")
            if got.startswith("%begin"):
                lines = []
            elif got.startswith(("%end", "%error")) and lines is not None:
                return lines
            elif lines is not None:
                lines.append(got)

    def capture(self) -> str:
        return "\n".join(self._command("capture-pane -p"))

    def wait(self, test: Callable[[str], bool], timeout: float = 120) -> float:
        start = time.perf_counter()
        deadline = start + timeout
        while (now := time.perf_counter()) < deadline:
            if test(self.capture()):
                return time.perf_counter()
            # Every capture costs the tmux server a render: polling every 0.5 ms through a
            # wait of minutes took most of a core from the app (on 2 cores, the 1M body pass
            # measured ~300 s where the same load in one process took 200 s). The interval
            # grows with the wait, so the error stays under ~0.2% of what is measured.
            time.sleep(min(0.1, max(0.0005, (now - start) / 500)))
        raise TimeoutError("screen did not change")

    def key(self, key: str, literal: bool = False) -> float:
        t = time.perf_counter()
        quoted = "'" + key.replace("'", "'\\''") + "'" if literal else key
        self._command(f"send-keys {'-l ' if literal else ''}{quoted}")
        return t

    def close(self) -> None:
        if self.control is not None:
            self.control.kill()
            self.control.wait()
        self.tmux("kill-server")


def cursor_row(screen: str) -> str:
    return next((line for line in screen.splitlines() if line.startswith("▌")), "")


def article_title(screen: str) -> str:
    lines = screen.splitlines()
    return lines[1][lines[1].find("▕"):] if len(lines) > 1 else ""


def stats(values: list[float]) -> tuple[float, float, float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return min(ordered), statistics.median(ordered), p95, max(ordered)


def bench(corpus: str, steps: int, launches_n: int = 5) -> list[tuple[str, list[float]]]:
    rows: list[tuple[str, list[float]]] = []
    # A header cache of this run's own, empty: each of these launches is stopped before its
    # load ends, so none of them fills it and every one is a first launch.
    os.environ["NEWSTUI_CACHE"] = tempfile.mkdtemp(prefix="bench-cache-")
    rows.append(("launch to first headlines (first time: no header cache)",
                 launches(corpus, launches_n)))
    # The expected count of each prefix, from the same engine, tells when the list is done.
    # Bodies indexed, as in the app once loading is done; loaded before the app starts, so
    # that this process does not compete with the app for the cores while it is timed.
    store = Library([corpus]).load(full=True).store
    engine = Engine(store)
    screen = Screen(WIDTH, HEIGHT)
    screen.start(f"{NEWSTUI} --state /tmp/bench-state-{uuid.uuid4().hex}.db {corpus}")
    # Every pass over (the count line names none), or the keys would be timed against them.
    screen.wait(lambda s: "▌" in s and not any(b in s.splitlines()[0] for b in BUSY),
                timeout=900)
    time.sleep(0.5)
    rows.append(("list: j (cursor moves, article follows)",
                 key_latencies(screen, "j", cursor_row, steps)))
    for _ in range(HEIGHT):  # to the last row on screen: from here every j scrolls the list
        screen.key("j")
    time.sleep(0.5)
    rows.append(("list: j at the bottom edge (the list scrolls)",
                 key_latencies(screen, "j", cursor_row, steps)))
    screen.key("Enter")
    time.sleep(0.3)
    rows.append(("article: J (next article on screen)",
                 key_latencies(screen, "J", article_title, steps)))
    screen.key("Escape")
    time.sleep(0.4)
    screen.key("/")
    time.sleep(0.2)
    typing = []
    for query in QUERIES:
        typed = ""
        for char in query:
            typed += char
            expected = f"{len(engine.search(typed).doc_ids):,} of {len(store):,}"
            t = screen.key(char, literal=True)
            if char == " ":
                time.sleep(0.2)  # a trailing space changes nothing on screen: not timed
                continue
            typing.append((screen.wait(lambda s, q=typed, e=expected: q in s.splitlines()[0]
                                       and e in s.splitlines()[0]) - t) * 1000)
        screen.key("Escape")  # clears the query; the next one starts from an empty bar
        total = f"{len(store):,} of {len(store):,}"
        screen.wait(lambda s, e=total: e in s.splitlines()[0])
        time.sleep(0.3)
    rows.append(("filter: keystroke to updated list and count", typing))
    screen.close()
    # That session ran to the end of its load, so the header cache is filled now.
    rows.append(("launch to first headlines (again: header cache filled)",
                 launches(corpus, launches_n)))
    return rows


def key_latencies(screen: Screen, key: str, probe: Callable[[str], str],
                  steps: int) -> list[float]:
    """Milliseconds from ``key`` to ``probe`` (what the key changes) showing something new
    and non-empty on screen, ``steps`` times."""
    out = []
    for _ in range(steps):
        before = probe(screen.capture())
        t = screen.key(key)
        out.append((screen.wait(lambda s, b=before: probe(s) not in ("", b)) - t) * 1000)
    return out


def launches(corpus: str, n: int) -> list[float]:
    """Milliseconds from starting newstui to a selected headline on screen, ``n`` times."""
    out = []
    for _ in range(n):
        screen = Screen(WIDTH, HEIGHT)
        start = screen.start(f"{NEWSTUI} --state /tmp/bench-state-{uuid.uuid4().hex}.db "
                             f"{corpus}")
        out.append((screen.wait(lambda s: "▌" in s) - start) * 1000)
        screen.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", action="append", default=[])
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    corpora = args.corpus or [str(ROOT / "seeds")]
    print(f"Machine: {describe()}\n")
    print("| corpus | measure | n | min ms | median ms | p95 ms | max ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for corpus in corpora:
        for name, values in bench(corpus, args.steps):
            lo, med, p95, hi = stats(values)
            print(f"| {Path(corpus).name} | {name} | {len(values)} | {lo:.0f} | {med:.0f} | "
                  f"{p95:.0f} | {hi:.0f} |", flush=True)


if __name__ == "__main__":
    main()
