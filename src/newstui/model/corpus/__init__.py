"""Reading one article file: find, read, decode, sanitise and parse it.

The lowest layer of the model: it imports nothing else of newstui. Every failure to use a
file is :class:`Unusable` with a one-line reason; parsers never raise and never drop text.
"""

from newstui.model.corpus.article import Article, Highlight, Parsed
from newstui.model.corpus.files import (
    Stat,
    Unusable,
    decode,
    file_stat,
    first_files,
    iter_files,
    read_bytes,
    read_file,
    read_full,
    read_headers,
)
from newstui.model.corpus.parse import parse_text
from newstui.model.corpus.sanitize import clean_line, clean_text

__all__ = [
    "Article", "Highlight", "Parsed", "Stat", "Unusable", "clean_line", "clean_text", "decode",
    "file_stat", "first_files", "iter_files", "parse_text", "read_bytes", "read_file",
    "read_full", "read_headers",
]
