"""The help screen: every binding by pane, with the keys in effect (remaps included)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from newstui.model.user.keys import Key

QUERY_HELP = """\
Query syntax
  words            all must match, in any field (every word is indexed, bodies too);
                   typos ok from 4 letters (ukrane, putn, raod: a swap is one typo),
                   two from 8; shorter words match exactly or as a prefix
  gordon-brown     the word, or its parts side by side in a title or tag; apart after
  "exact phrase"   these words in this order, anywhere (case and punctuation aside)
  -word  -tag:x    exclude (a "-" alone, as in a pasted headline, is ignored)
  a or b           either; ( ) group
  tag:x  tag:"north korea"  source:x  section:x  title:x
                   the value typed: tag:east-germany is "East Germany", tag:korea
                   North and South Korea; a typo only if nothing else matches, and the
                   bar says which values it used (tag:austrlia → Australia)
  after:2023  before:2023-06  on:2023-09-13  after:7d (also 3w, 2m, 1y)
  is:unread  is:read  is:starred
  word: that is no field is searched as text (a pasted "Profile: Gordon Brown")

Ranking, rule by rule (a rule decides only what the ones before leave equal)
  1 more query terms matched   2 fewer typos   3 the words together: side by side
  as typed in the title or a tag, then all in one field   4 the field: tags and
  title, then source/section/dateline/caption, then the body   5 an exact word
  over a prefix   ties newest first; S switches to date order while a query is active
  Remap keys by id in the config file: keymap: {list.down: "j,down,ctrl+n"}"""


def key_names(keys: str) -> str:
    """``ctrl+p,down`` -> ``Ctrl+P / ↓`` for display."""
    names = {"down": "↓", "up": "↑", "left": "←", "right": "→", "pagedown": "PgDn",
             "pageup": "PgUp", "home": "Home", "end": "End", "enter": "Enter",
             "escape": "Esc", "space": "Space", "tab": "Tab", "shift+tab": "Shift+Tab",
             "slash": "/", "question_mark": "?", "quotation_mark": '"'}
    out = []
    for key in keys.split(","):
        key = key.strip()
        if key in names:
            out.append(names[key])
        elif key.startswith("ctrl+"):
            out.append("Ctrl+" + key[5:].upper())
        else:
            out.append(key)
    return " / ".join(out)


def help_lines(panes: Iterable[tuple[str, Iterable[Key]]],
               keymap: Mapping[str, str]) -> list[str]:
    """One line per binding, grouped by pane, with remapped keys from ``keymap``."""
    lines: list[str] = []
    for pane, keys in panes:
        lines += ["", pane]
        for key in keys:
            shown = key_names(keymap.get(key.id, key.keys))
            lines.append(f"  {shown:<22} {key.description}  [{key.id}]")
    return lines


class HelpScreen(ModalScreen[None]):
    """Lists every binding by pane and the query syntax."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
                Binding("j,down", "scroll('down')", "Down", show=False, id="help.down"),
                Binding("k,up", "scroll('up')", "Up", show=False, id="help.up"),
                Binding("space,pagedown", "scroll('page_down')", "Page down", show=False,
                        id="help.page_down"),
                Binding("b,pageup", "scroll('page_up')", "Page up", show=False,
                        id="help.page_up"),
                Binding("g,home", "scroll('home')", "Top", show=False, id="help.top"),
                Binding("G,end", "scroll('end')", "Bottom", show=False, id="help.bottom")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 100; max-width: 100%; height: 90%;
                                  border: round $primary; background: $surface; padding: 0 1; }
    HelpScreen Static { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def action_scroll(self, where: str) -> None:
        """Scroll the help from the keyboard (the text itself never takes the focus)."""
        view = self.query_one(VerticalScroll)
        getattr(view, f"scroll_{where}")(animate=False)

    def compose(self) -> ComposeResult:
        """The binding table and the query help, as plain text."""
        with VerticalScroll():
            yield Static(Content("newstui keys  (Esc, q or ? closes)"))
            yield Static(Content("\n".join(self.lines)))
            yield Static(Content("\n" + QUERY_HELP))
