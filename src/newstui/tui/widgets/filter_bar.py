"""The filter bar: a query input, the ``N of M`` count, and an inline error or hint."""

from __future__ import annotations

from typing import Self

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from newstui.tui.bindings import bindings

# Whole words only: a narrow bar cuts the end, never a word in half.
HINTS = ("words", '"a phrase"', "tag:x", "-word", "after:2023", "(? for more)")
PLACEHOLDER = "  ".join(HINTS)


def fitting_placeholder(width: int) -> str:
    """As many whole hints as fit ``width`` cells (never one cut in the middle)."""
    shown: list[str] = []
    for hint in HINTS:
        if len("  ".join([*shown, hint])) > width:
            break
        shown.append(hint)
    return "  ".join(shown)


class QueryInput(Input):
    """The query input; ``Esc`` clears it, a second ``Esc`` leaves it."""

    BINDINGS = bindings("filter")

    class Leave(Message):
        """The user is done typing and wants the list back."""

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        """Repaint, never re-lay out the screen.

        ``Input`` grows its virtual width with every character typed, and that reactive asks
        for a layout of the whole screen (~9 ms at 200x50) on each keystroke. The input's
        size comes from the CSS, never from its text, so a repaint is all it needs.
        """
        return super().refresh(*regions, repaint=repaint, layout=False, recompose=recompose)

    def on_resize(self) -> None:
        """Fit the hints to the room the input has now (whatever changed it: the terminal,
        or the count beside it growing or shrinking). Here, not after the bar's next
        refresh: that could come before the new layout, measuring the old width."""
        placeholder = fitting_placeholder(self.content_region.width)
        if self.placeholder != placeholder:
            self.placeholder = placeholder

    def action_clear_or_leave(self) -> None:
        """First Esc clears the query, the next one returns to the list."""
        if self.value:
            self.value = ""
        else:
            self.post_message(self.Leave())

    def action_leave(self) -> None:
        """Enter: go to the list."""
        self.post_message(self.Leave())

    def action_complete(self) -> None:
        """Accept the suggestion, if any; otherwise move focus on as Tab normally does."""
        if not self._accept_suggestion():
            self.screen.focus_next()

    def action_cursor_right(self, select: bool = False) -> None:
        """→ at the end accepts a suggestion (in its quoted form), else moves the cursor."""
        if select or not self.cursor_at_end or not self._accept_suggestion():
            super().action_cursor_right(select)

    def _accept_suggestion(self) -> bool:
        if not self._suggestion or self._suggestion == self.value:
            return False
        accepted = getattr(self.suggester, "accepted", None)
        self.value = accepted(self._suggestion) if accepted else self._suggestion
        self.cursor_position = len(self.value)
        return True


class Note(Widget):
    """One line of plain text that repaints without a layout pass when its width is unchanged.

    ``Static.update`` always re-lays out the screen; the count changes on every keystroke.
    """

    DEFAULT_CSS = "Note { width: auto; height: 1; }"

    def __init__(self, *, id: str | None = None) -> None:  # id: Textual's own name
        super().__init__(id=id)
        self.text = ""

    def render(self) -> Content:
        """The text, never markup."""
        return Content(self.text)

    def set(self, text: str) -> None:
        """Show ``text``."""
        if text != self.text:
            relayout = cell_len(text) != cell_len(self.text)
            self.text = text
            self.refresh(layout=relayout)


class FilterBar(Horizontal):
    """Posts :class:`Changed` with the query text as the user types."""

    DEFAULT_CSS = """
    FilterBar { height: 1; background: $panel; }
    FilterBar > #filter-label { width: auto; padding: 0 1; color: $text-muted; }
    FilterBar > QueryInput { border: none; height: 1; padding: 0; width: 1fr; min-width: 24;
                             background: $panel; }
    FilterBar > QueryInput:focus { border: none; background: $boost; }
    FilterBar > #filter-message { width: auto; max-width: 45%; padding: 0 1; color: $error;
                                  text-wrap: nowrap; text-overflow: ellipsis; }
    FilterBar > #filter-count { width: auto; max-width: 45%; padding: 0 1;
                                color: $text-muted; text-wrap: nowrap;
                                text-overflow: ellipsis; }
    FilterBar.-error > #filter-count { display: none; }
    """

    class Changed(Message):
        """The query text changed."""

        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    def compose(self) -> ComposeResult:
        """Label, input, message, count."""
        yield Static(Content("/ filter"), id="filter-label")
        yield QueryInput(placeholder=PLACEHOLDER,
                         id="filter-input", select_on_focus=False)
        yield Note(id="filter-message")
        yield Note(id="filter-count")

    def on_mount(self) -> None:
        """No blinking cursor: each blink is a redraw sent over SSH."""
        self.query_one(QueryInput).cursor_blink = False

    @property
    def input(self) -> QueryInput:
        """The query input widget."""
        return self.query_one(QueryInput)

    @on(Input.Changed, "#filter-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    def set_count(self, shown: int, total: int, note: str = "") -> None:
        """Show ``shown of total`` (plus a short note such as ``loading``)."""
        total_text = f"{total:,}"
        # The shown count is padded to the total's width so the note keeps its width.
        text = f"{shown:>{len(total_text)},} of {total_text}" + (f" · {note}" if note else "")
        self.query_one("#filter-count", Note).set(text)

    def set_message(self, message: str) -> None:
        """Show an inline error or hint (empty to clear); while there is one the count
        gives way, so the query keeps its room."""
        self.set_class(bool(message), "-error")
        self.query_one("#filter-message", Note).set(message)
