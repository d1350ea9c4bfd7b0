"""Scale benchmark: the real newstui in tmux on corpora of growing size, first launch (no
caches) and from the caches, beside reading the same files with plain Python in the same run.

Usage: python benchmarks/bench_scale.py benchmarks/corpus-10k benchmarks/corpus-100k ...
       [--no-quit-phases] [--no-plain-read] [--filter-keys 24]
       [--cache DIR (the launch from those caches only)]

For each corpus it reports, from the moment tmux starts newstui: the first headlines on
screen, the whole list (``N of N`` with the list pass over), bodies searchable (neither the
list nor the bodies said to be under way: a first launch reads details after its bodies, a
list from the caches is checked after them), all loaded (no status at all), the peak RSS of
newstui and its worker processes (sampled every 0.2 s), the filter's keystroke-to-screen
p95 once loaded (the count each prefix must show comes from the same caches, loaded here),
and how long ``q`` takes to end the process: at rest, and (first launch) during the list
pass, the details pass and the body pass.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tmux import BUSY, NEWSTUI, Screen
from machine import describe

WIDTH, HEIGHT = 120, 40
QUERIES = ["north korea", "putin", "ukrane"]
LIST_STATUS = "files read"


def plain_read(corpus: str) -> tuple[float, int]:
    """Seconds to list and read every file of ``corpus`` in plain Python (one process)."""
    start = time.perf_counter()
    n = 0
    for folder, _dirs, files in os.walk(corpus):
        for name in files:
            if name.endswith((".txt", ".md")):
                with open(os.path.join(folder, name), "rb") as handle:
                    handle.read()
                n += 1
    return time.perf_counter() - start, n


def _children(pid: int) -> list[int]:
    found = [pid]
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    parents: dict[int, int] = {}
    for entry in entries:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent:
                found.append(child)
                frontier.append(child)
    return found


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and every process under it."""
    total = 0
    for one in _children(pid):
        try:
            with open(f"/proc/{one}/status", encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


class Sampler(threading.Thread):
    """Peak RSS of a process tree, sampled until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, tree_rss(self.pid))
            time.sleep(0.2)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def count_line(screen: str) -> str:
    return screen.splitlines()[0] if screen else ""


class Launch:
    """One newstui in tmux, with its cache folder, timed from its start."""

    def __init__(self, corpus: str, cache: str) -> None:
        os.environ["NEWSTUI_CACHE"] = cache
        self.screen = Screen(WIDTH, HEIGHT)
        state = f"/tmp/bench-state-{uuid.uuid4().hex}.db"
        self.start = self.screen.start(f"exec {NEWSTUI} --state {state} {corpus}")
        self.pid = int(self.screen.tmux("list-panes", "-F", "#{pane_pid}").split()[0])
        self.sampler = Sampler(self.pid)
        self.sampler.start()

    def wait(self, test, timeout: float = 3600) -> float:
        """Seconds from launch until ``test(screen)``."""
        return self.screen.wait(test, timeout=timeout) - self.start

    def quit(self) -> tuple[float, float]:
        """Seconds from ``q`` to the app's process gone, and to every worker gone."""
        workers = _children(self.pid)
        t = self.screen.key("q")
        while alive(self.pid) and time.perf_counter() - t < 60:
            time.sleep(0.005)
        gone = time.perf_counter() - t
        while any(alive(p) for p in workers) and time.perf_counter() - t < 60:
            time.sleep(0.01)
        return gone, time.perf_counter() - t

    def close(self) -> int:
        self.sampler.running = False
        self.sampler.join()
        self.screen.close()
        return self.sampler.peak


def timeline(launch: Launch, total: int) -> dict[str, float]:
    """When the first headlines, the whole list, searchable bodies and the end of loading
    (a list from the caches: its files checked, which comes after its bodies) showed."""
    whole = f"{total:,} of {total:,}"
    out = {"first": launch.wait(lambda s: "▌" in s)}
    out["list"] = launch.wait(lambda s: whole in count_line(s) and LIST_STATUS not in s)
    # Bodies come before details on a first launch (details come from the caches at
    # once): searchable once neither the list nor the bodies are said to be under way.
    listing = ("loading", "indexing bodies")
    out["bodies"] = launch.wait(lambda s: whole in count_line(s)
                                and not any(b in count_line(s) for b in listing))
    out["done"] = launch.wait(lambda s: whole in count_line(s)
                              and not any(b in count_line(s) for b in BUSY))
    return out


def filter_latencies(launch: Launch, corpus: str, keys: int) -> list[float]:
    """Keystroke-to-screen milliseconds while typing the queries (counts from the caches)."""
    from newstui.model.library import Library

    library = Library([corpus])
    library.load()
    engine, total = library.engine, len(library.store)
    screen = launch.screen
    screen.key("/")
    time.sleep(0.3)
    out: list[float] = []
    # The queries again and again up to ``keys`` timed keystrokes (21 a round): a p95 of one
    # round is its second slowest keystroke.
    timed = sum(len(q.replace(" ", "")) for q in QUERIES)
    for query in QUERIES * -(-keys // timed):
        if len(out) >= keys:
            break
        typed = ""
        for char in query:
            typed += char
            if len(out) >= keys:
                break
            expected = f"{len(engine.search(typed).doc_ids):,} of {total:,}"
            t = screen.key(char, literal=True)
            if char == " ":
                time.sleep(0.2)
                continue
            out.append((screen.wait(lambda s, q=typed, e=expected: q in count_line(s)
                                    and e in count_line(s), timeout=120) - t) * 1000)
        screen.key("Escape")
        screen.wait(lambda s, e=f"{total:,} of {total:,}": e in count_line(s), timeout=120)
        time.sleep(0.3)
    screen.key("Escape")
    time.sleep(0.3)
    del library, engine
    return out


def quit_during(corpus: str, total: int, phase: str) -> float | None:
    """Seconds ``q`` takes to end newstui during ``phase`` of a first launch (None if the
    phase was over before it could be caught)."""
    cache = tempfile.mkdtemp(prefix="bench-scale-")
    launch = Launch(corpus, cache)
    try:
        if phase == "list":
            launch.wait(lambda s: "▌" in s and LIST_STATUS in s, timeout=600)
        else:
            launch.wait(lambda s: phase in count_line(s), timeout=3600)
        seconds, _ = launch.quit()
        return seconds
    except TimeoutError:
        return None
    finally:
        launch.close()
        shutil.rmtree(cache, ignore_errors=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0


def bench(corpus: str, args: argparse.Namespace) -> list[str]:
    if args.no_plain_read:
        # Reading the whole corpus first evicts the cache files from a page cache smaller
        # than the corpus: a launch from the caches then reads them from the disk.
        plain, total = float("nan"), sum(1 for _ in Path(corpus).rglob("*.txt"))
    else:
        plain, total = plain_read(corpus)
    cache = args.cache or tempfile.mkdtemp(prefix="bench-scale-")
    rows = []
    try:
        for label in ("from caches",) if args.cache else ("first launch", "from caches"):
            launch = Launch(corpus, cache)
            try:
                times = timeline(launch, total)
                time.sleep(1.0)
                keys = filter_latencies(launch, corpus, args.filter_keys)
                quit_rest, workers = launch.quit()
            finally:
                peak = launch.close()
            rows.append(f"| {Path(corpus).name} | {total:,} | {label} | {times['first']:.2f} | "
                        f"{times['list']:.1f} | {times['bodies']:.1f} | {times['done']:.1f} | "
                        f"{peak / 2**20:,.0f} | "
                        f"{statistics.median(keys):.0f} / {p95(keys):.0f} | "
                        f"{quit_rest:.2f} ({workers:.2f}) | {plain:.1f} |")
            print(rows[-1], flush=True)
        if not args.no_quit_phases:
            phases = {p: quit_during(corpus, total, p)
                      for p in ("list", "reading details", "indexing bodies")}
            shown = ", ".join(f"{p}: {'-' if s is None else f'{s:.2f} s'}"
                              for p, s in phases.items())
            rows.append(f"| {Path(corpus).name} | | quit during: {shown} | | | | | | | | |")
            print(rows[-1], flush=True)
    finally:
        if not args.cache:
            shutil.rmtree(cache, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+")
    parser.add_argument("--no-quit-phases", action="store_true")
    parser.add_argument("--no-plain-read", action="store_true",
                        help="skip the plain read (it evicts the cache files from memory)")
    parser.add_argument("--filter-keys", type=int, default=24)
    parser.add_argument("--cache", help="a cache folder the corpus was opened with (kept): "
                        "the launch from the caches only")
    args = parser.parse_args()
    print(f"Machine: {describe()}\n")
    print("| corpus | files | launch | first headlines s | whole list s | bodies searchable s "
          "| all loaded s | peak RSS MB | filter median / p95 ms | quit s (workers gone) "
          "| plain read s |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    for corpus in args.corpus:
        bench(corpus, args)


if __name__ == "__main__":
    main()
