"""An article as plain readable text, and as the ``show --json`` record."""

from __future__ import annotations

import textwrap

from newstui.model.corpus.article import Article, Parsed
from newstui.output import json_record


def full_json(article: Article, parsed: Parsed) -> dict[str, object]:
    """The ``show --json`` record: the list record plus body and highlights."""
    record = json_record(article)
    record["body"] = list(parsed.body)
    record["highlights"] = [{"heading": h.heading, "items": list(h.items)}
                            for h in parsed.highlights]
    return record


def render_text(article: Article, parsed: Parsed, width: int = 78) -> str:
    """The article as plain, wrapped, readable text."""
    wrap = textwrap.TextWrapper(width=width, break_long_words=True, break_on_hyphens=False)
    out = [wrap.fill(article.title), "=" * min(width, max(len(article.title), 10))]
    meta = " · ".join(x for x in (article.iso_date or "date unknown", article.source,
                                  article.section, article.dateline) if x)
    out.append(wrap.fill(meta))
    if article.caption:
        out += ["", textwrap.fill(f"[Picture] {article.caption}", width, initial_indent="  ",
                                  subsequent_indent="  ")]
    for paragraph in parsed.body:
        out.append("")
        out.extend(wrap.fill(line) for line in paragraph.split("\n"))
    for box in parsed.highlights:
        out += ["", box.heading or "Highlights"]
        out.extend(textwrap.fill(item, width, initial_indent="  • ", subsequent_indent="    ")
                   for item in box.items)
    if article.tags:
        out += ["", wrap.fill("Tags: " + "  ".join(f"#{t}" for t in article.tags))]
    if article.url:
        out += ["", f"Source: {article.url}"]
    return "\n".join(out) + "\n"
