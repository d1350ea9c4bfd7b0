"""HTML to readable Markdown text, with a maintained converter (html2text): paragraphs,
headings, lists, quotes and links kept; scripts, styles and images (tracking pixels among
them) dropped. The Markdown becomes the body of a ``.md`` article file, which the reader
lays out; the text is sanitised, so no escape sequence survives."""

from __future__ import annotations

import re

from newstui.model.corpus.sanitize import clean_text

MAX_HTML = 4 * 1024 * 1024  # of one item or page: longer is cut before converting
_BLANKS = re.compile(r"\n{3,}")


def html_to_text(markup: str, base_url: str = "") -> str:
    """``markup`` (an HTML fragment or page) as Markdown text."""
    import html2text  # only when fetching

    converter = html2text.HTML2Text(baseurl=base_url)
    converter.body_width = 0  # the reader wraps
    converter.ignore_images = True
    converter.ignore_emphasis = False
    converter.unicode_snob = True
    converter.protect_links = False
    converter.mark_code = False
    converter.skip_internal_links = True
    try:
        text = converter.handle(markup[:MAX_HTML])
    except Exception:  # a converter bug must not cost the item: keep its text
        text = re.sub(r"<[^>]*>", " ", markup[:MAX_HTML])
    return _BLANKS.sub("\n\n", clean_text(text)).strip()


def plain_to_text(text: str) -> str:
    """A plain-text body, sanitised, its paragraphs kept."""
    return _BLANKS.sub("\n\n", clean_text(text[:MAX_HTML]).replace("\r", "")).strip()
