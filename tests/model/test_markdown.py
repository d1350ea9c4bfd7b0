"""Markdown bodies: laid out by markdown-it-py into plain blocks, never markup or escapes."""

from __future__ import annotations

from newstui.model.corpus.markdown import blocks
from newstui.model.corpus.parse import parse_text

SOURCE = """# Heading one

Some **bold**, *em*, `code` and [a link](https://news.example.com/x).

- first
- second
  - nested

1. one
2. two

> quoted *text*

```
def f():
    return 1
```

| a | b |
|---|---|
| 1 | 2 |

---
"""


def _text(block) -> str:
    return "".join(run.text for run in block.runs)


def test_blocks_keep_structure_and_styles() -> None:
    found = blocks(SOURCE)
    kinds = [b.kind for b in found]
    assert kinds[0] == "heading" and found[0].level == 1 and _text(found[0]) == "Heading one"
    para = found[1]
    styles = {run.text: run.style for run in para.runs}
    assert styles["bold"] == "strong" and styles["em"] == "em" and styles["code"] == "code"
    link = next(run for run in para.runs if run.link)
    assert link.text == "a link" and link.link == "https://news.example.com/x"
    assert "**" not in _text(para) and "](" not in _text(para)
    items = [(b.lead, _text(b)) for b in found if b.lead.strip()]
    assert ("• ", "first") in items and ("  ◦ ", "nested") in items
    assert ("1. ", "one") in items and ("2. ", "two") in items
    assert ("▍ ", "quoted text") in items
    code = next(b for b in found if b.kind == "code")
    assert [r.text for r in code.runs] == ["def f():", "    return 1"]  # indentation kept
    assert [_text(b) for b in found if b.kind == "table"] == ["a │ b", "1 │ 2"]
    assert kinds[-1] == "rule"


def test_entities_and_html_never_become_escapes_or_markup() -> None:
    found = blocks("Evil &#27;[31mred&#27;[0m and &#x9b;2J <b>raw</b> [bold]x[/bold]\n")
    text = _text(found[0])
    assert "\x1b" not in text and "\x9b" not in text
    assert "<b>raw</b>" in text and "[bold]x[/bold]" in text  # shown as the text it is


def test_a_markdown_file_keeps_its_source_and_drops_a_repeated_title() -> None:
    text = ("---\ntitle: Sample\ndate: 2024-05-01\n---\n# Sample\n\nIntro.\n\n"
            "## Key points\n\n- one\n- two\n")
    parsed = parse_text(text, "2024-05-01-sample.md")
    assert parsed.article.title == "Sample"
    assert parsed.markdown.startswith("Intro.")  # the heading repeating the title is gone
    assert "## Key points" in parsed.markdown and "- one" in parsed.markdown
    assert parsed.highlights == ()  # a Markdown list stays in place, not boxed
    plain = parse_text(text, "2024-05-01-sample.txt")
    assert plain.markdown == ""


def test_huge_markdown_is_shown_as_paragraphs() -> None:
    found = blocks("word " * 500_000)
    assert found and found[0].kind == "paragraph"


def test_a_markdown_headline_is_the_text_its_first_line_shows() -> None:
    def title(text: str, name: str = "n.md") -> str:
        return parse_text(text, name).article.title

    assert title("# [Big *news*](https://example.com/a) `today`\n\nBody.\n") == "Big news today"
    assert title("Plain **bold** and __strong__ words\n\nBody.\n") == "Plain bold and strong words"
    assert title("snake_case_name and 2 * 3 * 4\n") == "snake_case_name and 2 * 3 * 4"
    setext = parse_text("A *setext* title\n================\n\nBody.\n", "n.md")
    assert setext.article.title == "A setext title" and setext.markdown.startswith("Body.")
    # A .txt file's first line is its headline as written: no Markdown is read into it.
    assert title("# [Big](https://example.com/a)\n\nBody.\n", "n.txt") == "[Big](https://example.com/a)"
    # Markdown's entities and links never smuggle an escape sequence into a headline.
    assert "\x1b" not in title("[Evil &#27;[31mred](https://example.com)\n")


def test_a_row_of_badges_gives_way_to_the_headline_and_stays_in_the_body() -> None:
    text = ("[![License: CC BY 2.5](https://img.shields.io/b.svg)](https://example.com/l) "
            "![ci](https://example.com/ci.svg)\n# Wikinews sample articles\n\nIntro.\n")
    parsed = parse_text(text, "README.md")
    assert parsed.article.title == "Wikinews sample articles"
    assert parsed.markdown.startswith("[![License: CC BY 2.5]")  # the badges are not lost
    assert "# Wikinews" not in parsed.markdown and "Intro." in parsed.markdown
    # Badges in blocks of their own, then the headline.
    apart = parse_text("![a](https://example.com/a.svg)\n\n![b](https://example.com/b.svg)"
                       "\n\nThe headline\n\nBody.\n", "x.md")
    assert apart.article.title == "The headline"
    # Nothing but badges: the first one's description.
    assert parse_text("![only badge](https://example.com/a.svg)\n", "x.md").article.title \
        == "only badge"


def test_markdown_files_of_either_suffix_are_read(tmp_path) -> None:
    from newstui.model.load.passes import load_paths

    (tmp_path / "2015-11-10-welcome.markdown").write_text("# Welcome to *Jekyll*\n\nHello.\n")
    (tmp_path / "note.MD").write_text("[Note](https://example.com)\n\nText.\n")
    (tmp_path / "data.csv").write_text("a,b\n")
    found = {a.title: a for a in load_paths([str(tmp_path)]).articles}
    assert set(found) == {"Welcome to Jekyll", "Note"}
    assert str(found["Welcome to Jekyll"].date) == "2015-11-10"
