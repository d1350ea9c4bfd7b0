"""Markdown bodies as laid-out blocks of styled runs, for the article pane.

The Markdown is parsed by markdown-it-py (CommonMark, plus tables and strikethrough); raw
HTML in it is shown as the text it is, never interpreted. What comes out is plain data —
blocks with a first-line lead (``• ``, ``3. ``, ``▍ ``), a continuation indent and runs of
``(text, style, link)`` — so the view only wraps and paints it, and no text of the article
can become markup or an escape sequence (every run is sanitised again on the way out).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from newstui.model.corpus.sanitize import clean_text

MAX_SOURCE = 2 * 1024 * 1024  # longer Markdown is shown as plain paragraphs: parse time
MAX_INLINE = 4096  # a longer first line is no headline to parse: kept as it is


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of inline text: ``style`` is ``""`` (plain), or some of ``strong``, ``em``,
    ``code``, ``strike``, ``link`` joined by ``-``; ``link`` is the target of a link."""

    text: str
    style: str = ""
    link: str = ""


@dataclass(slots=True)
class Block:
    """One laid-out block: ``kind`` is ``paragraph``, ``heading``, ``code``, ``rule`` or
    ``table``; ``lead`` starts its first line and ``indent`` its other lines (list bullets,
    quote bars). A ``code`` block's runs are its lines, kept verbatim (never wrapped)."""

    kind: str
    runs: list[Run] = field(default_factory=list)
    lead: str = ""
    indent: str = ""
    level: int = 0


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"])


def blocks(source: str) -> list[Block]:
    """Lay out ``source`` (Markdown) as blocks."""
    if len(source) > MAX_SOURCE:
        return [Block("paragraph", [Run(_safe(p))]) for p in source.split("\n\n")]
    try:
        tokens = _parser().parse(source)
    except Exception:  # a parser bug must not cost the article: show it as text
        return [Block("paragraph", [Run(_safe(p))]) for p in source.split("\n\n")]
    return list(_Layout(tokens).run())


class _Layout:
    """Walks the block tokens, keeping the stack of lists and quotes they are inside."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.containers: list[list[object]] = []  # ["quote"] / ["bullet"] / ["ordered", n]
        self.pending_lead = ""  # a list item's bullet, waiting for the item's first block
        self.table: list[list[list[Run]]] = []

    def _prefix(self) -> tuple[str, str]:
        """The first-line lead and the continuation indent for a block here."""
        parts = ["▍ " if c[0] == "quote" else "  " for c in self.containers]
        bullet, self.pending_lead = self.pending_lead, ""
        if not bullet:
            return "".join(parts), "".join(parts)
        # The item's bullet takes the place of its list's indent on its first line.
        outer = "".join(parts[:-1] if self.containers[-1:] and
                        self.containers[-1][0] != "quote" else parts)
        return outer + bullet, outer + " " * len(bullet)

    def run(self) -> Iterator[Block]:  # noqa: C901 — one branch per token kind
        """The blocks, in order."""
        previous: Token | None = None
        for token in self.tokens:
            kind = token.type
            opener, previous = previous, token
            if kind == "blockquote_open":
                self.containers.append(["quote"])
            elif kind in ("bullet_list_open", "ordered_list_open"):
                start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 0
                self.containers.append(["ordered", start] if start else ["bullet"])
            elif kind in ("blockquote_close", "bullet_list_close", "ordered_list_close"):
                if self.containers:
                    self.containers.pop()
            elif kind == "list_item_open":
                self.pending_lead = self._bullet()
            elif kind == "inline" and self._in_table:
                if self.table:
                    self.table[-1].append(_runs(token))
            elif kind == "inline":
                yield self._inline_block(token, opener)
            elif kind in ("fence", "code_block"):
                yield self._code(token)
            elif kind == "hr":
                lead, indent = self._prefix()
                yield Block("rule", lead=lead, indent=indent)
            elif kind == "table_open":
                self.table, self._in_table = [], True
            elif kind == "tr_open":
                self.table.append([])
            elif kind == "table_close":
                self._in_table = False
                yield from self._table()
            elif kind == "html_block":
                lead, indent = self._prefix()
                yield Block("code", [Run(_safe(x)) for x in token.content.rstrip("\n")
                                     .split("\n")], lead=lead, indent=indent)

    _in_table = False

    def _bullet(self) -> str:
        if not self.containers or self.containers[-1][0] == "quote":
            return "• "
        top = self.containers[-1]
        if top[0] == "bullet":
            depth = sum(1 for c in self.containers if c[0] != "quote")
            return ("• ", "◦ ", "▪ ")[(depth - 1) % 3]
        number = int(top[1])  # type: ignore[call-overload]
        top[1] = number + 1
        return f"{number}. "

    def _inline_block(self, token: Token, opener: Token | None) -> Block:
        lead, indent = self._prefix()
        if opener is not None and opener.type == "heading_open":
            level = int(opener.tag[1:]) if opener.tag[1:].isdigit() else 1
            return Block("heading", _runs(token), lead=lead, indent=indent, level=level)
        return Block("paragraph", _runs(token), lead=lead, indent=indent)

    def _code(self, token: Token) -> Block:
        lead, indent = self._prefix()
        lines = token.content.rstrip("\n").split("\n")
        return Block("code", [Run(_safe(line.expandtabs(4)), "code") for line in lines],
                     lead=lead, indent=indent)

    def _table(self) -> Iterator[Block]:
        lead, indent = self._prefix()
        for row in self.table:
            runs: list[Run] = []
            for i, cell in enumerate(row):
                if i:
                    runs.append(Run(" │ ", "rule"))
                runs.extend(cell)
            yield Block("table", runs, lead=lead, indent=indent)
        self.table = []


def _runs(token: Token) -> list[Run]:
    """The inline children of ``token`` as runs, styles nested as the Markdown nests them."""
    out: list[Run] = []
    styles: list[str] = []
    links: list[str] = []
    for child in token.children or ():
        kind = child.type
        if kind in ("strong_open", "em_open", "s_open"):
            styles.append({"strong_open": "strong", "em_open": "em", "s_open": "strike"}[kind])
        elif kind in ("strong_close", "em_close", "s_close"):
            if styles:
                styles.pop()
        elif kind == "link_open":
            links.append(str(child.attrGet("href") or ""))
        elif kind == "link_close":
            if links:
                links.pop()
        elif kind in ("softbreak", "hardbreak"):
            out.append(Run(" " if kind == "softbreak" else "\n"))
        else:
            text = child.content
            style = list(styles)
            if kind == "code_inline":
                style.append("code")
            elif kind == "image":
                text = f"[image: {text or 'no description'}]"
                style.append("em")
            if links:
                style.append("link")
            out.append(Run(_safe(text), "-".join(dict.fromkeys(style)),
                           _safe(links[-1]) if links else ""))
    return [run for run in out if run.text]


_INLINE_MARKS = re.compile(r"[\\`*_\[\]!<~]")


def inline_plain(line: str) -> tuple[str, bool]:
    """One line of Markdown as the plain text it shows (a headline taken from a Markdown
    file): links as their text, images as their description, emphasis and code marks
    dropped; and whether images were all it showed (a line of badges). A line with no
    Markdown marks is returned as it is, unparsed."""
    if not _INLINE_MARKS.search(line) or len(line) > MAX_INLINE:
        return line, False
    try:
        tokens = _parser().parseInline(line)
    except Exception:  # a parser bug must not cost the headline: the line as it is
        return line, False
    parts: list[str] = []
    images = other = False
    for child in (tokens[0].children or ()) if tokens else ():
        if child.type == "image":
            images = True
            parts.append(child.content)
        elif child.type in ("text", "code_inline", "softbreak", "hardbreak"):
            text = child.content if child.type in ("text", "code_inline") else " "
            other = other or bool(text.strip())
            parts.append(text)
    return _safe("".join(parts)), images and not other


def _safe(text: str) -> str:
    """``text`` on one line with escapes and controls removed: markdown-it decodes entities,
    so ``&#27;`` in the source would otherwise come out as a real ESC."""
    return clean_text(text).replace("\n", " ")
