"""The YAML configuration: read with ``yaml.safe_load`` only, validated key by key.

A problem (unknown key, wrong type, bad value) is reported with the file's line number and
that key falls back to its default; newstui always starts.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

from newstui.model.durations import parse_interval

LAYOUTS = ("auto", "side", "stacked", "single")
COLUMNS = ("date", "source", "title", "tags")
SORTS = ("relevance", "date")
MARK_READ = ("open", "select", "never")
MAX_CONFIG = 1024 * 1024  # a real config is a few hundred bytes
THEME_COLOURS = ("primary", "secondary", "accent", "foreground", "background", "surface",
                 "panel", "warning", "error", "success")


@dataclass
class Config:
    """Effective settings (defaults where the file says nothing or something invalid)."""

    @property
    def fetch_seconds(self) -> int | None:
        """``fetch_every`` in seconds; None when off."""
        return None if self.fetch_every.strip().lower() == "off" \
            else parse_interval(self.fetch_every)

    paths: list[str] = field(default_factory=list)
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str = "ansi-dark"
    themes: dict[str, dict[str, Any]] = field(default_factory=dict)
    layout: str = "auto"
    list_width: int = 55
    list_height: int = 40
    reading_width: int = 100
    columns: list[str] = field(default_factory=lambda: list(COLUMNS))
    sort: str = "relevance"
    mark_read: str = "open"
    mouse: bool = True
    date_format: str = "%Y-%m-%d"
    fetch_every: str = "off"
    follow_folders: bool = True
    problems: list[str] = field(default_factory=list)
    path: Path | None = None


DOCS: dict[str, tuple[str, str]] = {
    "paths": ("[]", "folders or files opened when none are given on the command line"),
    "keymap": ("{}", "binding id -> keys, e.g. list.down: 'j,down,ctrl+n' (ids: see '?')"),
    "theme": ("ansi-dark", "ansi-dark / ansi-light follow the terminal's 16 colours; "
              "high-contrast; any Textual theme (nord, gruvbox, ...) or one under themes:"),
    "themes": ("{}", "your own themes: name: {primary: '#88c0d0', background: '#2e3440', "
               "dark: true, ...}"),
    "layout": ("auto", "auto (side by side from 120 columns, else stacked from 30 rows, "
               "else the list alone: Enter opens the article over it), side, stacked, single"),
    "list_height": ("40", "height of the headline list in the stacked layout, in percent"),
    "list_width": ("55", "width of the headline list in side-by-side layout, in percent"),
    "reading_width": ("100", "longest line of article text, in columns (a wider pane centres "
                      "it)"),
    "columns": ("[date, source, title, tags]", "headline columns to show, in this order"),
    "sort": ("relevance", "order of results while a query is active: relevance or date"),
    "mark_read": ("open", "when an article counts as read: open (Enter, J/K), select "
                  "(as soon as it is shown) or never"),
    "mouse": ("true", "false leaves the mouse to the terminal, to select and copy text"),
    "date_format": ("'%Y-%m-%d'", "strftime format of the date column (at most 16 cells)"),
    "fetch_every": ("'off'", "refetch the feeds in the background this often (30m, 2h; at "
                    "least 1m; a feed's own interval: wins), or off"),
    "follow_folders": ("true", "show files added, changed or removed in the opened folders "
                       "while the app runs"),
}


def default_config_path() -> Path:
    """``$NEWSTUI_CONFIG``, else ``$XDG_CONFIG_HOME/newstui/config.yaml``."""
    if env := os.environ.get("NEWSTUI_CONFIG"):
        return Path(env).expanduser()
    return Path(user_config_dir("newstui", appauthor=False)) / "config.yaml"


def default_text() -> str:
    """A fully commented config file holding every default."""
    lines = ["# newstui configuration (YAML). Every key is optional; these are the defaults.",
             "# Check it with: newstui config check", ""]
    for key, (value, doc) in DOCS.items():
        lines += [f"# {doc}", f"{key}: {value}", ""]
    return "\n".join(lines)


def load_config(path: Path | None = None) -> Config:
    """Read and validate the config at ``path`` (default location when None).

    A missing file is not a problem: defaults apply.
    """
    path = path or default_config_path()
    config = Config(path=path)
    from newstui.model.untrusted import read_settings_file

    text, problem = read_settings_file(path, MAX_CONFIG)
    if problem is not None:
        config.problems.append(f"{problem}; using defaults")
    return config if text is None else parse_config(text, config)


def parse_config(text: str, config: Config | None = None) -> Config:
    """Validate YAML ``text`` into ``config`` (a fresh one by default)."""
    from newstui.model.untrusted import Refused, compose_yaml  # not on every launch

    config = config or Config()
    name = str(config.path or "config.yaml")
    try:
        data, root = compose_yaml(text, MAX_CONFIG)
    except Refused as exc:
        where = f":{exc.line}" if exc.line else ""
        config.problems.append(f"{name}{where}: {exc.reason}; using defaults")
        return config
    if data is None:
        return config
    if not isinstance(data, dict) or root is None:
        config.problems.append(f"{name}:1: the top level must be a mapping of settings")
        return config
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in root.value}
    for key, value in data.items():
        where = f"{name}:{lines.get(str(key), 1)}"
        check = _CHECKS.get(key) if isinstance(key, str) else None
        if check is None:
            known = ", ".join(DOCS)
            config.problems.append(f"{where}: unknown key {_shown(key)} (known: {known})")
            continue
        try:
            error = check(value)
        except Exception as exc:  # a check must never stop newstui from starting
            error = f"cannot be checked ({type(exc).__name__})"
        if error:
            config.problems.append(f"{where}: {key}: {error}; using the default")
        else:
            setattr(config, key, value)
    if config.keymap:
        _review_keymap(config, name, root)
    return config


def _review_keymap(config: Config, name: str, root: Any) -> None:
    """Keep the keymap entries that can be applied; report the others with their line."""
    from newstui.model.user.keys import review_keymap

    lines: dict[str, int] = {}
    for key, value in root.value:
        if key.value == "keymap" and hasattr(value, "value") and isinstance(value.value, list):
            lines = {str(k.value): k.start_mark.line + 1 for k, _ in value.value}
    usable, problems = review_keymap(config.keymap)
    for problem in problems:
        binding = problem.split(":", 2)[1].strip() if problem.count(":") >= 2 else ""
        config.problems.append(f"{name}:{lines.get(binding, 1)}: {problem}")
    config.keymap = usable


def _shown(value: object) -> str:
    """``value`` as a short printable repr for a message."""
    text = repr(value) if isinstance(value, str | int | float | bool) else type(value).__name__
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= 60 else text[:57] + "..."


def _str_list(value: object) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "must be a list of strings"
    return None


def _keymap(value: object) -> str | None:
    if not isinstance(value, dict):
        return "must map binding ids to keys"
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str) or not v.strip():
            return f"entry {k!r} must be 'binding.id: keys'"
    return None


def _choice(options: tuple[str, ...]) -> Any:
    def check(value: object) -> str | None:
        return None if value in options else f"must be one of {', '.join(options)}"

    return check


def _theme_name(value: object) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a theme name"


def _themes(value: object) -> str | None:
    if not isinstance(value, dict):
        return "must map theme names to colours"
    for name, spec in value.items():
        if not isinstance(spec, dict):
            return f"theme {name!r} must be a mapping"
        for key, colour in spec.items():
            if key == "dark":
                if not isinstance(colour, bool):
                    return f"theme {name!r}: dark must be true or false"
            elif key not in THEME_COLOURS:
                return f"theme {name!r}: unknown colour {key!r} ({', '.join(THEME_COLOURS)})"
            elif not isinstance(colour, str):
                return f"theme {name!r}: {key} must be a colour such as '#88c0d0'"
        if "primary" not in spec:
            return f"theme {name!r} needs at least primary"
    return None


def _columns(value: object) -> str | None:
    if not isinstance(value, list) or not value or any(v not in COLUMNS for v in value):
        return f"must be a non-empty list drawn from {', '.join(COLUMNS)}"
    if "title" not in value:
        return "must include title"
    return None


def _percent(value: object) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 20 <= value <= 80
    return None if ok else "must be a whole number from 20 to 80"


def _bool(value: object) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _date_format(value: object) -> str | None:
    if not isinstance(value, str):
        return "must be a strftime format such as '%d %b %Y'"
    try:
        sample = dt.date(2023, 12, 31).strftime(value)
    except ValueError as exc:
        return f"not a usable format: {exc}"
    if not sample.isprintable():
        return "must give printable text (no control characters or escapes)"
    return None if 0 < len(sample) <= 16 else "must give 1 to 16 characters"


_CHECKS = {
    "paths": _str_list,
    "keymap": _keymap,
    "theme": _theme_name,
    "themes": _themes,
    "layout": _choice(LAYOUTS),
    "list_width": _percent,
    "list_height": _percent,
    "reading_width": lambda v: None if isinstance(v, int) and not isinstance(v, bool)
    and 30 <= v <= 1000 else "must be a whole number from 30 to 1000",
    "columns": _columns,
    "sort": _choice(SORTS),
    "mark_read": _choice(MARK_READ),
    "mouse": _bool,
    "date_format": _date_format,
    "follow_folders": _bool,
    "fetch_every": lambda v: None if str(v).strip().lower() == "off"
    or ((seconds := parse_interval(v)) is not None and seconds >= 60)
    else "must be off or a duration of at least 1m, like 30m or 2h",
}
