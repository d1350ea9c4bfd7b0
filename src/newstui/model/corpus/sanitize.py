"""Make untrusted text safe to show in a terminal.

Every string that comes from an article file (title, tags, body, even the file name) passes
through here before it reaches the model. Whole escape sequences are removed, not only their
ESC byte: dropping just ESC from ``ESC ] 0 ; evil BEL`` would leave ``]0;evil`` on screen.
An ESC that starts no such sequence (``ESC 7``, or a stray one before ``Kim``) is removed
alone: what follows it is plain text, and stays.
"""

from __future__ import annotations

import re

# One alternative per family of ECMA-48 sequence. String sequences (OSC, DCS, SOS, PM, APC)
# end at BEL or ST; an unterminated one is cut at the end of its line so a stray ESC ] can
# never swallow the rest of a file.
_ESCAPES = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]?                       # CSI ... final byte
    | \x9b[0-?]*[ -/]*[@-~]?                         # 8-bit CSI
    | [\x1b][\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?   # OSC/DCS/SOS/PM/APC
    | [\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?  # 8-bit string starts
    | \x1b[!-/]+[0-~]?                               # nF: intermediates, then a final
    """,
    re.VERBOSE,
)

# C0 controls except TAB and LF, DEL, C1 controls, bidi overrides/isolates (they can reorder
# what the user sees), BOM / zero-width no-break space.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# Lone surrogates: the undecodable bytes of a file name (os.fsdecode); shown as U+FFFD.
_SURROGATES = re.compile("[\ud800-\udfff]")
_UNSAFE = re.compile(f"{_CONTROLS.pattern}|{_SURROGATES.pattern}")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")


def clean_text(text: str) -> str:
    """Return multi-line ``text`` with escape sequences and control characters removed.

    Line endings are normalised to ``\\n`` (CR and CRLF both count as one line end) and tabs
    become spaces; everything else printable is kept literally, including markup-like
    brackets such as ``[bold]``.
    """
    if "\t" in text:
        text = text.replace("\t", "    ")
    if _is_safe(text):
        return text  # the common case: nothing to remove
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text or _has_c1(text):
        text = _ESCAPES.sub("", text)
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", text))


def clean_line(text: str) -> str:
    """Return ``text`` as one clean line: sanitised, whitespace runs collapsed, stripped."""
    return _SPACES.sub(" ", clean_text(text).replace("\n", " ")).strip()


_C0 = bytes(b for b in range(32) if b not in (9, 10)) + b"\x7f"


def is_clean(text: str) -> bool:
    """True when ``text`` holds no control character, escape or bidi override."""
    if text.isascii():
        # bytes.translate runs in C without the regex engine: ~8x faster on long text.
        raw = text.encode("ascii")
        return len(raw.translate(None, _C0)) == len(raw)
    return _is_safe(text)


def _is_safe(text: str) -> bool:
    """True when ``text`` holds nothing :data:`_UNSAFE` matches. Each character it matches
    is one Python does not print (a control, format or surrogate character; a test checks
    them all), so text printable but for its line ends and no-break spaces (in most real
    news) needs no regex scan: a third less time on generated articles and on Wikinews."""
    return (text.replace("\n", " ").replace("\xa0", " ").isprintable()
            or _UNSAFE.search(text) is None)


def squash(text: str) -> str:
    """Collapse whitespace runs in already-clean ``text`` to single spaces, and strip it."""
    return " ".join(text.split())


def _has_c1(text: str) -> bool:
    """Tell whether ``text`` holds any 8-bit control that may start a sequence."""
    return any(ch in text for ch in "\x90\x98\x9b\x9d\x9e\x9f")


# Character references with their semicolon only: "AT&T", "R&D" and "?a=1&para=2" in a URL
# stay as written (html.unescape alone would turn "&para" into "¶").
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_references(text: str) -> str:
    """``text`` with HTML character references decoded (``&#163;`` -> £, ``&amp;`` -> &),
    and sanitised again: a reference may name a control character (``&#27;``)."""
    if "&" not in text or ";" not in text:
        return text
    import html

    decoded = _REFERENCE.sub(lambda m: html.unescape(m.group(0)), text)
    return decoded if decoded == text else clean_text(decoded)
