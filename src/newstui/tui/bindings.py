"""Textual ``Binding`` objects built from the binding table in :mod:`newstui.keys`."""

from __future__ import annotations

from textual.binding import Binding

from newstui.keys import PANES


def bindings(pane: str) -> list[Binding]:
    """The bindings of ``pane`` (app, list, article, filter), each with its id."""
    return [Binding(k.keys, k.action, k.description, show=k.show, priority=k.priority, id=k.id)
            for k in PANES[pane][1]]
