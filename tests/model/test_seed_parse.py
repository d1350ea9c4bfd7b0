"""The reference seed must parse exactly as documented in issue 2."""

from __future__ import annotations

import datetime as dt

from newstui.model.corpus.files import read_file
from tests.conftest import SEED


def test_seed_fields() -> None:
    parsed, _, _ = read_file(str(SEED))
    assert parsed.article.layout == "seed"
    assert parsed.article.date == dt.date(2023, 9, 13)
    assert parsed.article.title == "Kim in Russia amid warnings by US against arms sale deal"
    assert parsed.article.source == "The Tribune India"
    assert parsed.article.section == "World"
    assert parsed.article.caption == (
        "North Korean leader Kim Jong Un disembarks from his train in the Primorsky region "
        "of Russia on Tuesday. Reuters"
    )
    assert parsed.article.dateline == "Seoul/Moscow, September 12"
    assert parsed.warnings == ()


def test_seed_body_highlights_tags() -> None:
    parsed, _, _ = read_file(str(SEED))
    assert len(parsed.body) == 5
    assert parsed.body[0].startswith("North Korean leader Kim Jong Un has arrived in Russia")
    assert parsed.body[-1].startswith("At the Eastern Economic Forum")
    assert parsed.body[-1].endswith("— Reuters")
    assert len(parsed.highlights) == 1
    box = parsed.highlights[0]
    assert box.heading == "Destination remains unclear"
    assert box.items == (
        "North Korean leader's destination in Russia still remains uncertain.",
        "Kim is acccompanied by top arms industry and military officials.",
        "US believes Kim will supply arms and ammo to Russia for Ukraine war.",
    )
    assert parsed.article.tags == (
        "Kim Jong Un", "North Korea", "Russia", "United States of America USA",
        "Vladimir Putin", "Washington",
    )


def test_no_text_is_lost() -> None:
    """Every word of the file is in some field (the title repeats are classified)."""
    parsed, raw, _ = read_file(str(SEED))
    kept = " ".join([
        parsed.article.title, parsed.article.source, parsed.article.section,
        parsed.article.caption, parsed.article.dateline,
        *parsed.body, *(h.heading for h in parsed.highlights),
        *(i for h in parsed.highlights for i in h.items), *parsed.article.tags,
    ])
    words = set(kept.replace("#", " ").split())
    original = raw.decode("utf-8").replace("•", " ").replace("#", " ").split()
    missing = [w for w in original if w not in words and w not in {"date", "2023-09-13", ":"}]
    assert missing == []


def test_title_with_colon_takes_last_separator(write) -> None:
    path = write("a.txt", " date 2024-01-02  Budget : what changes : Daily News\n\nBody.\n")
    parsed, _, _ = read_file(str(path))
    assert parsed.article.title == "Budget : what changes"
    assert parsed.article.source == "Daily News"


def test_unclassified_text_stays_in_body(write) -> None:
    text = (" date 2024-01-02  T : S\n\n  • Sport\n  • T\n\nT\n\nA lone line.\n\n"
            "Para two has words.\n\nOdd trailing thing\n")
    parsed, _, _ = read_file(str(write("b.txt", text)))
    assert parsed.article.section == "Sport"
    assert parsed.body == ("A lone line.", "Para two has words.", "Odd trailing thing")
    assert parsed.article.caption == ""


def test_no_bundled_article_starts_its_body_with_its_date() -> None:
    """Wikinews rows that glue "Friday, December 25, 2020" to the first paragraph are split
    by the converter (issue 12, item 8): the date is the dateline, not body text."""
    import re

    from newstui.model.library import Library
    from tests.conftest import SEEDS

    glued = re.compile(r"^\w+day, \w+ \d{1,2}, \d{4}\b")
    library = Library([str(SEEDS)])
    library.load(full=True, bodies=False)
    bad = [a.id for a in library.store.articles
           if (body := read_file(a.path)[0].body) and glued.match(body[0])]
    assert bad == []
    assert sum(1 for a in library.store.articles if glued.match(a.dateline)) >= 175
