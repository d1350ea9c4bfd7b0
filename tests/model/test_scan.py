"""The list-only scanner reads exactly what the full parser reads, or declines."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from newstui.model.corpus.files import decode
from newstui.model.corpus.parse import parse_text
from newstui.model.corpus.sanitize import _CONTROLS
from newstui.model.corpus.scan import _SPECIAL, scan_headers
from tests.conftest import SEEDS

SYNTHETIC = (
    " date 2022-03-02  North police school : Source 20 News\n\n"
    "  • Business\n  • North police school\n\n"
    "North police school\n\nNorth police school\n\n"
    "Bawono cepuhi bedota ukraine government. Reuters\n\n\n\n\n"
    "Cairo, March 2\n\n"
    "Vote balali bacode nuha bisuso bukogamu jisoha hatobumu becuse bosa.\n\n"
    "Cale ukraine bajihi for bafipi bavo zebifi kim repopu bamolohu.\n\n"
    "Key points\n\n  • bevo bete kim.\n  • tatudu bebatope.\n\n"
    "#Ukraine #Sport #United States #sport #Energy\n"
)


def _full(data: bytes):
    """What the full parser says, in the scanner's terms (details left out)."""
    text, warning = decode(data)
    parsed = parse_text(text, "a.txt")
    headers = parsed.article._replace(caption="", dateline="", url="", words=None)
    return (headers, parsed.warnings), warning


def _same_or_declined(data: bytes) -> bool:
    scanned = scan_headers(data)
    if scanned is None:
        return False
    full, warning = _full(data)
    assert warning is None  # a file that needed another encoding is never scanned
    assert scanned == full
    return True


def test_scanner_reads_the_seed_and_synthetic_articles_exactly() -> None:
    scanned = scan_headers(SYNTHETIC.encode())
    assert scanned is not None
    assert scanned[0].title == "North police school"
    assert scanned[0].section == "Business"
    assert scanned[0].tags == ("Ukraine", "Sport", "United States", "Energy")
    assert scanned[0].words is None and scanned[0].caption == ""
    assert _same_or_declined(SYNTHETIC.encode())


def test_scanner_agrees_with_the_parser_on_every_bundled_seed() -> None:
    files = sorted(SEEDS.glob("*.txt"))
    scanned = sum(_same_or_declined(f.read_bytes()) for f in files)
    assert scanned >= len(files) * 0.9  # and declines only the odd ones


def test_scanner_declines_what_it_cannot_read_exactly() -> None:
    base = SYNTHETIC
    for text in (
        base.replace("Cairo", "Ca\x1b[2Jiro"),  # an escape sequence
        base.replace("police", "police\u00a0"),  # a Unicode space
        base.replace("date 2022", "date\u20282022"),
        "Plain headline\n\nBody.\n",  # another layout
        "---\ntitle: x\n---\nBody\n",
    ):
        assert scan_headers(text.encode()) is None
    assert scan_headers(base.encode("utf-16")) is None
    assert scan_headers(base.encode().replace(b"police", b"polic\xe9")) is None  # not UTF-8


def test_special_bytes_cover_every_space_and_removed_character() -> None:
    # Every non-ASCII character that str.split() splits at or the sanitiser removes must be
    # found by _SPECIAL, or the scanner could read a field differently from the parser.
    for code in range(0x80, sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        if char.isspace() or _CONTROLS.match(char):
            assert _SPECIAL.search(char.encode()), hex(code)


PIECES = st.sampled_from([
    "\n", "\n\n", "\n\n\n", "  ", "\t", "\r\n", "\r", " : ", "#", "# ", "  • ", "• ", "- ",
    "* ", "x", "Title", "date ", "2021-02-30", "2020-01-01", "\u00a0", "\u2028", "\x1b[0m",
    "\x0c", "\x85", "é", "“", "\ufeff", "[bold]", "North police school", "Key points",
    "#Tag one #tag ONE", "  ", "\n  \n",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(SYNTHETIC)), PIECES), max_size=6))
def test_scanner_agrees_with_the_parser_on_mutated_articles(edits) -> None:
    text = SYNTHETIC
    for at, piece in sorted(edits, reverse=True):
        text = text[:at] + piece + text[at:]
    _same_or_declined(text.encode())


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=30))
def test_scanner_agrees_with_the_parser_on_pieces_after_a_header(pieces) -> None:
    _same_or_declined((" date 2022-03-02  A title : Src\n" + "".join(pieces)).encode())
