"""Load benchmark: newstui's loader against a bare read of the same files, in one run.

Usage: python benchmarks/bench_load.py DIR [DIR ...] [--repeat 3]

Every measurement runs in a fresh subprocess (so peak RSS is its own), after one warm-up
read so the page cache is warm. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

PROBES = {
    "cat (find + xargs cat)": None,
    "python read bytes": """
import os, sys
n = b = 0
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        with open(os.path.join(root, f), 'rb') as h:
            b += len(h.read()); n += 1
print(n, b)
""",
    "newstui load, list pass (what the app waits for)": """
import sys
from newstui.model.load.passes import load_paths
from newstui.model.index.store import Store
r = load_paths([sys.argv[1]], details=False)
s = Store(r.articles)
print(len(s), 0)
""",
    "newstui load, list pass + details pass": """
import sys
from newstui.model.load.passes import load_paths, read_details
from newstui.model.index.store import Store
r = load_paths([sys.argv[1]], details=False)
s = Store(r.articles)
s.fill_details(read_details(s.articles))
print(len(s), 0)
""",
    "newstui load, every file parsed in full (the CLI)": """
import sys
from newstui.model.load.passes import load_paths
from newstui.model.index.store import Store
r = load_paths([sys.argv[1]])
s = Store(r.articles)
print(len(s), 0)
""",
    "newstui load again (from the header cache)": """
import sys
from newstui.model.cache.headers import HeaderCache
from newstui.model.load.passes import load_paths
from newstui.model.index.store import Store
r = load_paths([sys.argv[1]], cache=HeaderCache.for_paths([sys.argv[1]]), details=False)
s = Store(r.articles)
print(len(s), 0)
""",
    "newstui load + store + indexes": """
import sys
import tempfile
from newstui.model.load.passes import index_bodies, load_paths
from newstui.model.index.store import Store
r = load_paths([sys.argv[1]])
s = Store(r.articles)
s.indexes()
s.attach_body_index(index_bodies(s.articles))
print(len(s), 0)
""",
}
RUNNER = """
import resource, sys, time, runpy
t = time.perf_counter()
exec(compile(sys.argv.pop(1), 'probe', 'exec'))
elapsed = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print('RESULT', elapsed, rss, file=sys.stderr)
"""


def run_probe(code: str | None, folder: str) -> tuple[float, float, int, int]:
    """Seconds, peak RSS (MB), files and bytes for one probe on ``folder``."""
    if code is None:
        start = time.perf_counter()
        subprocess.run(f"find {folder} -name '*.txt' -print0 | xargs -0 cat > /dev/null",
                       shell=True, check=True)
        return time.perf_counter() - start, float("nan"), 0, 0
    proc = subprocess.run([sys.executable, "-c", RUNNER, code, folder], capture_output=True,
                          text=True, check=True)
    line = [x for x in proc.stderr.splitlines() if x.startswith("RESULT")][-1]
    _, elapsed, rss = line.split()
    n, b = proc.stdout.split()
    return float(elapsed), float(rss), int(n), int(b)


def main() -> None:
    """Measure every probe on every folder and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also print raw numbers as JSON")
    args = parser.parse_args()
    # The cache probe gets a cache folder of its own; the others must not use one.
    os.environ["NEWSTUI_CACHE"] = tempfile.mkdtemp(prefix="bench-cache-")
    print(f"Machine: {describe()}\n")
    print("| corpus | files | MB | probe | median s | files/s | MB/s | peak RSS MB |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    raw = []
    for folder in args.folders:
        _, _, files, size = run_probe(PROBES["python read bytes"], folder)  # warm the cache
        mb = size / 1e6
        for name, code in PROBES.items():
            if "header cache" in name:
                run_probe(code, folder)  # fill the cache: the runs below find it
            runs = [run_probe(code, folder) for _ in range(args.repeat)]
            secs = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            rss_text = "-" if rss != rss else f"{rss:,.0f}"
            print(f"| {Path(folder).name} | {files:,} | {mb:,.0f} | {name} | {secs:.2f} | "
                  f"{files / secs:,.0f} | {mb / secs:,.0f} | {rss_text} |", flush=True)
            raw.append({"corpus": folder, "probe": name, "seconds": secs, "rss_mb": rss})
    if args.json:
        print(json.dumps(raw))


if __name__ == "__main__":
    main()
