"""Everything the command line prints passes through here.

Article text is sanitised when it is parsed, but a line also holds file names, reasons,
config values and cached strings: each of them may carry an escape sequence that would
retitle the terminal or write the clipboard. :class:`Output` cleans every line it writes,
whatever it came from, so no code path can forget to; JSON is always valid UTF-8 and holds
no C1 control either; and any ``PYTHONIOENCODING`` works (what the encoding cannot hold is
escaped, never an error).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, TextIO

from newstui.model.corpus import Article, clean_text

_C1_OR_SURROGATE = re.compile("[\x80-\x9f\ud800-\udfff]")


def plural(n: int, noun: str) -> str:
    """``1 article``, ``2 articles``, ``1,000 articles``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def safe_text(text: str) -> str:
    """``text`` (one line or many) with nothing a terminal would act on: escape sequences
    and control characters removed, undecodable file-name bytes shown as U+FFFD."""
    return clean_text(text)


def json_record(article: Article) -> dict[str, object]:
    """``article.to_json()``, with a file name that is not valid UTF-8 shown with U+FFFD in
    ``path`` and given exactly, as hex of its bytes, in ``path_bytes``."""
    record = article.to_json()
    path = article.path
    if _has_surrogates(path):
        record["path"] = clean_text(path)
        record["path_bytes"] = os.fsencode(path).hex()
    return record


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class Output:
    """A text stream that writes only safe text."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
        self._ascii_json = not encoding.startswith("utf")
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "strict") == "strict":
            # PYTHONIOENCODING=ascii:strict must not turn a title into a traceback.
            reconfigure(errors="backslashreplace")

    def line(self, text: str) -> None:
        """Write one line (newlines inside become spaces)."""
        self.stream.write(safe_text(text).replace("\n", " ") + "\n")

    def text(self, text: str) -> None:
        """Write text of many lines as it is, made safe."""
        self.stream.write(safe_text(text))

    def json(self, value: Any, indent: int | None = None) -> None:
        """Write ``value`` as one JSON document and a newline: valid UTF-8 (or ASCII where
        the stream's encoding is not UTF), C1 controls and lone surrogates escaped."""
        text = json.dumps(value, ensure_ascii=self._ascii_json, indent=indent)
        text = _C1_OR_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        self.stream.write(text + "\n")

    def flush(self) -> None:
        """Flush the stream."""
        self.stream.flush()
