"""Issue 12, items 12 and 13 and "related stories": Markdown laid out, links whole and
openable or copyable, related stories at the end of every article and one key away."""

from __future__ import annotations

import stat
import webbrowser

from newstui.tui.app import NewsApp
from newstui.tui.links import LinkDialog
from newstui.tui.screens.pickers import Picker
from tests.conftest import SEEDS
from tests.tui.conftest import ready, settle

MD = """---
title: Markdown sample
date: 2024-05-01
source: Example
url: https://news.example.com/markdown-sample
---
# Markdown sample

Intro with **bold**, *em*, `code` and [a link](https://news.example.com/x).

- first item
- second item
  - nested

```
def f():
    return 1
```
"""
LONG = "https://news.example.com/a/" + "very_long_path_segment_" * 6 + "end.html"


async def _open_first(app: NewsApp, pilot) -> None:
    await ready(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_markdown_is_laid_out_not_shown_raw(write, tmp_path) -> None:
    write("2024-05-01-sample.md", MD)
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(80, 30)) as pilot:
        await _open_first(app, pilot)
        view = app.reader.article_view
        lines = view.text_lines()
        text = "\n".join(lines)
        assert "**" not in text and "](" not in text and "```" not in text
        assert "# Markdown" not in text
        assert "• first item" in lines and "  ◦ nested" in lines
        assert "def f():" in lines and "    return 1" in lines  # code keeps its indentation
        y = next(i for i, line in enumerate(lines) if line.startswith("Intro with"))
        styles = {seg.text: seg.style for seg in view.render_line(y) if seg.text.strip()}
        assert styles["bold"].bold and styles["em"].italic
        assert styles["a"].link == "https://news.example.com/x"


async def test_a_long_url_in_a_paragraph_is_never_broken(write, tmp_path) -> None:
    write("a.txt", f" date 2024-01-01  Linked : S\n\nRead more at {LONG} today, it says.\n")
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_first(app, pilot)
        view = app.reader.article_view
        lines = view.text_lines()
        assert LONG in lines  # one line, whole
        assert not any("very_long" in line and line != LONG for line in lines)
        y = lines.index(LONG)
        shown = view.render_line(y)
        assert "…" in shown.text and {s.style.link for s in shown if s.style and s.style.link} \
            == {LONG}


async def test_o_without_any_browser_shows_the_link_to_copy(write, tmp_path,
                                                           monkeypatch) -> None:
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    write("2024-05-01-sample.md", MD)
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_first(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, LinkDialog)
        assert app.screen.url == "https://news.example.com/markdown-sample"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.reader


async def test_o_opens_the_link_with_the_browser_in_BROWSER(write, tmp_path,
                                                           monkeypatch) -> None:
    seen = tmp_path / "opened.txt"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{seen}"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("BROWSER", str(script))
    monkeypatch.setenv("DISPLAY", ":99")  # a graphical session: opened in the background
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # read $BROWSER afresh
    (tmp_path / "news").mkdir()
    write("news/2024-05-01-sample.md", MD)
    app = NewsApp([str(tmp_path / "news")])
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_first(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert seen.read_text() == "https://news.example.com/markdown-sample"
        assert app.screen is app.reader


async def test_y_copies_the_link_with_osc52_or_shows_it(write, tmp_path, monkeypatch) -> None:
    write("2024-05-01-sample.md", MD)
    monkeypatch.setenv("TERM", "xterm-256color")
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_first(app, pilot)
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == "https://news.example.com/markdown-sample"
        monkeypatch.setenv("TERM", "linux")  # the Linux console takes no OSC 52
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, LinkDialog)


async def test_an_article_with_no_link_says_so(write, tmp_path) -> None:
    write("a.txt", " date 2024-01-01  No link : S\n\nBody only.\n")
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_first(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is app.reader
        assert any("no web link" in str(n.message) for n in app._notifications)


async def test_related_stories_end_the_article_and_e_opens_one() -> None:
    app = NewsApp([str(SEEDS)])
    async with app.run_test(size=(100, 40)) as pilot:
        await _open_first(app, pilot)
        view = app.reader.article_view
        assert len(view.related) == 5
        lines = view.text_lines()
        at = lines.index(next(line for line in lines if line.startswith("Related stories")))
        assert lines[at + 1].startswith("• " + view.related[0].title[:20])
        first = view.related[0]
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, Picker)
        assert app.screen.items[0][1] == first.id
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is app.reader
        assert app.reader.article_view.article is not None
        assert app.reader.article_view.article.id == first.id
