"""Field-query benchmark: ``tag:`` matching through the facet's word index, beside checking
every tag the straightforward way, on 2k, 20k and 100k distinct generated tags.

Usage: python benchmarks/bench_facets.py

Each query is typed a character at a time (``tag:r``, ``tag:ru`` ...); the table gives the
time per keystroke. The reference is what newstui did before the word index: score every
tag's words against every query word.
"""

from __future__ import annotations

import random
import statistics
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

from newstui.model.index.store import Facet
from newstui.model.index.words import tokens
from newstui.model.search.engine import EXACT, _facet_match, word_quality

QUERIES = ["russia", "north korea", "kim jong", "ukrane"]


def every_value(facet: Facet, text: str) -> dict[str, float]:
    """The reference: every tag checked against every query word."""
    needle = " ".join(text.casefold().split())
    wanted = tokens(needle)
    found: dict[str, float] = {}
    for key in facet.doc_ids:
        best = [max((word_quality(w, h) for h in tokens(key)), default=0.0) for w in wanted]
        if key == needle or (wanted and min(best)):
            found[key] = EXACT if key == needle else min(best)
    return found


def facet_of(n: int) -> Facet:
    rng = random.Random(n)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 10)))
             for _ in range(max(50, n // 3))] + ["russia", "north", "korea", "kim", "jong"]
    facet = Facet()
    while len(facet) < n:
        facet.add(" ".join(rng.sample(words, rng.randint(1, 3))).title(), len(facet))
    return facet


def main() -> None:
    print(f"Machine: {describe()}\n")
    print("| tags | method | keystrokes | median ms | p95 ms | max ms |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in (2_000, 20_000, 100_000):
        facet = facet_of(n)
        _facet_match(facet, "warm up")  # builds the word index once, as the first query does
        for name, match in (("word index (newstui)", _facet_match),
                            ("every value (reference)", every_value)):
            times = []
            for query in QUERIES:
                for i in range(1, len(query) + 1):
                    t = time.perf_counter()
                    match(facet, query[:i])
                    times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print(f"| {n:,} | {name} | {len(times)} | {statistics.median(times):.2f} | "
                  f"{times[int(0.95 * len(times))]:.2f} | {times[-1]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
