"""Text measured in terminal cells: CJK and emoji take two, so columns stay aligned."""

from __future__ import annotations

from rich.cells import cell_len, chop_cells, set_cell_size


def shorten(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in an ellipsis when cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + "…"


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells."""
    return set_cell_size(shorten(text, width), max(0, width))


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap by cells; words longer than the line are split."""
    width = max(1, width)
    lines: list[str] = []
    current, used = "", 0
    for word in text.split(" "):
        size = cell_len(word)
        if size > width:
            if current:
                lines.append(current)
            *full, current = chop_cells(word, width) or [""]
            lines.extend(full)
            used = cell_len(current)
            continue
        if not current:
            current, used = word, size
        elif used + 1 + size <= width:
            current, used = f"{current} {word}", used + 1 + size
        else:
            lines.append(current)
            current, used = word, size
    lines.append(current)
    return lines
