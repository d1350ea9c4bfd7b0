"""Text measured in terminal cells: CJK and emoji take two, so columns stay aligned."""

from __future__ import annotations

from collections.abc import Iterator

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


_SLICE = 4096


def wrap(text: str, width: int) -> Iterator[str]:
    """Greedy word wrap by cells, line by line; words longer than the line are split.

    A generator, so a caller that needs one screen of a 6 MB paragraph stops after it.
    """
    width = max(1, width)
    current, used = "", 0
    start = 0
    length = len(text)
    while start <= length:
        end = text.find(" ", start)
        if end < 0:
            end = length
        word = text[start:end]
        start = end + 1
        size = cell_len(word) if len(word) <= _SLICE else width + 1
        if size > width:
            if current:
                yield current
            # A huge unbroken "word" (a 6 MB line of base64, say) is cut a slice at a time.
            for at in range(0, max(1, len(word)), _SLICE):
                *full, current = chop_cells(word[at : at + _SLICE], width) or [""]
                yield from full
                if at + _SLICE < len(word):
                    yield current
            used = cell_len(current)
        elif not current:
            current, used = word, size
        elif used + 1 + size <= width:
            current, used = f"{current} {word}", used + 1 + size
        else:
            yield current
            current, used = word, size
    yield current
