"""Issue 11: search you can trust. Exact tags, ranking rules in their stated order,
transposed letters, pasted headlines, and relevance over the bundled corpus."""

from __future__ import annotations

import random
import re

import pytest

from newstui.model.library import Library
from newstui.model.search.engine import Engine
from tests.conftest import SEEDS

CORPUS = {
    "a.txt": "---\ntitle: Austrian poll called\ndate: 2023-01-01\ntags: [Austria]\n---\nVote.\n",
    "b.txt": "---\ntitle: Sydney heat wave\ndate: 2023-01-02\ntags: [Australia]\n---\nHot.\n",
    "c.txt": "---\ntitle: Berlin wall\ndate: 2023-01-03\ntags: [East Germany]\n---\nOld.\n",
    "d.txt": "---\ntitle: Canada votes\ndate: 2023-01-04\ntags: [Canada]\n---\nPolls.\n",
    "e.txt": "---\ntitle: Cans recycled\ndate: 2023-01-05\ntags: [can]\n---\nTins.\n",
    "f.txt": "---\ntitle: San Salvador floods\ndate: 2023-01-06\ntags: [el-salvador]\n---\nRain.\n",
    "g.txt": "---\ntitle: Seoul summit\ndate: 2023-01-07\ntags: [South Korea]\n---\nTalks.\n",
    "h.txt": "---\ntitle: Pyongyang parade\ndate: 2023-01-08\ntags: [North Korea]\n---\nTanks.\n",
    "i.txt": ("---\ntitle: Health minister resigns\ndate: 2020-01-01\n---\nThe minister, "
              "Temporao, said the state of emergency will end.\n"),
    "j.txt": "---\ntitle: TEMPORARY road closure\ndate: 2024-01-01\n---\nA road test.\n",
    "k.txt": "---\ntitle: Temporary bridge opens\ndate: 2024-02-01\n---\nA game of chance.\n",
    "l.txt": ("---\ntitle: 'Profile: Gordon Brown'\ndate: 2005-05-05\n---\nThe chancellor.\n"),
    "m.txt": ("---\ntitle: Blunkett row should end - Blair\ndate: 2005-05-06\n---\nRow.\n"),
}


@pytest.fixture
def engine(write, tmp_path) -> Engine:
    for name, text in CORPUS.items():
        write(name, text)
    return Library([str(tmp_path)]).load(full=True).engine


def ids(engine: Engine, query: str) -> list[str]:
    result = engine.search(query)
    assert result.error is None, result.error
    return [engine.store.articles[d].id for d in result.doc_ids]


def test_tag_means_what_was_typed(engine) -> None:
    assert ids(engine, "tag:austria") == ["a"]  # not Australia
    assert ids(engine, "tag:can") == ["e"]  # not Canada
    assert ids(engine, "tag:east-germany") == ["c"] == ids(engine, 'tag:"east germany"')
    assert ids(engine, "tag:East_Germany") == ["c"]
    assert ids(engine, "tag:salvador") == ["f"]  # a whole word of el-salvador
    assert sorted(ids(engine, "tag:korea")) == ["g", "h"]
    assert ids(engine, 'tag:"north korea"') == ["h"]


def test_a_typo_in_a_tag_is_tolerated_only_when_nothing_matches_and_is_said(engine) -> None:
    result = engine.search("tag:austrlia")
    assert sorted(engine.store.articles[d].id for d in result.doc_ids) == ["a", "b"]
    assert result.notes == ("tag:austrlia → Australia, Austria",)
    assert engine.search("tag:austria").notes == ()


def test_an_exact_body_word_beats_typo_titles(engine) -> None:
    # "temporao" is in one body; "temporary" (titles, two articles) is a typo of it.
    assert ids(engine, "temporao")[0] == "i"


def test_transposed_letters_are_one_typo(engine) -> None:
    assert "j" in ids(engine, "raod")
    assert "j" in ids(engine, "tset")
    assert "k" in ids(engine, "gmae")
    assert ids(engine, "tset")[0] == "j"


def test_short_words_allow_no_typo(engine) -> None:
    assert ids(engine, "gamx") == ["k"]  # 4 letters: one typo
    assert "k" not in ids(engine, "gmx")  # 3 letters: none (a prefix only)


def test_pasted_headlines_find_their_article(engine) -> None:
    result = engine.search("Profile: Gordon Brown")
    assert result.error is None and [engine.store.articles[d].id for d in result.doc_ids][0] \
        == "l"
    assert result.notes and "not a field" in result.notes[0]
    assert ids(engine, "Blunkett row should end - Blair")[0] == "m"


NEAR = {
    # Newest first: p, then q, r, s, t.
    "p.txt": "---\ntitle: Gordon wins the cup\ndate: 2023-05-05\n---\nA brown ball.\n",
    "q.txt": "---\ntitle: Gordon meets the Brown family\ndate: 2023-05-04\n---\nTea.\n",
    "r.txt": "---\ntitle: Gordon Brown visits Leeds\ndate: 2023-05-03\n---\nTrain.\n",
    "s.txt": ("---\ntitle: Budget day\ndate: 2023-05-02\ntags: [Gordon Brown]\n---\n"
              "The budget.\n"),
    "t.txt": "---\ntitle: Gordon Brwn at a typo\ndate: 2023-05-01\n---\nOops.\n",
}


@pytest.fixture
def near(write, tmp_path) -> Engine:
    for name, text in NEAR.items():
        write(name, text)
    return Library([str(tmp_path)]).load(full=True).engine


def test_words_together_rank_above_words_apart(near) -> None:
    # Rule 3, proximity: the words side by side in the order typed (title or a tag) first,
    # then both in one field, then in different fields; newest first within each.
    assert ids(near, "gordon brown") == ["r", "s", "q", "p", "t"]
    assert ids(near, "gordon br")[:2] == ["r", "s"]  # the last word is still being typed
    # The order typed counts: "brown gordon" is nowhere side by side.
    assert ids(near, "brown gordon")[:3] == ["q", "r", "s"]
    # A typo still weighs more than proximity (rule 2 before rule 3): "Brwn" is a typo
    # of "brown" with the words together, yet after every exact match.
    assert ids(near, "gordon brown")[-1] == "t"


def test_a_hyphenated_query_word_finds_its_parts(near, write, tmp_path) -> None:
    # "gordon-brown" typed for "Gordon Brown": side by side (title, tag) as good as the
    # compound itself, the parts apart after them; a body's "gordon-brown" is found whole.
    assert ids(near, "gordon-brown")[:2] == ["r", "s"]
    # Then apart, by field (both in q's title, "brown" in p's body); a typo last, as ever.
    assert ids(near, "gordon-brown")[2:] == ["q", "p", "t"]
    write("u.txt", "---\ntitle: Loans\ndate: 2023-04-01\n---\nThe gordon-brown plan.\n")
    engine = Library([str(tmp_path)]).load(full=True).engine
    assert ids(engine, "gordon-brown")[:2] == ["r", "s"]
    assert "u" in ids(engine, "gordon-brown")
    assert ids(engine, "gordon-brown -gordon") == []


def _swap_inner(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def test_headlines_verbatim_and_with_a_swapped_pair_find_their_article() -> None:
    library = Library([str(SEEDS)])
    library.load(full=True)
    engine, store = library.engine, library.store
    rng = random.Random(11)
    verbatim = swapped = total = 0
    for doc, article in enumerate(store.articles):
        same = {d for d, a in enumerate(store.articles) if a.title == article.title}
        result = engine.search(article.title)
        assert result.error is None, article.title
        top = list(result.doc_ids[: len(same)])
        verbatim += set(top) == same
        words = [w for w in re.findall(r"[A-Za-z]+", article.title) if len(w) >= 5]
        if not words:
            continue
        total += 1
        longest = max(words, key=len)
        typo = article.title.replace(longest, _swap_inner(longest, rng), 1)
        first = engine.search(typo).doc_ids[: len(same)]
        swapped += doc in first
    assert verbatim == len(store)  # every headline pasted verbatim ranks first
    assert swapped / total >= 0.99, (swapped, total)


def _phrase_check(folder, count: int, seed: int) -> None:
    """``count`` random 4-word phrases from the files: the engine's set is exactly the
    brute-force one (every file read, normalised, searched)."""
    from newstui.model.corpus.files import read_text
    from newstui.model.search.phrases import phrase_key

    library = Library([str(folder)])
    library.load(full=True)
    engine, store = library.engine, library.store
    texts = [phrase_key(read_text(a)) for a in store.articles]
    rng = random.Random(seed)
    for _ in range(count):
        words = rng.choice(texts).split()
        start = rng.randrange(0, max(1, len(words) - 4))
        phrase = " ".join(words[start:start + 4])
        result = engine.search(f'"{phrase}"')
        assert result.error is None
        expected = {d for d, text in enumerate(texts) if f" {phrase} " in text}
        assert set(result.doc_ids) == expected, phrase
        assert len(result.doc_ids) == len(expected)  # "N of M" counts exactly


def test_phrases_are_exact_in_the_bundled_corpus() -> None:
    _phrase_check(SEEDS, 200, seed=3)


def test_phrases_are_exact_in_a_generated_corpus(tmp_path) -> None:
    import sys

    sys.path.insert(0, str(SEEDS.parent / "benchmarks"))
    from gen_corpus import generate

    generate(600, tmp_path / "gen", seed=9)
    _phrase_check(tmp_path / "gen", 100, seed=4)


def test_state_of_emergency_and_short_words_in_bodies(engine) -> None:
    assert ids(engine, '"state of emergency"') == ["i"]
    assert ids(engine, '"emergency of state"') == []
    assert ids(engine, "of emergency") == ["i"]  # 2-letter words are indexed in bodies


def test_every_tag_queried_gives_exactly_its_articles() -> None:
    library = Library([str(SEEDS)])
    library.load(full=True)
    engine, store = library.engine, library.store
    for key, docs in store.tags.doc_ids.items():
        name = store.tags.spelling(key)
        found = engine.search(f'tag:"{name}"').doc_ids
        assert set(found) == set(docs), name


def test_pickers_rank_what_was_typed_before_typos() -> None:
    from newstui.model.search.names import rank_names

    names = ["United States", "California", "Florida", "South Korea", "Kosovo", "North Korea",
             "Korean War", "Corsica"]
    ranked = [names[i] for i in rank_names("kor", names)]
    assert ranked[:3] == ["South Korea", "North Korea", "Korean War"]
    assert "California" not in ranked  # three letters in common are not a typo
    more = [*names, "Singapore"]
    ranked = [more[i] for i in rank_names("korea", more)]
    assert ranked[:2] == ["South Korea", "North Korea"] and "Singapore" not in ranked
    # Typos are found whatever the case typed: "ukrane" is Ukraine.
    assert rank_names("ukrane", ["Uganda", "Ukraine"]) == [1]
    assert [names[i] for i in rank_names("north korea", names)][0] == "North Korea"
    assert [names[i] for i in rank_names("floirda", names)][0] == "Florida"  # a typo, last
