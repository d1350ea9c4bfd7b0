"""Make untrusted text safe to show in a terminal.

Every string that comes from an article file (title, tags, body, even the file name) passes
through here before it reaches the model. Whole escape sequences are removed, not only their
ESC byte: dropping just ESC from ``ESC ] 0 ; evil BEL`` would leave ``]0;evil`` on screen.
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
    | \x1b[ -/]*[0-~]?                               # any other escape (nF, Fp, Fe, Fs)
    """,
    re.VERBOSE,
)

# C0 controls except TAB and LF, DEL, C1 controls, bidi overrides/isolates (they can reorder
# what the user sees), BOM / zero-width no-break space.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")


def clean_text(text: str) -> str:
    """Return multi-line ``text`` with escape sequences and control characters removed.

    Line endings are normalised to ``\\n`` (CR and CRLF both count as one line end) and tabs
    become spaces; everything else printable is kept literally, including markup-like
    brackets such as ``[bold]``.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text or _has_c1(text):
        text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    if "\t" in text:
        text = text.replace("\t", "    ")
    return text


def clean_line(text: str) -> str:
    """Return ``text`` as one clean line: sanitised, whitespace runs collapsed, stripped."""
    return _SPACES.sub(" ", clean_text(text).replace("\n", " ")).strip()


def _has_c1(text: str) -> bool:
    """Tell whether ``text`` holds any 8-bit control that may start a sequence."""
    return any(ch in text for ch in "\x90\x98\x9b\x9d\x9e\x9f")
