"""A launch from the caches without the UI: when each stage of ``Library.load`` is out, with
the list from the list file and from the header cache's entries, in the same run, beside
reading the cache files' bytes in plain Python.

Usage: python benchmarks/bench_from_caches.py CORPUS --cache DIR [--rounds 2]

``DIR`` holds the caches of a complete load of ``CORPUS`` (a launch of the app on it, or
this script's ``--fill``). Each round runs in a new process (a fresh heap, the collector
off as in the app), the list file first present and then moved aside; the rounds
alternate the two. Reported: seconds to the whole list (``listed``), to the details, to
bodies searchable (``complete``), and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

CHILD = r"""
import gc, json, os, resource, sys, time
gc.disable()
from newstui.model.library import Library, Published
start = time.perf_counter()
stages = {}
def listener(event):
    if isinstance(event, Published):
        stages.setdefault(event.snapshot.stage, time.perf_counter() - start)
library = Library([sys.argv[1]])
library.load(listener, warm=True)
stages["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(stages))
"""


def plain_read(folder: Path) -> float:
    """Seconds to read every cache file's bytes."""
    start = time.perf_counter()
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            while handle.read(8 << 20):
                pass
    return time.perf_counter() - start


def launch(corpus: str, cache: Path) -> dict[str, float]:
    env = dict(os.environ, NEWSTUI_CACHE=str(cache))
    out = subprocess.run([sys.executable, "-c", CHILD, corpus], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--cache", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--fill", action="store_true", help="load once first to fill DIR")
    args = parser.parse_args()
    if args.fill:
        launch(args.corpus, args.cache)
    lists = sorted(args.cache.glob("list-*.bin"))
    if len(lists) != 1:
        sys.exit(f"{args.cache} holds {len(lists)} list files, not one: --fill it first")
    listed, aside = lists[0], lists[0].with_suffix(".aside")
    print(f"Machine: {describe()}\n")
    print(f"Reading the cache files' bytes in plain Python: {plain_read(args.cache):.2f} s\n")
    print("| list from | round | whole list s | details s | bodies searchable s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    try:
        for round_ in range(1, args.rounds + 1):
            for label in ("list file", "header cache"):
                if label == "header cache":
                    listed.rename(aside)
                try:
                    got = launch(args.corpus, args.cache)
                finally:
                    if aside.exists():
                        aside.rename(listed)
                print(f"| {label} | {round_} | {got['listed']:.2f} | {got['detailed']:.2f} | "
                      f"{got['complete']:.2f} | {got['rss']:,.0f} |", flush=True)
    finally:
        if aside.exists():
            aside.rename(listed)


if __name__ == "__main__":
    main()
