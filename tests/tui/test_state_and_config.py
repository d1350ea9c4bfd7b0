"""Reading state and configuration in the app: marks, stars, remapped keys, restarts."""

from __future__ import annotations

from newstui.model.user.config import parse_config
from newstui.model.user.state import ReadingState
from newstui.tui.app import NewsApp
from newstui.tui.screens.help import HelpScreen
from newstui.tui.screens.pickers import Picker, Prompt
from tests.conftest import SEEDS
from tests.tui.conftest import ready, row_text, settle


async def test_open_marks_read_star_and_survive_restart(tmp_path) -> None:
    path = tmp_path / "state.db"
    app = NewsApp([str(SEEDS)], state=ReadingState(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        first = app.reader.headlines.current
        assert row_text(app, 0)[1] == "●"  # unread
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.reader.is_read(first)
        assert row_text(app, 0)[1] == " "
        await pilot.press("escape", "j", "s")
        second = app.reader.headlines.current
        assert app.reader.is_starred(second) and row_text(app, 1)[1:3] == "●★"  # both shown
        count = str(app.reader.query_one("#filter-count").render())
        assert f"{len(app.reader.store) - 1:,} unread" in count
    app.state.close()
    again = NewsApp([str(SEEDS)], state=ReadingState(path))
    async with again.run_test(size=(120, 40)) as pilot:
        await ready(again, pilot)
        assert again.reader.is_read(first) and again.reader.is_starred(second)
        await pilot.press("slash", *"is:starred")
        await settle(again, pilot)
        articles = again.reader.store.articles
        assert [articles[d].id for d in again.reader.headlines.rows] == [second.id]


async def test_toggle_read_mark_all_and_next_unread(tmp_path) -> None:
    app = NewsApp([str(SEEDS)], state=ReadingState(tmp_path / "s.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("r")
        assert app.reader.is_read(app.reader.headlines.current)
        await pilot.press("r")
        assert not app.reader.is_read(app.reader.headlines.current)
        await pilot.press("slash", *"penguin", "enter")
        await settle(app, pilot)
        shown = list(app.reader.headlines.rows)
        await pilot.press("A", "y")  # newsboat's key for it; it asks first
        await pilot.pause()
        assert all(app.reader.is_read(app.reader.store.articles[d]) for d in shown)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("u")
        assert not app.reader.is_read(app.reader.headlines.current)


async def test_remapped_keys_work_and_show_in_help(tmp_path) -> None:
    config = parse_config("keymap: {list.down: 'x', app.quit: 'Q'}\n")
    app = NewsApp([str(SEEDS)], config=config, state=ReadingState(None))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("x", "x")
        assert app.reader.headlines.cursor == 2
        await pilot.press("j")
        assert app.reader.headlines.cursor == 2  # j no longer moves: list.down is remapped
        await pilot.press("question_mark")
        text = "\n".join(app.screen.lines)
        assert isinstance(app.screen, HelpScreen)
        assert "x                      Down  [list.down]" in text
        assert "Q                      Quit  [app.quit]" in text
        await pilot.press("escape", "Q")
        await pilot.pause()
    assert app.return_code == 0


async def test_config_settings_apply_and_problems_are_shown(tmp_path) -> None:
    config = parse_config("layout: stacked\ncolumns: [title]\ntheme: high-contrast\n"
                          "sort: date\nbogus: 1\n")
    app = NewsApp([str(SEEDS)], config=config, state=ReadingState(None))
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(app, pilot)
        assert app.reader.query_one("#panes").has_class("stacked")
        assert app.theme == "high-contrast" and app.reader.sort == "date"
        assert row_text(app, 0).startswith("▌●  Kim in Russia")  # only the title column
        assert any("unknown key 'bogus'" in n.message for n in app._notifications)


async def test_saved_search_and_tag_picker(tmp_path) -> None:
    app = NewsApp([str(SEEDS)], state=ReadingState(tmp_path / "s.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"covid", "enter", "ctrl+s")
        assert isinstance(app.screen, Prompt)
        await pilot.press(*"pandemic", "enter")
        assert app.state.saved == {"pandemic": "covid"}
        await pilot.press("slash", "escape", "escape")
        await settle(app, pilot)
        await pilot.press("quotation_mark")
        assert isinstance(app.screen, Picker)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.reader.filter_bar.input.value == "covid"
        await pilot.press("t")
        assert isinstance(app.screen, Picker)
        await pilot.press(*"north kor", "enter")
        await settle(app, pilot)
        assert app.reader.filter_bar.input.value == 'tag:"North Korea"'


async def test_tag_completion_in_filter_bar() -> None:
    app = NewsApp([str(SEEDS)], state=ReadingState(None))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"tag:north")
        await pilot.pause(0.2)
        field = app.reader.filter_bar.input
        assert field._suggestion == "tag:north korea"  # the grey rest follows the typed case
        await pilot.press("tab")
        assert field.value == 'tag:"North Korea"'


async def test_palette_lists_saved_searches(tmp_path) -> None:
    state = ReadingState(tmp_path / "s.db")
    state.save_search("korea", 'tag:"north korea"')
    app = NewsApp([str(SEEDS)], state=state)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        from newstui.tui.commands import NewsCommands

        provider = NewsCommands(app.screen)
        hits = [hit async for hit in provider.search("korea")]
        saved = [h for h in hits if h.text.startswith("Saved search: korea")]
        assert saved
        saved[0].command()
        await settle(app, pilot)
        assert app.reader.filter_bar.input.value == 'tag:"north korea"'
        delete = [h for h in hits if h.text == "Delete saved search: korea"]
        delete[0].command()
        assert app.state.saved == {}
        assert ReadingState(tmp_path / "s.db").saved == {}


async def test_a_cache_that_cannot_be_written_is_a_notice_once(tmp_path, monkeypatch) -> None:
    from tests.model.test_cache import _age
    from tests.model.test_two_pass import _corpus

    news = tmp_path / "news"
    news.mkdir()
    _corpus(news, n=5)
    _age(*news.iterdir())
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("NEWSTUI_CACHE", str(blocker / "cache"))
    app = NewsApp([str(news)])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        notices = [n.message for n in app._notifications if "cache not saved" in n.message]
        assert len(notices) == 2  # the header cache and the body index cache, once each
        assert any(n.startswith("header cache not saved") for n in notices)


async def test_notifications_are_plain_text_from_every_widget() -> None:
    app = NewsApp([str(SEEDS)])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.reader.headlines.notify("[bold red]not markup[/]")  # Widget.notify: markup=True
        await pilot.pause()
        [note] = [n for n in app._notifications if "not markup" in n.message]
        assert note.message == "[bold red]not markup[/]" and note.markup is False


async def test_notifications_never_carry_an_escape() -> None:
    app = NewsApp([str(SEEDS)])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.notify("a file \x1b]0;PWN\x07named x", title="t\x1b[2J")
        await pilot.pause()
        [note] = [n for n in app._notifications if "named x" in n.message]
        assert note.message == "a file named x" and note.title == "t"
