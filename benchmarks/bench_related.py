"""Related-stories benchmark: the time to find an article's related stories from the
store's indexes, beside the straightforward way (score every other article's tags and title
words against the article's), on a generated corpus.

Usage: python benchmarks/bench_related.py benchmarks/corpus-100k [--samples 200]

Loading is not timed (see bench_load.py); the title index, built once per store on first
use (the engine builds the same one for the first query), is timed apart.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

from newstui.model.index.store import Store
from newstui.model.index.words import index_words
from newstui.model.library import Library
from newstui.model.search.related import STOP_WORDS, TAG_WEIGHT, related


def every_article(store: Store, doc: int, limit: int = 5) -> list[int]:
    """The reference: every article's tags and title words compared with the article's."""
    articles = store.articles
    total = len(articles)
    tags = store.tags.doc_ids
    title = store.indexes()["title"].postings
    mine_tags = {t.casefold() for t in articles[doc].tags}
    mine_words = {w for w in index_words(articles[doc].title)
                  if len(w) >= 3 and w not in STOP_WORDS and not w.isdigit()}
    scores: list[tuple[float, int]] = []
    for d, other in enumerate(articles):
        if d == doc:
            continue
        score = 0.0
        for tag in mine_tags.intersection(t.casefold() for t in other.tags):
            score += TAG_WEIGHT * math.log(1 + total / len(tags[tag]))
        for word in mine_words.intersection(index_words(other.title)):
            docs = title[word]
            if not isinstance(docs, int):
                score += math.log(1 + total / len(docs))
        if score:
            scores.append((-score, d))
    scores.sort()
    return [d for _, d in scores[:limit]]


def timed(function, store: Store, docs: list[int]) -> list[float]:
    times = []
    for doc in docs:
        start = time.perf_counter()
        function(store, doc)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--samples", type=int, default=200)
    ns = parser.parse_args()
    library = Library([ns.corpus])
    library.load(full=True)
    store = library.store
    start = time.perf_counter()
    store.indexes()
    build = time.perf_counter() - start
    random.seed(7)
    docs = random.sample(range(len(store)), min(ns.samples, len(store)))
    ours = timed(related, store, docs)
    theirs = timed(every_article, store, docs[: max(5, ns.samples // 20)])
    print(describe())
    print(f"corpus: {ns.corpus} ({len(store):,} articles); title index built in {build:.2f} s")
    print("| method | articles sampled | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for name, times in (("newstui related (indexes)", ours),
                        ("reference: every article compared", theirs)):
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"| {name} | {len(times)} | {statistics.median(times):.2f} | {p95:.2f} | "
              f"{times[-1]:.2f} |")


if __name__ == "__main__":
    main()
