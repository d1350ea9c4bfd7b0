"""Exact phrases: how a phrase is compared with a text, and the test of a whole file.

A phrase matches its words in this order, whole words, case and punctuation aside
(:func:`phrase_key` says what "the same" means; :func:`file_holds` gives the same answer
without normalising a whole file). Files are tested as raw bytes first: for a phrase of
ASCII words, a file that the bytes test does not find holds no match (the bytes test can
only find more), and a match that is ASCII with ASCII either side is one the text test
would find too; only the other files it finds are decoded and tested as text. At 100k
generated articles that cut ``"north korea"`` (99,815 candidate files) from 10.9 s to ~2 s
(``benchmarks/bench_phrases.py``).
"""

from __future__ import annotations

import functools
import re
from typing import AnyStr

from newstui.model.corpus.files import searchable_text

_PHRASE_SPLIT = re.compile(r"[\W_]+")
# Where the bytes test could miss what the text test finds: characters outside ASCII whose
# case folding gives ASCII letters (ß -> ss, the Kelvin sign, the long s, ligatures such
# as ﬁ, ...: their blocks), a lone 0xDF byte (ß read as cp1252), a character reference
# (&amp; is decoded in text), and UTF-16 (not bytes of ASCII letters at all).
_NOT_BYTEWISE = (b"\xdf", b"\xc3\x9f", b"\xc4\xb0", b"\xc5\x89", b"\xc5\xbf",
                 b"\xc7\xb0", b"\xe1\xba", b"\xe2\x84\xaa", b"\xef\xac")
_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_ASCII = bytes(range(128))


def _bytewise(data: bytes) -> bool:
    """Whether the bytes test may stand in for the text test on ``data``. The sequences
    are looked for in the bytes outside ASCII only (in UTF-8 a character's bytes are all
    outside it, so none is split or made up), usually a few: ~10x faster than in all."""
    if b"&" in data or data.startswith(_UTF16):
        return False
    if data.isascii():
        return True
    rest = data.translate(None, _ASCII)
    return not any(seq in rest for seq in _NOT_BYTEWISE)


def phrase_key(text: str) -> str:
    """``text`` as phrases are compared: casefolded, every run of punctuation and space one
    space, with a space at each end (so a phrase matches whole words only)."""
    return " " + " ".join(p for p in _PHRASE_SPLIT.split(text.casefold()) if p) + " "


@functools.lru_cache(maxsize=64)
def phrase_words(phrase: str) -> tuple[str, ...]:
    """The casefolded words of ``phrase`` (kept: every candidate file asks again)."""
    return tuple(p for p in _PHRASE_SPLIT.split(phrase.casefold()) if p)


@functools.lru_cache(maxsize=64)
def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """A regex finding ``phrase`` in casefolded text (None for a phrase of no words)."""
    words = phrase_words(phrase)
    if not words:
        return None
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])")


@functools.lru_cache(maxsize=64)
def _bytes_pattern(phrase: str) -> re.Pattern[bytes] | None:
    words = phrase_words(phrase)
    if not words or not all(w.isascii() for w in words):
        return None
    return re.compile(rb"(?<![^\W_])" + rb"[\W_]+".join(re.escape(w.encode()) for w in words)
                      + rb"(?![^\W_])")


def holds(folded: str, phrase: str) -> bool:
    """Whether casefolded ``folded`` holds ``phrase``: the same test as
    ``phrase_key(phrase) in phrase_key(text)``, without normalising the whole text."""
    pattern = phrase_pattern(phrase)
    return pattern is not None and _find(folded, phrase_words(phrase)[0], pattern)


def file_holds(data: bytes, phrase: str) -> bool:
    """Whether a file of these bytes holds ``phrase`` (as :func:`holds` on the file's
    searchable text, which raises :class:`~newstui.model.corpus.files.Unusable` when the
    bytes are not text)."""
    pattern = _bytes_pattern(phrase)
    if pattern is not None and _bytewise(data):
        # Outside ASCII, bytes are never word characters to a bytes regex, so it accepts
        # every match the text test accepts (and some with a letter such as é beside them).
        found = _ascii_match(data.lower(), phrase_words(phrase)[0].encode(), pattern)
        if found is None:
            return False
        if found:  # ASCII, and so are the characters on either side: the text's match too
            return True
    text = searchable_text(data)
    return holds(text.lower() if text.isascii() else text.casefold(), phrase)


def _ascii_match(low: bytes, first: bytes, pattern: re.Pattern[bytes]) -> bool | None:
    """None if ``pattern`` matches nowhere in ``low``; True if one match and the bytes
    either side of it are ASCII (the text test would find the same characters there);
    False if it matches only next to bytes outside ASCII (the text test decides)."""
    found = None
    at = low.find(first)
    while at >= 0:
        if (m := pattern.match(low, at)) is not None:
            start, end = m.span()
            if (m.group().isascii() and (start == 0 or low[start - 1] < 0x80)
                    and (end == len(low) or low[end] < 0x80)):
                return True
            found = False
        at = low.find(first, at + 1)
    return found


def _find(folded: AnyStr, first: AnyStr, pattern: re.Pattern[AnyStr]) -> bool:
    # ``find`` finds where the first word starts and the pattern is tried only there:
    # searching with it scans every position (its look-behind defeats the regex engine's
    # literal-prefix scan, ~5x slower).
    at = folded.find(first)
    while at >= 0:
        if pattern.match(folded, at):
            return True
        at = folded.find(first, at + 1)
    return False
