"""The words an article is indexed by: its tokens with punctuation trimmed from the ends,
and the parts of compound ones (issue 14: the same words, found faster)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newstui.model.index.words import PUNCT, index_words, word_parts


def _reference(text: str) -> set[str]:
    """Every token stripped, then the parts of each word that is not letters and digits."""
    words = {raw.strip(PUNCT) for raw in text.casefold().split()}
    for word in [w for w in words if not w.isalnum()]:
        words.update(word_parts(word))
    words.discard("")
    return words


def test_compound_words_and_their_parts() -> None:
    assert index_words("Kim's COVID-19 talks, (north) «korea» ...  _x_ ß") == {
        "kim's", "kim", "s", "covid-19", "covid", "19", "talks", "north", "korea", "x", "ss"}


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("aZé9 ß_'’.-,«»\n\t\u00a0İ…"), max_size=40))
def test_index_words_are_the_tokens_and_their_parts(text: str) -> None:
    assert index_words(text) == _reference(text)
