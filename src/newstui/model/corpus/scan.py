"""Read what the headline list shows of a seed-layout file, without parsing the rest.

The first load of a large folder has two passes (see :func:`newstui.model.load.passes.load_paths`).
The first reads every file but parses only what the list shows and sorts by: the header line
(date, title, source), the breadcrumb (section) and the last block (tags). Each comes from
one place in the file that the rest cannot change, so reading them here gives exactly what
the parser (:mod:`newstui.model.corpus.parse`, whose functions this calls) gives. The caption,
dateline, source link and word count depend on the whole body; they are left unread
(``words`` None) for the second pass, which parses every file in full.

:func:`scan_headers` returns None, and the caller parses the whole file, for anything it does
not read exactly: other layouts, control characters or escape sequences, Unicode spaces,
invalid UTF-8, files whose first or last block is also something else. A test checks both
give the same fields on real, generated and mutated files.
"""

from __future__ import annotations

import codecs
import re

from newstui.model.corpus.article import Article
from newstui.model.corpus.parse import (
    NO_TITLE,
    Block,
    breadcrumb_section,
    dedupe_tags,
    is_bullets,
    is_title_repeat,
    read_seed_header,
    tags_from,
)

# Bytes the sanitiser would remove: C0 controls other than TAB, LF, CR, and DEL.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"
_PLAIN = bytes(range(32, 127)) + b"\t\n\r"
# UTF-8 of every non-ASCII character that the sanitiser removes or that str.split() and
# str.strip() treat as a space: C1 controls, NBSP, Unicode spaces, line and paragraph
# separators, bidi controls, BOM. Searched in the file's non-ASCII bytes only.
_SPECIAL = re.compile(
    rb"\xc2[\x80-\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8-\xaf]|\xe2\x81[\x9f\xa6-\xa9]"
    rb"|\xe3\x80\x80|\xef\xbb\xbf"
)
# The first block: blank lines (nothing but spaces), then lines holding more than spaces.
_FIRST_BLOCK = re.compile(r"(?: *\n)*((?: *[^ \n][^\n]*\n)+)")


def scan_headers(data: bytes) -> tuple[Article, tuple[str, ...]] | None:
    """Title, date, source, section, tags and header warnings of the seed-layout article in
    ``data`` (a file's bytes), exactly as the parser reads them, with the caption, dateline
    and link empty and ``words`` None (not read); None when the file needs the parser."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    if not data.startswith((b" date", b"date")):
        return None  # not the seed layout (or unusual leading space: the parser decides)
    # One pass keeps what is neither printable ASCII nor TAB, LF, CR: control characters
    # (the parser would remove them) and UTF-8 to look at more closely.
    rest = data.translate(None, _PLAIN)
    if rest and (len(rest.translate(None, _CONTROL_BYTES)) != len(rest)
                 or _SPECIAL.search(rest)):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # What clean_text does to a file holding no other control character.
    if b"\r" in data:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if b"\t" in data:
        text = text.replace("\t", "    ")
    if not text.endswith("\n"):
        text += "\n"
    newline = text.find("\n")
    fields = read_seed_header(text[:newline])
    first = _FIRST_BLOCK.match(text, newline + 1)
    if fields is None or first is None:
        return None
    title, date, source, warnings = fields
    crumb = Block(first.group(1)[:-1].split("\n"))
    last, start = _last_block(text)
    # The parser takes tags from the last block unless it went as breadcrumb or title; it
    # may also split a block where an indented line follows a flush one (newswire
    # paragraphs): such files are left to it.
    if (start <= first.start(1) or (title and is_title_repeat(last, title))
            or _indent_after_flush(crumb.lines) or _indent_after_flush(last.lines)):
        return None
    section = breadcrumb_section(crumb, title) if is_bullets(crumb) else ""
    found = tags_from(last)
    if not title:
        title, warnings = "(untitled)", (*warnings, NO_TITLE)
    # The file holds no control character, and tags_from squashed them and split at "#".
    tags = dedupe_tags(found, clean=True) if found else ()
    return Article(title=title, date=date, source=source, section=section, tags=tags,
                   layout="seed"), warnings


def _indent_after_flush(lines: list[str]) -> bool:
    """Whether an indented line follows a flush one: where the parser may start a new
    block (newswire paragraphs), so the scanner leaves the file to it."""
    flush = False
    for line in lines:
        if line[:1].isspace():
            if flush:
                return True
        else:
            flush = True
    return False


def _last_block(text: str) -> tuple[Block, int]:
    """The last block of ``text`` (which ends with a newline) and the offset of its first
    line; (an empty block, -1) if ``text`` is blank."""
    end = len(text) - 1  # the newline that ends the last line
    while True:  # back over blank lines
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip():
            break
        if start == 0:
            return Block([]), -1
        end = start - 1
    lines = [text[start:end]]
    while start > 0:
        above = text.rfind("\n", 0, start - 1) + 1
        line = text[above : start - 1]
        if not line.strip():
            break
        lines.append(line)
        start = above
    lines.reverse()
    return Block(lines), start
