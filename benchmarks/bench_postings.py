"""Time a chunk of bodies' postings made word by word and by Arrow and numpy, in one process.

Usage: python benchmarks/bench_postings.py [CORPUS] [--chunks N] [--size S] [--headers]

Takes N chunks of S files (default 4 of 4,000, a body-indexing job) from the corpus
(default ``benchmarks/corpus-100k``), reads and decodes them first (not timed), then makes
each chunk's postings both ways, alternated, and checks that they are the same. Beside them
is the reference: the same texts only lower-cased and split on whitespace in Python, which
is less than either way does. Prints a Markdown table of microseconds a body, and one of
the time to pickle and unpickle a chunk's postings as the worker sends them (packed) and
as an array a word.

With ``--headers``: the corpus's header word indexes (title, tags, meta) instead, built for
every article of the corpus (loaded through the user's header cache) word by word, as the
store built them, and a block at a time by Arrow (``Store``'s way), alternated three
times, and checked to be the same.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

from newstui.model.corpus.files import iter_files, searchable_text
from newstui.model.index.chunk_postings import chunk_postings, word_by_word
from newstui.model.index.store import HEADER_INDEXES, _header_index, header_words
from newstui.model.index.words import WordIndex
from newstui.model.library import Library


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("corpus", nargs="?", default="benchmarks/corpus-100k")
    parser.add_argument("--chunks", type=int, default=4)
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("--headers", action="store_true")
    args = parser.parse_args()
    print(f"Machine: {describe()}\n")
    if args.headers:
        headers(args.corpus)
        return
    files = list(iter_files([args.corpus], []))
    print(f"{args.chunks} chunks of {args.size:,} bodies from {args.corpus}\n")
    times: dict[str, list[float]] = {"split only": [], "word by word": [], "arrays": []}
    sending: dict[str, tuple[list[float], list[float]]] = {
        "an array a word": ([], []), "packed": ([], [])}
    for k in range(args.chunks):
        paths = files[k * args.size : (k + 1) * args.size]
        if not paths:
            break
        texts = [searchable_text(Path(p).read_bytes()) for p in paths]
        items = list(enumerate(texts))
        start = time.perf_counter()
        for text in texts:
            set(text.casefold().split())
        times["split only"].append((time.perf_counter() - start) / len(texts))
        start = time.perf_counter()
        plain = word_by_word(items)
        times["word by word"].append((time.perf_counter() - start) / len(texts))
        start = time.perf_counter()
        packed = chunk_postings(items, len(items))
        fast = packed.as_dict()
        times["arrays"].append((time.perf_counter() - start) / len(texts))
        if fast != plain:
            sys.exit(f"chunk {k}: the postings differ")
        for name, postings in (("an array a word", plain), ("packed", packed)):
            start = time.perf_counter()
            sent = pickle.dumps(postings, protocol=pickle.HIGHEST_PROTOCOL)
            middle = time.perf_counter()
            pickle.loads(sent)
            sending[name][0].append(middle - start)
            sending[name][1].append(time.perf_counter() - middle)
    print("| way | median µs a body | each chunk µs a body |")
    print("|---|---:|---|")
    for way, took in times.items():
        each = ", ".join(f"{t * 1e6:.0f}" for t in took)
        print(f"| {way} | {statistics.median(took) * 1e6:.0f} | {each} |")
    print("\nA chunk's postings sent from a worker to the app (pickle), median ms a chunk:\n")
    print("| postings | pickled (worker) | unpickled (app) |")
    print("|---|---:|---:|")
    for name, (dumps, loads) in sending.items():
        print(f"| {name} | {statistics.median(dumps) * 1e3:.1f} "
              f"| {statistics.median(loads) * 1e3:.1f} |")


def headers(corpus: str) -> None:
    """The header indexes of every article of ``corpus``, both ways."""
    articles = Library([corpus]).load(bodies=False).store.articles
    print(f"Header word indexes of {len(articles):,} articles from {corpus}\n")
    print("| index | word by word s (3 runs) | arrays s (3 runs) | words |")
    print("|---|---|---|---:|")
    for name in HEADER_INDEXES:
        took: dict[str, list[float]] = {"plain": [], "arrays": []}
        for _ in range(3):
            start = time.perf_counter()
            plain = WordIndex()
            for d, a in enumerate(articles):
                plain.add(d, header_words(name, a))
            plain.compact()
            plain.finish(len(articles))
            took["plain"].append(time.perf_counter() - start)
            start = time.perf_counter()
            fast = _header_index(articles, name)
            took["arrays"].append(time.perf_counter() - start)
            if fast.postings != plain.postings:
                sys.exit(f"{name}: the indexes differ")
        print(f"| {name} | {', '.join(f'{t:.2f}' for t in took['plain'])} "
              f"| {', '.join(f'{t:.2f}' for t in took['arrays'])} | {len(fast.postings):,} |")


if __name__ == "__main__":
    main()
