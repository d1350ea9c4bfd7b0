"""Set a scroll view's virtual size without a layout pass.

``Widget.virtual_size`` is a reactive with ``layout=True``: assigning it re-lays out the
whole screen (~20 ms at 200x50). A Line-API view's size on screen never depends on its
content, so only the scrollbars need updating. This relies on Textual's private
``_scroll_update`` (textual<9 is pinned).
"""

from __future__ import annotations

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
