"""Small dialogs: a fuzzy picker (tags, saved searches) and a one-line name prompt."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from newstui.model.search.names import rank_names

SHOWN = 300  # a picker lists at most this many matches; typing narrows it


class Picker(ModalScreen[str | None]):
    """Choose one of ``items`` (label, value); typing filters them fuzzily."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="picker.close"),
                Binding("down", "move(1)", show=False, id="picker.down"),
                Binding("up", "move(-1)", show=False, id="picker.up")]
    DEFAULT_CSS = """
    Picker { align: center middle; }
    Picker > Vertical { width: 70; max-width: 100%; height: 80%; border: round $primary;
                        background: $surface; }
    Picker Input { padding: 0 1; }
    Picker OptionList { height: 1fr; border: none; }
    Picker OptionList > .option-list--option-highlighted { background: $primary;
                                                           color: $text; text-style: bold; }
    Picker #picker-title { padding: 0 1; color: $text-muted; }
    """

    def __init__(self, title: str, items: list[tuple[str, str]], empty: str = "",
                 names: list[str] | None = None) -> None:
        """``items`` are (label, value); ``names`` what typing is matched against (the
        labels by default: a tag's label also shows its counts)."""
        super().__init__()
        self.title_text = title
        self.items = items
        self.names = names if names is not None else [label for label, _ in items]
        self.empty = empty

    def compose(self) -> ComposeResult:
        """Title, filter input, list of choices."""
        with Vertical():
            yield Static(Content(self.title_text), id="picker-title")
            yield Input(placeholder="type to filter", id="picker-input", compact=True)
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        """Show everything (most used first), with the cursor in the filter."""
        field = self.query_one(Input)
        field.cursor_blink = False
        field.focus()
        self._fill("")

    def _fill(self, text: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if text.strip():
            # What was typed first (the name, whole words, word starts), then typos.
            chosen = [self.items[i] for i in rank_names(text, self.names, SHOWN)]
        else:
            chosen = self.items[:SHOWN]
        if not chosen:
            options.add_option(Option(Content(self.empty or "Nothing matches"), disabled=True))
            return
        options.add_options(Option(Content(label), id=str(i))
                            for i, (label, _) in enumerate(chosen))
        self._shown = chosen
        options.highlighted = 0

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_move(self, delta: int) -> None:
        """Move the highlight while typing."""
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    @on(Input.Submitted, "#picker-input")
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._choose(options.highlighted)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int) -> None:
        shown = getattr(self, "_shown", [])
        if 0 <= index < len(shown):
            self.dismiss(shown[index][1])


class Confirm(ModalScreen[bool]):
    """Ask a yes/no question: ``y`` or Enter says yes, ``n`` or Esc says no."""

    BINDINGS = [Binding("y,enter", "dismiss(True)", "Yes", id="confirm.yes"),
                Binding("n,escape", "dismiss(False)", "No", id="confirm.no")]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Static { width: 60; max-width: 100%; height: auto; border: round $warning;
                       background: $surface; padding: 0 1; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question and the answers."""
        yield Static(Content(f"{self.question}\n\ny / Enter: yes    n / Esc: no"))


class Prompt(ModalScreen[str | None]):
    """Ask for one line of text (Enter accepts, Esc cancels)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="prompt.cancel")]
    DEFAULT_CSS = """
    Prompt { align: center middle; }
    Prompt > Vertical { width: 60; max-width: 100%; height: auto; border: round $primary;
                        background: $surface; padding: 0 1; }
    Prompt Input { margin: 1 0 0 0; }
    """

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        self.question, self.value = question, value

    def compose(self) -> ComposeResult:
        """The question and the input."""
        with Vertical():
            yield Static(Content(self.question))
            yield Input(value=self.value, id="prompt-input", compact=True)

    def on_mount(self) -> None:
        """Cursor in the input, not blinking."""
        field = self.query_one(Input)
        field.cursor_blink = False
        field.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)
