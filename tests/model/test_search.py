"""Ranking, typo tolerance and filters on a small fixed corpus with known answers."""

from __future__ import annotations

import json

import pytest

from newstui.cli import main
from newstui.model.library import Library
from newstui.model.search.engine import Cancelled, Engine, spans

CORPUS = {
    "a.txt": (" date 2023-01-05  Ukraine peace talks open : Daily\n\nDelegates met.\n\n"
              "#Ukraine #Diplomacy\n"),
    "b.txt": (" date 2023-03-01  Markets rally on hopes : Ledger\n\nInvestors cheered news "
              "from Ukraine and elsewhere.\n\n#Markets\n"),
    "c.txt": (" date 2022-12-01  Ukrainian grain exports resume : Daily\n\nShips sailed.\n\n"
              "#Grain\n"),
    "d.txt": (" date 2023-09-13  Putin meets Kim in Vladivostok : The Tribune India\n\n"
              "Talks on arms.\n\n#Russia #North Korea #Kim Jong Un\n"),
    "e.txt": (" date 2021-05-05  Kim Jong Un visits a factory : Wire\n\nHe toured.\n\n"
              "#North Korea\n"),
    "f.txt": (" date 2020-02-02  Kite festival draws crowds : Wire\n\nKids flew kites.\n\n"
              "#Culture\n"),
}


@pytest.fixture
def engine(write, tmp_path) -> Engine:
    for name, text in CORPUS.items():
        write(name, text)
    return Library([str(tmp_path)]).load(full=True).engine


def ids(engine: Engine, query: str, sort: str = "relevance") -> list[str]:
    result = engine.search(query, sort)
    assert result.error is None, result.error
    return [engine.store.articles[d].id for d in result.doc_ids]


def test_an_exact_word_anywhere_beats_another_ending_or_a_typo(engine) -> None:
    # a: title and tag (exact); b: body (exact); c: "Ukrainian" in the title (one typo).
    assert ids(engine, "ukraine") == ["a", "b", "c"]


def test_typos_are_tolerated(engine) -> None:
    assert ids(engine, "ukrane")[:2] == ["a", "c"]
    assert ids(engine, "putn") == ["d"]
    assert ids(engine, "vladivostk") == ["d"]


def test_words_are_anded_and_ties_go_newest_first(engine) -> None:
    assert ids(engine, "kim jong") == ["d", "e"]
    assert ids(engine, "kim factory") == ["e"]


def test_more_matched_terms_rank_higher(engine) -> None:
    assert ids(engine, "kite or factory or kim") == ["e", "d", "f"]


def test_short_words_match_as_prefix_only(engine) -> None:
    assert set(ids(engine, "ki")) == {"d", "e", "f"}
    assert ids(engine, "zz") == []


def test_fields(engine) -> None:
    assert ids(engine, 'tag:"north korea"') == ["d", "e"]
    assert ids(engine, "tag:korea") == ["d", "e"]
    assert ids(engine, "tag:diplomcy") == ["a"]
    assert ids(engine, "source:tribune") == ["d"]
    assert ids(engine, "title:kim") == ["d", "e"]
    assert ids(engine, "title:arms") == []


def test_exclusion_phrase_and_dates(engine) -> None:
    assert ids(engine, "kim -tag:russia") == ["e"]
    assert ids(engine, "-kim", sort="date") == ["b", "a", "c", "f"]
    assert ids(engine, '"jong un"') == ["d", "e"]
    assert ids(engine, "after:2023", sort="date") == ["d", "b", "a"]
    assert ids(engine, "before:2023", sort="date") == ["c", "e", "f"]
    assert ids(engine, "on:2023-09") == ["d"]
    assert ids(engine, "tag:russia after:2023") == ["d"]


def test_malformed_query_is_an_error_not_an_exception(engine) -> None:
    result = engine.search("after:soon")
    assert result.doc_ids == [] and result.error.startswith("after: takes")


def test_cancelled_search_raises_cancelled(engine) -> None:
    with pytest.raises(Cancelled):
        engine.search("ukraine", cancelled=lambda: True)


def test_spans_mark_matched_words() -> None:
    text = "Putin meets Kim in Vladivostok"
    assert spans(text, frozenset({"kim", "putin"})) == [(0, 5), (12, 15)]
    assert spans(text, frozenset(), ("meets kim",)) == [(6, 15)]


def test_cli_query_matches_engine_order(engine, tmp_path, capsys) -> None:
    assert main(["list", str(tmp_path), "--query", "ukraine", "--json"]) == 0
    out = capsys.readouterr().out
    assert [json.loads(line)["id"] for line in out.splitlines()] == ids(engine, "ukraine")
    assert main(["list", str(tmp_path), "--query", "after:soon"]) == 2
    assert "bad query: after: takes" in capsys.readouterr().err


def test_facet_matching_by_word_index_equals_checking_every_value() -> None:
    import random

    from newstui.model.index.store import Facet
    from newstui.model.index.words import tokens, word_parts
    from newstui.model.search.engine import EXACT, PREFIX, _facet_match, word_quality

    def reference(facet: Facet, text: str) -> dict[str, int]:
        """Every value checked against every word: whole words first, else word
        prefixes, else typos (the best level that finds anything)."""
        wanted = tokens(" ".join(word_parts(text.casefold())))
        if not wanted:
            return {}
        for low, high in ((EXACT, EXACT), (PREFIX, PREFIX), (1, PREFIX - 1)):
            found: dict[str, int] = {}
            for key in facet.doc_ids:
                grades = []
                for w in wanted:
                    fits = [min(g, high) for part in word_parts(key)
                            if (g := word_quality(w, part)) >= low]
                    grades.append(max(fits, default=0))
                if min(grades):
                    found[key] = min(grades)
            if found and low == EXACT:  # a value equal to the words, if any, alone
                equal = {k: g for k, g in found.items() if word_parts(k) == wanted}
                found = equal or found
            if found:
                return found
        return {}

    rng = random.Random(5)
    words = ["korea", "north", "south", "kim", "jong", "russia", "russian", "rust", "ukraine",
             "un", "united", "states", "nation", "nations", "korean", "norway"]
    facet = Facet()
    for doc in range(400):
        facet.add(" ".join(rng.sample(words, rng.randint(1, 3))).title(), doc)
    queries = ["north korea", "nort korea", "kim jong", "russ", "rusia", "un", "united nation",
               "k", "no", "ukrane", "states united", "zzz", "", "korean north"]
    for query in queries:
        assert _facet_match(facet, query) == reference(facet, query), query
