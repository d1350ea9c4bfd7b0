"""The file test for exact phrases gives the reference answer: the file's searchable text
normalised (casefolded, punctuation to spaces) holding the normalised phrase."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newstui.model.corpus.files import Unusable, searchable_text
from newstui.model.search.phrases import file_holds, phrase_key


def reference(data: bytes, phrase: str) -> bool:
    try:
        text = searchable_text(data)
    except Unusable:
        return False
    return phrase_key(phrase) in phrase_key(text)


def holds(data: bytes, phrase: str) -> bool:
    try:
        return file_holds(data, phrase)
    except Unusable:
        return False


CASES = [
    # (file text, phrase, expected)
    ("Talks with North Korea today.", "north korea", True),
    ("NORTH—KOREA", "north korea", True),
    ("northé korea", "north korea", False),  # é is a letter: "northé" is another word
    ("talks with north koreaé", "north korea", False),  # a letter after the phrase
    ("énorth korea talks", "north korea", False),  # and before it
    ("north korea—talks", "north korea", True),  # punctuation outside ASCII beside it
    ("é north korea é", "north korea", True),
    ("north é korea", "north korea", False),  # a word between
    ("Die Straße nach Berlin", "strasse nach", True),  # ß folds to ss
    ("the \u212aelvin scale", "kelvin scale", True),  # the Kelvin sign folds to k
    ("a \ufb01nancial crisis", "financial crisis", True),  # the ﬁ ligature
    ("Fish &amp; chips", "fish chips", True),
    ("Tom&#32;Jones sings", "tom jones", True),  # a reference between the words
    ("quaintly pass&#233; ideas", "quaintly passé", True),
    ("Kim Jong-un visits", "kim jong un", True),
    ("kimjong un", "kim jong", False),
]


@pytest.mark.parametrize(("text", "phrase", "expected"), CASES)
def test_tricky_files_give_the_reference_answer(text: str, phrase: str, expected: bool) -> None:
    for data in (text.encode(), codecs.BOM_UTF8 + text.encode(), text.encode("utf-16")):
        assert reference(data, phrase) is expected, (text, data[:4])
        assert holds(data, phrase) is expected, (text, data[:4])


def test_a_cp1252_byte_for_sharp_s_is_still_found() -> None:
    data = "Die Stra\xdfe nach".encode("cp1252")  # not UTF-8: 0xDF is read as cp1252 ß
    assert reference(data, "strasse nach") and holds(data, "strasse nach")


WORDS = ["north", "korea", "kim", "jong", "un", "é", "straße", "strasse", "ﬁn", "fin",
         "\u212aim", "&amp;", "&#233;", "passé", "a", "of"]
SEPARATORS = [" ", "  ", "-", "—", ", ", "\n", "_", "•", ".", ""]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1,
                max_size=12),
       st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
       st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_the_file_test_is_the_reference(pieces: list[tuple[str, str]], phrase_words: list[str],
                                        encoding: str) -> None:
    text = "".join(w + s for w, s in pieces)
    case = pieces[0][0].upper() + text[len(pieces[0][0]):]  # some upper case too
    try:
        data = case.encode(encoding)
    except UnicodeEncodeError:
        data = case.encode("utf-8")
    phrase = " ".join(phrase_words)
    assert holds(data, phrase) == reference(data, phrase), (case, phrase, encoding)
