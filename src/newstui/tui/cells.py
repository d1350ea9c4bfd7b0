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
    """Greedy word wrap by cells, line by line; words longer than the line are split, except
    a URL, which gets a line of its own whole (the view shortens it for display only).

    A generator, so a caller that needs one screen of a 6 MB paragraph stops after it.
    """
    width = max(1, width)
    current, used = "", 0
    url_last = False  # the last line yielded was a whole URL: no empty line after it
    start = 0
    length = len(text)
    while start <= length:
        end = text.find(" ", start)
        if end < 0:
            end = length
        word = text[start:end]
        start = end + 1
        size = cell_len(word) if len(word) <= _SLICE else width + 1
        if size > width and len(word) <= _SLICE and word.startswith(_URL_START):
            if current:
                yield current
            yield word
            current, used, url_last = "", 0, True
            continue
        url_last = False
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
    if current or not url_last:
        yield current


Piece = tuple[str, str, str]  # text, style name(s) joined by "-", link target ("" for none)


def wrap_runs(runs: list[Piece], width: int, lead: str = "", indent: str = "",
              prefix_style: str = "box") -> Iterator[list[Piece]]:
    """Greedy word wrap of styled runs, ``lead`` before the first line and ``indent`` before
    the others. A word may span runs (``**bold**,``); a word longer than the line is cut,
    except a link or URL, which stays whole on a line of its own (the view shortens it for
    display and keeps the whole target as a terminal hyperlink)."""
    words = _words(runs)
    line: list[Piece] = [(lead, prefix_style, "")] if lead else []
    room = max(1, width - cell_len(lead))
    used = 0
    for word in words:
        if word is None:  # a hard line break
            yield line
            line, used, room = ([(indent, prefix_style, "")] if indent else []), 0, \
                max(1, width - cell_len(indent))
            continue
        size = sum(cell_len(text) for text, _, _ in word)
        if used and used + 1 + size > room:
            yield line
            line, used, room = ([(indent, prefix_style, "")] if indent else []), 0, \
                max(1, width - cell_len(indent))
        if size > room and not any(link for _, _, link in word):
            for piece in _chop(word, room):
                if piece is None:
                    yield line
                    line, used = ([(indent, prefix_style, "")] if indent else []), 0
                    continue
                line.append(piece)
                used += cell_len(piece[0])
            continue
        if used:
            line.append((" ", word[0][1] if word[0][1] == line[-1][1] else "", ""))
            used += 1
        line.extend(word)
        used += size
    yield line


_URL_START = ("http://", "https://")


def _words(runs: list[Piece]) -> list[list[Piece] | None]:
    """Space-separated words of ``runs``, each a list of pieces; None for a hard break.
    A bare URL becomes a link to itself."""
    words: list[list[Piece] | None] = []
    word: list[Piece] = []
    for text, style, link in runs:
        if text == "\n":
            if word:
                words.append(word)
                word = []
            words.append(None)
            continue
        for i, part in enumerate(text.split(" ")):
            if i and word:
                words.append(word)
                word = []
            if part:
                if not link and part.startswith(_URL_START):
                    word.append((part, f"{style}-link" if style else "link", part))
                else:
                    word.append((part, style, link))
    if word:
        words.append(word)
    return words


def _chop(word: list[Piece], room: int) -> Iterator[Piece | None]:
    """The pieces of an over-long plain word, which starts a line, cut to lines of ``room``
    cells (None between lines)."""
    free = room
    for text, style, link in word:
        while text:
            cut = chop_cells(text, max(1, free))
            head = cut[0] if cut else text
            yield (head, style, link)
            text = text[len(head):]
            free -= cell_len(head)
            if free <= 0 and text:
                yield None
                free = room
