"""Snapshot tests of the main screen at three sizes, and of the help screen.

Update after an intended change with: pytest tests/snapshots --snapshot-update
"""

from __future__ import annotations

import pytest

from newstui.model.user.config import Config
from newstui.tui.app import NewsApp
from tests.conftest import SEEDS
from tests.tui.conftest import ready, settle

MARKDOWN = """---
title: A Markdown article
date: 2024-05-01
source: Example
url: https://news.example.com/markdown
---
Intro with **bold**, *emphasis*, `code` and [a link](https://news.example.com/x).

## A heading

- first item
- second item
  - nested

> A quote.

```
def f():
    return 1
```
"""


async def _loaded(pilot) -> None:
    await ready(pilot.app, pilot)
    await settle(pilot.app, pilot)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 50)])
def test_main_screen(snap_compare, size) -> None:
    assert snap_compare(NewsApp([str(SEEDS)]), terminal_size=size, run_before=_loaded)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 50)])
def test_light_theme(snap_compare, size) -> None:
    app = NewsApp([str(SEEDS)], config=Config(theme="textual-light"))
    assert snap_compare(app, terminal_size=size, run_before=_loaded)


def test_article_end_with_tags_source_and_related(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("enter", "G")
        await settle(pilot.app, pilot)

    assert snap_compare(NewsApp([str(SEEDS)]), terminal_size=(100, 30), run_before=run_before)


def test_markdown_article(snap_compare, tmp_path) -> None:
    (tmp_path / "2024-05-01-a.md").write_text(MARKDOWN, encoding="utf-8")

    async def run_before(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("enter")
        await settle(pilot.app, pilot)

    assert snap_compare(NewsApp([str(tmp_path)]), terminal_size=(100, 30), run_before=run_before)


def test_filtered_with_highlights(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("slash", *"north korea")
        await settle(pilot.app, pilot)
        await pilot.press("enter")
        await settle(pilot.app, pilot)

    assert snap_compare(NewsApp([str(SEEDS)]), terminal_size=(120, 40), run_before=run_before)


def test_help_screen(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(NewsApp([str(SEEDS)]), terminal_size=(100, 40), run_before=run_before)
