"""Helpers for Line-API views: a virtual size set without a layout pass, component styles.

Set a scroll view's virtual size without a layout pass.

``Widget.virtual_size`` is a reactive with ``layout=True``: assigning it re-lays out the
whole screen (~20 ms at 200x50). A Line-API view's size on screen never depends on its
content, so only the scrollbars need updating. This relies on Textual's private
``_scroll_update`` (textual<9 is pinned).
"""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Give ``view`` a new virtual size, updating scrollbars and repainting, no layout."""
    if view.virtual_size == size:
        return
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)
    view.refresh()


def component_style(widget: Widget, name: str) -> Style:
    """The style a component class sets (only what it sets, to lay over another style),
    with its colours resolved as the full style resolves them: a partial style cannot
    resolve ``auto`` or a translucent colour (``$text-muted``), and gives white, which is
    invisible on a light theme."""
    style = widget.get_component_rich_style(name, partial=True)
    if style.color is None and style.bgcolor is None:
        return style
    full = widget.get_component_rich_style(name)
    return style + Style(color=full.color if style.color is not None else None,
                         bgcolor=full.bgcolor if style.bgcolor is not None else None)
