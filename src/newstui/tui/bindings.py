"""Textual ``Binding`` objects built from the binding table, :mod:`newstui.model.user.keys`."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from newstui.model.user.keys import PANES, Key


def bindings(owner: str) -> list[BindingType]:
    """The bindings of ``owner``, each with its id: ``app`` (the app-wide ones: quit, help),
    ``reader`` (the rest of the "Anywhere" keys, on the reader screen), or a pane's widget
    (``list``, ``article``, ``filter``)."""
    if owner in ("app", "reader"):
        keys = [k for k in PANES["app"][1] if k.app_wide == (owner == "app")]
    else:
        keys = PANES[owner][1]
    return [_binding(k) for k in keys]


def _binding(key: Key) -> Binding:
    return Binding(key.keys, key.action, key.description, show=key.show,
                   priority=key.priority, id=key.id)
