"""Turn the decoded, sanitised text of one file into a :class:`Parsed` article.

Three layouts are understood: the seed layout (a `` date YYYY-MM-DD  Title : Source`` first
line), front matter (YAML ``---`` ... ``---``, or TOML ``+++`` ... ``+++``) and plain text
whose first non-empty line is the headline. The parsers classify what they recognise and
leave everything else in the body, so no text of a file is ever lost.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import NamedTuple

from newstui.model.corpus.article import Article, Highlight, Parsed, body_text
from newstui.model.corpus.dates import MONTHS, date_from_line, parse_date
from newstui.model.corpus.frontmatter import read_front_matter
from newstui.model.corpus.sanitize import (
    clean_line,
    clean_text,
    decode_references,
    is_clean,
    squash,
)

SEED_HEADER = re.compile(r"^\s*date\s+(\S+)\s+(.*)$")  # group 2 has trailing spaces
_BULLET = re.compile(r"^\s*[•·▪‣◦*-]\s+")
_LIST_LINE = re.compile(r"^\s*(?:[•·▪‣◦*+-]|\d{1,3}[.)])\s+")
_TAG_LINE = re.compile(r"^#[^\s#]")
# "Seoul/Moscow, September 12", "NEW DELHI, Sept. 3", "Monday, March 15, 2021".
_DATELINE = re.compile(
    rf"^[^.!?:;\"“”]{{1,60}},\s*(?:{MONTHS})\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?$", re.IGNORECASE
)
_ISO_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_URL_LINE = re.compile(r"^(?:Source|URL|Link):\s*(https?://\S+)$", re.IGNORECASE)
MAX_HEADING = 80
MARKDOWN_SUFFIXES = (".md", ".markdown")
NO_TITLE = "no title in the header line"
MAX_BADGE_LINES = 3  # lines of images only passed over for a Markdown file's headline
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")


class Block:
    """A paragraph of consecutive non-blank lines and how many blank lines follow it."""

    __slots__ = ("lines", "blanks_after", "_text")

    def __init__(self, lines: list[str], blanks_after: int = 0) -> None:
        self.lines = lines
        self.blanks_after = blanks_after
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The paragraph as one string; list-like lines keep their own line."""
        if self._text is None:
            self._text = self._join()
        return self._text

    def _join(self) -> str:
        if len(self.lines) == 1:
            return self.lines[0].strip()
        if _is_table(self.lines):
            # Columns aligned with runs of spaces: the lines keep their breaks and spacing.
            return "\n".join(line.rstrip() for line in self.lines)
        # Lines of one list item or paragraph are joined once: adding each to a growing
        # string is quadratic, and a file may be one "paragraph" of 400k lines.
        items: list[list[str]] = []
        for line in self.lines:
            if items and not _LIST_LINE.match(line):
                items[-1].append(line.strip())
            else:
                items.append([line.strip()])
        return "\n".join(" ".join(item) for item in items)


_COLUMN_GAP = re.compile(r"\S {2,}\S")
_INDENT = re.compile(r"^(?: {2,}|\t)\S")


def _is_table(lines: list[str]) -> bool:
    """Lines aligned in columns: most of them hold a gap of two spaces or more inside."""
    gapped = sum(1 for line in lines if _COLUMN_GAP.search(line.strip()))
    return gapped >= 2 and gapped * 3 >= len(lines) * 2


def split_blocks(lines: Iterable[str], newswire: bool = True) -> list[Block]:
    """Group lines into blank-line separated blocks, counting the blanks after each. With
    ``newswire``, an indented line after a flush one starts a block too: newswire text
    marks paragraphs by an indented first line, with no blank line between them (Markdown
    gives indentation other meanings)."""
    blocks: list[Block] = []
    current: list[str] = []
    flush = False  # the current block has a line that is not indented
    for line in lines:
        if line.strip():
            if (newswire and current and flush and _INDENT.match(line)
                    and not _LIST_LINE.match(line) and not _is_table([current[-1], line])):
                blocks.append(Block(current, 0))
                current, flush = [], False
            current.append(line)
            flush = flush or not line[:1].isspace()
        elif current:
            blocks.append(Block(current, 1))
            current, flush = [], False
        elif blocks:
            blocks[-1].blanks_after += 1
    if current:
        blocks.append(Block(current, 0))
    return blocks


def parse_text(text: str, name: str = "") -> Parsed:
    """Parse an article from already decoded text; ``name`` is the file name, for dates.

    Never raises on any input: problems are reported in ``Parsed.warnings``.
    """
    text = clean_text(text)
    markdown = name.lower().endswith(MARKDOWN_SUFFIXES)
    first, _, rest = text.partition("\n")
    if SEED_HEADER.match(first):
        return parse_seed(first, split_blocks(rest.split("\n")))
    # Plain text and front matter often come from web pages: "&#163;1.8m", "pass&#233;".
    text = decode_references(text)
    if text.startswith(("---\n", "+++\n")) and (front := read_front_matter(text)) is not None:
        fields, body, warnings = front
        return parse_plain(split_blocks(body.split("\n"), not markdown), name, warnings,
                           fields, markdown=markdown)
    return parse_plain(split_blocks(text.split("\n"), not markdown), name, [],
                       markdown=markdown)


def _is_dateline(block: Block) -> bool:
    line = block.text
    return len(block.lines) == 1 and len(line) <= MAX_HEADING and bool(_DATELINE.match(line))


def _is_caption(blocks: list[Block]) -> bool:
    """The seed layout sets its picture caption apart with a run of blank lines: a wider gap
    than the one between body paragraphs."""
    if len(blocks) < 2 or _is_dateline(blocks[0]):
        return False
    gaps = sorted(b.blanks_after for b in blocks[1:-1]) or [1]
    return blocks[0].blanks_after >= 2 and blocks[0].blanks_after > gaps[len(gaps) // 2]


def _is_date_only(block: Block) -> bool:
    return len(block.lines) == 1 and date_from_line(block.text) is not None


def is_bullets(block: Block) -> bool:
    """True when every line of ``block`` is a bullet item."""
    return all(_BULLET.match(line) for line in block.lines)


def _bullet_items(block: Block) -> list[str]:
    return [squash(_BULLET.sub("", line, count=1)) for line in block.lines]


def is_heading(block: Block) -> bool:
    """True when ``block`` could head a highlights box: one short line, no end punctuation."""
    text = block.text
    return len(block.lines) == 1 and 0 < len(text) <= MAX_HEADING and text[-1] not in ".!?:;,"


def tags_from(block: Block) -> list[str] | None:
    """The tags of a ``#tag #other tag`` block, or None when ``block`` is not a tag line."""
    line = " ".join(x.strip() for x in block.lines)
    if not _TAG_LINE.match(line):
        return None
    return [t for t in (squash(part) for part in line.split("#")) if t]


def dedupe_tags(tags: Iterable[str], clean: bool = False) -> tuple[str, ...]:
    """Drop empty and case-insensitively repeated tags, keeping the first spelling.

    ``clean``: the tags are known to be sanitised, squashed and free of ``#`` already.
    """
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        if clean:
            key = tag.casefold()
            if tag and key not in seen:
                seen.add(key)
                out.append(tag)
            continue
        if not is_clean(tag) or "  " in tag or tag != tag.strip():
            tag = clean_line(tag)
        tag = tag.lstrip("#").strip()
        key = tag.casefold()
        if tag and key not in seen:
            seen.add(key)
            out.append(tag)
    return tuple(out)


class SeedHeader(NamedTuple):
    """What a seed header line says: `` date YYYY-MM-DD  Title : Source``."""

    title: str  # "" when the line names none
    date: dt.date | None
    source: str
    warnings: tuple[str, ...]


def read_seed_header(header: str) -> SeedHeader | None:
    """The fields of a seed header line, or None when ``header`` is not one."""
    m = SEED_HEADER.match(header)
    if m is None:
        return None
    raw_date, rest = m.group(1), m.group(2).rstrip()
    title, sep, source = rest.rpartition(" : ")
    if not sep:
        title, source = rest, ""
    try:
        return SeedHeader(squash(title), parse_date(raw_date), squash(source), ())
    except ValueError:
        return SeedHeader(squash(title), None, squash(source),
                          (f"impossible date {raw_date!r}: date unknown",))


def breadcrumb_section(block: Block, title: str) -> str:
    """The section a breadcrumb block names: its items other than the title."""
    key = title.casefold()
    return " › ".join(c for c in _bullet_items(block) if c and c.casefold() != key)


def is_title_repeat(block: Block, title: str) -> bool:
    """True when every line of ``block`` is the title again (seed pages repeat it)."""
    key = title.casefold()
    return all(squash(line).casefold() == key for line in block.lines)


def parse_seed(header: str, blocks: list[Block]) -> Parsed:
    """A seed-layout article: its header line, and the blocks of the lines after it.

    Takes the breadcrumb (a first block of bullets) and the repeated title off ``blocks``.
    """
    fields = read_seed_header(header)
    assert fields is not None  # callers only come here when the header matched
    title, date, source, header_warnings = fields
    warnings = list(header_warnings)
    section = ""
    if blocks and is_bullets(blocks[0]):
        section = breadcrumb_section(blocks.pop(0), title)
    while blocks and is_title_repeat(blocks[0], title):
        blocks.pop(0)
    if not title:
        title = "(untitled)"
        warnings.append(NO_TITLE)
    base = Article(title=title, date=date, source=source, section=section, layout="seed")
    return _finish(blocks, base, warnings)


def _finish(blocks: list[Block], base: Article, warnings: list[str],
            markdown: bool = False) -> Parsed:
    """Classify the blocks after the header: tags, highlights, caption, dateline, body.

    ``base`` holds what the header (or front matter) said; what it leaves empty may come
    from the blocks. A ``markdown`` body keeps its lists and headings where they are (no
    highlights boxes) and its source, for the view to lay out.
    """
    tag_list = list(base.tags)
    if blocks:
        found = tags_from(blocks[-1])
        if found is not None:
            tag_list.extend(found)
            blocks.pop()
    highlights: list[Highlight] = []
    if base.layout == "seed":
        blocks, highlights = _trailing_highlights(blocks)
    url, caption, dateline, date = base.url, base.caption, base.dateline, base.date
    if blocks:
        found_url = _URL_LINE.match(blocks[-1].text)
        if found_url and not url:
            url = found_url.group(1)
            blocks.pop()
    if not caption and base.layout == "seed" and _is_caption(blocks):
        caption = squash(blocks.pop(0).text)
    if not dateline and blocks and (_is_dateline(blocks[0]) or _is_date_only(blocks[0])):
        dateline = squash(blocks.pop(0).text)
    if date is None and dateline and base.layout != "seed":
        date = date_from_line(dateline)
    if markdown and blocks and _is_heading_repeat(blocks[0], base.title):
        blocks.pop(0)
    body = tuple(b.text for b in blocks)
    boxes = tuple(highlights)
    article = base._replace(date=date, caption=caption, dateline=dateline, url=url,
                            tags=dedupe_tags(tag_list),
                            words=word_count(body_text(body, boxes)))
    source = "".join("\n".join(b.lines) + "\n" * (b.blanks_after + 1) for b in blocks) \
        if markdown else ""
    return Parsed(article, highlights=boxes, body=body, warnings=tuple(warnings),
                  markdown=source)


def word_count(text: str) -> int:
    """``len(text.split())``, without making the words (~1,000 strings a generated article:
    ~37 µs, against ~25 µs counted so, of a ~100 µs parse). Text whose only whitespace is single
    spaces inside it (every other whitespace character is unprintable) has one word more
    than it has spaces; other text is split."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text.count(" ") + 1 if text else 0
    return len(text.split())


def _trailing_highlights(blocks: list[Block]) -> tuple[list[Block], list[Highlight]]:
    """The highlights boxes of the seed layout: short headings each followed by a block of
    bullets, at the end of the article (before an optional ``Source:`` line). A bullet list
    anywhere else is part of the body, and stays where it is."""
    end = len(blocks) - (1 if blocks and _URL_LINE.match(blocks[-1].text) else 0)
    start = end
    while (start >= 2 and is_bullets(blocks[start - 1]) and is_heading(blocks[start - 2])
           and not _is_dateline(blocks[start - 2])):
        start -= 2
    boxes = [Highlight(squash(blocks[i].text), tuple(_bullet_items(blocks[i + 1])))
             for i in range(start, end, 2)]
    return blocks[:start] + blocks[end:], boxes


def _is_heading_repeat(block: Block, title: str) -> bool:
    """A Markdown body that opens with its own title as a heading (front matter gave it)."""
    first = block.lines[0].strip()
    return (len(block.lines) == 1 and first.startswith("#")
            and squash(first.lstrip("#")).casefold() == title.casefold())


def _title_from(blocks: list[Block]) -> str:
    """Take the first line of the first block as the headline, removing it from the blocks."""
    first = blocks[0]
    title = squash(first.lines.pop(0).lstrip("#"))
    if not first.lines:
        blocks.pop(0)
    return title or "(untitled)"


def _markdown_title(blocks: list[Block]) -> str:
    """The headline of a Markdown file without one in front matter: its first line as the
    text it shows (``# [Title](url)``: ``Title``), or, when that line shows only images (a
    row of badges), the first of the next lines that shows text (with only badges, the
    first line's descriptions); that line is taken off the blocks, and the badges stay in
    the body."""
    from newstui.model.corpus.markdown import inline_plain  # only Markdown files need it

    first: tuple[int, int, str] | None = None  # (block, line, the text it shows)
    every = ((b, i, line) for b, block in enumerate(blocks) for i, line in enumerate(block.lines))
    for seen, (b, i, line) in enumerate(every):  # (every line before was passed over)
        text, images_only = inline_plain(line.strip().lstrip("#").strip())
        first = first or (b, i, text)
        if (text.strip() and not images_only) or seen >= MAX_BADGE_LINES:
            chosen = (b, i, text)
            break
    else:
        assert first is not None  # blocks hold lines
        chosen = first
    b, i, text = chosen
    lines = blocks[b].lines
    # A setext heading's underline goes with it.
    underline = i + 1 < len(lines) and _SETEXT.match(lines[i + 1])
    del lines[i : i + 2 if underline else i + 1]
    if not lines:
        del blocks[b]
    return squash(text) or "(untitled)"


def parse_plain(blocks: list[Block], name: str, warnings: list[str],
                front: Article | None = None, markdown: bool = False) -> Parsed:
    """A plain or front-matter article from its blocks: the first line is the headline
    unless the ``front`` matter gives a title; ``name`` (the file's) may hold the date."""
    base = front or Article(title="")
    if not base.title:
        title = "(untitled)"
        if blocks:
            title = _markdown_title(blocks) if markdown else _title_from(blocks)
        base = base._replace(title=title)
    if base.date is None:
        m = _ISO_IN_NAME.search(name)
        if m:
            try:
                base = base._replace(date=dt.date(int(m.group(1)), int(m.group(2)),
                                                  int(m.group(3))))
            except ValueError:
                warnings.append(f"impossible date {m.group(0)!r} in file name: ignored")
    return _finish(blocks, base, warnings, markdown)
