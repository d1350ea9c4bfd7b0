"""Issue 11's loading fixes: character references, folder sections."""

from __future__ import annotations

from newstui.model.corpus import read_full
from newstui.model.corpus.parse import parse_text
from newstui.model.library import Library


def test_character_references_are_decoded_in_plain_and_front_matter_files() -> None:
    plain = parse_text("Price rises to &#163;1.8m &amp; more\n\nQuaintly pass&#233;. AT&T; "
                       "R&D, ?a=1&para=2 and &#27;[31m\n", "a.txt")
    assert plain.article.title == "Price rises to £1.8m & more"
    body = " ".join(plain.body)
    assert "passé" in body and "AT&T;" in body and "R&D" in body and "&para=2" in body
    assert "\x1b" not in body
    front = parse_text("---\ntitle: Caf&eacute; &lt;b&gt;\ntags: [Caf&eacute;]\n---\nx\n", "b.md")
    assert front.article.title == "Café <b>" and front.article.tags == ("Café",)
    seed = parse_text(" date 2024-01-01  Fish &amp; chips : S\n\nBody.\n")
    assert seed.article.title == "Fish &amp; chips"  # the seed layout is written as is


def test_a_quoted_phrase_finds_text_written_with_references(write, tmp_path) -> None:
    write("a.txt", "Old charm\n\nIt is quaintly pass&#233; now.\n")
    engine = Library([str(tmp_path)]).load(full=True).engine
    assert len(engine.search('"quaintly passé"').doc_ids) == 1


def test_folders_below_the_opened_root_are_sections(write, tmp_path) -> None:
    write("news/sport/001.txt", "Goal scored\n\nA match.\n")
    write("news/world/asia/2.txt", "---\ntitle: Quake\n---\nShaking.\n")
    write("news/business/3.txt", "---\ntitle: Merger\nsection: Markets\n---\nDeal.\n")
    write("news/top.txt", "Top story\n\nText.\n")
    library = Library([str(tmp_path / "news")])
    library.load(full=True)
    sections = {a.title: a.section for a in library.store.articles}
    assert sections == {"Goal scored": "sport", "Quake": "world › asia", "Merger": "Markets",
                        "Top story": ""}
    assert [library.store.articles[d].title
            for d in library.engine.search("section:sport").doc_ids] == ["Goal scored"]
    article = next(a for a in library.store.articles if a.title == "Quake")
    assert read_full(article).article.title == "Quake"


def test_newswire_paragraphs_start_at_an_indented_line() -> None:
    text = ("Wire story\n\n   LONDON (Wire) - The first paragraph starts here\nand goes on.\n"
            "   The second paragraph starts here\nand ends.\n   A third.\n")
    body = parse_text(text, "wire.txt").body
    assert body == ("LONDON (Wire) - The first paragraph starts here and goes on.",
                    "The second paragraph starts here and ends.", "A third.")


def test_aligned_columns_keep_their_lines() -> None:
    text = ("Results\n\nThe table:\n\nTeam        Won   Lost\nLions        10      2\n"
            "Tigers        8      4\n\nThat is all.\n")
    body = parse_text(text, "t.txt").body
    assert "Team        Won   Lost\nLions        10      2\nTigers        8      4" in body


def test_a_bullet_list_inside_a_body_stays_in_place() -> None:
    text = ("Plan announced\n\nThe plan has three parts\n\n- roads\n- rail\n- ports\n\n"
            "Work starts next year.\n")
    parsed = parse_text(text, "p.txt")
    assert parsed.highlights == ()
    assert parsed.body[-1] == "Work starts next year." and "- roads" in parsed.body[1]
    seed = (" date 2024-01-01  Plan : Wire\n\nIntro.\n\nKey points\n\n  • one\n  • two\n\n"
            "More text.\n\nHighlights\n\n  • last\n\n#Tag\n")
    parsed = parse_text(seed)
    assert [h.heading for h in parsed.highlights] == ["Highlights"]  # the trailing box only
    assert "More text." in parsed.body and any("one" in p for p in parsed.body)
