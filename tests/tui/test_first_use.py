"""What a first-time user meets (issue 12): each test fails without its fix."""

from __future__ import annotations

from newstui.model.user.config import parse_config
from newstui.model.user.state import ReadingState
from newstui.tui.app import NewsApp
from newstui.tui.screens.help import HelpScreen
from newstui.tui.screens.pickers import Confirm, Picker, Prompt
from newstui.tui.widgets.filter_bar import HINTS
from tests.conftest import SEEDS
from tests.tui.conftest import ready, settle


def _screen_text(app: NewsApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_2_typing_in_the_tag_picker_and_the_save_box_is_visible(tmp_path) -> None:
    app = NewsApp([str(SEEDS)], state=ReadingState(tmp_path / "s.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("t", *"korea")
        await settle(app, pilot)
        assert isinstance(app.screen, Picker)
        assert "korea" in _screen_text(app)
        await pilot.press("escape", "slash", *"kim", "enter", "ctrl+s", *"mine")
        await pilot.pause()
        assert isinstance(app.screen, Prompt)
        assert "mine" in _screen_text(app)


async def test_2_the_picker_shows_its_highlighted_row_before_any_tab(tmp_path) -> None:
    app = NewsApp([str(SEEDS)], state=ReadingState(tmp_path / "s.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("t", "down")
        await pilot.pause()
        options = app.screen.query_one("#picker-options")
        highlighted = options.get_component_rich_style("option-list--option-highlighted")
        plain = options.get_component_rich_style("option-list--option")
        assert options.highlighted == 1 and highlighted != plain
        assert highlighted.bgcolor is not None and highlighted.bgcolor != plain.bgcolor


async def test_3_the_help_screen_scrolls_from_the_keyboard() -> None:
    app = NewsApp([str(SEEDS)])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Query syntax" not in _screen_text(app)
        for key in ("j", "down", "pagedown", "space"):
            before = app.screen.query_one("VerticalScroll").scroll_y
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.query_one("VerticalScroll").scroll_y > before, key
        await pilot.press("G")
        await pilot.pause()
        assert "is:unread" in _screen_text(app)
        await pilot.press("g")
        await pilot.pause()
        assert app.screen.query_one("VerticalScroll").scroll_y == 0
        assert all(not line.lstrip("│ ").startswith("[") for line in _screen_text(app).split("\n"))


async def test_5_mark_all_read_asks_first_and_can_be_undone(tmp_path) -> None:
    app = NewsApp([str(SEEDS)], state=ReadingState(tmp_path / "s.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        total = len(app.reader.store)
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await pilot.pause()
        assert app.reader.unread_count() == total  # no: nothing changed
        await pilot.press("A", "y")
        await pilot.pause()
        assert app.reader.unread_count() == 0
        await pilot.press("U")
        await pilot.pause()
        assert app.reader.unread_count() == total
        await pilot.press("R")  # no longer marks everything read
        await pilot.pause()
        assert app.reader.unread_count() == total


async def test_7_a_bad_keymap_is_reported_and_the_defaults_kept() -> None:
    config = parse_config('keymap: {app.quit: "j", app.star: "ctrl+c", app.filter: "notakey+"}\n')
    assert len(config.problems) == 4 and config.keymap == {}
    app = NewsApp([str(SEEDS)], config=config)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        notes = [n.message for n in app._notifications]
        assert sum("keymap:" in n for n in notes) == 4
        await pilot.press("j")
        assert app.reader.headlines.cursor == 1  # j still moves down
        await pilot.press("s")
        assert app.reader.is_starred(app.reader.headlines.current)  # s still stars
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0  # q still quits


async def test_9_the_palette_has_newstuis_commands_once_and_no_textual_extras() -> None:
    app = NewsApp([str(SEEDS)])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        text = "\n".join(_screen_text(app).splitlines()[:-1])  # the footer says q Quit
        assert text.count("Quit") == 1
        for extra in ("Keys", "Screenshot", "Maximize"):
            assert extra not in text, extra
        assert "Theme" in text


async def test_4_at_80_columns_an_error_or_the_count_leaves_the_query_in_view() -> None:
    app = NewsApp([str(SEEDS)])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        for query in ("after:soon", 'tag:"North Korea" source:Wikinews'):
            app.reader.filter_bar.input.value = query
            await settle(app, pilot)
            bar = app.screen._compositor.render_strips()[0].text
            assert query in bar, bar
        assert "…" not in bar  # the count fits whole beside the query
        assert "⚠ after:" not in bar and "of 294" in bar  # the count is back


async def test_11_footer_and_placeholder_end_on_whole_words_at_80_columns() -> None:
    app = NewsApp([str(SEEDS)])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        for focus in ("list", "article"):
            if focus == "article":
                await pilot.press("enter")
                await settle(app, pilot)
            footer = app.screen._compositor.render_strips()[-1].text
            assert "Quit" in footer and "palette" in footer, footer
        bar = app.screen._compositor.render_strips()[0].text
        assert not bar.split("294 of")[0].rstrip().endswith(",")
        # Whatever room the count leaves, the hints are whole, never half of one.
        whole = set(" ".join(HINTS).split())
        for count in ("30 of 30 · 30 unread", "294 of 294 · fetching feeds 12/40"):
            shown, _, rest = count.partition(" of ")
            total, _, note = rest.partition(" · ")
            app.reader.filter_bar.set_count(int(shown), int(total), note)
            await pilot.pause()
            await pilot.pause()
            bar = app.screen._compositor.render_strips()[0].text
            hints = bar.split("/ filter", 1)[1].split(f"{shown} of")[0].split()
            assert hints and all(hint in whole for hint in hints), bar


async def test_16_a_missing_folder_says_so(tmp_path) -> None:
    app = NewsApp([str(tmp_path / "nope" / "news")])
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        text = app.reader.headlines.render_line(0).text
        assert f"{tmp_path / 'nope' / 'news'}: no such file or folder" in text


async def test_14_focus_shows_on_the_cursor_row_with_the_default_ansi_theme() -> None:
    app = NewsApp([str(SEEDS)])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert app.theme == "ansi-dark"

        def cursor_style():
            return next(iter(app.reader.headlines.render_line(0))).style

        focused = cursor_style()
        await pilot.press("tab")
        await settle(app, pilot)
        unfocused = cursor_style()
        assert focused.bgcolor != unfocused.bgcolor and unfocused.bgcolor.is_default
        assert unfocused.bold and unfocused.underline  # still plain to see


async def test_14_unread_and_starred_show_side_by_side(tmp_path) -> None:
    app = NewsApp([str(SEEDS)], state=ReadingState(tmp_path / "s.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        assert app.reader.headlines.render_line(0).text[1:3] == "●★"
        await pilot.press("r")
        await pilot.pause()
        assert app.reader.headlines.render_line(0).text[1:3] == " ★"


async def test_10_full_screen_text_is_centred_and_at_most_reading_width() -> None:
    app = NewsApp([str(SEEDS)], config=parse_config("reading_width: 90\n"))
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        view = app.reader.article_view
        lines = [view.render_line(y).text for y in range(20)]
        text = [line for line in lines if line.strip()]
        assert max(len(line.strip()) for line in text) <= 90
        margins = {len(line) - len(line.lstrip()) for line in text if not line.startswith(" ▍")}
        assert min(margins) >= 40  # (200 - 90) / 2, less padding and scrollbar


async def test_10_the_article_pane_says_where_the_reader_is() -> None:
    app = NewsApp([str(SEEDS)])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        view = app.reader.article_view
        first = str(view.border_subtitle)
        assert first.startswith("line 1/") and first.endswith("%")
        await pilot.press("space")
        await pilot.pause()
        assert str(view.border_subtitle) != first and "line 1/" not in str(view.border_subtitle)
        await pilot.press("G")
        await pilot.pause()
        assert str(view.border_subtitle).endswith("· 100%")


async def test_15_short_terminals_show_the_list_alone_and_open_articles_over_it() -> None:
    app = NewsApp([str(SEEDS)])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        panes = app.reader.query_one("#panes")
        assert panes.has_class("single") and not app.reader.article_view.display
        rows = [app.reader.headlines.render_line(y).text for y in range(30)]
        assert sum("Wikinews" in r or "Tribune" in r for r in rows) >= 20  # newsboat: 21
        await pilot.press("j", "enter")
        await settle(app, pilot)
        assert app.reader.article_view.region.height >= 20
        assert app.focused is app.reader.article_view
        assert app.reader.article_view.article.id == app.reader.headlines.current.id
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.reader.headlines and not app.reader.article_view.display
        await pilot.press("enter")
        await pilot.resize_terminal(200, 50)  # room for both: side by side, as ever
        await pilot.pause()
        assert panes.has_class("side") and app.reader.headlines.display
        assert not app.reader.has_class("full-article")
    app = NewsApp([str(SEEDS)])
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        assert app.reader.query_one("#panes").has_class("stacked")


async def test_15_layout_and_list_height_settings_win() -> None:
    config = parse_config("layout: stacked\nlist_height: 70\n")
    app = NewsApp([str(SEEDS)], config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        assert app.reader.query_one("#panes").has_class("stacked")
        assert app.reader.headlines.region.height >= 14  # 70% of the 22 rows for the panes


async def test_hide_read_articles_with_one_key(tmp_path) -> None:
    app = NewsApp([str(SEEDS)], state=ReadingState(tmp_path / "s.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        total = len(app.reader.headlines.rows)
        first = app.reader.headlines.current
        await pilot.press("r", "h")
        await settle(app, pilot)
        rows = app.reader.headlines.rows
        assert len(rows) == total - 1 and app.reader.store.doc_of[first.id] not in rows
        assert "unread only" in str(app.reader.query_one("#filter-count").render())
        await pilot.press("slash", *"korea")
        await settle(app, pilot)
        assert all(not app.reader.is_read(app.reader.store.articles[d])
                   for d in app.reader.headlines.rows)
        await pilot.press("enter", "h")
        await settle(app, pilot)
        assert app.reader.filter_bar.input.value == "korea"
        assert any(app.reader.store.articles[d].id == first.id
                   for d in app.reader.headlines.rows)


async def test_the_tag_picker_counts_unread_articles(tmp_path) -> None:
    app = NewsApp([str(SEEDS)], state=ReadingState(tmp_path / "s.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("r", "t")  # the newest article carries North Korea
        await settle(app, pilot)
        assert isinstance(app.screen, Picker)
        labels = [label for label, _ in app.screen.items]
        korea = next(label for label in labels if label.startswith("North Korea  ("))
        total = sum("North Korea" in a.tags for a in app.reader.store.articles)
        assert korea == f"North Korea  ({total - 1} unread of {total})"


async def test_13_a_long_url_is_one_line_and_a_whole_terminal_link(write, tmp_path) -> None:
    url = "https://news.example.com/wiki/" + "Very_long_title_that_goes_on_" * 5 + "say_scientists"
    write("a.txt", f" date 2024-01-01  Linked : S\n\nBody.\n\nSource: {url}\n")
    write("b.txt", " date 2023-01-01  Not linked : S\n\nBody.\n\nSource: https://x.invalid/a b\n")
    app = NewsApp([str(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        view = app.reader.article_view
        lines = view.text_lines()
        [source] = [line for line in lines if line.startswith("Source: ")]
        assert source == f"Source: {url}"  # whole in the text (copying takes it all)
        assert not any("say_scie" in line and line is not source for line in lines)
        y = lines.index(source)
        shown = view.render_line(y).text.rstrip()
        assert "…" in shown and shown.endswith("say_scientists") and len(shown) <= 80
        links = {seg.style.link for seg in view.render_line(y) if seg.style and seg.style.link}
        assert links == {url}
