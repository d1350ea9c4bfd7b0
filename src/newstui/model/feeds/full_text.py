"""The article of a web page, for feeds that carry only a summary: extracted with
trafilatura (the best-scoring extractor in public benchmarks), as Markdown."""

from __future__ import annotations

from newstui.model.corpus.sanitize import clean_text
from newstui.model.feeds.html_text import MAX_HTML


def extract_article(page: bytes, url: str = "") -> str | None:
    """The main text of the HTML ``page``, or None when none could be found."""
    try:
        import trafilatura  # ~0.4 s to import: only for full-text feeds
    except ImportError:
        return None
    try:
        text = trafilatura.extract(page[:MAX_HTML], url=url or None, output_format="markdown",
                                   include_comments=False, include_tables=True,
                                   include_images=False, include_links=True,
                                   favor_precision=True)
    except Exception:  # an extractor bug costs the page, not the fetch
        return None
    if not text or len(text.split()) < 20:
        return None
    return clean_text(text).strip()
