"""An article's link: which one it is, how to open it in a browser, and a dialog to copy it.

Opening follows the system's habits (``webbrowser``, which honours ``$BROWSER``), but a
terminal must never be fought over: a browser that runs in the terminal (lynx, w3m, a
``$BROWSER`` with no graphical display) runs with the app suspended, and where there is no
browser at all (over SSH, say) the link is shown in a dialog to copy.
"""

from __future__ import annotations

import os
import re
import sys
import webbrowser
from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from newstui.model.corpus import Article, Parsed
from newstui.model.corpus.sanitize import clean_line

_WEB = re.compile(r"^https?://[^\s\x00-\x1f\x7f-\x9f]+$", re.IGNORECASE)
_IN_TEXT = re.compile(r"https?://[^\s<>\"'\x00-\x1f\x7f-\x9f]+", re.IGNORECASE)
# Browsers webbrowser knows that take over the terminal they are started in.
CONSOLE_BROWSERS = frozenset({"www-browser", "links", "elinks", "lynx", "w3m", "browsh"})
# Terminals that are known not to take OSC 52 (copy to clipboard): show the dialog instead.
NO_CLIPBOARD_TERMS = frozenset({"linux", "vt100", "vt102", "vt220", "dumb", "cons25"})
Route = Literal["graphical", "terminal", "none"]


def article_link(article: Article | None, parsed: Parsed | None) -> str | None:
    """The web link of the article: its URL, else the first web link in its body."""
    if article is None:
        return None
    if _WEB.match(article.url):
        return article.url
    if parsed is not None:
        for text in (parsed.markdown, *parsed.body):
            found = _IN_TEXT.search(text)
            if found:
                return found.group(0).rstrip(".,;:!?)]}")
    return None


def browser_route(environ: dict[str, str] | None = None) -> Route:
    """How a link can be opened here: in a graphical browser (in the background), in a
    terminal browser (with the app suspended), or not at all."""
    env = os.environ if environ is None else environ
    graphical = (sys.platform in ("darwin", "win32") or bool(env.get("DISPLAY"))
                 or bool(env.get("WAYLAND_DISPLAY")))
    if env.get("BROWSER"):
        return "graphical" if graphical else "terminal"
    if not graphical:
        return "none"
    try:
        found = webbrowser.get()
    except webbrowser.Error:
        return "none"
    name = getattr(found, "name", "")
    return "terminal" if os.path.basename(str(name)) in CONSOLE_BROWSERS else "graphical"


def open_link(url: str) -> bool:
    """Open ``url`` (a web link: nothing else is ever opened) in the browser; False when
    no browser took it."""
    if not _WEB.match(url):
        return False
    try:
        return bool(webbrowser.open(url))
    except (webbrowser.Error, OSError):
        return False


def clipboard_works(environ: dict[str, str] | None = None) -> bool:
    """False where the terminal is known to ignore OSC 52 copies."""
    env = os.environ if environ is None else environ
    return env.get("TERM", "") not in NO_CLIPBOARD_TERMS


class LinkDialog(ModalScreen[None]):
    """The link, whole, to select and copy by hand (``y`` tries the clipboard too)."""

    BINDINGS = [Binding("escape,enter,q", "dismiss(None)", "Close", id="link.close"),
                Binding("y", "copy", "Copy", id="link.copy")]
    DEFAULT_CSS = """
    LinkDialog { align: center middle; }
    LinkDialog > Vertical { width: 90; max-width: 100%; height: auto; border: round $primary;
                            background: $surface; padding: 0 1; }
    LinkDialog #link-url { text-style: bold; margin: 1 0; }
    LinkDialog #link-help { color: $text-muted; }
    """

    def __init__(self, url: str, reason: str) -> None:
        super().__init__()
        self.url = url
        self.reason = reason

    def compose(self) -> ComposeResult:
        """Why the dialog shows, the link, and how to copy it."""
        with Vertical():
            yield Static(Content(clean_line(self.reason)), id="link-reason")
            yield Static(Content(clean_line(self.url)), id="link-url")
            yield Static(Content("Select it with the mouse (Shift+drag in most terminals) · "
                                 "y: copy (OSC 52) · Esc: close"), id="link-help")

    def action_copy(self) -> None:
        """Ask the terminal to put the link on the clipboard."""
        self.app.copy_to_clipboard(self.url)
        self.app.notify("Sent the link to the clipboard (OSC 52)", markup=False, timeout=3)
