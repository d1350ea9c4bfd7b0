"""YAML front matter (``---`` ... ``---``), read with ``yaml.safe_load`` only."""

from __future__ import annotations

import datetime as dt
import re

from newstui.model.corpus.article import Article
from newstui.model.corpus.dates import date_from_line, parse_date
from newstui.model.corpus.sanitize import clean_line

_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def read_front_matter(text: str) -> tuple[Article | None, str, list[str]] | None:
    """Fields, the text after the block, and warnings; None when there is no closing line.

    When the block is not usable YAML, the fields are empty and the whole text is returned
    (to be read as plain text) with a warning saying why.
    """
    import yaml  # imported here: most launches have no config file or front matter

    end = _END.search(text, 4)
    if end is None:
        return None
    head, rest = text[4 : end.start()], text[end.end() :]
    try:
        meta = yaml.safe_load(head)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        return None, text, [f"front matter is not valid YAML{where}: read as plain text"]
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, text, ["front matter is not a mapping: read as plain text"]
    meta = {str(k).lower(): v for k, v in meta.items()}
    warnings: list[str] = []

    def field(key: str, *alts: str) -> str:
        for k in (key, *alts):
            v = meta.get(k)
            if v is not None and not isinstance(v, dict | list):
                return clean_line(str(v))
        return ""

    fields = Article(
        title=field("title", "headline"),
        date=_date(meta.get("date"), warnings),
        source=field("source", "publisher", "site"),
        section=field("section", "category"),
        caption=field("caption"),
        dateline=field("dateline"),
        url=field("url", "link"),
        tags=tuple(_as_tags(meta.get("tags", meta.get("keywords", meta.get("categories"))))),
        layout="front-matter",
    )
    return fields, rest, warnings


def _date(raw: object, warnings: list[str]) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if raw is None:
        return None
    text = str(raw).strip()
    try:
        return parse_date(text[:10])
    except ValueError:
        found = date_from_line(text)
        if found is None:
            warnings.append(f"impossible date {clean_line(text)!r}: date unknown")
        return found


def _as_tags(value: object) -> list[str]:
    if isinstance(value, str):
        parts = value.split("#") if "#" in value else value.split(",")
        return [p for p in parts if p.strip()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v is not None and not isinstance(v, dict | list)]
    return []
