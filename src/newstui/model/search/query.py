"""The query language: text -> AST, with errors that point at the bad part.

    query   := or
    or      := and ("or" and)*
    and     := unary+                      (juxtaposition is AND)
    unary   := "-" unary | atom
    atom    := "(" or ")" | FIELD ":" value | '"' phrase '"' | word
    FIELD   := tag | source | section | title | after | before | on | is

``parse`` never raises: it returns a :class:`Query` whose ``error`` is set when the text is
malformed (unknown field, unbalanced quote or parenthesis, bad date).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

TEXT_FIELDS = ("tag", "source", "section", "title")
DATE_FIELDS = ("after", "before", "on")
STATE_VALUES = ("unread", "read", "starred")
FIELDS = (*TEXT_FIELDS, *DATE_FIELDS, "is")
_RELATIVE = re.compile(r"^(\d{1,5})([dwmy])$")
_ABSOLUTE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class QueryError(Exception):
    """A malformed query; ``start``/``end`` locate the bad part in the text."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message, self.start, self.end = message, start, max(end, start + 1)


@dataclass(frozen=True)
class Term:
    """Text to match: fuzzy words, or an exact ``phrase``, in one field or in all."""

    text: str
    field: str | None = None
    phrase: bool = False


@dataclass(frozen=True)
class DateRange:
    """Articles dated in ``[start, end]`` (either bound may be open)."""

    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class StateFilter:
    """``is:unread`` / ``is:read`` / ``is:starred``."""

    value: str


@dataclass(frozen=True)
class Not:
    """Everything the child does not match."""

    child: Node


@dataclass(frozen=True)
class And:
    """Articles matching all children."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Articles matching any child."""

    children: tuple[Node, ...]


Node = Term | DateRange | StateFilter | Not | And | Or


@dataclass(frozen=True)
class Query:
    """A parsed query: ``node`` is None for an empty query; ``error`` for a malformed one."""

    text: str
    node: Node | None = None
    error: QueryError | None = field(default=None, compare=False)
    # Quiet remarks: a word that looked like a field but is not one, searched as text.
    hints: tuple[str, ...] = field(default=(), compare=False)

    @property
    def empty(self) -> bool:
        """True when the query selects everything."""
        return self.node is None and self.error is None


@dataclass
class _Token:
    kind: str  # word, phrase, field, lparen, rparen, not, or
    text: str
    start: int
    end: int
    field: str = ""


def _tokens(text: str, hints: list[str] | None = None) -> list[_Token]:
    out: list[_Token] = []
    hints = [] if hints is None else hints
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(_Token("lparen" if ch == "(" else "rparen", ch, i, i + 1))
            i += 1
        elif ch == "-" and i + 1 < n and not text[i + 1].isspace():
            out.append(_Token("not", ch, i, i + 1))
            i += 1
        elif ch == '"':
            end = _closing_quote(text, i)
            out.append(_Token("phrase", text[i + 1 : end], i, end + 1))
            i = end + 1
        else:
            token = _word_token(text, i, hints)
            # Punctuation alone ("-", "–", "&", "|" in a pasted headline) means nothing.
            if token.kind != "word" or any(c.isalnum() for c in token.text):
                out.append(token)
            i = token.end
    return out


def _closing_quote(text: str, start: int) -> int:
    """The position of the quote that closes the one at ``start``."""
    end = text.find('"', start + 1)
    if end < 0:
        raise QueryError("unbalanced quote", start, len(text))
    return end


def _word_token(text: str, i: int, hints: list[str]) -> _Token:
    """The word, ``field:value`` or ``or`` that starts at ``i``. A ``word:`` that names no
    field (a pasted "Profile: Gordon Brown"), or a field with no value before more text, is
    searched as text, with a hint saying so."""
    n = len(text)
    j = i
    while j < n and not text[j].isspace() and text[j] not in '()"':
        j += 1
    word = text[i:j]
    name, colon, value = word.partition(":")
    if colon and name.isalpha():
        key = name.lower()
        if key not in FIELDS:
            hints.append(f"{name}: is not a field (fields: {', '.join(FIELDS)}): "
                         "searched as text")
            return _Token("word", word, i, j)
        if not value and j < n and text[j] == '"':
            end = _closing_quote(text, j)
            return _Token("field", text[j + 1 : end], i, end + 1, key)
        if not value and text[j:].strip():
            hints.append(f"{key}: has no value: searched as text")
            return _Token("word", word, i, j)
        if not value:
            raise QueryError(f"{key}: needs a value", i, j)
        return _Token("field", value, i, j, key)
    if word.lower() == "or":
        return _Token("or", word, i, j)
    return _Token("word", word, i, j)


def parse_age(value: str, today: dt.date | None = None) -> dt.date | None:
    """``7d``, ``3w``, ``2m``, ``1y`` -> the date that long before ``today``; else None."""
    m = _RELATIVE.match(value.lower())
    if not m:
        return None
    today = today or dt.date.today()
    amount, unit = int(m.group(1)), m.group(2)
    days = amount * {"d": 1, "w": 7, "m": 30, "y": 365}[unit]
    try:
        return today - dt.timedelta(days=days)
    except OverflowError:
        return dt.date.min


def date_bounds(value: str, today: dt.date | None = None) -> tuple[dt.date, dt.date] | None:
    """The first and last day that ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or an age covers."""
    if (since := parse_age(value, today)) is not None:
        return since, since
    m = _ABSOLUTE.match(value)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            start = dt.date(year, int(month), int(day))
            return start, start
        if month:
            start = dt.date(year, int(month), 1)
            return start, start.replace(day=calendar.monthrange(year, start.month)[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


NOTHING = DateRange(dt.date.max, dt.date.min)  # a range no date is in


def _before(day: dt.date) -> DateRange:
    """Dates before ``day`` (none before the first day there is)."""
    return NOTHING if day == dt.date.min else DateRange(None, day - dt.timedelta(days=1))


class _Parser:
    def __init__(self, tokens: list[_Token], text: str, today: dt.date | None) -> None:
        self.tokens, self.text, self.today, self.i = tokens, text, today, 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self.or_()
        if (tok := self.peek()) is not None:
            raise QueryError("unmatched )", tok.start, tok.end)
        return node

    def or_(self) -> Node:
        children = [self.and_()]
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.i += 1
            if self.peek() is None or self.peek().kind in ("or", "rparen"):  # type: ignore[union-attr]
                raise QueryError("'or' needs something on both sides", tok.start, tok.end)
            children.append(self.and_())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_(self) -> Node:
        children: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind not in ("or", "rparen"):
            children.append(self.unary())
        if not children:
            tok = self.peek()
            where = tok.start if tok else len(self.text)
            raise QueryError("'or' needs something on both sides", max(0, where - 1), where)
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self) -> Node:
        tok = self.tokens[self.i]
        if tok.kind == "not":
            self.i += 1
            if self.peek() is None:
                raise QueryError("'-' needs a word after it", tok.start, tok.end)
            return Not(self.unary())
        return self.atom()

    def atom(self) -> Node:
        tok = self.tokens[self.i]
        self.i += 1
        if tok.kind == "lparen":
            if (nxt := self.peek()) is None or nxt.kind == "rparen":
                raise QueryError("empty or unclosed (", tok.start, tok.end)
            node = self.or_()
            close = self.peek()
            if close is None or close.kind != "rparen":
                raise QueryError("unclosed (", tok.start, tok.end)
            self.i += 1
            return node
        if tok.kind == "rparen":
            raise QueryError("unmatched )", tok.start, tok.end)
        if tok.kind == "phrase":
            if not tok.text.strip():
                raise QueryError("empty phrase", tok.start, tok.end)
            return Term(tok.text.strip(), phrase=True)
        if tok.kind == "field":
            return self.field(tok)
        return Term(tok.text)

    def field(self, tok: _Token) -> Node:
        name, value = tok.field, tok.text.strip()
        if name in DATE_FIELDS:
            bounds = date_bounds(value, self.today)
            if bounds is None:
                raise QueryError(f"{name}: takes YYYY, YYYY-MM, YYYY-MM-DD or an age like 7d",
                                 tok.start, tok.end)
            if name == "after":  # an age is a moment: after:7d = since then
                return DateRange(bounds[0], None)
            if name == "before":  # before:7d = older than that
                return _before(bounds[0])
            return DateRange(*bounds)
        if name == "is":
            if value.lower() not in STATE_VALUES:
                raise QueryError(f"is: takes {', '.join(STATE_VALUES)}", tok.start, tok.end)
            return StateFilter(value.lower())
        return Term(value, field=name, phrase=" " in value)


def parse(text: str, today: dt.date | None = None) -> Query:
    """Parse ``text``; never raises (see :class:`Query`)."""
    hints: list[str] = []
    try:
        return Query(text, _Parser(_tokens(text, hints), text, today).parse(),
                     hints=tuple(dict.fromkeys(hints)))
    except QueryError as exc:
        return Query(text, None, exc)
    except RecursionError:
        return Query(text, None, QueryError("query nests too deeply", 0, len(text)))


def uses_state(text: str) -> bool:
    """True when the query ``text`` asks for reading state (``is:``, any case): the one test
    the command line and the app share."""
    def walk(node: Node | None) -> bool:
        if isinstance(node, StateFilter):
            return True
        if isinstance(node, Not):
            return walk(node.child)
        if isinstance(node, And | Or):
            return any(walk(child) for child in node.children)
        return False

    return walk(parse(text).node)
