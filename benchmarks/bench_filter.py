"""Filter benchmark: engine time per keystroke, beside ``fzf --filter`` in the same run.

Usage: python benchmarks/bench_filter.py [--corpus DIR ...] [--synthetic N ...] [--fzf]

Each query is typed one character at a time ("n", "no", "nor", ... "north korea"); every
prefix is one keystroke. On-disk corpora are loaded with bodies indexed; --synthetic N builds
N articles in memory (headers only, no bodies: 1M bodies do not fit a 24 GB machine's index
in this design) from the same generator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import SECTIONS, TAGS, vocabulary
from machine import describe

from newstui.model.corpus.article import Article
from newstui.model.index.store import Store
from newstui.model.library import Library
from newstui.model.search.engine import Engine

QUERIES = ["north korea", "kim", "ukrane", "putin arms", "tag:russia after:2023"]


def synthetic_store(n: int) -> Store:
    """``n`` articles with generated headers (no files, no bodies)."""
    rng = random.Random(7)
    words = vocabulary(rng)[:2000]
    start = dt.date(2021, 1, 1)
    docs = []
    for i in range(n):
        title = " ".join(rng.choices(words, k=rng.randint(5, 11))).capitalize()
        docs.append(Article(
            id=f"s{i}", path="", title=title, date=start + dt.timedelta(days=rng.randrange(1095)),
            source=f"Source {i % 30:02d} News", section=rng.choice(SECTIONS), caption="",
            dateline="", url="", tags=tuple(rng.sample(TAGS, rng.randint(3, 8))), words=0,
            digest="", layout="seed"))
    return Store(docs)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def keystrokes() -> list[str]:
    return [q[:i] for q in QUERIES for i in range(1, len(q) + 1)]


def bench_engine(store: Store) -> tuple[list[float], int]:
    engine = Engine(store)
    engine.warm()  # what the app's loader does before the first keystroke
    engine.search("warm up")
    times = []
    for text in keystrokes():
        t = time.perf_counter()
        result = engine.search(text)
        result.doc_ids[:60]  # what the app needs next: the first screen of rows (and the count)
        times.append((time.perf_counter() - t) * 1000)
    return times, len(engine.search("north korea").doc_ids)


def bench_fzf(store: Store) -> list[float] | None:
    fzf = shutil.which("fzf")
    if fzf is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        for a in store.articles:
            handle.write(f"{a.title} {' '.join('#' + t for t in a.tags)}\n")
        name = handle.name
    times = []
    try:
        for text in keystrokes():
            t = time.perf_counter()
            with open(name, "rb") as src:
                subprocess.run([fzf, "--filter", text], stdin=src, stdout=subprocess.DEVNULL,
                               check=False)
            times.append((time.perf_counter() - t) * 1000)
    finally:
        os.unlink(name)
    return times


def row(name: str, label: str, times: list[float]) -> str:
    return (f"| {name} | {label} | {len(times)} | {min(times):.2f} | "
            f"{statistics.median(times):.2f} | {percentile(times, 0.95):.2f} | "
            f"{max(times):.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", action="append", default=[])
    parser.add_argument("--synthetic", action="append", type=int, default=[])
    parser.add_argument("--fzf", action="store_true", help="also time fzf --filter")
    args = parser.parse_args()
    print(f"Machine: {describe()}\n")
    print(f"Queries typed a character at a time: {', '.join(QUERIES)}\n")
    print("| corpus | tool | keystrokes | min ms | median ms | p95 ms | max ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    stores = [(Path(c).name + " (bodies indexed)", Library([c]).load(full=True).store)
              for c in args.corpus]
    stores += [(f"synthetic {n:,} (headers)", synthetic_store(n)) for n in args.synthetic]
    for name, store in stores:
        times, hits = bench_engine(store)
        print(row(name, f"newstui engine ({hits:,} hits for 'north korea')", times),
              flush=True)
        if args.fzf:
            fzf_times = bench_fzf(store)
            if fzf_times is not None:
                print(row(name, "fzf --filter (titles+tags, incl. start-up)", fzf_times),
                      flush=True)


if __name__ == "__main__":
    main()
