"""HTML to readable Markdown text, with a maintained converter: html-to-markdown (a compiled
core, ~5x faster than html2text on the shared feeds), html2text where it is missing or
fails. Paragraphs, headings, lists, quotes, code and links are kept; scripts, styles and
images (tracking pixels among them) dropped. The Markdown becomes the body of a ``.md``
article file, which the reader lays out; the text is sanitised, so no escape sequence
survives."""

from __future__ import annotations

import functools
import re
from typing import Any

from newstui.model.corpus.sanitize import clean_text

MAX_HTML = 4 * 1024 * 1024  # of one item or page: longer is cut before converting
_BLANKS = re.compile(r"\n{3,}")


def html_to_text(markup: str, base_url: str = "") -> str:
    """``markup`` (an HTML fragment or page) as Markdown text."""
    text = _fast(markup[:MAX_HTML], base_url)
    if text is None:
        text = _slow(markup[:MAX_HTML], base_url)
    return _BLANKS.sub("\n\n", clean_text(text)).strip()


@functools.lru_cache(maxsize=64)
def _options(base_url: str) -> Any:
    """Conversion options, made once per base address (making them costs as much as
    converting a short item)."""
    import html_to_markdown

    return html_to_markdown.ConversionOptions(skip_images=True, autolinks=False,
                                              extract_metadata=False, wrap=False,
                                              base_url=base_url or None)


def _fast(markup: str, base_url: str) -> str | None:
    try:
        import html_to_markdown
    except ImportError:
        return None
    try:
        return str(html_to_markdown.convert(markup, _options(base_url)).content)
    except Exception:  # too large, too deep, a converter bug: html2text tries
        return None


def _slow(markup: str, base_url: str) -> str:
    import html2text

    converter = html2text.HTML2Text(baseurl=base_url)
    converter.body_width = 0  # the reader wraps
    converter.ignore_images = True
    converter.ignore_emphasis = False
    converter.unicode_snob = True
    converter.protect_links = False
    converter.mark_code = False
    converter.skip_internal_links = True
    try:
        return str(converter.handle(markup))
    except Exception:  # a converter bug must not cost the item: keep its text
        return re.sub(r"<[^>]*>", " ", markup)


def plain_to_text(text: str) -> str:
    """A plain-text body, sanitised, its paragraphs kept."""
    return _BLANKS.sub("\n\n", clean_text(text[:MAX_HTML]).replace("\r", "")).strip()
