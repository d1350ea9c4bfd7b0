"""Turn the decoded, sanitised text of one file into a :class:`Parsed` article.

Three layouts are understood: the seed layout (a `` date YYYY-MM-DD  Title : Source`` first
line), YAML front matter (``---`` ... ``---``) and plain text whose first non-empty line is the
headline. The parsers classify what they recognise and leave everything else in the body, so
no text of a file is ever lost.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from newstui.model.article import Highlight, Parsed
from newstui.model.dates import MONTHS, date_from_line, parse_date
from newstui.model.frontmatter import read_front_matter
from newstui.model.sanitize import clean_line, clean_text, is_clean, squash

SEED_HEADER = re.compile(r"^\s*date\s+(\S+)\s+(.*?)\s*$")
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


class Block:
    """A paragraph of consecutive non-blank lines and how many blank lines follow it."""

    __slots__ = ("lines", "blanks_after", "first", "_text")

    def __init__(self, lines: list[str], blanks_after: int = 0, first: int = 0) -> None:
        self.lines = lines
        self.blanks_after = blanks_after
        self.first = first  # index of its first line in the list given to split_blocks
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
        out: list[str] = []
        for line in self.lines:
            stripped = line.strip()
            if out and not _LIST_LINE.match(line):
                out[-1] = f"{out[-1]} {stripped}"
            else:
                out.append(stripped)
        return "\n".join(out)


def split_blocks(lines: Iterable[str]) -> list[Block]:
    """Group lines into blank-line separated blocks, counting the blanks after each."""
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    for i, line in enumerate(lines):
        if line.strip():
            if not current:
                start = i
            current.append(line)
        elif current:
            blocks.append(Block(current, 1, start))
            current = []
        elif blocks:
            blocks[-1].blanks_after += 1
    if current:
        blocks.append(Block(current, 0, start))
    return blocks


def parse_text(text: str, name: str = "") -> Parsed:
    """Parse an article from already decoded text; ``name`` is the file name, for dates.

    Never raises on any input: problems are reported in ``Parsed.warnings``.
    """
    text = clean_text(text)
    if text.startswith("---\n") and (front := read_front_matter(text)) is not None:
        fields, body, warnings = front
        return _parse_plain(body, name, warnings, **fields)
    first = text.split("\n", 1)[0]
    if SEED_HEADER.match(first):
        return _parse_seed(text)
    return _parse_plain(text, name, [])


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


def _is_bullets(block: Block) -> bool:
    return all(_BULLET.match(line) for line in block.lines)


def _bullet_items(block: Block) -> list[str]:
    return [squash(_BULLET.sub("", line, count=1)) for line in block.lines]


def _is_heading(block: Block) -> bool:
    text = block.text
    return len(block.lines) == 1 and 0 < len(text) <= MAX_HEADING and text[-1] not in ".!?:;,"


def _tags_from(block: Block) -> list[str] | None:
    line = " ".join(x.strip() for x in block.lines)
    if not _TAG_LINE.match(line):
        return None
    return [t for t in (squash(part) for part in line.split("#")) if t]


def dedupe_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Drop empty and case-insensitively repeated tags, keeping the first spelling."""
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        if not is_clean(tag) or "  " in tag or tag != tag.strip():
            tag = clean_line(tag)
        tag = tag.lstrip("#").strip()
        key = tag.casefold()
        if tag and key not in seen:
            seen.add(key)
            out.append(tag)
    return tuple(out)


def _seed_header(lines: list[str]) -> tuple[dict[str, object], list[str], list[Block]]:
    """Header line, breadcrumb and repeated title of a seed-layout file."""
    m = SEED_HEADER.match(lines[0])
    assert m is not None  # callers only come here when the header matched
    warnings: list[str] = []
    raw_date, rest = m.group(1), m.group(2)
    title, sep, source = rest.rpartition(" : ")
    if not sep:
        title, source = rest, ""
    title, source = squash(title), squash(source)
    date: dt.date | None
    try:
        date = parse_date(raw_date)
    except ValueError:
        date = None
        warnings.append(f"impossible date {raw_date!r}: date unknown")
    blocks = split_blocks(lines[1:])
    section = ""
    if blocks and _is_bullets(blocks[0]):
        crumbs = [c for c in _bullet_items(blocks.pop(0)) if c and c.casefold() != title.casefold()]
        section = " › ".join(crumbs)
    title_key = title.casefold()
    while blocks and all(squash(line).casefold() == title_key for line in blocks[0].lines):
        blocks.pop(0)
    if not title:
        title = "(untitled)"
        warnings.append("no title in the header line")
    fields = {"title": title, "date": date, "source": source, "section": section}
    return fields, warnings, blocks


def _parse_seed(text: str) -> Parsed:
    fields, warnings, blocks = _seed_header(text.split("\n"))
    return _finish(blocks, layout="seed", warnings=warnings, **fields)  # type: ignore[arg-type]


def _finish(
    blocks: list[Block],
    *,
    title: str,
    layout: str,
    warnings: list[str],
    date: dt.date | None = None,
    source: str = "",
    section: str = "",
    caption: str = "",
    dateline: str = "",
    url: str = "",
    tags: Iterable[str] = (),
) -> Parsed:
    """Classify the blocks after the header: tags, highlights, caption, dateline, body."""
    tag_list = list(tags)
    if blocks:
        found = _tags_from(blocks[-1])
        if found is not None:
            tag_list.extend(found)
            blocks.pop()
    highlights: list[Highlight] = []
    kept: list[Block] = []
    for block in blocks:
        if _is_bullets(block) and kept and _is_heading(kept[-1]) and not _is_dateline(kept[-1]):
            heading = kept.pop()
            highlights.append(Highlight(squash(heading.text), tuple(_bullet_items(block))))
        else:
            kept.append(block)
    blocks = kept
    if blocks:
        found_url = _URL_LINE.match(blocks[-1].text)
        if found_url and not url:
            url = found_url.group(1)
            blocks.pop()
    if not caption and layout == "seed" and _is_caption(blocks):
        caption = squash(blocks.pop(0).text)
    if not dateline and blocks and (_is_dateline(blocks[0]) or _is_date_only(blocks[0])):
        dateline = squash(blocks.pop(0).text)
    if date is None and dateline and layout != "seed":
        date = date_from_line(dateline)
    return Parsed(
        title=title,
        date=date,
        source=source,
        section=section,
        caption=caption,
        dateline=dateline,
        url=url,
        tags=dedupe_tags(tag_list),
        highlights=tuple(highlights),
        body=tuple(b.text for b in blocks),
        layout=layout,
        warnings=tuple(warnings),
    )


def _title_from(blocks: list[Block]) -> str:
    """Take the first line of the first block as the headline, removing it from the blocks."""
    first = blocks[0]
    title = squash(first.lines.pop(0).lstrip("#"))
    if not first.lines:
        blocks.pop(0)
    return title or "(untitled)"


def _parse_plain(text: str, name: str, warnings: list[str], **fields: object) -> Parsed:
    blocks = split_blocks(text.split("\n"))
    title = str(fields.pop("title", "") or "")
    if not title and blocks:
        title = _title_from(blocks)
    date = fields.pop("date", None)
    if date is None:
        m = _ISO_IN_NAME.search(name)
        if m:
            try:
                date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                warnings.append(f"impossible date {m.group(0)!r} in file name: ignored")
    layout = str(fields.pop("layout", "plain"))
    return _finish(
        blocks, title=title or "(untitled)", layout=layout, warnings=warnings, date=date, **fields
    )  # type: ignore[arg-type]
