"""The installed ``newstui`` in tmux: a file written into the opened folder shows on screen,
and ``q`` ends the app within 2 s in every load phase, leaving a cache the next launch uses
(issue 14)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from newstui.model.cache.headers import HeaderCache
from tests.e2e.conftest import NEWSTUI, Tmux, cursor_line, need

ENV = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"}
FILES = 20_000  # enough that each load phase is still running when it is first seen
PARAGRAPH = ("The minister said talks on the budget would resume after the storm, and the "
             "union called a strike over energy prices in the north. ") * 4


def _story(i: int) -> str:
    return (f" date 2024-{1 + i % 12:02d}-{1 + i % 28:02d}  Story number {i} : Wire\n\n"
            f"  • World\n\n" + f"{PARAGRAPH}\n\n" * 6 + f"#Wire #Topic{i % 50}\n")


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    for i in range(FILES):
        folder = root / f"{i // 1000:02d}"
        if i % 1000 == 0:
            folder.mkdir()
        path = folder / f"{i:05d}.txt"
        path.write_text(_story(i), encoding="utf-8")
        # Older than a few seconds, as real files are: files changed just now are not cached.
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    return root


def test_a_file_written_into_the_folder_shows_on_screen(tmux: Tmux, write, tmp_path) -> None:
    write("news/a.txt", " date 2024-01-01  An old story : Wire\n\nIts body.\n")
    tmux.start(f"{NEWSTUI} {tmp_path / 'news'}", 100, 30, ENV)
    tmux.wait_until(lambda s: "An old story" in cursor_line(s))
    time.sleep(0.5)  # the watcher is up
    write("news/b.txt", " date 2024-02-01  A fresh story : Wire\n\nIts body.\n")
    start = time.monotonic()
    screen = tmux.wait_until(lambda s: "A fresh story" in s and "2 of 2" in s, timeout=10)
    assert time.monotonic() - start < 5
    assert "An old story" in cursor_line(screen)  # the cursor stayed on its article
    (tmp_path / "news/b.txt").unlink()
    tmux.wait_until(lambda s: "A fresh story" not in s and "1 of 1" in s, timeout=10)
    tmux.keys("q")
    assert tmux.exit_status() == 0


@pytest.mark.parametrize("phase", ["files read", "reading details", "indexing bodies"])
def test_quit_in_each_load_phase_is_immediate_and_leaves_a_cache(big_corpus: Path,
                                                                 tmp_path: Path,
                                                                 phase: str) -> None:
    need("tmux")
    assert os.path.exists(NEWSTUI)
    first = Tmux(tmp_path / "first")
    (tmp_path / "first").mkdir()
    cache = tmp_path / "cache"
    env = {**ENV, "NEWSTUI_CACHE": str(cache)}
    try:
        first.start(f"{NEWSTUI} {big_corpus}", 100, 30, env)
        first.wait_until(lambda s: phase in s.splitlines()[0] if s else False, timeout=120)
        start = time.monotonic()
        first.keys("q")
        assert first.exit_status(timeout=10) == 0
        assert time.monotonic() - start < 2.0
    finally:
        first.kill()
    if phase == "files read":
        return  # quit before the list was complete: what was read may be cached, or not
    # The header cache was written when the list was complete: every file has its entry,
    # and the next launch lists every article from it.
    caches = list(cache.glob("headers-*.bin"))
    assert len(caches) == 1
    files = [str(p) for p in big_corpus.rglob("*.txt")]
    assert HeaderCache(caches[0]).known(files) == FILES
    again = Tmux(tmp_path / "again")
    (tmp_path / "again").mkdir()
    try:
        again.start(f"{NEWSTUI} {big_corpus}", 100, 30, env)
        again.wait_until(lambda s: f"{FILES:,} of {FILES:,}" in s and "files read" not in s,
                         timeout=60)
        again.keys("q")
        assert again.exit_status(timeout=10) == 0
    finally:
        again.kill()
