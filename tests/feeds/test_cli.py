"""The feeds command line: subscriptions, OPML, fetch's JSON lines and exit status, the news
folder opened by default, a corrupt feeds.db."""

from __future__ import annotations

import json
import os
from pathlib import Path

from newstui.cli import main
from newstui.model.feeds import Feed, load_subscriptions
from newstui.model.feeds.opml import export_opml, import_opml
from newstui.model.feeds.subscriptions import parse_subscriptions

OPML = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>mine</title></head><body>
  <outline text="News">
    <outline text="World">
      <outline text="Wire" type="rss" xmlUrl="http://127.0.0.1:1/wire.xml"/>
    </outline>
    <outline text="Tech blog" title="Tech blog" type="rss" xmlUrl="http://127.0.0.1:1/t.xml"
             category="/code,python"/>
  </outline>
  <outline text="Local" type="rss" xmlUrl="file:///etc/passwd"/>
</body></opml>"""


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_remove(capsys) -> None:
    code, out, _ = _run(capsys, "feeds", "add", "http://127.0.0.1:1/a.xml", "--name", "A",
                        "--tag", "world", "--tag", "wire", "--section", "News", "--full-text",
                        "--interval", "2h")
    assert code == 0 and "subscribed to A" in out
    subs = load_subscriptions()
    assert subs.feeds == [Feed("http://127.0.0.1:1/a.xml", "A", ("world", "wire"), "News",
                               True, 7200)]
    assert _run(capsys, "feeds", "add", "http://127.0.0.1:1/a.xml")[0] == 2  # already there
    code, _, err = _run(capsys, "feeds", "add", "javascript:alert(1)")
    assert code == 2 and "not an http(s) address" in err and err.count("\n") == 1
    code, out, _ = _run(capsys, "feeds", "list", "--json")
    [entry] = [json.loads(line) for line in out.splitlines()]
    assert entry["name"] == "A" and entry["last_status"] is None and entry["articles"] == 0
    code, out, _ = _run(capsys, "config", "path")
    feeds_line = next(line for line in out.splitlines() if line.startswith("feeds:"))
    assert code == 0 and os.environ["NEWSTUI_FEEDS"] in feeds_line
    assert "not created" not in feeds_line and "news:" in out and "fetch:" in out
    assert _run(capsys, "feeds", "remove", "a")[0] == 0
    assert load_subscriptions().feeds == []
    assert _run(capsys, "feeds", "remove", "nope")[0] == 2


def test_a_bad_entry_is_reported_with_its_line_and_the_others_work() -> None:
    subs = parse_subscriptions("- url: http://127.0.0.1:1/a.xml\n"
                               "- url: ftp://x/feed\n"
                               "- {url: http://127.0.0.1:1/b.xml, interval: soon}\n"
                               "- url: http://127.0.0.1:1/c.xml\n  name: C\n  colour: red\n"
                               "- http://127.0.0.1:1/d.xml\n")
    assert [f.url for f in subs.feeds] == ["http://127.0.0.1:1/a.xml", "http://127.0.0.1:1/d.xml"]
    assert [p.split(":")[1] for p in subs.problems] == ["2", "3", "4"]
    assert "http(s)" in subs.problems[0] and "interval" in subs.problems[1]
    assert "unknown key 'colour'" in subs.problems[2]


def test_opml_import_nests_tags_and_export_import_is_the_identity(capsys, tmp_path) -> None:
    feeds, problems = import_opml(OPML)
    assert [(f.name, f.tags) for f in feeds] == [("Wire", ("News", "World")),
                                                 ("Tech blog", ("News", "code", "python"))]
    assert len(problems) == 1 and "not an http(s)" in problems[0]
    mine = [Feed("http://127.0.0.1:1/a", "A & B <c>", ("x", "y z"), "Sec", True, 1800),
            Feed("http://127.0.0.1:1/b"), Feed("http://127.0.0.1:1/c", "C", interval=90)]
    again, _ = import_opml(export_opml(mine).encode())
    assert again == mine
    file = tmp_path / "subs.opml"
    file.write_bytes(OPML)
    code, out, err = _run(capsys, "feeds", "import", str(file))
    assert code == 0 and "imported 2 feeds" in out and "warning" in err
    code, out, _ = _run(capsys, "feeds", "export")
    assert import_opml(out.encode())[0] == load_subscriptions().feeds


def test_fetch_json_lines_exit_status_and_names_from_titles(capsys, server) -> None:
    for path in ("/feeds/json_feed.json", "/feeds/SamRuby.xml"):
        assert _run(capsys, "feeds", "add", server.url(path))[0] == 0
    code, out, _ = _run(capsys, "fetch", "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {x["status"] for x in lines} == {"ok"}
    assert all(set(x) == {"feed", "url", "status", "new", "updated", "error"} for x in lines)
    assert sorted(x["new"] for x in lines) == [20, 20]
    names = [f.name for f in load_subscriptions().feeds]
    assert names == ["inessential.com", "Sam Ruby"]  # named after their titles
    code, out, _ = _run(capsys, "fetch")
    assert code == 0 and out.strip() == "2 feeds: 0 new articles, 2 not modified, 0 failed"
    assert _run(capsys, "feeds", "add", server.url("/500"), "--name", "broken")[0] == 0
    code, out, err = _run(capsys, "fetch")
    assert code == 1 and "1 failed" in out and "broken: HTTP 500" in err
    code, out, _ = _run(capsys, "fetch", "Sam Ruby", "--json")
    assert code == 0 and len(out.splitlines()) == 1
    assert _run(capsys, "fetch", "nobody")[0] == 2
    # The news folder is what the commands open with no PATH (not the seeds).
    code, out, _ = _run(capsys, "list")
    assert code == 0 and len(out.splitlines()) == 40 and "inessential.com" in out


def test_a_corrupt_feeds_db_is_moved_aside_and_everything_is_fetched_again(capsys,
                                                                           server) -> None:
    assert _run(capsys, "feeds", "add", server.url("/feeds/SamRuby.xml"))[0] == 0
    assert _run(capsys, "fetch")[0] == 0
    db = Path(os.environ["NEWSTUI_FEEDS_DB"])
    db.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    code, out, err = _run(capsys, "fetch", "--json")
    assert code == 0 and "moved it to" in err
    [line] = [json.loads(x) for x in out.splitlines()]
    assert line["status"] == "ok"  # downloaded again (no validators left)
    assert list(db.parent.glob("feeds.db.corrupt-*"))
