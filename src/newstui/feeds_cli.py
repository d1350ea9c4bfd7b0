"""``newstui feeds add|list|remove|import|export`` and ``newstui fetch``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from newstui.model.corpus.sanitize import clean_line
from newstui.model.durations import parse_interval
from newstui.model.feeds import (
    Feed,
    Subscriptions,
    default_feeds_db,
    default_feeds_path,
    load_subscriptions,
    save_subscriptions,
)
from newstui.model.feeds.fetch_state import FetchState
from newstui.model.feeds.fetcher import FeedResult
from newstui.model.feeds.subscriptions import is_web_url
from newstui.output import Output, plural

Fail = Callable[[str], Exception]


def add_parsers(subs: dict[str, argparse.ArgumentParser],
                make: Callable[..., argparse.ArgumentParser], prog: str) -> None:
    """The ``feeds`` and ``fetch`` parsers (``make`` builds a parser with one-line errors)."""
    p = subs["feeds"] = make(prog=f"{prog} feeds", description="Manage subscriptions "
                             "(a YAML file you may also edit by hand).")
    _feeds_file(p)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION",
                               parser_class=type(p))
    a = actions.add_parser("add", help="subscribe to a feed")
    a.add_argument("url", metavar="URL", help="the feed's http(s) address")
    a.add_argument("--name", help="its name (default: the feed's title after a first fetch, "
                                  "else the host)")
    a.add_argument("--tag", action="append", default=[], metavar="TAG",
                   help="a tag for its articles (repeat for more)")
    a.add_argument("--section", default="", help="a section for its articles")
    a.add_argument("--full-text", action="store_true",
                   help="fetch each new item's page and keep the extracted article")
    a.add_argument("--interval", help="fetch it at most this often in the app (30m, 2h, 1d)")
    ls = actions.add_parser("list", help="the subscriptions with their last fetch")
    ls.add_argument("--json", action="store_true", help="one JSON object a line")
    r = actions.add_parser("remove", help="unsubscribe (its articles stay)")
    r.add_argument("name", metavar="NAME", help="the feed's name (or URL)")
    i = actions.add_parser("import", help="subscribe to the feeds of an OPML file")
    i.add_argument("file", metavar="FILE.opml", type=Path)
    actions.add_parser("export", help="print the subscriptions as OPML 2.0")

    p = subs["fetch"] = make(
        prog=f"{prog} fetch", description="Fetch every feed (or the named ones) and write "
        "new and changed items as article files in the news folder. Exit status 1 when any "
        "feed failed (the others are still imported).")
    _feeds_file(p)
    p.add_argument("names", nargs="*", metavar="NAME", help="only these feeds")
    p.add_argument("--json", action="store_true",
                   help='one JSON line per feed: {"feed", "url", "status": "ok" | '
                        '"not-modified" | "error", "new", "updated", "error"}')
    p.add_argument("--jobs", type=int, default=8, metavar="N",
                   help="feeds fetched at once (default 8; at most 2 per host)")


def _feeds_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--feeds", metavar="FILE", type=Path,
                        help="subscriptions file (default: $NEWSTUI_FEEDS or "
                             "$XDG_CONFIG_HOME/newstui/feeds.yaml)")


def _load(ns: argparse.Namespace) -> Subscriptions:
    subs = load_subscriptions(ns.feeds or default_feeds_path())
    err = Output(sys.stderr)
    for problem in subs.problems:
        err.line(f"newstui: warning: {problem}")
    err.flush()
    return subs


def cmd_feeds(ns: argparse.Namespace, fail: Fail) -> int:
    """``newstui feeds ACTION``."""
    out = Output(sys.stdout)
    subs = _load(ns)
    path = subs.path or default_feeds_path()
    if ns.action == "add":
        return _add(ns, subs, path, fail, out)
    if ns.action == "remove":
        feed = subs.find(ns.name)
        if feed is None:
            raise fail(f"no feed named {clean_line(ns.name)!r} (see 'newstui feeds list')")
        subs.feeds.remove(feed)
        _save(path, subs.feeds, fail)
        state = FetchState(default_feeds_db())
        state.forget(feed.url)
        state.close()
        out.line(f"removed {feed.label} (its articles stay in the news folder)")
    elif ns.action == "list":
        _list(ns, subs, out)
    elif ns.action == "import":
        return _import(ns, subs, path, fail, out)
    elif ns.action == "export":
        from newstui.model.feeds.opml import export_opml

        out.text(export_opml(subs.feeds))
    out.flush()
    return 0


def _save(path: Path, feeds: list[Feed], fail: Fail) -> None:
    try:
        save_subscriptions(path, feeds)
    except OSError as exc:
        raise fail(f"cannot write {path}: {exc.strerror or exc}") from None


def _add(ns: argparse.Namespace, subs: Subscriptions, path: Path, fail: Fail,
         out: Output) -> int:
    url = ns.url.strip()
    if not is_web_url(url):
        raise fail(f"{clean_line(url)!r} is not an http(s) address")
    if any(f.url == url for f in subs.feeds):
        raise fail(f"already subscribed to {clean_line(url)}")
    interval = None
    if ns.interval is not None:
        interval = parse_interval(ns.interval)
        if interval is None:
            raise fail(f"--interval: {clean_line(ns.interval)!r} is not like 30m, 2h or 1d")
    feed = Feed(url=url, name=clean_line(ns.name or ""),
                tags=tuple(dict.fromkeys(clean_line(t) for t in ns.tag if clean_line(t))),
                section=clean_line(ns.section), full_text=ns.full_text, interval=interval)
    if subs.find(feed.label) is not None:
        raise fail(f"a feed named {feed.label!r} exists: give this one --name")
    subs.feeds.append(feed)
    _save(path, subs.feeds, fail)
    out.line(f"subscribed to {feed.label} ({url}); 'newstui fetch' fetches it")
    out.flush()
    return 0


def _list(ns: argparse.Namespace, subs: Subscriptions, out: Output) -> None:
    state = FetchState(default_feeds_db())
    for feed in subs.feeds:
        record = state.feed(feed.url)
        when = (time.strftime("%Y-%m-%d %H:%M", time.localtime(record.last_fetch))
                if record.last_fetch else None)
        entry: dict[str, object] = {
            "name": feed.label, "url": feed.url, "tags": list(feed.tags),
            "section": feed.section, "full_text": feed.full_text,
            "last_fetch": when, "last_status": record.last_status,
            "last_error": record.last_error, "articles": state.item_count(feed.url),
            "moved_from": record.moved_from}
        if ns.json:
            out.json(entry)
        else:
            status = record.last_status or "never fetched"
            if record.last_error:
                status += f": {record.last_error}"
            extra = " · ".join(x for x in (", ".join(feed.tags), "full text" if
                                           feed.full_text else "") if x)
            out.line(f"{feed.label}  {feed.url}  {plural(int(str(entry['articles'])), 'article')}"
                     f"  {when or '-'}  {status}" + (f"  ({extra})" if extra else "")
                     + (f"  (moved here from {record.moved_from})" if record.moved_from else ""))
    if not subs.feeds and not ns.json:
        out.line("no subscriptions yet: 'newstui feeds add URL' or 'newstui feeds import "
                 "FILE.opml'")
    state.close()


def _import(ns: argparse.Namespace, subs: Subscriptions, path: Path, fail: Fail,
            out: Output) -> int:
    from newstui.model.feeds.opml import OpmlError, import_opml
    from newstui.model.untrusted import Refused, read_regular

    try:
        data = read_regular(ns.file, 8 * 1024 * 1024)
    except (OSError, Refused) as exc:
        raise fail(f"{ns.file}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        found, problems = import_opml(data)
    except OpmlError as exc:
        raise fail(f"{ns.file}: {exc}") from None
    err = Output(sys.stderr)
    for problem in problems:
        err.line(f"newstui: warning: {ns.file}: {problem}")
    added = 0
    for feed in found:
        if any(f.url == feed.url for f in subs.feeds):
            continue
        if subs.find(feed.label) is not None:
            feed.name = f"{feed.label} ({urlsplit(feed.url).hostname})"
        subs.feeds.append(feed)
        added += 1
    _save(path, subs.feeds, fail)
    out.line(f"imported {plural(added, 'feed')} ({len(found) - added:,} already subscribed)")
    out.flush()
    return 0


def _chosen(ns: argparse.Namespace, subs: Subscriptions, fail: Fail) -> list[Feed]:
    if not ns.names:
        return subs.feeds
    feeds = []
    for name in ns.names:
        feed = subs.find(name)
        if feed is None:
            raise fail(f"no feed named {clean_line(name)!r} (see 'newstui feeds list')")
        feeds.append(feed)
    return feeds


def cmd_fetch(ns: argparse.Namespace, fail: Fail) -> int:
    """``newstui fetch``."""
    from newstui.model.feeds.refresh import refresh

    out = Output(sys.stdout)
    subs = _load(ns)
    feeds = _chosen(ns, subs, fail)
    if ns.jobs < 1:
        raise fail("--jobs must be 1 or more")
    if not feeds:
        if not ns.json:
            out.line("no feeds to fetch: 'newstui feeds add URL' subscribes to one")
            out.flush()
        return 0
    bar = sys.stderr.isatty() and not ns.json

    def progress(result: FeedResult, done: int, total: int) -> None:
        if ns.json:
            out.json(result.to_json())
            out.flush()
        elif bar:
            filled = 30 * done // total
            sys.stderr.write(f"\r[{'#' * filled}{' ' * (30 - filled)}] {done}/{total} feeds")
            sys.stderr.flush()

    try:
        report = refresh(subs, feeds=feeds, jobs=ns.jobs, progress=progress)
    finally:
        if bar:
            sys.stderr.write("\r" + " " * 60 + "\r")
    err = Output(sys.stderr)
    for note in report.problems:
        err.line(f"newstui: warning: {note}")
    if not ns.json:
        for result in report.failed:
            err.line(f"newstui: {result.feed}: {result.error}")
        out.line(report.summary())
        out.flush()
    err.flush()
    return 1 if report.failed else 0
