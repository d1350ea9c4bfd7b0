"""Snapshot tests of the main screen at three sizes, and of the help screen.

Update after an intended change with: pytest tests/snapshots --snapshot-update
"""

from __future__ import annotations

import pytest

from newstui.tui.app import NewsApp
from tests.conftest import SEEDS
from tests.tui.conftest import ready, settle


async def _loaded(pilot) -> None:
    await ready(pilot.app, pilot)
    await settle(pilot.app, pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
def test_main_screen(snap_compare, size) -> None:
    assert snap_compare(NewsApp([str(SEEDS)]), terminal_size=size, run_before=_loaded)


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
