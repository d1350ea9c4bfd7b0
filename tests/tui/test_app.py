"""Behaviour of the reader, driven with Pilot: every binding and pane transition."""

from __future__ import annotations

import json

import pytest
from rich.cells import cell_len

from newstui.model.corpus.files import read_full
from newstui.tui.app import NewsApp
from newstui.tui.screens.help import HelpScreen
from newstui.tui.widgets.article_view import ArticleView
from newstui.tui.widgets.filter_bar import QueryInput
from newstui.tui.widgets.headline_list import HeadlineList
from tests.conftest import SEEDS
from tests.tui.conftest import ready, row_text, settle


def seeds_app() -> NewsApp:
    return NewsApp([str(SEEDS)])


async def test_launch_focuses_list_on_newest_article() -> None:
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert isinstance(app.focused, HeadlineList)
        assert app.reader.headlines.cursor == 0
        assert app.reader.headlines.current.title.startswith("Kim in Russia")
        assert app.reader.article_view.article.id == app.reader.headlines.current.id
        assert "Kim in Russia" in row_text(app, 0)
        assert app.reader.query_one("#panes").has_class("side")


async def test_list_movement_keys() -> None:
    app = seeds_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        total = len(app.reader.headlines.rows)
        await pilot.press("j", "down", "j")
        assert app.reader.headlines.cursor == 3
        await pilot.press("k", "up")
        assert app.reader.headlines.cursor == 1
        await pilot.press("G")
        assert app.reader.headlines.cursor == total - 1
        await pilot.press("g")
        assert app.reader.headlines.cursor == 0
        await pilot.press("end")
        assert app.reader.headlines.cursor == total - 1
        await pilot.press("home", "pagedown")
        page = app.reader.headlines.cursor
        assert page > 3
        await pilot.press("pagedown", "pageup")
        assert app.reader.headlines.cursor == page
        await pilot.press("k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k",
                          "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k")
        assert app.reader.headlines.cursor == 0


async def test_article_follows_selection_and_enter_opens() -> None:
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        second = app.reader.headlines.current
        assert app.reader.article_view.article.id == second.id
        await pilot.press("enter")
        assert isinstance(app.focused, ArticleView)
        await pilot.press("J")
        await settle(app, pilot)
        assert app.reader.headlines.cursor == 2
        assert app.reader.article_view.article.id == app.reader.headlines.current.id
        await pilot.press("K", "K")
        await settle(app, pilot)
        assert app.reader.headlines.cursor == 0
        await pilot.press("space")
        assert app.reader.article_view.scroll_y > 0
        await pilot.press("escape")
        assert isinstance(app.focused, HeadlineList)


async def test_tab_cycles_panes() -> None:
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleView)
        await pilot.press("tab")
        assert isinstance(app.focused, QueryInput)
        await pilot.press("tab")
        assert isinstance(app.focused, HeadlineList)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, QueryInput)


async def test_filter_bar_narrows_counts_and_escapes() -> None:
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        total = len(app.reader.headlines.rows)
        await pilot.press("slash")
        assert isinstance(app.focused, QueryInput)
        await pilot.press(*"penguin")
        await settle(app, pilot)
        shown = len(app.reader.headlines.rows)
        assert 0 < shown < total
        count = str(app.reader.query_one("#filter-count").render())
        assert count.lstrip().startswith(f"{shown} of {total}")
        assert "penguin" in app.reader.headlines.current.title.lower()
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.reader.filter_bar.input.value == ""
        assert len(app.reader.headlines.rows) == total
        assert isinstance(app.focused, QueryInput)
        await pilot.press("escape")
        assert isinstance(app.focused, HeadlineList)
        await pilot.press("slash", *"kim", "enter")
        assert isinstance(app.focused, HeadlineList)


async def test_bad_query_keeps_last_result_and_explains() -> None:
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"covid")
        await settle(app, pilot)
        good = list(app.reader.headlines.rows)
        app.reader.filter_bar.input.value = "covid after:soon"
        await settle(app, pilot)
        assert list(app.reader.headlines.rows) == good
        assert "after: takes" in str(app.reader.query_one("#filter-message").render())


async def test_nothing_matches_shows_friendly_empty_state() -> None:
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"qqqqzzzz")
        await settle(app, pilot)
        assert len(app.reader.headlines.rows) == 0
        assert "Nothing matches “qqqqzzzz”, Esc to clear" in row_text(app, 0)


async def test_empty_folder_message(tmp_path) -> None:
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        assert f"No articles in {tmp_path}" in row_text(app, 0)


async def test_full_screen_help_sort_and_layout() -> None:
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f")
        assert app.screen.has_class("full-article")
        assert not app.reader.headlines.display or app.reader.headlines.region.width == 0
        await pilot.press("escape")
        assert not app.screen.has_class("full-article")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(app.screen.lines)
        for expected in ("Headline list", "Article", "Filter bar", "Next article", "Quit"):
            assert expected in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("S")
        assert app.reader.sort == "date"
        await pilot.press("L")
        assert app.reader.query_one("#panes").has_class("stacked")


async def test_resize_keeps_selection_and_switches_layout() -> None:
    app = seeds_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(app, pilot)
        await pilot.press("j", "j", "j")
        chosen = app.reader.headlines.current.id
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert app.reader.query_one("#panes").has_class("stacked")
        assert app.reader.headlines.current.id == chosen
        await pilot.resize_terminal(80, 24)  # below 30 rows: the list alone (issue 12)
        await pilot.pause()
        assert app.reader.query_one("#panes").has_class("single")
        assert app.reader.headlines.current.id == chosen
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert app.reader.query_one("#panes").has_class("side")
        assert app.reader.headlines.current.id == chosen


async def test_quit_with_q_and_command_palette_opens() -> None:
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_palette_filter_by_tag_and_open_article() -> None:
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.reader.filter_by_tag("North Korea")
        await settle(app, pilot)
        assert app.reader.filter_bar.input.value == 'tag:"North Korea"'
        articles = app.reader.store.articles
        assert all("North Korea" in articles[d].tags for d in app.reader.headlines.rows)
        target = app.reader.store.articles[-1]
        app.reader.open_article(target.id)
        await settle(app, pilot)
        assert app.reader.headlines.current.id == target.id


async def test_palette_ranks_tags_named_as_typed_first() -> None:
    from newstui.tui.commands import NewsCommands

    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        hits = [hit async for hit in NewsCommands(app.screen).search("korea")]
        tags = [h.text for h in sorted(hits, key=lambda h: -h.score)
                if h.text.startswith("Filter by tag:")]
        assert set(tags[:2]) == {"Filter by tag: North Korea", "Filter by tag: South Korea"}


async def test_palette_search_leaves_the_keys_free_while_the_store_is_held() -> None:
    """The loader holds a store while it attaches cached indexes (a second at a million
    articles): the palette's search waits for it in a thread, the event loop does not."""
    import asyncio
    import threading
    import time

    from newstui.tui.commands import NewsCommands

    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with app.reader.store.held():
                held.set()
                release.wait(5)

        holder = threading.Thread(target=hold)
        holder.start()
        assert held.wait(2)
        provider = NewsCommands(app.screen)

        async def hits() -> list[str]:
            return [hit.text async for hit in provider.search("korea")]

        task = asyncio.create_task(hits())
        beats = [time.monotonic()]
        for _ in range(6):
            await asyncio.sleep(0.05)
            beats.append(time.monotonic())
        waiting = not task.done()
        release.set()
        found = await task
        holder.join()
        assert waiting
        assert max(b - a for a, b in zip(beats, beats[1:], strict=False)) < 0.5
        assert any(text.startswith("Open: ") for text in found)
        assert "Filter by tag: North Korea" in found


async def test_hostile_text_is_shown_literally(write, tmp_path) -> None:
    write("a.txt", " date 2024-01-01  [bold red]ALERT[/] \x1b]0;owned\x07now : [i]Src\n\n"
          "Body with [link=x]markup[/link] and \x1b[2Jescape.\n\n#[b]tag\n")
    write("b.txt", " date 2023-01-01  東京で記者会見 🎉 emoji and CJK title that is long : 新聞\n\n"
          "本文。\n\n#日本\n")
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        first = row_text(app, 0)
        assert "[bold red]ALERT[/] now" in first and "[i]Src" in first[:40]
        assert "\x1b" not in first
        body = "\n".join(app.reader.article_view.text_lines())
        assert "[link=x]markup[/link] and escape." in body
        assert "\x1b" not in body
        width = app.reader.headlines.scrollable_content_region.width
        for y in (0, 1):
            assert cell_len(row_text(app, y)) == width


async def test_big_article_opens_without_stalling(write, tmp_path) -> None:
    paragraph = "Words of a very long report that goes on and on. " * 30
    write("big.txt", " date 2024-01-01  Big report : S\n\n" + (paragraph + "\n\n") * 4200)
    write("small.txt", " date 2023-01-01  Small one : S\n\nShort.\n")
    assert (tmp_path / "big.txt").stat().st_size > 6_000_000
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot, timeout=30)
        view = app.reader.article_view
        assert view.article.title == "Big report"
        parsed = read_full(view.article)
        view.show(view.article, parsed)
        # Only the first screen is wrapped at once; the rest follows in chunks between keys.
        assert view.wrapping and view.line_count < 1000
        await pilot.press("j")
        assert app.reader.headlines.cursor == 1
        await pilot.press("k", "enter", "G")
        assert not view.wrapping and view.line_count > 4200 * 10
        assert view.scroll_y > 4200 * 10 - 50


async def test_slash_is_text_inside_inputs() -> None:
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", "a", "slash", "b")
        assert app.reader.filter_bar.input.value == "a/b"
        await pilot.press("escape", "escape", "t", "slash")
        assert app.screen.query_one("#picker-input").value == "/"


@pytest.mark.parametrize("query", ["ukrane", "kim jong", "tag:russia", "covid -trump",
                                   "after:2020-06 or penguin"])
async def test_app_list_equals_cli_list(query, capsys) -> None:
    from newstui.cli import main

    assert main(["list", str(SEEDS), "--query", query, "--json"]) == 0
    cli_ids = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.reader.filter_bar.input.value = query
        await settle(app, pilot)
        app_ids = [app.reader.store.articles[d].id for d in app.reader.headlines.rows]
    assert app_ids == cli_ids and cli_ids


async def test_article_follows_the_filtered_cursor() -> None:
    app = seeds_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("j", "slash", *"penguin")
        await settle(app, pilot)
        await pilot.pause(0.2)  # the follow delay
        await settle(app, pilot)
        assert app.reader.article_view.article.id == app.reader.headlines.current.id
        assert "penguin" in app.reader.article_view.article.title.lower()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_long_titles_end_in_an_ellipsis_inside_the_row(size) -> None:
    app = seeds_app()
    async with app.run_test(size=size) as pilot:
        await ready(app, pilot)
        width = app.reader.headlines.scrollable_content_region.width
        rows = [row_text(app, y) for y in range(5)]
        assert all(cell_len(r) == width for r in rows)
        kim = next(r for r in rows if "Kim in Russia" in r)
        title = "Kim in Russia amid warnings by US against arms sale deal"
        assert title in kim or "…" in kim.split("Kim in Russia", 1)[1]


async def test_one_giant_paragraph_is_wrapped_lazily(write, tmp_path) -> None:
    write("one.txt", " date 2024-01-01  One giant paragraph : S\n\n" + "word " * 1_300_000 + "\n")
    assert (tmp_path / "one.txt").stat().st_size > 6_000_000
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot, timeout=30)
        view = app.reader.article_view
        view.show(view.article, read_full(view.article))
        assert view.wrapping and view.line_count < 1000


async def test_cursor_row_shows_whether_the_list_has_focus() -> None:
    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.theme = "textual-dark"  # the ANSI theme cannot dim the unfocused cursor
        await settle(app, pilot)

        def cursor_background() -> object:
            strip = app.reader.headlines.render_line(0)
            return next(iter(strip)).style

        focused = cursor_background()
        await pilot.press("tab")  # to the article pane
        await settle(app, pilot)
        assert app.focused is app.reader.article_view
        assert cursor_background() != focused  # not a stale cached row
        await pilot.press("shift+tab")
        await settle(app, pilot)
        assert cursor_background() == focused


async def test_long_query_scrolls_inside_the_filter_bar() -> None:
    app = seeds_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash")
        query = "zzz " * 40
        await pilot.press(*["space" if c == " " else c for c in query])
        await settle(app, pilot)
        field = app.reader.filter_bar.input
        assert field.value == query
        assert field.scroll_x > 0  # the cursor end of a long query stays in view
        assert field.virtual_size.width > field.size.width


async def test_newer_articles_loading_in_keep_the_top_row_or_the_users_article() -> None:
    from newstui.model.index.store import Store
    from newstui.tui.messages import StoreReady

    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        everything = list(app.reader.store.articles)
        library = app.reader.library

        def show(store: Store, stage: str) -> None:
            app.reader.post_message(StoreReady(library.snapshot_for(store, stage)))

        older = Store(everything[5:])  # as if the newest five had not been read yet
        show(older, "partial")
        await settle(app, pilot)
        show(Store(everything), "listed")
        await settle(app, pilot)
        assert app.reader.headlines.cursor == 0  # untouched: still the newest
        assert app.reader.headlines.current.id == everything[0].id
        show(older, "partial")
        await settle(app, pilot)
        await pilot.press("j", "j")
        chosen = app.reader.headlines.current.id
        show(Store(everything), "listed")
        await settle(app, pilot)
        assert app.reader.headlines.current.id == chosen  # moved by the user: kept
        assert app.reader.headlines.cursor == 7


async def test_a_failing_search_is_reported_and_the_app_keeps_running(monkeypatch) -> None:
    from newstui.model.search.engine import Engine

    app = seeds_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        before = list(app.reader.headlines.rows)

        def broken(self, *args, **kwargs):
            raise RuntimeError("[bold]boom[/] \x1b[2J")

        monkeypatch.setattr(Engine, "search", broken)
        await pilot.press("slash", "k", "i", "m")
        await settle(app, pilot)
        await pilot.pause(0.1)
        assert app.is_running
        assert list(app.reader.headlines.rows) == before  # the last good list stays
        messages = [n.message for n in app._notifications]
        assert any("RuntimeError: [bold]boom[/]" in m and "\x1b" not in m for m in messages)


async def test_a_preloaded_folder_is_on_the_first_frame() -> None:
    from newstui.model.library import Library

    library = Library([str(SEEDS)])
    assert library.preload(1000)
    app = NewsApp([str(SEEDS)], library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()  # mounted: no load worker has had to run for the headers
        assert len(app.reader.headlines.rows) == len(library.store) > 0
        assert "Kim in Russia" in row_text(app, 0)
        await ready(app, pilot)  # the body pass still runs and ends
        assert not app.reader.loading_corpus


def test_the_app_paints_up_to_120_frames_a_second_unless_the_user_says_otherwise() -> None:
    # A filtered list waits for the frame after its keystroke's echo: at 60 frames a
    # second that wait was most of a keystroke's latency.
    import os
    import subprocess
    import sys

    code = "import newstui.tui.app, textual.constants as c; print(c.MAX_FPS)"
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    for given, fps in ((None, "120"), ("", "120"), ("30", "30")):
        run_env = env if given is None else {**env, "TEXTUAL_FPS": given}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=run_env, check=True).stdout.strip()
        assert out == fps
