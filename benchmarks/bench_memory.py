"""Memory of a first launch's three load passes, as the app runs them, in one process.

For each corpus, a fresh process (empty caches in a temporary folder) runs the list, the
details and the body pass of :class:`newstui.model.library.Library` one after another, and
this prints the resident size after each pass and the peak so far (the worker processes
apart). The reference, in the same run: a process that reads every file's bytes (what the
corpus costs just to read), and the size of the files.

    python benchmarks/bench_memory.py benchmarks/corpus-100k
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

CHILD = r"""
import json, os, resource, sys, time
def now():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
if __name__ == "__main__":
    folder, mode = sys.argv[1], sys.argv[2]
    out = []
    if mode == "read":
        total = 0
        for root, _, names in os.walk(folder):
            for name in names:
                with open(os.path.join(root, name), "rb") as f:
                    total += len(f.read())
        out.append(["read every file", 0.0, now(), peak()])
    else:
        from newstui.model.library import Library
        library = Library([folder])
        for name in ("list", "details", "body"):
            start = time.monotonic()
            getattr(library, name + "_pass")()
            out.append([name + " pass", time.monotonic() - start, now(), peak()])
        index = library.store.body_index
        out.append(["  body index: words", float(len(index.postings)), 0, 0])
    print(json.dumps(out))
"""


def run(folder: str, mode: str) -> list[list[object]]:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NEWSTUI_CACHE": cache}
        done = subprocess.run([sys.executable, "-c", CHILD, folder, mode], env=env,
                              capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="+")
    args = parser.parse_args()
    print(f"Machine: {describe()}\n")
    print("| corpus | files | MB | step | s | RSS after MB | peak RSS MB |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for folder in args.corpora:
        files = [p for p in Path(folder).rglob("*") if p.is_file()]
        mb = sum(p.stat().st_size for p in files) / 2**20
        for step, seconds, rss, peak in run(folder, "read") + run(folder, "app"):
            if str(step).startswith("  "):
                print(f"| {Path(folder).name} | | | {step} | {int(seconds):,} | | |")
                continue
            print(f"| {Path(folder).name} | {len(files):,} | {mb:,.0f} | {step} | "
                  f"{seconds:.1f} | {rss:,} | {peak:,} |")


if __name__ == "__main__":
    main()
