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
