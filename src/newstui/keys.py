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
        Key("app.fullscreen", "f", "toggle_full", "Full-screen article", show=True),
        Key("app.sort", "o", "toggle_sort", "Sort by relevance / date"),
        Key("app.layout", "L", "toggle_layout", "Side by side / stacked"),
        Key("app.next_pane", "tab", "cycle(1)", "Next pane"),
        Key("app.previous_pane", "shift+tab", "cycle(-1)", "Previous pane"),
        Key("app.back", "escape", "step_back", "Back (leave full screen, article, filter)"),
        Key("app.star", "s", "toggle_star", "Star / unstar article"),
        Key("app.read", "r", "toggle_read", "Mark read / unread"),
        Key("app.all_read", "R", "mark_all_read", "Mark all listed as read"),
        Key("app.next_unread", "u", "next_unread", "Next unread article"),
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
        Key("article.page_down", "space,pagedown", "page(1)", "Page down", show=True),
        Key("article.page_up", "b,pageup", "page(-1)", "Page up"),
        Key("article.top", "g,home", "edge(0)", "Top"),
        Key("article.bottom", "G,end", "edge(1)", "Bottom"),
        Key("article.next", "J", "step(1)", "Next article", show=True),
        Key("article.previous", "K", "step(-1)", "Previous article", show=True),
        Key("article.next_hit", "n", "hit(1)", "Next match", show=True),
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


def check_keymap(keymap: dict[str, str]) -> list[str]:
    """Problems with a user keymap: unknown ids."""
    known = all_ids()
    return [f"keymap: unknown binding id {name!r}" for name in keymap if name not in known]
