"""Cell-width text helpers: wrapping and fitting by terminal cells."""

from __future__ import annotations

import itertools

from rich.cells import cell_len

from newstui.tui.cells import fit, shorten, wrap


def test_wrap_by_cells_keeps_every_word() -> None:
    text = "東京 news は today 🎉 emoji and a verylongwordthatmustbesplit end"
    lines = list(wrap(text, 10))
    assert all(cell_len(line) <= 10 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrap_is_lazy_on_huge_paragraphs() -> None:
    lines = wrap("word " * 2_000_000, 40)
    first = list(itertools.islice(lines, 3))
    assert first == ["word word word word word word word word", "word word word word word word "
                     "word word", "word word word word word word word word"]


def test_wrap_huge_unbroken_word() -> None:
    lines = list(wrap("x" * 10_000, 80))
    assert all(len(line) <= 80 for line in lines)
    assert sum(len(line) for line in lines) == 10_000


def test_fit_and_shorten() -> None:
    assert fit("東京ニュース", 7) == "東京ニ…"
    assert cell_len(fit("東京ニュース", 7)) == 7
    assert fit("ab", 4) == "ab  "
    assert shorten("abcdef", 4) == "abc…"
