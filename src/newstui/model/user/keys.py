"""Every key binding, by pane: one table for the widgets, the help screen, config checks and
the README. No Textual import: ``newstui config check`` validates keymaps without the UI.

Users remap a binding by its id in the config (``keymap: {list.down: "j,down,ctrl+n"}``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Key:
    """One binding: its id, default keys, action, description, and whether the footer shows it.

    ``app_wide`` bindings belong to the app and work on every screen (quit, help); the other
    "Anywhere" bindings belong to the reader screen.
    """

    id: str
    keys: str
    action: str
    description: str
    show: bool = False
    priority: bool = False
    app_wide: bool = False


PANES: dict[str, tuple[str, list[Key]]] = {
    "app": ("Anywhere", [
        # priority: handled as the key arrives, so text typed right after it (or pasted)
        # lands in the filter instead of racing to the list.
        Key("app.filter", "slash", "focus_filter", "Filter", show=True, priority=True),
        Key("app.fullscreen", "f", "toggle_full", "Full-screen article"),
        Key("app.sort", "S", "toggle_sort", "Sort by relevance / date"),
        Key("app.open_link", "o", "open_link", "Open the article's link in the browser"),
        Key("app.copy_link", "y", "copy_link", "Copy the article's link (OSC 52)"),
        Key("app.related", "e", "related", "Related stories (pick one to read)"),
        Key("app.fetch", "R", "fetch_feeds", "Fetch the feeds (new articles appear on top)"),
        Key("app.layout", "L", "toggle_layout", "Side by side / stacked / list alone"),
        Key("app.next_pane", "tab", "cycle(1)", "Next pane"),
        Key("app.previous_pane", "shift+tab", "cycle(-1)", "Previous pane"),
        Key("app.back", "escape", "step_back", "Back (leave full screen, article, filter)"),
        Key("app.star", "s", "toggle_star", "Star / unstar article"),
        Key("app.read", "r", "toggle_read", "Mark read / unread"),
        Key("app.all_read", "A", "mark_all_read", "Mark all listed as read (asks first)"),
        Key("app.undo_all_read", "U", "undo_all_read", "Undo the last mark-all-read"),
        Key("app.next_unread", "u", "next_unread", "Next unread article"),
        Key("app.hide_read", "h", "toggle_read_shown", "Hide / show read articles"),
        Key("app.tags", "t", "pick_tag", "Pick a tag to filter by"),
        Key("app.save_search", "ctrl+s", "save_search", "Save the current query"),
        Key("app.saved", "quotation_mark", "pick_saved", "Saved searches"),
        Key("app.help", "question_mark", "help", "Help", show=True, app_wide=True),
        Key("app.quit", "q", "quit", "Quit", show=True, app_wide=True),
        Key("app.interrupt", "ctrl+c", "quit", "Quit", priority=True, app_wide=True),
    ]),
    "list": ("Headline list", [
        Key("list.down", "j,down", "cursor(1)", "Down"),
        Key("list.up", "k,up", "cursor(-1)", "Up"),
        Key("list.page_down", "pagedown", "page(1)", "Page down"),
        Key("list.page_up", "pageup", "page(-1)", "Page up"),
        Key("list.first", "g,home", "jump(0)", "First"),
        Key("list.last", "G,end", "jump(-1)", "Last"),
        Key("list.open", "enter", "open", "Open article", show=True),
    ]),
    "article": ("Article", [
        Key("article.down", "j,down", "scroll_lines(1)", "Scroll down"),
        Key("article.up", "k,up", "scroll_lines(-1)", "Scroll up"),
        Key("article.page_down", "space,pagedown", "page(1)", "Page down"),
        Key("article.page_up", "b,pageup", "page(-1)", "Page up"),
        Key("article.top", "g,home", "edge(0)", "Top"),
        Key("article.bottom", "G,end", "edge(1)", "Bottom"),
        Key("article.next", "J", "step(1)", "Next article", show=True),
        Key("article.previous", "K", "step(-1)", "Previous article", show=True),
        Key("article.next_hit", "n", "hit(1)", "Next match"),
        Key("article.previous_hit", "N", "hit(-1)", "Previous match"),
    ]),
    "filter": ("Filter bar", [
        Key("filter.clear", "escape", "clear_or_leave", "Clear; again: back to the list",
            show=True),
        Key("filter.submit", "enter", "leave", "Go to the list", show=True),
        Key("filter.complete", "tab", "complete", "Accept the suggestion (also →)"),
    ]),
}
PALETTE = Key("app.palette", "ctrl+p", "command_palette",
              "Command palette: open article, filter by tag, saved searches, layout, quit")


def all_ids() -> set[str]:
    """Every binding id users may remap."""
    return {key.id for _, keys in PANES.values() for key in keys}


# Key names Textual understands, beside single printable characters; modifiers go before.
NAMED_KEYS = frozenset({
    "enter", "escape", "tab", "space", "backspace", "delete", "insert", "home", "end",
    "pageup", "pagedown", "up", "down", "left", "right",
    *(f"f{n}" for n in range(1, 25)),
    "exclamation_mark", "quotation_mark", "number_sign", "dollar_sign", "percent_sign",
    "ampersand", "apostrophe", "left_parenthesis", "right_parenthesis", "asterisk", "plus",
    "comma", "minus", "full_stop", "slash", "colon", "semicolon", "less_than_sign",
    "equals_sign", "greater_than_sign", "question_mark", "at", "left_square_bracket",
    "backslash", "right_square_bracket", "circumflex_accent", "underscore", "grave_accent",
    "left_curly_bracket", "vertical_line", "right_curly_bracket", "tilde",
})
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
# Characters Textual names: a keymap may give either.
_CHAR_NAMES = {"!": "exclamation_mark", '"': "quotation_mark", "#": "number_sign",
               "$": "dollar_sign", "%": "percent_sign", "&": "ampersand", "'": "apostrophe",
               "(": "left_parenthesis", ")": "right_parenthesis", "*": "asterisk",
               "+": "plus", ",": "comma", "-": "minus", ".": "full_stop", "/": "slash",
               ":": "colon", ";": "semicolon", "<": "less_than_sign", "=": "equals_sign",
               ">": "greater_than_sign", "?": "question_mark", "@": "at",
               "[": "left_square_bracket", "\\": "backslash", "]": "right_square_bracket",
               "^": "circumflex_accent", "_": "underscore", "`": "grave_accent",
               "{": "left_curly_bracket", "|": "vertical_line", "}": "right_curly_bracket",
               "~": "tilde", " ": "space"}


def key_name(key: str) -> str | None:
    """``key`` (``ctrl+p``, ``?``, ``question_mark``, ``J``) in Textual's spelling, or None
    if it is no key at all (``notakey+``)."""
    *mods, last = key.strip().split("+") if key.strip() != "+" else ["+"]
    if any(m.lower() not in MODIFIERS for m in mods):
        return None
    if len(last) == 1 and last.isprintable():
        last = _CHAR_NAMES.get(last, last)
    elif last.lower() in NAMED_KEYS:
        last = last.lower()
    else:
        return None
    return "+".join([*(m.lower() for m in mods), last])


def _keys_of(binding_id: str, keymap: dict[str, str]) -> list[str]:
    key = _BY_ID[binding_id]
    keys = keymap.get(binding_id, key.keys)
    return [name for k in keys.split(",") if (name := key_name(k)) is not None]


def review_keymap(keymap: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The part of a user keymap that can be applied, and a problem for each entry that
    cannot (those bindings keep their default keys): an unknown binding id, a key that is
    no key, ``Ctrl+C`` taken away from quitting or given to something else, or a key that
    two bindings of one pane share ("Anywhere" keys count in every pane)."""
    problems: list[str] = []
    usable: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in _BY_ID:
            problems.append(f"keymap: unknown binding id {binding_id!r}")
            continue
        bad = [k for k in keys.split(",") if key_name(k) is None]
        if bad:
            problems.append(f"keymap: {binding_id}: {bad[0].strip()!r} is not a key name "
                            "(e.g. 'j', 'G', 'ctrl+n', 'pagedown', 'question_mark'); "
                            "its default is kept")
            continue
        names = [key_name(k) for k in keys.split(",")]
        if binding_id == "app.interrupt" and "ctrl+c" not in names:
            problems.append("keymap: app.interrupt: Ctrl+C must always quit; its default is kept")
            continue
        if binding_id != "app.interrupt" and "ctrl+c" in names:
            problems.append(f"keymap: {binding_id}: Ctrl+C always quits; the default is kept")
            continue
        usable[binding_id] = keys
    default_clashes = _clashes({})
    for (name, first, second), title in _clashes(usable).items():
        if (name, first, second) in default_clashes:
            continue  # by design: a pane's own key before the "Anywhere" one (Esc)
        mine = second if second in usable else first
        other = first if mine == second else second
        problems.append(f"keymap: {mine}: {name!r} is also {other}'s key ({title})"
                        "; the default is kept")
        usable.pop(mine, None)
    return usable, list(dict.fromkeys(problems))


def _clashes(keymap: dict[str, str]) -> dict[tuple[str, str, str], str]:
    """(key, binding, binding) for two bindings of one pane on one key, with the pane's
    title; the "Anywhere" bindings count in every pane."""
    found: dict[tuple[str, str, str], str] = {}
    for pane, (title, keys) in PANES.items():
        ids = [k.id for k in PANES["app"][1]] + ([] if pane == "app" else [k.id for k in keys])
        seen: dict[str, str] = {}
        for binding_id in ids:
            for name in _keys_of(binding_id, keymap):
                other = seen.setdefault(name, binding_id)
                if other != binding_id:
                    found.setdefault((name, other, binding_id), title)
    return found


def check_keymap(keymap: dict[str, str]) -> list[str]:
    """Problems with a user keymap (see :func:`review_keymap`)."""
    return review_keymap(keymap)[1]


_BY_ID = {key.id: key for _, keys in PANES.values() for key in keys}
