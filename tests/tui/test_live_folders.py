"""Files added, changed and removed while the app runs appear, change and go, with the
cursor and the open article kept (issue 14, live folders)."""

from __future__ import annotations

import os
import time
from contextlib import asynccontextmanager

from newstui.model.user.state import ReadingState
from newstui.tui.app import NewsApp
from tests.tui.conftest import ready, settle


def _article(title: str, date: str) -> str:
    return f" date {date}  {title} : Wire\n\nBody of {title}.\n"


async def _until(pilot, condition, timeout: float = 8.0) -> None:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "the change did not show"
        await pilot.pause(0.05)


async def test_added_changed_and_removed_files_show_in_place(write, tmp_path) -> None:
    write("news/a.txt", _article("Older story", "2024-01-01"))
    write("news/b.txt", _article("Middle story", "2024-02-01"))
    app = NewsApp([str(tmp_path / "news")], state=ReadingState(tmp_path / "s.db"))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        reader = app.reader
        await pilot.press("j", "enter")  # the older one, opened
        await settle(app, pilot)
        assert reader.headlines.current.title == "Older story"
        await pilot.pause(0.5)  # the watcher is up
        # Written the way a fetcher writes: a temporary name, then a rename.
        write("news/.c.txt.tmp", _article("Newest story", "2024-03-01"))
        os.replace(tmp_path / "news/.c.txt.tmp", tmp_path / "news/c.txt")
        await _until(pilot, lambda: len(reader.store) == 3)
        await settle(app, pilot)
        assert reader.store.articles[0].title == "Newest story"
        assert reader.headlines.current.title == "Older story"  # the cursor stayed
        assert reader.article_view.article.title == "Older story"  # still open
        assert not reader.is_read(reader.store.articles[0])  # new articles are unread
        write("news/b.txt", _article("Middle story, updated", "2024-02-01"))
        await _until(pilot, lambda: any(a.title == "Middle story, updated"
                                        for a in reader.store.articles))
        (tmp_path / "news/c.txt").unlink()
        await _until(pilot, lambda: len(reader.store) == 2)
        assert reader.headlines.current.title == "Older story"
        assert "Newest story" not in {a.title for a in reader.store.articles}


async def test_following_can_be_turned_off(write, tmp_path) -> None:
    from newstui.model.user.config import parse_config

    write("news/a.txt", _article("Only story", "2024-01-01"))
    config = parse_config("follow_folders: false\n")
    app = NewsApp([str(tmp_path / "news")], config=config, state=ReadingState(None))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        write("news/b.txt", _article("Another", "2024-02-01"))
        await pilot.pause(1.5)
        assert len(app.reader.store) == 1


def _app(tmp_path, folder: str = "news") -> NewsApp:
    return NewsApp([str(tmp_path / folder)], state=ReadingState(tmp_path / "s.db"))


@asynccontextmanager
async def _following(tmp_path):
    """The app on ``tmp_path / "news"``, loaded, its folder watcher up."""
    app = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        await pilot.pause(0.5)
        yield app, pilot


async def test_a_renamed_file_is_listed_under_its_new_name(write, tmp_path) -> None:
    write("news/a.txt", _article("First story", "2024-01-01"))
    write("news/b.txt", _article("Second story", "2024-02-01"))
    async with _following(tmp_path) as (app, pilot):
        reader = app.reader
        os.replace(tmp_path / "news/a.txt", tmp_path / "news/renamed.txt")
        await _until(pilot, lambda: any(a.path.endswith("renamed.txt")
                                        for a in reader.store.articles))
        assert len(reader.store) == 2
        assert not any(a.path.endswith("/a.txt") for a in reader.store.articles)


async def test_a_burst_of_2000_files_lands_in_few_list_updates(write, tmp_path) -> None:
    write("news/a.txt", _article("The old story", "2020-01-01"))
    async with _following(tmp_path) as (app, pilot):
        reader = app.reader
        stores: list[int] = []
        real = reader.show_snapshot

        def counting(snapshot, *args):
            stores.append(len(snapshot.store))
            return real(snapshot, *args)

        reader.show_snapshot = counting  # type: ignore[method-assign]
        burst = tmp_path / "burst"
        for i in range(2000):
            write(f"burst/{i:04d}.txt", _article(f"Burst story {i}", "2024-05-01"))
        os.replace(burst, tmp_path / "news" / "burst")  # a folder moved in: one event
        await _until(pilot, lambda: len(reader.store) == 2001, timeout=30)
        assert len(stores) <= 3, stores  # not a list update per file
        await settle(app, pilot)
        count = str(reader.query_one("#filter-count").render())
        assert count.lstrip().startswith("2,001 of 2,001")


async def test_a_folder_removed_and_recreated(write, tmp_path) -> None:
    write("news/keep.txt", _article("Kept story", "2024-01-01"))
    for i in range(3):
        write(f"news/sport/{i}.txt", _article(f"Sport story {i}", "2024-02-01"))
    async with _following(tmp_path) as (app, pilot):
        reader = app.reader
        os.replace(tmp_path / "news/sport", tmp_path / "sport-away")
        await _until(pilot, lambda: len(reader.store) == 1)
        os.replace(tmp_path / "sport-away", tmp_path / "news/sport")
        await _until(pilot, lambda: len(reader.store) == 4)
        assert sum(a.title.startswith("Sport story") for a in reader.store.articles) == 3


async def test_the_selected_article_keeps_its_screen_row(write, tmp_path) -> None:
    for i in range(10):
        write(f"news/{i}.txt", _article(f"Story {i}", f"2024-01-{10 + i:02d}"))
    app = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        reader = app.reader
        await pilot.press("j", "j", "j")
        await settle(app, pilot)
        chosen = reader.headlines.current.title
        row = reader.headlines.cursor - int(reader.headlines.scroll_y)
        await pilot.pause(0.5)
        for i in range(3):
            write(f"news/new{i}.txt", _article(f"Newer {i}", "2024-03-01"))
        await _until(pilot, lambda: len(reader.store) == 13)
        await settle(app, pilot)
        headlines = reader.headlines
        assert headlines.current.title == chosen
        assert headlines.cursor == 6  # three newer articles above it
        assert headlines.cursor - int(headlines.scroll_y) == row  # the same screen row


async def test_an_open_article_whose_file_is_deleted_says_so(write, tmp_path) -> None:
    write("news/a.txt", _article("Older story", "2024-01-01"))
    write("news/b.txt", _article("Doomed story", "2024-02-01"))
    write("news/c.txt", _article("Oldest story", "2023-12-01"))
    app = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        reader = app.reader
        await pilot.press("enter")  # the newest, opened for reading
        await settle(app, pilot)
        assert reader.article_view.article.title == "Doomed story"
        await pilot.pause(0.5)
        (tmp_path / "news/b.txt").unlink()
        await _until(pilot, lambda: len(reader.store) == 2)
        await settle(app, pilot)
        view = reader.article_view
        assert view.article.title == "Doomed story"  # still there to finish reading
        assert "gone" in view.note
        text = "\n".join(line for line in view.text_lines())
        assert "is gone" in text
        await pilot.press("escape")  # back to the list, which has moved on
        await pilot.press("j", "k")
        await settle(app, pilot)
        assert reader.article_view.article.title == "Older story"


async def test_a_file_written_slowly_is_never_listed_half_written(write, tmp_path) -> None:
    write("news/a.txt", _article("Old story", "2024-01-01"))
    async with _following(tmp_path) as (app, pilot):
        reader = app.reader
        path = tmp_path / "news/slow.txt"
        pieces = [" date 2024-02-01  Slow story : Wire\n\n"] + [
            f"Paragraph {i} of the slow story.\n\n" for i in range(30)]
        # Longer than the watcher's longest wait (2 s), in pieces 0.1 s apart: the watcher
        # reports while the file is still being written.
        with path.open("w", encoding="utf-8") as out:
            for piece in pieces:
                out.write(piece)
                out.flush()
                await pilot.pause(0.1)
                assert len(reader.store) == 1, "listed while being written"
        await _until(pilot, lambda: len(reader.store) == 2)
        slow = next(a for a in reader.store.articles if a.title == "Slow story")
        assert slow.words is not None and slow.words >= 30 * 6


# The child process of the watcher, with inotify failing as it does out of watches.
OUT_OF_WATCHES = """
import sys, watchfiles
real = watchfiles.watch
def limited(*args, **kwargs):
    if not kwargs.get("force_polling"):
        raise OSError(28, "inotify watch limit reached")
    return real(*args, **kwargs)
watchfiles.watch = limited
from newstui.model.load.watch import _child
_child(sys.argv[1:])
"""


async def test_when_inotify_cannot_watch_the_folders_are_polled(write, tmp_path,
                                                               monkeypatch) -> None:
    import sys

    from newstui.model.load import watch
    from newstui.tui import live

    def out_of_watches(*args, **kwargs):
        return watch.watch_in_child(*args, **kwargs,
                                    command=[sys.executable, "-c", OUT_OF_WATCHES])

    monkeypatch.setattr(live, "watch_in_child", out_of_watches)
    write("news/a.txt", _article("Old story", "2024-01-01"))
    app = _app(tmp_path)
    notes: list[str] = []
    real_notify = app.notify

    def notify(message, *args, **kwargs):
        notes.append(str(message))
        return real_notify(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        await _until(pilot, lambda: any("polling" in n for n in notes))
        await pilot.pause(1.0)
        write("news/b.txt", _article("New story", "2024-02-01"))
        await _until(pilot, lambda: len(app.reader.store) == 2, timeout=12)
        assert sum("polling" in n for n in notes) == 1
        assert any("watch limit" in n for n in notes)
