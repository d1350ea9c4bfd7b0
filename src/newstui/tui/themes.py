"""Themes: the built-in ones, a high-contrast one, and themes defined in the config file."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.theme import BUILTIN_THEMES, Theme

from newstui.model.user.config import Config

HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ff00ff",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    warning="#ffaa00",
    error="#ff3333",
    success="#00ff00",
    dark=True,
)


def install_themes(app: App[Any], config: Config) -> None:
    """Register our themes and the user's, then select ``config.theme`` (or say why not)."""
    app.register_theme(HIGH_CONTRAST)
    for name, spec in config.themes.items():
        try:
            app.register_theme(Theme(name=name, **spec))
        except Exception as exc:  # a bad colour must not stop the app
            config.problems.append(f"theme {name!r}: {exc}")
    if config.theme in app.available_themes:
        app.theme = config.theme
    else:
        config.problems.append(f"unknown theme {config.theme!r}: using ansi-dark "
                               f"(available: {', '.join(sorted(app.available_themes))})")
        app.theme = "ansi-dark"


def theme_names(config: Config) -> set[str]:
    """Every theme name ``config.theme`` may use."""
    return {*BUILTIN_THEMES, HIGH_CONTRAST.name, *config.themes}
