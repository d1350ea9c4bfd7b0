"""Front matter against the seed layout: the same articles written both ways, loaded in
full (every file parsed, no cache), best of 3.

Usage: python benchmarks/bench_front_matter.py benchmarks/corpus-10k [OUT_DIR]

OUT_DIR (default: a temporary folder) receives the front-matter copy of the corpus.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import yaml
from machine import describe

from newstui.model.corpus import read_full
from newstui.model.library import Library


def convert(source: Path, out: Path) -> None:
    library = Library([str(source)])
    library.load(full=True, bodies=False)
    out.mkdir(parents=True, exist_ok=True)
    for article in library.store.articles:
        parsed = read_full(article)
        meta = {"title": article.title, "date": article.iso_date, "source": article.source,
                "section": article.section, "tags": list(article.tags),
                "caption": article.caption, "dateline": article.dateline}
        head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        (out / f"{article.id}.md").write_text(f"---\n{head}---\n" + "\n\n".join(parsed.body)
                                              + "\n", encoding="utf-8")


def best_load(folder: Path) -> tuple[int, float]:
    best = float("inf")
    count = 0
    for _ in range(3):
        start = time.perf_counter()
        library = Library([str(folder)])
        library.load(full=True, bodies=False)
        best = min(best, time.perf_counter() - start)
        count = len(library.store)
    return count, best


def main() -> None:
    source = Path(sys.argv[1])
    os.environ["NEWSTUI_CACHE"] = "off"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tmp) / "front-matter"
        if not out.exists():
            convert(source, out)
        print(describe())
        print("| layout | articles | load s (best of 3) |")
        print("|---|---:|---:|")
        rows = [("seed layout", source), ("front matter (.md)", out)]
        times = []
        for name, folder in rows:
            count, seconds = best_load(folder)
            times.append(seconds)
            print(f"| {name} | {count:,} | {seconds:.2f} |")
        print(f"front matter / seed: {times[1] / times[0]:.2f}x")


if __name__ == "__main__":
    main()
