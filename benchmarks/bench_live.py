"""Live-change benchmark: the time from a batch of changed files being reported to the new
store being published (headers and bodies searchable), beside reading the folders again
(what the app did before changes were applied in place: one new file, the folders read
again), on a generated corpus.

Usage: python benchmarks/bench_live.py benchmarks/corpus-100k [--burst 2000] [--no-reload]

The changes are made in a folder of their own under the corpus (removed at the end), so the
corpus itself is left as it was: one new newest article, the same file changed, the same
file deleted, then a burst of files moved in as a folder (newest and scattered dates),
then that folder moved away. The load before is not timed (bench_load.py times loading).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

from newstui.model.library import Library

FOLDER = "zz-live-bench"


def article(title: str, day: dt.date, words: int = 300, seed: int = 0) -> str:
    rng = random.Random(seed)
    vocabulary = ["north", "korea", "talks", "sanctions", "minister", "election", "vote",
                  "market", "trade", "storm", "flood", "court", "ruling", "police", "strike",
                  "union", "budget", "tax", "energy", "oil"]
    body = " ".join(rng.choice(vocabulary) for _ in range(words))
    return (f" date {day.isoformat()}  {title} : Live Wire\n\n  • World\n\n{body}\n\n"
            f"#live #bench\n")


def timed(library: Library, changed: set[str]) -> float:
    start = time.perf_counter()
    library.apply_changes(changed, settle=0)
    return time.perf_counter() - start


def burst(library: Library, root: Path, live: Path, count: int) -> list[tuple[str, float, int]]:
    """A folder of ``count`` files moved in, then away again."""
    rows: list[tuple[str, float, int]] = []
    staging = root.parent / f"{root.name}-{FOLDER}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    rng = random.Random(7)
    for i in range(count):
        day = dt.date(2030, 2, 1) if i % 2 else dt.date(2021, 1, 1) + dt.timedelta(
            days=rng.randrange(1000))
        (staging / f"{i:05d}.txt").write_text(article(f"Burst story {i}", day, seed=i),
                                              encoding="utf-8")
    os.replace(staging, live / "burst")
    rows.append((f"{count:,} files moved in (half newest, half scattered)",
                 timed(library, {str(live / "burst")}), len(library.store)))
    os.replace(live / "burst", staging)
    rows.append(("that folder moved away", timed(library, {str(live / "burst")}),
                 len(library.store)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--no-reload", action="store_true", help="skip the reference")
    args = parser.parse_args()
    root = Path(args.corpus)
    live = root / FOLDER
    shutil.rmtree(live, ignore_errors=True)
    library = Library([str(root)])
    start = time.perf_counter()
    library.load(warm=True)
    loaded = time.perf_counter() - start
    library.engine.search("north korea")
    n = len(library.store)
    rows: list[tuple[str, float, int]] = []
    live.mkdir()
    one = live / "one.txt"
    one.write_text(article("A live newest story", dt.date(2030, 1, 1)), encoding="utf-8")
    rows.append(("1 new file (the newest)", timed(library, {str(one)}), len(library.store)))
    one.write_text(article("A live story, changed", dt.date(2030, 1, 1), seed=1),
                   encoding="utf-8")
    rows.append(("1 file changed", timed(library, {str(one)}), len(library.store)))
    old = live / "old.txt"
    old.write_text(article("A live old story", dt.date(2021, 6, 1)), encoding="utf-8")
    rows.append(("1 new file (mid-list)", timed(library, {str(old)}), len(library.store)))
    one.unlink()
    old.unlink()
    rows.append(("2 files deleted", timed(library, {str(one), str(old)}), len(library.store)))
    rows.extend(burst(library, root, live, args.burst))
    assert len(library.store) == n, "the corpus is not back as it was"
    staging = root.parent / f"{root.name}-{FOLDER}"
    reference = None
    if not args.no_reload:
        # What following the folders cost before: one new file, then the folders read
        # again (unchanged files from the header cache) and the body index built again.
        one.write_text(article("A live newest story", dt.date(2030, 1, 1)), encoding="utf-8")
        start = time.perf_counter()
        library.reload()
        reference = time.perf_counter() - start
        one.unlink()
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(live, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Machine: {describe()}")
    print(f"Corpus: {root} ({n:,} articles; loaded in {loaded:.1f} s, not timed below); "
          f"peak RSS {peak:,.0f} MB")
    print()
    print("| change | applied in place | articles after |")
    print("|---|---:|---:|")
    for name, seconds, count in rows:
        print(f"| {name} | {seconds * 1000:,.0f} ms | {count:,} |")
    if reference is not None:
        print(f"| reference: 1 new file, the folders read again (list from the cache, "
              f"body index rebuilt) | {reference * 1000:,.0f} ms | {len(library.store):,} |")


if __name__ == "__main__":
    main()
