"""Following the opened folders: report, in batches, which article files were added,
changed or removed, with watchfiles (inotify; polling where inotify is unavailable or out
of watches).

A batch is reported once the folders have been quiet for ``quiet`` seconds (so a file
being written is read once it is complete, and a 2,000-file copy is one batch), and at
most ``longest`` seconds after its first change. Only article files count: ``.txt`` and
``.md``, not hidden ones, not newstui's own temporary files.

The app runs the watcher in a child process (:func:`watch_in_child`, which runs this
module): setting up inotify on a large tree walks every entry while holding the GIL (~1.5 s
at a million files, a frozen screen), and a process of its own keeps that off the UI.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Sequence

from newstui.model.load.changes import is_article_file

QUIET = 0.3
LONGEST = 2.0


def _folders(paths: Iterable[str]) -> list[str]:
    """The folders among ``paths``, as the loader spells them."""
    return [p for p in (os.path.normpath(os.path.expanduser(x)) for x in paths)
            if os.path.isdir(p)]


def watch_folders(paths: Iterable[str], report: Callable[[set[str]], None],
                  stop: threading.Event, quiet: float = QUIET, longest: float = LONGEST,
                  polling: bool | None = None,
                  on_polling: Callable[[str], None] | None = None) -> str | None:
    """Call ``report(changed paths)`` for each batch of changes under the folders in
    ``paths`` until ``stop`` is set (within ~0.1 s). Returns None when stopped, or a
    one-line reason when the folders cannot be watched at all. When inotify cannot watch
    them (out of watches, say), they are polled instead, and ``on_polling`` hears why."""
    import watchfiles  # only for the app

    folders = _folders(paths)
    if not folders:
        return "no folder to follow"

    def wanted(_: object, path: str) -> bool:
        # A folder gone (moved away, say) can no longer be told from a file: a name without
        # an extension may have been one.
        return (is_article_file(path) or os.path.isdir(path)
                or not os.path.splitext(os.path.basename(path))[1])

    try:
        for changes in watchfiles.watch(*folders, watch_filter=wanted,
                                        step=int(quiet * 1000), debounce=int(longest * 1000),
                                        stop_event=stop, rust_timeout=0, force_polling=polling,
                                        raise_interrupt=False, ignore_permission_denied=True):
            changed = {path for _, path in changes}
            if changed:
                report(changed)
    except OSError as exc:  # out of inotify watches, say: poll instead
        if polling:
            return f"cannot follow the folders: {exc.strerror or exc}"
        if on_polling is not None:
            on_polling(str(exc.strerror or exc))
        return watch_folders(folders, report, stop, quiet, longest, polling=True)
    return None


# What the child writes, NUL-terminated records: a changed path, the end of a batch, a
# notice that it polls (and why), and why it cannot watch at all.
_PATH, _END, _POLLING, _CANNOT = b"P", b"E", b"W", b"X"


def watch_in_child(paths: Iterable[str], report: Callable[[set[str]], None],
                   stop: threading.Event,
                   on_polling: Callable[[str], None] | None = None,
                   command: Sequence[str] | None = None) -> str | None:
    """:func:`watch_folders` run in a child process (``command``, by default this module
    under the same Python); the same calls come back here, in this thread. Stops the child
    within ~0.1 s of ``stop`` being set."""
    folders = _folders(paths)
    if not folders:
        return "no folder to follow"
    argv = list(command or [sys.executable, "-m", "newstui.model.load.watch"])
    try:
        child = subprocess.Popen([*argv, *folders], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as exc:
        return f"cannot follow the folders: {exc.strerror or exc}"
    assert child.stdout is not None
    pending, batch = b"", set()
    poller = select.poll()  # not select(): it fails for a descriptor past 1023
    poller.register(child.stdout, select.POLLIN)
    try:
        while not stop.is_set():
            if not poller.poll(100):
                continue
            data = os.read(child.stdout.fileno(), 1 << 16)
            if not data:
                break  # the child ended
            *records, pending = (pending + data).split(b"\0")
            for record in records:
                kind, text = record[:1], os.fsdecode(record[1:])
                if kind == _PATH:
                    batch.add(text)
                elif kind == _END:
                    report(batch)
                    batch = set()
                elif kind == _POLLING and on_polling is not None:
                    on_polling(text)
                elif kind == _CANNOT:
                    return text
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    return None if stop.is_set() else "the folder watcher stopped"


def _child(folders: list[str]) -> int:
    """The child's side: watch ``folders`` and write what happens to stdout."""
    from newstui.model.load.chunks import watch_parent

    watch_parent(os.getppid())  # the app gone (killed, say): so is this process
    out = sys.stdout.buffer

    def write(records: list[bytes]) -> None:
        try:
            out.write(b"".join(records))
            out.flush()
        except OSError:  # the app closed the pipe
            os._exit(0)

    def report(changed: set[str]) -> None:
        write([_PATH + os.fsencode(p) + b"\0" for p in changed] + [_END + b"\0"])

    def polling(reason: str) -> None:
        write([_POLLING + reason.encode("utf-8", "replace") + b"\0"])

    problem = watch_folders(folders, report, threading.Event(), on_polling=polling)
    if problem:
        write([_CANNOT + problem.encode("utf-8", "replace") + b"\0"])
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
