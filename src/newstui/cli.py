"""The command line: ``newstui [PATH ...]`` opens the reader; subcommands script the corpus.

Textual is imported only when the reader is launched, so ``list``/``show``/``check``/``tags``
start fast and work without a terminal.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NoReturn

from newstui import __version__
from newstui.feeds_cli import add_parsers as add_feed_parsers
from newstui.feeds_cli import cmd_feeds, cmd_fetch
from newstui.model.cache import cache_dir, cache_dir_problem
from newstui.model.corpus import Article, Unusable, clean_line, read_full
from newstui.model.feeds import default_news_dir
from newstui.model.index import Store
from newstui.model.library import Library
from newstui.model.search import StateLookup
from newstui.model.search.query import uses_state
from newstui.model.search.related import related
from newstui.model.user import (
    Config,
    ReadingState,
    default_config_path,
    default_state_path,
    load_config,
)
from newstui.model.user.config import default_text
from newstui.output import Output, json_record, plural
from newstui.resources import seeds_dir
from newstui.show import full_json, render_text

COMMANDS = ("list", "show", "related", "check", "tags", "config", "feeds", "fetch")
PROG = "newstui"
EPILOG = """\
commands (each has --help):
  list    one article a line, newest first (--json for JSON Lines)
  show    one article as clean readable text (--json for everything)
  related up to 5 stories related to one article (--json for JSON Lines)
  check   report skipped files and warnings; exit 1 if anything was skipped
  tags    tags with their counts, most used first
  config  init | path | check: write, locate or validate the YAML config
  feeds   add | list | remove | import | export: manage feed subscriptions (OPML too)
  fetch   fetch the feeds into the news folder (--json for one line per feed)

With no PATH, the news folder (fetched feeds: $NEWSTUI_NEWS or $XDG_DATA_HOME/newstui/news)
and the config's paths are used, else the bundled seeds. Keys are listed in the
app with '?'. Files: config $NEWSTUI_CONFIG or $XDG_CONFIG_HOME/newstui/config.yaml; reading
state $NEWSTUI_STATE or $XDG_STATE_HOME/newstui/state.db; header and body-index caches
$NEWSTUI_CACHE or $XDG_CACHE_HOME/newstui ('off' disables them); feeds $NEWSTUI_FEEDS,
news folder $NEWSTUI_NEWS, fetch state $NEWSTUI_FEEDS_DB. 'newstui config path' shows them
all.
"""


class CliError(Exception):
    """An error shown as one line on stderr."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line and a pointer to ``--help``."""

    def error(self, message: str) -> NoReturn:
        """Raise the error as a :class:`CliError` instead of printing the usage."""
        raise CliError(f"{message} (see '{self.prog} --help')")


GLOBAL_OPTIONS = {"--config": 1, "--state": 1, "--no-mouse": 0}  # option -> values it takes


def _command_first(args: list[str], commands: Iterable[str]) -> list[str]:
    """``args`` with a subcommand moved to the front, so that global options may come before
    it (``newstui --config F list``) as well as after; unchanged when there is none."""
    i = 0
    while i < len(args):
        word = args[i]
        name = word.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            i += 1 + (GLOBAL_OPTIONS[name] if "=" not in word else 0)
        elif word in commands:
            return [word, *args[:i], *args[i + 1 :]]
        else:
            return args
    return args


def _files_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", type=Path,
                        help="config file (default: $NEWSTUI_CONFIG or the XDG config dir)")
    parser.add_argument("--state", metavar="FILE", type=Path,
                        help="reading-state file (default: $NEWSTUI_STATE or the XDG state dir)")


def _paths_arg(parser: argparse.ArgumentParser) -> None:
    _files_args(parser)
    parser.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="article files or folders (searched recursively for .txt, .md and .markdown); "
             "default: the config's paths, else the bundled seeds",
    )


def build_parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and one parser per subcommand."""
    top = _Parser(
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

    p = subs["list"] = _Parser(
        prog=f"{PROG} list", description="Print one article a line: date  source  title, "
        "newest first.")
    _paths_arg(p)
    p.add_argument("--json", action="store_true",
                   help="print JSON Lines: id, path, date, title, source, section, tags, "
                        "dateline, caption, words, url")
    p.add_argument("--limit", type=_positive, metavar="N", help="print at most N articles")
    p.add_argument("--query", "-q", metavar="Q",
                   help="only articles matching the query (same syntax and order as the app)")
    p.add_argument("--sort", choices=("relevance", "date"), default=None,
                   help="order of a --query's results (default: the config's, relevance)")
    p.add_argument("--saved", metavar="NAME", help="use the saved search NAME as the query")

    p = subs["show"] = _Parser(
        prog=f"{PROG} show", description="Print one article as clean readable text.")
    _files_args(p)
    p.add_argument("args", nargs="+", metavar="[PATH ...] ID",
                   help="optional files or folders, then the article id (see 'newstui list "
                        "--json'); a unique id prefix is enough")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object, with body (paragraphs) and highlights")

    p = subs["related"] = _Parser(
        prog=f"{PROG} related", description="Print up to 5 articles related to one article "
        "(sharing its rarest tags and title words), best first, as 'list' prints them.")
    _files_args(p)
    p.add_argument("args", nargs="+", metavar="[PATH ...] ID",
                   help="optional files or folders, then the article id (a unique prefix)")
    p.add_argument("--json", action="store_true", help="print JSON Lines, as 'list --json'")
    p.add_argument("--limit", type=_positive, metavar="N", default=5,
                   help="print at most N articles (default 5)")

    p = subs["check"] = _Parser(
        prog=f"{PROG} check",
        description="Report every skipped file and warning, then a summary line. "
                    "Exit status 1 if any file was skipped.")
    _paths_arg(p)

    p = subs["tags"] = _Parser(
        prog=f"{PROG} tags", description="Print tags with their counts, most used first.")
    _paths_arg(p)

    p = subs["config"] = _Parser(
        prog=f"{PROG} config", description="Write, locate or validate the configuration.")
    _files_args(p)
    p.add_argument("action", choices=("init", "path", "check"),
                   help="init: write a commented default config; path: print where the "
                        "config and state live; check: validate (exit 1 on any problem)")
    p.add_argument("--force", action="store_true", help="init: overwrite an existing file")
    add_feed_parsers(subs, _Parser, PROG)
    return top, subs


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def default_paths(config: Config) -> list[str]:
    """The news folder (fetched feeds, once it holds anything) and the config's paths,
    else the bundled seeds."""
    news = default_news_dir()
    try:
        fetched = news.is_dir() and any(news.iterdir())
    except OSError:
        fetched = False
    paths = ([str(news)] if fetched else []) + list(config.paths)
    return paths or [str(seeds_dir())]


def load_library(paths: Sequence[str], config: Config | None = None, bodies: bool = False,
                 state: StateLookup | None = None, strict: bool = True) -> Library:
    """Load ``paths`` (the config's or the bundled seeds when empty), every file in full.

    Body words are indexed only when asked for (a query needs them; listing does not).
    ``strict``: a PATH given that is missing, unreadable or an unusable file is an error
    (``check`` reports those per file instead).
    """
    if strict:
        _check_paths(paths)
    library = Library(list(paths) or default_paths(config or Config()), state)
    library.load(full=True, bodies=bodies)
    if strict:
        given = {os.path.normpath(os.path.expanduser(p)) for p in paths}
        for path, reason in library.report.skipped:
            if path in given:
                raise CliError(f"{path}: {reason}")
    return library


def load_store(paths: Sequence[str], config: Config | None = None) -> Store:
    """The store of :func:`load_library` (headers only)."""
    return load_library(paths, config).store


def say(text: str) -> None:
    """Print one line, made safe (see :mod:`newstui.output`)."""
    Output(sys.stdout).line(text)


def warn(text: str) -> None:
    """Print one warning line on stderr, made safe."""
    Output(sys.stderr).line(f"{PROG}: warning: {text}")


def _config(ns: argparse.Namespace) -> Config:
    return load_config(ns.config)


def _state(ns: argparse.Namespace) -> ReadingState:
    """The reading state; what went wrong opening it is said on stderr, never hidden."""
    state = ReadingState(ns.state or default_state_path())
    for problem in state.problems:
        warn(problem)
    return state


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    top, subs = build_parsers()
    args = _command_first(list(sys.argv[1:] if argv is None else argv), subs)
    try:
        if args and args[0] in subs:
            command = args[0]
            ns = subs[command].parse_args(args[1:])
            _check_config_option(ns, command)
            if command in ("feeds", "fetch"):
                run = cmd_feeds if command == "feeds" else cmd_fetch
                return run(ns, CliError)
            return {"list": cmd_list, "show": cmd_show, "related": cmd_related,
                    "check": cmd_check,
                    "tags": cmd_tags, "config": cmd_config}[command](ns)
        ns = top.parse_args(args)
        for word in ns.paths:
            if not os.path.lexists(os.path.expanduser(word)):
                raise CliError(f"{word}: no such command, file or folder (commands: "
                               f"{', '.join(COMMANDS)}; see 'newstui --help')")
        _check_config_option(ns, "")
        return launch(ns)
    except CliError as exc:
        Output(sys.stderr).line(f"{PROG}: error: {exc}")
        return 2
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): not an error worth a trace.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


def _check_config_option(ns: argparse.Namespace, command: str) -> None:
    """A config file named on the command line must exist (except for ``config init``)."""
    config = getattr(ns, "config", None)
    if config is not None and command != "config" and not config.exists():
        raise CliError(f"{config}: no such config file (see 'newstui config init')")


def _check_paths(paths: Sequence[str]) -> None:
    """Every PATH given must exist and be readable: one line naming the first that is not."""
    for path in paths:
        expanded = os.path.expanduser(path)
        if not os.path.lexists(expanded):
            raise CliError(f"{path}: no such file or folder")
        if not os.access(expanded, os.R_OK) or (os.path.isdir(expanded)
                                                 and not os.access(expanded, os.X_OK)):
            raise CliError(f"{path}: not readable")


def launch(ns: argparse.Namespace) -> int:
    """Open the full-screen reader."""
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise CliError("the reader needs a terminal; for scripts use 'newstui list' or "
                       "'newstui show'")
    # Textual paints at most 60 times a second by default: a keystroke's frame waited up to
    # 17 ms for its turn. Frames only carry what changed, and an idle app sends none, so a
    # high cap costs nothing at rest; measured at 100k, 1000/s took the filter's median
    # keystroke-to-screen from 23 to 20 ms against 240/s. A user's own TEXTUAL_FPS wins.
    os.environ.setdefault("TEXTUAL_FPS", "1000")
    from newstui.tui.app import run_app

    config = _config(ns)
    code = run_app(ns.paths or default_paths(config), config, _state(ns),
                   mouse=not ns.no_mouse)
    # The reading state is closed and the terminal restored by now. What may still run (a
    # body index half built, worker processes, a cache being written atomically) is not
    # waited for: a quit is immediate at any moment, and freeing a million articles one by
    # one at exit alone took seconds.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _line(article: Article) -> str:
    date = article.iso_date or "----------"
    return f"{date}  {article.source or '-'}  {article.title}"


def cmd_list(ns: argparse.Namespace) -> int:
    """``newstui list``."""
    opened: list[ReadingState] = []
    try:
        return _list(ns, opened)
    finally:
        for state in opened:  # a script may call main() many times (the tests do)
            state.close()


def _list(ns: argparse.Namespace, opened: list[ReadingState]) -> int:
    config = _config(ns)
    query = ns.query
    state: ReadingState | None = None
    if ns.saved is not None or (query and uses_state(query)):
        state = _state(ns)
        opened.append(state)
        if ns.saved is not None:
            if ns.saved not in state.saved:
                if state.problems:  # the saves could not be read: say so, not "no such"
                    raise CliError(f"saved search {clean_line(ns.saved)!r} cannot be read: "
                                   f"{state.problems[0]}")
                names = ", ".join(state.saved) or "none yet"
                raise CliError(f"no saved search {clean_line(ns.saved)!r} (saved: {names})")
            query = state.saved[ns.saved]
    library = load_library(ns.paths, config, bodies=bool(query),
                           state=state.keys if state is not None else None)
    store = library.store
    articles = store.articles
    if query:
        result = library.engine.search(query, ns.sort or config.sort)
        if result.error:
            raise CliError(f"bad query: {result.error}")
        for note in result.notes:
            Output(sys.stderr).line(f"{PROG}: note: {note}")
        articles = [store.articles[d] for d in result.doc_ids]
    if ns.limit is not None:
        articles = articles[: ns.limit]
    out = Output(sys.stdout)
    if ns.json and state is None and (ns.state or default_state_path()).exists():
        state = _state(ns)  # for read and starred (a missing file is not made for them)
        opened.append(state)
    read, starred = (state.keys("read"), state.keys("starred")) if state else ((), ())
    for article in articles:
        if ns.json:
            record = json_record(article)
            record["read"], record["starred"] = article.digest in read, article.digest in starred
            out.json(record)
        else:
            out.line(_line(article))
    out.flush()
    return 0


def _find_article(ns: argparse.Namespace) -> tuple[Store, Article]:
    """The store of ``[PATH ...] ID`` and the article with that id (or unique prefix)."""
    *paths, key = ns.args
    store = load_store(paths, _config(ns))
    article = store.find(key)
    if article is None:
        raise CliError(f"no article with id {clean_line(key)!r} (see 'newstui list --json')")
    return store, article


def cmd_show(ns: argparse.Namespace) -> int:
    """``newstui show``."""
    _, article = _find_article(ns)
    try:
        parsed = read_full(article)
    except Unusable as exc:
        raise CliError(f"{clean_line(article.path)}: cannot read: {exc}") from None
    if ns.json:
        Output(sys.stdout).json(full_json(article, parsed), indent=2)
    else:
        width = min(shutil.get_terminal_size((80, 24)).columns, 100) - 2
        Output(sys.stdout).text(render_text(article, parsed, max(width, 20)))
    return 0


def cmd_related(ns: argparse.Namespace) -> int:
    """``newstui related``."""
    store, article = _find_article(ns)
    out = Output(sys.stdout)
    for doc in related(store, store.doc_of[article.id], ns.limit):
        found = store.articles[doc]
        if ns.json:
            out.json(json_record(found))
        else:
            out.line(_line(found))
    out.flush()
    return 0


def cmd_check(ns: argparse.Namespace) -> int:
    """``newstui check``."""
    library = load_library(ns.paths, _config(ns), strict=False)
    result = library.report
    for path, reason in result.skipped:
        say(f"{path}: skipped: {reason}")
    for path, reason in result.warnings:
        say(f"{path}: warning: {reason}")
    say(f"{plural(len(library.store), 'article')}, {len(result.skipped):,} skipped, "
        f"{plural(len(result.warnings), 'warning')}")
    return 1 if result.skipped else 0


def cmd_tags(ns: argparse.Namespace) -> int:
    """``newstui tags``."""
    store = load_store(ns.paths, _config(ns))
    for tag, count in store.tags.most_common():
        say(f"{count:6d}  {tag}")
    return 0


def cmd_config(ns: argparse.Namespace) -> int:
    """``newstui config init|path|check``."""
    path = ns.config or default_config_path()
    if ns.action == "path":
        say(f"config: {path}{'' if path.exists() else '  (not created yet)'}")
        state = ns.state or default_state_path()
        say(f"state:  {state}{'' if state.exists() else '  (not created yet)'}")
        from newstui.model.feeds import default_feeds_db, default_feeds_path

        for label, where in (("feeds:  ", default_feeds_path()), ("news:   ", default_news_dir()),
                             ("fetch:  ", default_feeds_db())):
            say(f"{label}{where}{'' if where.exists() else '  (not created yet)'}")
        cache = cache_dir()
        if cache is None:
            say("cache:  off ($NEWSTUI_CACHE)")
        else:
            problem = cache_dir_problem(cache)
            say(f"cache:  {cache}{f'  (cannot be written: {problem})' if problem else ''}")
        return 0
    if ns.action == "init":
        if path.exists() and not ns.force:
            raise CliError(f"{path} exists (use --force to overwrite)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(default_text(), encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {path}: {exc.strerror}") from None
        say(f"wrote {path}")
        return 0
    config = load_config(path)
    problems = list(config.problems)
    from newstui.tui.themes import theme_names  # only this command needs the theme list

    themes = theme_names(config)
    if config.theme not in themes:
        problems.append(f"theme: unknown theme {config.theme!r} "
                        f"(available: {', '.join(sorted(themes))})")
    for problem in problems:
        say(problem)
    if not path.exists():
        say(f"{path}: no config file (defaults apply)")
    say(plural(len(problems), "problem"))
    return 1 if problems else 0
