"""Body index options, by the numbers: newstui's own index beside SQLite FTS5 and Tantivy.

Usage: python benchmarks/bench_index_options.py benchmarks/corpus-100k [--limit N]

Every option indexes the same text (each file's searchable text, as the body pass reads
it), in the store's order (newest first, so article number order is date order), in one
fresh process of its own, and then answers the same keystrokes: each query typed a letter
at a time, the earlier words whole, the word being typed a prefix (a whole word while it
has 1-2 letters, as the engine does). A keystroke is "the count and the first 60 article
numbers in date order": what the filter needs to show ``N of M`` and a screen of rows.
This measures candidate retrieval only; ranking stays newstui's whatever the engine.

For each option: build time, the index's size (on disk; for newstui also in memory),
the process's peak and steady resident size, keystroke median / p95 / max, and the count
for one query (the options tokenise a little differently; the counts show how close).
The reference in the same run is a process that only reads every file.

Options: ``newstui`` (word -> array of article numbers, frequent words as bit sets; no
frequencies or positions); ``fts5-none`` (SQLite FTS5, contentless, ``detail=none``: the
same information); ``fts5-full`` (with positions: phrases and proximity inside bodies);
``tantivy-basic`` (document ids only) and ``tantivy-position`` (with positions), if the
``tantivy`` package is installed (``pip install tantivy``; it is not a dependency).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import reduce
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

from newstui.model.index import bitset

QUERIES = ["north korea", "kim", "ukraine", "putin arms", "minister said", "election results"]
FIRST = 60
FREQUENT = "minister"  # a word in most articles of the generated corpus
OPTIONS = ["newstui", "fts5-none", "fts5-full", "tantivy-basic", "tantivy-position"]


def keystrokes() -> list[list[str]]:
    """Each keystroke's words (the last one still being typed)."""
    from newstui.model.index.words import tokens

    out = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            if query[end - 1] != " ":
                out.append(tokens(query[:end]))
    return out


def resident_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    # VmHWM, not ru_maxrss: the latter survives exec, so a child would report its parent's.
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def texts(paths: list[str]):  # type: ignore[no-untyped-def]
    from newstui.model.corpus.files import Unusable, read_bytes, searchable_text

    for doc, path in enumerate(paths):
        try:
            yield doc, searchable_text(read_bytes(path))
        except Unusable:
            continue


def folder_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- the options, each run in a child process -------------------------------------------


def run_newstui(paths: list[str], work: Path) -> dict:
    import gc

    from newstui.model.cache.bodies import BodyCache
    from newstui.model.index.words import WordIndex, index_words
    from newstui.model.memory import give_back

    gc.disable()  # as the body pass runs (model/load/passes.py: no_gc)
    start = time.perf_counter()
    index = WordIndex()
    for doc, text in texts(paths):
        index.add(doc, index_words(text))
    index.compact()
    index.finish(len(paths))
    build = time.perf_counter() - start
    gc.enable()
    gc.collect()
    give_back()  # as the app does after each pass
    memory = sum(map(sys.getsizeof, index.postings.values()))  # an array's includes its items
    memory += sum(map(sys.getsizeof, index.postings)) + sys.getsizeof(index.postings)
    compact = delta_coded_bytes(index, len(paths))
    cache = work / "bodies.cache"
    BodyCache(cache).save("bench", index)
    index.vocabulary  # noqa: B018  (the sorted vocabulary the engine keeps for prefixes)

    def search(words: list[str]) -> tuple[int, list[int]]:
        sets = [index.bits([w]) for w in words[:-1]]
        last = words[-1]
        sets.append(index.bits(index.with_prefix(last) if len(last) > 2 else [last]))
        found = reduce(lambda a, b: a & b, sets)
        return bitset.count(found), bitset.first_members(found, FIRST)

    def every_hit(word: str) -> int:
        return index.bits([word])

    return {"build": build, "disk": folder_bytes(cache), "memory": memory, "compact": compact,
            **keystroke_times(search, every_hit)}


def delta_coded_bytes(index, size: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """What the same postings would take delta-coded, or as a bit set where that is
    smaller: the compact layouts the index could have. Gaps as varints (1-4 bytes each),
    and gaps of one width per word (1, 2 or 4 bytes, the widest gap's), which numpy
    decodes with one cumulative sum."""
    import numpy as np

    varint = aligned = 0
    for docs in index.postings.values():
        numbers = (np.array(bitset.members(docs), dtype=np.int64) if isinstance(docs, int)
                   else np.frombuffer(docs, dtype=np.uint32).astype(np.int64))
        gaps = np.diff(numbers, prepend=-1)
        bits_bytes = size // 8 + 1
        varint += min(bits_bytes, int(np.searchsorted([128, 2**14, 2**21], gaps,
                                                      side="right").sum() + len(gaps)))
        widest = int(gaps[1:].max()) if len(gaps) > 1 else 0
        width = 1 if widest < 256 else 2 if widest < 65536 else 4
        aligned += min(bits_bytes, 4 + width * (len(gaps) - 1))  # the first number whole
    return varint, aligned


def run_fts5(paths: list[str], work: Path, detail: str) -> dict:
    import sqlite3

    db = work / "fts5.db"
    start = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute(f"CREATE VIRTUAL TABLE b USING fts5(body, content='', detail={detail}, "
                "tokenize='unicode61 remove_diacritics 0')")
    con.executemany("INSERT INTO b(rowid, body) VALUES (?, ?)", texts(paths))
    con.execute("INSERT INTO b(b) VALUES ('optimize')")
    con.commit()
    con.close()
    build = time.perf_counter() - start
    con = sqlite3.connect(db)

    def search(words: list[str]) -> tuple[int, list[int]]:
        quoted = ['"' + w.replace('"', '""') + '"' for w in words]
        if len(words[-1]) > 2:
            quoted[-1] += "*"
        match = " ".join(quoted)
        count = con.execute("SELECT count(*) FROM b WHERE b MATCH ?", (match,)).fetchone()[0]
        first = [r for (r,) in con.execute(
            "SELECT rowid FROM b WHERE b MATCH ? ORDER BY rowid LIMIT ?", (match, FIRST))]
        return count, first

    def every_hit(word: str) -> int:
        rows = con.execute("SELECT rowid FROM b WHERE b MATCH ?", ('"' + word + '"',))
        return bitset.from_docs(([r for (r,) in rows],), len(paths))

    return {"build": build, "disk": folder_bytes(db), **keystroke_times(search, every_hit)}


def run_tantivy(paths: list[str], work: Path, option: str) -> dict:
    import re

    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False, index_option=option)
    builder.add_unsigned_field("doc", stored=False, indexed=False, fast=True)
    schema = builder.build()
    folder = work / "tantivy"
    folder.mkdir()
    start = time.perf_counter()
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer(heap_size=256 * 2**20, num_threads=2)
    for doc, text in texts(paths):
        document = tantivy.Document()
        document.add_text("body", text)
        document.add_unsigned("doc", doc)  # a plain int would be an i64: the field is a u64
        writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()
    build = time.perf_counter() - start
    index = tantivy.Index.open(str(folder))
    index.reload()
    searcher = index.searcher()

    def search(words: list[str]) -> tuple[int, list[int]]:
        parts = [(tantivy.Occur.Must, tantivy.Query.term_query(schema, "body", w))
                 for w in words[:-1]]
        last = words[-1]
        parts.append((tantivy.Occur.Must,
                      tantivy.Query.regex_query(schema, "body", re.escape(last) + ".*")
                      if len(last) > 2 else tantivy.Query.term_query(schema, "body", last)))
        query = tantivy.Query.boolean_query(parts)
        result = searcher.search(query, limit=FIRST, count=True, order_by_field="doc",
                                 order=tantivy.Order.Asc)
        return result.count or 0, [key for key, _ in result.hits]

    def every_hit(word: str) -> int:
        query = tantivy.Query.term_query(schema, "body", word)
        hits = searcher.search(query, limit=len(paths), count=False, order_by_field="doc",
                               order=tantivy.Order.Asc).hits
        return bitset.from_docs(([key for key, _ in hits],), len(paths))

    return {"build": build, "disk": folder_bytes(folder),
            **keystroke_times(search, every_hit)}


def keystroke_times(search, every_hit) -> dict:  # type: ignore[no-untyped-def]
    search(["north", "korea"])  # imports and first-use costs (numpy, caches) out of the way
    times = []
    for words in keystrokes():
        start = time.perf_counter()
        search(words)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    count, _ = search(["north", "korea"])
    # What the engine's ranking needs of a word: every article holding it, as a bit set
    # (its tiers score all candidates, not a first page).
    start = time.perf_counter()
    every = bitset.count(every_hit(FREQUENT))
    every_ms = (time.perf_counter() - start) * 1000
    return {"every": every_ms, "every_count": every, "median": statistics.median(times),
            "p95": times[int(0.95 * (len(times) - 1))], "max": times[-1], "count": count,
            "steady": resident_mb(), "peak": peak_mb()}


def run_reference(paths: list[str], work: Path) -> dict:
    start = time.perf_counter()
    total = sum(len(text) for _, text in texts(paths))
    return {"build": time.perf_counter() - start, "disk": total, "steady": resident_mb(),
            "peak": peak_mb()}


def child(option: str, list_file: str, work: str) -> None:
    paths = Path(list_file).read_text(encoding="utf-8").splitlines()
    where = Path(work)
    if option == "reference":
        result = run_reference(paths, where)
    elif option == "newstui":
        result = run_newstui(paths, where)
    elif option.startswith("fts5-"):
        result = run_fts5(paths, where, option.removeprefix("fts5-"))
    else:
        result = run_tantivy(paths, where, option.removeprefix("tantivy-"))
    print(json.dumps(result))


# --- the parent: the list of files, one child per option, the table ----------------------


def newest_first(corpus: str, limit: int | None) -> list[str]:
    from newstui.model.library import Library

    with tempfile.TemporaryDirectory() as home:
        os.environ["XDG_CACHE_HOME"] = home  # a fresh list pass; the user's caches untouched
        articles = Library([corpus]).load().store.articles
        return [a.path for a in (articles[:limit] if limit else articles)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--limit", type=int, help="index only the newest N articles")
    parser.add_argument("--only", action="append", choices=OPTIONS, help="these options")
    parser.add_argument("--child", nargs=3, metavar=("OPTION", "LIST", "WORK"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if not args.corpus:
        parser.error("a corpus folder is needed")
    try:
        import tantivy  # noqa: F401
        have_tantivy = True
    except ImportError:
        have_tantivy = False
    options = args.only or [o for o in OPTIONS if have_tantivy or not o.startswith("tantivy")]
    paths = newest_first(args.corpus, args.limit)
    print(f"Machine: {describe()}")
    print(f"Corpus: {args.corpus}, {len(paths):,} articles; keystrokes: {len(keystrokes())} "
          f"({', '.join(QUERIES)})\n")
    print("| option | build s | index MB (disk) | B/article | in memory MB | peak RSS MB "
          "| RSS after MB | keystroke median / p95 / max ms | \"north korea\" "
          f"| every \"{FREQUENT}\" as a bit set |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for option in ["reference", *options]:
        with tempfile.TemporaryDirectory() as work:
            list_file = Path(work) / "paths.txt"
            list_file.write_text("\n".join(paths), encoding="utf-8")
            out = subprocess.run([sys.executable, __file__, "--child", option, str(list_file),
                                  work], capture_output=True, text=True, check=False)
            if out.returncode:
                print(f"| {option} | failed: {out.stderr.strip().splitlines()[-1:]} |")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            shutil.rmtree(Path(work) / "tantivy", ignore_errors=True)
        if option == "reference":
            print(f"| read every file (reference) | {r['build']:.1f} | "
                  f"{r['disk'] / 2**20:,.0f} (text) | | | {r['peak']:,.0f} | "
                  f"{r['steady']:,.0f} | | | |")
            continue
        memory = (f"{r['memory'] / 2**20:,.0f} (delta-coded: varints "
                  f"{r['compact'][0] / 2**20:,.0f}, one width a word "
                  f"{r['compact'][1] / 2**20:,.0f})" if "memory" in r else "(on disk)")
        print(f"| {option} | {r['build']:.1f} | {r['disk'] / 2**20:,.1f} | "
              f"{r['disk'] / max(1, len(paths)):,.0f} | {memory} | {r['peak']:,.0f} | "
              f"{r['steady']:,.0f} | {r['median']:.2f} / {r['p95']:.2f} / {r['max']:.2f} | "
              f"{r['count']:,} | {r['every']:,.1f} ms ({r['every_count']:,}) |")


if __name__ == "__main__":
    main()
