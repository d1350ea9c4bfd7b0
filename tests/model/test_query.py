"""The query parser: structure, dates, and clean errors for anything malformed."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newstui.model.search.query import (
    And,
    DateRange,
    Not,
    Or,
    StateFilter,
    Term,
    date_bounds,
    parse,
)

TODAY = dt.date(2024, 3, 10)


def test_words_and_fields() -> None:
    q = parse('kim tag:"north korea" -source:reuters', today=TODAY)
    assert q.error is None
    assert q.node == And((Term("kim"), Term("north korea", field="tag", phrase=True),
                          Not(Term("reuters", field="source"))))


def test_or_and_parentheses() -> None:
    q = parse("(putin or kim) arms")
    assert q.node == And((Or((Term("putin"), Term("kim"))), Term("arms")))


def test_phrase_and_state() -> None:
    assert parse('"vladimir putin"').node == Term("vladimir putin", phrase=True)
    assert parse("is:unread").node == StateFilter("unread")


@pytest.mark.parametrize(("text", "expected"), [
    ("after:2023", DateRange(dt.date(2023, 1, 1), None)),
    ("before:2023-06", DateRange(None, dt.date(2023, 5, 31))),
    ("on:2023-09-13", DateRange(dt.date(2023, 9, 13), dt.date(2023, 9, 13))),
    ("on:2024-02", DateRange(dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
    ("after:7d", DateRange(dt.date(2024, 3, 3), None)),
    ("after:2w", DateRange(dt.date(2024, 2, 25), None)),
    ("before:1y", DateRange(None, dt.date(2023, 3, 10))),
])
def test_dates(text, expected) -> None:
    assert parse(text, today=TODAY).node == expected


@pytest.mark.parametrize(("text", "message", "bad"), [
    ("after:soon", "after: takes", "after:soon"),
    ('kim "north', "unbalanced quote", '"north'),
    ("(kim", "unclosed (", "("),
    ("kim)", "unmatched )", ")"),
    ("kim or", "'or' needs something", "or"),
    ("on:2023-02-30", "on: takes", "on:2023-02-30"),
    ("is:sleepy", "is: takes", "is:sleepy"),
    ("tag:", "tag: needs a value", "tag:"),
])
def test_errors_point_at_the_bad_part(text, message, bad) -> None:
    q = parse(text)
    assert q.node is None and q.error is not None
    assert q.error.message.startswith(message)
    assert text[q.error.start:q.error.end] == bad


def test_a_word_that_is_no_field_is_text_with_a_hint() -> None:
    q = parse("kim foo:bar")
    assert q.error is None and q.node == And((Term("kim"), Term("foo:bar")))
    assert q.hints and q.hints[0].startswith("foo: is not a field")
    pasted = parse("Source: Reuters says")  # a known field with no value, then more text
    assert pasted.error is None and pasted.hints == ("source: has no value: searched as text",)


def test_empty_query() -> None:
    assert parse("   ").empty


def test_date_bounds() -> None:
    assert date_bounds("2023") == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert date_bounds("2023-12") == (dt.date(2023, 12, 1), dt.date(2023, 12, 31))
    assert date_bounds("2023-13") is None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab -"():tagfterson2023x\\ or')), max_size=40)
       | st.text(max_size=40))
def test_any_text_parses_or_errors_cleanly(text: str) -> None:
    q = parse(text)
    if q.error is not None:
        assert q.node is None
        assert 0 <= q.error.start <= len(text)
        assert q.error.end > q.error.start


def test_punctuation_alone_is_ignored() -> None:
    assert parse("-").node is None and parse("-").error is None
    assert parse("kim - russia").node == parse("kim russia").node
    assert parse("Blunkett row should end – Blair").node == parse(
        "Blunkett row should end Blair").node
    assert parse("a & b | c").node == parse("a b c").node
