"""NewsApp: the config, theme, keymap, reading state and idle collector, and the screens.

Everything about articles happens on :class:`~newstui.tui.screens.reader.ReaderScreen`;
the corpus itself is a plain-Python :class:`~newstui.model.library.Library`.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.segment import Segment
from textual import events
from textual.app import App, SystemCommand
from textual.color import Color
from textual.filter import LineFilter, Monochrome, NoColor
from textual.notifications import SeverityLevel
from textual.screen import Screen

from newstui.model.corpus import clean_line, clean_text
from newstui.model.library import Library
from newstui.model.user import Config, ReadingState
from newstui.model.user.keys import PALETTE, PANES
from newstui.resources import styles_dir
from newstui.tui.bindings import bindings
from newstui.tui.idle_gc import IdleCollector
from newstui.tui.screens.help import HelpScreen, help_lines
from newstui.tui.screens.reader import ReaderScreen
from newstui.tui.themes import install_themes


class WithoutColour(LineFilter):
    """Takes every colour out of what is drawn, keeping bold, dim, italic, underline and
    reverse: the terminal shows its own colours, and no colour code is ever sent (Textual's
    NoColor still sends "default colour" codes)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """The segments without colour."""
        return [Segment(text, None if style is None else style.without_color, control)
                for text, style, control in segments]


class NewsApp(App[int]):
    """The full-screen reader of the articles under ``paths``.

    ``library`` is the corpus already opened (and perhaps preloaded) for those paths;
    without one the app opens them itself, and the reader screen loads them in a worker.
    """

    CSS_PATH = str(styles_dir() / "app.tcss")
    TITLE = "newstui"
    BINDINGS = bindings("app")

    def __init__(self, paths: Sequence[str] = (), config: Config | None = None,
                 state: ReadingState | None = None, library: Library | None = None,
                 collect_when_idle: bool = False) -> None:
        super().__init__()
        self.config = config or Config()
        self.state = state or ReadingState(None)
        self.library = library or Library(paths, self.state.keys)
        self.reader = ReaderScreen(self.library, self.config, self.state)
        self._collector = IdleCollector(lambda: self.reader.loading_corpus) \
            if collect_when_idle else None
        install_themes(self, self.config)
        if self.no_color:
            # Textual chose its filter before our theme was set: Monochrome, which paints
            # text in its background's grey (black on black). NO_COLOR asks for no colour
            # at all: the terminal's own colours, with bold, dim, underline and reverse.
            self._filters = [WithoutColour() if isinstance(f, Monochrome | NoColor) else f
                             for f in self._filters]
            self.add_class("-no-color")

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """A notification, always as plain, sanitised text: names, paths and errors hold
        any text, escape sequences included.

        ``markup`` is accepted for Textual's callers (``Widget.notify`` passes True) and
        ignored on purpose, so that no caller can turn data into markup.
        """
        super().notify(clean_text(message), title=clean_line(title), severity=severity,
                       timeout=timeout, markup=False)

    def on_mount(self) -> None:
        """Apply the keymap, report config problems, show the reader."""
        if self._collector is not None:
            self.set_interval(0.5, self._collector.tick, name="idle-gc")
        for problem in self.config.problems:
            self.notify(problem, title="config", severity="warning", timeout=10)
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.push_screen(self.reader)
        self.reader.report_state()

    async def on_event(self, event: events.Event) -> None:
        """Note input for the idle-time garbage collector."""
        if self._collector is not None and isinstance(event, events.Key | events.MouseEvent):
            self._collector.activity()
        await super().on_event(event)

    def on_unmount(self) -> None:
        """Give the garbage collector back."""
        if self._collector is not None:
            self._collector.stop()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Of Textual's own palette commands only the theme picker: Quit is newstui's
        (the reader's palette has it), Keys, Maximize and Screenshot are not for readers."""
        for command in super().get_system_commands(screen):
            if command.title == "Theme":
                yield command

    def action_help(self) -> None:
        """Show every binding by pane, with the keys in effect."""
        panes = [(title, keys) for title, keys in PANES.values()]
        panes.append(("Command palette", [PALETTE]))
        self.push_screen(HelpScreen(help_lines(panes, self._keymap)))


def prepare_workers() -> None:
    """Start multiprocessing's resource tracker while stderr is still the terminal.

    Started later, from inside the app, it passes ``sys.stderr.fileno()``, which is -1 once
    Textual has replaced stderr, and spawning the loader's worker processes fails.
    """
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except Exception:  # without it the loader uses one process
        pass


def run_app(paths: list[str], config: Config, state: ReadingState, mouse: bool = True) -> int:
    """Run the reader on ``paths``; return the exit status."""
    prepare_workers()
    library = Library(paths, state.keys)
    # A small folder (≤ 1,000 files, ≤ 32 MB) is read before the first frame (~30 ms for
    # 300 files), so that frame already shows headlines; a larger one is read in a worker.
    library.preload()
    # Loading and searching run in threads beside the UI: a thread that wants the GIL waits
    # up to the switch interval (5 ms by default) for the one that holds it, and a keystroke
    # may meet that wait twice. 1 ms keeps hand-overs below what anyone could see.
    sys.setswitchinterval(0.001)
    app = NewsApp(paths, config, state, library, collect_when_idle=True)
    # A loop of our own: asyncio.run() (App.run's default) would end by joining every
    # thread worker, and a quit during a load waited for the whole load pass.
    loop = asyncio.new_event_loop()
    try:
        app.run(mouse=mouse and config.mouse, loop=loop)
    finally:
        state.close()
    return app.return_code or 0
