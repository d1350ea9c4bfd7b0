"""Hostile input benchmark: worst-case time and memory per file for hostile front matter,
and the time of the largest queries, beside a benign file and query of the same size.

Usage: python benchmarks/bench_hostile.py

Each file is parsed in a fresh process (peak RSS is that process's, Python and PyYAML
included); queries run against the bundled seeds with bodies indexed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

ROOT = Path(__file__).resolve().parent.parent
LAUGHS = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{a}: &{a} [{', '.join([f'*{b}'] * 9)}]\n" for a, b in zip("bcdefghi", "abcdefgh",
                                                                 strict=True)) + "date: *i\n"
FILES = {
    "reference: 7,000 plain keys (62 KB)": "".join(f"k{i}: v\n" for i in range(7000)),
    "billion laughs (9^9 values through aliases)": LAUGHS,
    "recursive alias": "a: &a [*a]\n",
    "400k keys (4 MB, over the 64 KB cap)": "".join(f"k{i}: v\n" for i in range(400_000)),
    "5,000-deep flow nesting": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "20k-item list (the node cap)": "tags: [" + ", ".join(["t"] * 19_990) + "]\n",
    "5,000-digit int, impossible dates": f"date: 2023-02-30\nn: {'9' * 5000}\nd: 0000-01-01\n",
}
PROBE = r"""
import resource, sys, time
from newstui.model.corpus.parse import parse_text
text = open(sys.argv[1], encoding="utf-8").read()
start = time.perf_counter()
parsed = parse_text(text)
took = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(took, rss, (parsed.warnings or ("",))[0].replace("|", "/"))
"""
QUERIES = {
    "reference: 'north korea'": "north korea",
    "25,000 words (100k characters)": " ".join(["kim"] * 25_000),
    "2,000 nested parentheses": "(" * 2000 + "kim" + ")" * 2000,
    "1,000 negated words": " ".join(f"-x{i}" for i in range(1000)),
    "2,500 quoted phrases": '"a" ' * 2500,
    "1,000 tag: terms": " ".join(f"tag:t{i}" for i in range(1000)),
    "1,000-term or": " or ".join(f"w{i}" for i in range(1000)),
}


def files_table() -> None:
    print("| front matter | file bytes | parse ms | peak RSS MB | what newstui said |")
    print("|---|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, head in FILES.items():
            path = Path(tmp) / "a.md"
            path.write_text(f"---\ntitle: T\n{head}---\nBody.\n", encoding="utf-8")
            out = subprocess.run([sys.executable, "-c", PROBE, str(path)], check=True,
                                 capture_output=True, text=True, timeout=300).stdout
            took, rss, said = out.rstrip("\n").split(" ", 2)
            print(f"| {name} | {os.path.getsize(path):,} | {float(took) * 1000:.1f} | "
                  f"{float(rss):.0f} | {said[:80] or '(no warning)'} |")


def queries_table() -> None:
    from newstui.model.library import Library

    library = Library([str(ROOT / "seeds")])
    library.load(full=True)
    engine = library.engine
    print("| query | characters | ms | result |")
    print("|---|---:|---:|---|")
    for name, text in QUERIES.items():
        start = time.perf_counter()
        result = engine.search(text)
        took = (time.perf_counter() - start) * 1000
        said = result.error or f"{len(result.doc_ids)} articles"
        print(f"| {name} | {len(text):,} | {took:.0f} | {said} |")


def main() -> None:
    print(f"Machine: {describe()}\n")
    files_table()
    print()
    queries_table()


if __name__ == "__main__":
    main()
