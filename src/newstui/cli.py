"""The command line: ``newstui [PATH ...]`` opens the reader; subcommands script the corpus.

Textual is imported only when the reader is launched, so ``list``/``show``/``check``/``tags``
start fast and work without a terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Sequence

from newstui import __version__
from newstui.model.article import Article, Parsed
from newstui.model.load import Unusable, load_paths
from newstui.model.sanitize import clean_line
from newstui.model.search import Engine
from newstui.model.store import Store
from newstui.resources import seeds_dir

COMMANDS = ("list", "show", "check", "tags")
PROG = "newstui"
EPILOG = """\
commands (each has --help):
  list    one article a line, newest first (--json for JSON Lines)
  show    one article as clean readable text (--json for everything)
  check   report skipped files and warnings; exit 1 if anything was skipped
  tags    tags with their counts, most used first

With no PATH, the bundled seeds are used. Keys are listed in the app with '?'.
"""


class CliError(Exception):
    """An error shown as one line on stderr."""


def _paths_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="article files or folders (searched recursively for .txt and .md); "
             "default: the bundled seeds",
    )


def build_parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and one parser per subcommand."""
    top = argparse.ArgumentParser(
        prog=PROG,
        description="A fast, keyboard-driven terminal reader for folders of news articles.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    top.add_argument("--no-mouse", action="store_true",
                     help="leave the mouse to the terminal (select and copy text)")
    _paths_arg(top)
    subs: dict[str, argparse.ArgumentParser] = {}

    p = subs["list"] = argparse.ArgumentParser(
        prog=f"{PROG} list", description="Print one article a line: date  source  title, "
        "newest first.")
    _paths_arg(p)
    p.add_argument("--json", action="store_true",
                   help="print JSON Lines: id, path, date, title, source, section, tags, "
                        "dateline, caption, words, url")
    p.add_argument("--limit", type=_positive, metavar="N", help="print at most N articles")
    p.add_argument("--query", "-q", metavar="Q",
                   help="only articles matching the query (same syntax and order as the app)")
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance",
                   help="order of a --query's results (default: relevance)")

    p = subs["show"] = argparse.ArgumentParser(
        prog=f"{PROG} show", description="Print one article as clean readable text.")
    p.add_argument("args", nargs="+", metavar="[PATH ...] ID",
                   help="optional files or folders, then the article id (see 'newstui list "
                        "--json'); a unique id prefix is enough")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object, with body (paragraphs) and highlights")

    p = subs["check"] = argparse.ArgumentParser(
        prog=f"{PROG} check",
        description="Report every skipped file and warning, then a summary line. "
                    "Exit status 1 if any file was skipped.")
    _paths_arg(p)

    p = subs["tags"] = argparse.ArgumentParser(
        prog=f"{PROG} tags", description="Print tags with their counts, most used first.")
    _paths_arg(p)
    return top, subs


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def load_store(paths: Sequence[str]) -> Store:
    """Load ``paths`` (the bundled seeds when empty) into a store."""
    return Store.from_result(load_paths(list(paths) or [str(seeds_dir())]))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    top, subs = build_parsers()
    try:
        if args and args[0] in subs:
            command = args[0]
            ns = subs[command].parse_args(args[1:])
            return {"list": cmd_list, "show": cmd_show, "check": cmd_check,
                    "tags": cmd_tags}[command](ns)
        ns = top.parse_args(args)
        return launch(ns)
    except CliError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): not an error worth a trace.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


def launch(ns: argparse.Namespace) -> int:
    """Open the full-screen reader."""
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise CliError("the reader needs a terminal; for scripts use 'newstui list' or "
                       "'newstui show'")
    from newstui.tui.app import run_app

    return run_app(ns.paths or [str(seeds_dir())], mouse=not ns.no_mouse)


def _line(article: Article) -> str:
    date = article.iso_date or "----------"
    return f"{date}  {article.source or '-'}  {article.title}"


def cmd_list(ns: argparse.Namespace) -> int:
    """``newstui list``."""
    store = load_store(ns.paths)
    articles = store.articles
    if ns.query:
        result = Engine(store).search(ns.query, ns.sort)
        if result.error:
            raise CliError(f"bad query: {result.error}")
        articles = [store.docs[d] for d in result.docs]
    if ns.limit is not None:
        articles = articles[: ns.limit]
    out = sys.stdout
    for article in articles:
        if ns.json:
            out.write(json.dumps(article.to_json(), ensure_ascii=False) + "\n")
        else:
            out.write(_line(article) + "\n")
    out.flush()
    return 0


def full_json(article: Article, parsed: Parsed) -> dict[str, object]:
    """The ``show --json`` record: the list record plus body and highlights."""
    record = article.to_json()
    record["body"] = list(parsed.body)
    record["highlights"] = [{"heading": h.heading, "items": list(h.items)}
                            for h in parsed.highlights]
    return record


def render_text(article: Article, parsed: Parsed, width: int = 78) -> str:
    """The article as plain, wrapped, readable text."""
    wrap = textwrap.TextWrapper(width=width, break_long_words=True, break_on_hyphens=False)
    out = [wrap.fill(article.title), "=" * min(width, max(len(article.title), 10))]
    meta = " · ".join(x for x in (article.iso_date or "date unknown", article.source,
                                  article.section, article.dateline) if x)
    out.append(wrap.fill(meta))
    if article.caption:
        out += ["", textwrap.fill(f"[Picture] {article.caption}", width, initial_indent="  ",
                                  subsequent_indent="  ")]
    for paragraph in parsed.body:
        out.append("")
        out.extend(wrap.fill(line) for line in paragraph.split("\n"))
    for box in parsed.highlights:
        out += ["", box.heading or "Highlights"]
        out.extend(textwrap.fill(item, width, initial_indent="  • ", subsequent_indent="    ")
                   for item in box.items)
    if article.tags:
        out += ["", wrap.fill("Tags: " + "  ".join(f"#{t}" for t in article.tags))]
    if article.url:
        out += ["", f"Source: {article.url}"]
    return "\n".join(out) + "\n"


def cmd_show(ns: argparse.Namespace) -> int:
    """``newstui show``."""
    *paths, key = ns.args
    store = load_store(paths)
    article = store.find(key)
    if article is None:
        raise CliError(f"no article with id {clean_line(key)!r} (see 'newstui list --json')")
    try:
        parsed = store.full(article)
    except Unusable as exc:
        raise CliError(f"{clean_line(article.path)}: cannot read: {exc}") from None
    if ns.json:
        print(json.dumps(full_json(article, parsed), ensure_ascii=False, indent=2))
    else:
        width = min(shutil.get_terminal_size((80, 24)).columns, 100) - 2
        sys.stdout.write(render_text(article, parsed, max(width, 20)))
    return 0


def cmd_check(ns: argparse.Namespace) -> int:
    """``newstui check``."""
    store = load_store(ns.paths)
    result = store.result
    for path, reason in result.skipped:
        print(f"{clean_line(path)}: skipped: {reason}")
    for path, reason in result.warnings:
        print(f"{clean_line(path)}: warning: {reason}")
    print(f"{len(store)} articles, {len(result.skipped)} skipped, "
          f"{len(result.warnings)} warnings")
    return 1 if result.skipped else 0


def cmd_tags(ns: argparse.Namespace) -> int:
    """``newstui tags``."""
    store = load_store(ns.paths)
    for tag, count in store.tags.most_common():
        print(f"{count:6d}  {tag}")
    return 0
