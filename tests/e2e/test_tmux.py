"""The installed ``newstui`` in a real terminal (tmux): start, navigate, filter, open, resize,
quit with status 0, in several terminal types."""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import SEEDS
from tests.e2e.conftest import NEWSTUI, Tmux, cursor_line

ENV = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def test_start_navigate_filter_open_resize_quit(tmux: Tmux) -> None:
    tmux.start(f"{NEWSTUI} {SEEDS}", 80, 24, {**ENV, "TERM": "xterm-256color"})
    tmux.wait_until(lambda s: "Kim in Russia" in cursor_line(s))
    tmux.keys("j")
    screen = tmux.wait_until(lambda s: "Jon Huber" in cursor_line(s))
    tmux.keys("/")
    tmux.keys("penguin")
    # Wait for this query's own result: "by relevance" shows from the first letter on.
    tmux.wait_until(lambda s: "penguin" in s.splitlines()[0]
                    and "penguin" in cursor_line(s).lower() and "1 of 294" in s)
    tmux.keys("Enter")
    tmux.wait_for("Open article")  # the list has the focus: its key hints
    tmux.keys("Enter")
    screen = tmux.wait_for("Next article")  # the article pane has the focus
    tmux.run("resize-window", "-x", "200", "-y", "50")
    screen = tmux.wait_until(lambda s: len(s.splitlines()[1]) > 150)
    # Side by side: the selected headline and the article's title share a screen row.
    row = cursor_line(screen)
    assert "penguin" in row.lower() and row.count("Magellanic") == 2
    tmux.keys("Escape", "Escape", "q")
    assert tmux.exit_status() == 0


def test_keys_typed_while_it_starts_reach_the_list(tmux: Tmux) -> None:
    """"/kim" typed at once: "/" opens the filter (it is not typed into it), "kim" filters."""
    tmux.start(f"{NEWSTUI} {SEEDS}", 100, 30, {**ENV, "TERM": "xterm-256color"})
    time.sleep(0.05)  # well before the first frame
    tmux.keys("/")
    tmux.keys("kim")
    screen = tmux.wait_until(lambda s: "by relevance" in s.splitlines()[0])
    assert "filter kim" in screen.splitlines()[0] and "/kim" not in screen.splitlines()[0]
    tmux.keys("Escape", "Escape", "q")
    assert tmux.exit_status() == 0


@pytest.mark.parametrize("term", ["vt100", "xterm", "screen-256color", "linux"])
def test_odd_terminals_and_no_color(tmux: Tmux, term: str) -> None:
    tmux.start(f"{NEWSTUI} {SEEDS}", 80, 24, {**ENV, "TERM": term, "NO_COLOR": "1"})
    tmux.wait_until(lambda s: "Kim in Russia" in cursor_line(s))
    tmux.keys("G")
    tmux.wait_until(lambda s: "Kim" not in cursor_line(s))
    tmux.keys("q")
    assert tmux.exit_status() == 0


COLOUR_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def _colours(data: str) -> list[str]:
    """The colour parameters (30-49, 90-107, 38;..., 48;...) in the SGR sequences of
    ``data``."""
    found = []
    for params in COLOUR_SGR.findall(data):
        codes = [int(c) for c in re.split("[;:]", params) if c.isdigit()]
        found += [str(c) for c in codes if 30 <= c <= 49 or 90 <= c <= 107]
    return found


@pytest.mark.parametrize("term", ["xterm-256color", "vt100"])
def test_no_color_sends_no_colour_and_the_text_shows(tmux: Tmux, tmp_path, term) -> None:
    record = tmp_path / "typescript"
    tmux.start(f"script -q -f -c '{NEWSTUI} {SEEDS}' {record}", 80, 24,
               {**ENV, "TERM": term, "NO_COLOR": "1"})
    tmux.wait_until(lambda s: "Kim in Russia" in cursor_line(s) and "Wikinews" in s
                    and "unread" in s)
    tmux.keys("j", "/", "korea")
    tmux.wait_for("by relevance")
    tmux.keys("Escape", "Escape", "q")
    assert tmux.exit_status() == 0
    sent = record.read_bytes().decode("utf-8", "replace")
    assert "Kim in Russia" in sent
    assert _colours(sent) == []
    assert "\x1b[7m" in sent or ";7m" in sent or "[7;" in sent  # the cursor row: reverse


def test_ctrl_c_quits_cleanly(tmux: Tmux) -> None:
    tmux.start(f"{NEWSTUI} {SEEDS}", 100, 30, {**ENV, "TERM": "xterm-256color"})
    tmux.wait_until(lambda s: "Kim in Russia" in cursor_line(s))
    tmux.keys("C-c")
    assert tmux.exit_status() == 0


def test_hostile_file_names_and_text(tmux: Tmux, write, tmp_path) -> None:
    write("corpus/evil.txt", " date 2024-01-01  [bold red]ALERT[/] \x1b]0;pwned\x07x : Src\n\n"
          "Body \x1b[2J text.\n")
    tmux.start(f"{NEWSTUI} {tmp_path / 'corpus'}", 100, 30, {**ENV, "TERM": "xterm-256color"})
    screen = tmux.wait_for("[bold red]ALERT[/] x")
    assert "pwned" not in screen
    assert tmux.run("display-message", "-p", "#{pane_title}").strip() != "pwned"
    tmux.keys("q")
    assert tmux.exit_status() == 0


def test_idle_sends_nothing(tmux: Tmux, tmp_path) -> None:
    """No blinking cursor, no timers: once settled, newstui writes no bytes to the terminal."""
    record = tmp_path / "typescript"
    # `script` records everything newstui writes to its terminal.
    tmux.start(f"script -q -f -c '{NEWSTUI} {SEEDS}' {record}", 100, 30,
               {**ENV, "TERM": "xterm-256color"})
    tmux.wait_until(lambda s: "Kim in Russia" in cursor_line(s) and "unread" in s
                    and "indexing" not in s)
    tmux.keys("/")
    tmux.keys("korea")  # the filter has focus: its cursor would blink if it could
    tmux.wait_for("by relevance")
    time.sleep(1.0)
    before = record.stat().st_size
    time.sleep(3.0)
    assert record.stat().st_size == before
