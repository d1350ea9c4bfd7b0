"""YAML front matter (``---`` ... ``---``), read safely and with bounds (see
:mod:`newstui.model.untrusted`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from newstui.model.corpus.article import Article
from newstui.model.corpus.dates import date_from_line, parse_date
from newstui.model.corpus.sanitize import clean_line

_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_TOML_END = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
_DATE_KEYS = ("date", "published", "pubdate", "created")  # the first one given counts


MAX_FRONT_MATTER = 64 * 1024  # a real one is a few hundred bytes


def read_front_matter(text: str) -> tuple[Article | None, str, list[str]] | None:
    """Fields, the text after the block, and warnings; None when there is no closing line.

    YAML (``---``) or, as Hugo writes it, TOML (``+++``). When the block is not usable
    (malformed, too large, too deeply nested, too many values once aliases are expanded),
    the fields are None and the whole text is returned (to be read as plain text) with a
    warning saying why.
    """
    toml = text.startswith("+++")
    end = (_TOML_END if toml else _END).search(text, 4)
    if end is None:
        return None
    head, rest = text[4 : end.start()], text[end.end() :]
    meta, problem = _toml(head) if toml else _yaml(head)
    if problem:
        return None, text, [f"front matter {problem}: read as plain text"]
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, text, ["front matter is not a mapping: read as plain text"]
    warnings: list[str] = []
    return _fields({_key(k): v for k, v in meta.items()}, warnings), rest, warnings


def _yaml(head: str) -> tuple[object, str]:
    """The YAML block's value, or why it is not usable."""
    from newstui.model.untrusted import Refused, load_yaml  # only for front matter

    try:
        return load_yaml(head, MAX_FRONT_MATTER), ""
    except Refused as exc:
        return None, exc.reason + (f" (line {exc.line + 1})" if exc.line else "")


def _toml(head: str) -> tuple[object, str]:
    """The TOML block's value, or why it is not usable. TOML has no aliases and nests
    only as deep as its text: its size bounds its cost."""
    import tomllib

    if len(head) > MAX_FRONT_MATTER:
        return None, f"larger than {MAX_FRONT_MATTER // 1024} KB"
    try:
        return tomllib.loads(head), ""
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        return None, f"not valid TOML: {clean_line(str(exc))[:80]}"


def _fields(meta: dict[str, object], warnings: list[str]) -> Article:
    """The article fields a front matter mapping (keys lowered) gives."""

    def field(key: str, *alts: str) -> str:
        for k in (key, *alts):
            v = meta.get(k)
            if v is not None and _is_scalar(v):
                return clean_line(str(v))
        return ""

    date = next((meta[k] for k in _DATE_KEYS if meta.get(k) is not None), None)
    # Blogs give tags and categories both (Hugo, Jekyll): a post is found by either.
    tags = [t for k in ("tags", "keywords", "categories") for t in _as_tags(meta.get(k))]
    return Article(
        title=field("title", "headline"),
        date=_date(date, warnings),
        source=field("source", "publisher", "site", "author"),
        section=field("section", "category"),
        caption=field("caption"),
        dateline=field("dateline"),
        url=field("url", "link"),
        tags=tuple(tags[:1000]),
        layout="front-matter",
        digest=identity_digest(field("guid", "uid")),
    )


def identity_digest(guid: str) -> str:
    """The digest that keys an article with a stable identity (a feed item's ``guid:``): its
    reading state then survives edits to the file. "" when there is none: the file's bytes
    are hashed instead."""
    if not guid:
        return ""
    return hashlib.blake2b(b"guid\0" + guid.encode("utf-8", "surrogatepass"),
                           digest_size=12).hexdigest()


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool | dt.date)


def _key(key: object) -> str:
    return str(key).lower() if _is_scalar(key) else ""


def _date(raw: object, warnings: list[str]) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if raw is None:
        return None
    if not _is_scalar(raw):
        warnings.append("the date is not a date: date unknown")
        return None
    text = str(raw).strip()[:100]
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
        return [str(v) for v in value[:1000] if v is not None and _is_scalar(v)]
    return []
