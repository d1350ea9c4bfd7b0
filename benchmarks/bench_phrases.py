"""Time exact body phrases in the engine beside a brute-force search of the same files.

Usage: python benchmarks/bench_phrases.py [CORPUS] ["a phrase" ...]

The corpus (default ``benchmarks/corpus-100k``) is loaded with bodies indexed, from the
caches when they are there. Each phrase is searched by a fresh engine (no cached answer),
then by the reference: every file read, lowered, and searched for the phrase's words joined
by one space (a plain substring test, so its count may differ a little from the engine's,
which ignores punctuation between words). Prints a Markdown table.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

from newstui.model.library import Library
from newstui.model.search.engine import Engine
from newstui.model.search.phrases import phrase_key

PHRASES = ["north korea", "the president", "kim jong", "state of emergency"]


def brute_force(paths: list[str], phrase: str) -> tuple[int, float]:
    needle = phrase_key(phrase).strip().encode()
    start = time.perf_counter()
    found = 0
    for path in paths:
        with open(path, "rb") as handle:
            found += needle in handle.read().lower()
    return found, time.perf_counter() - start


def main() -> None:
    args = sys.argv[1:]
    corpus = args.pop(0) if args and os.path.isdir(args[0]) else "benchmarks/corpus-100k"
    phrases = args or PHRASES
    print(f"Machine: {describe()}\n")
    library = Library([corpus])
    library.load()
    store = library.store
    paths = [a.path for a in store.articles]
    print(f"{len(store):,} articles in {corpus}\n")
    print("| phrase | engine found | engine s | brute force found | brute force s |")
    print("|---|---:|---:|---:|---:|")
    for phrase in phrases:
        engine = Engine(store)
        start = time.perf_counter()
        found = len(engine.search(f'"{phrase}"').doc_ids)
        took = time.perf_counter() - start
        reference, ref_took = brute_force(paths, phrase)
        print(f"| `\"{phrase}\"` | {found:,} | {took:.2f} | {reference:,} | {ref_took:.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
