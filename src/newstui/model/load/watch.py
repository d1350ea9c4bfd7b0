"""Following the opened folders: report, in batches, which article files were added,
changed or removed, with watchfiles (inotify; polling where inotify is unavailable or out
of watches).

A batch is reported once the folders have been quiet for ``quiet`` seconds (so a file
being written is read once it is complete, and a 2,000-file copy is one batch), and at
most ``longest`` seconds after its first change. Only article files count: ``.txt`` and
``.md``, not hidden ones, not newstui's own temporary files.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable

from newstui.model.load.changes import is_article_file

QUIET = 0.3
LONGEST = 2.0


def watch_folders(paths: Iterable[str], report: Callable[[set[str]], None],
                  stop: threading.Event, quiet: float = QUIET, longest: float = LONGEST,
                  polling: bool | None = None,
                  on_polling: Callable[[str], None] | None = None) -> str | None:
    """Call ``report(changed paths)`` for each batch of changes under the folders in
    ``paths`` until ``stop`` is set (within ~0.1 s). Returns None when stopped, or a
    one-line reason when the folders cannot be watched at all. When inotify cannot watch
    them (out of watches, say), they are polled instead, and ``on_polling`` hears why."""
    import watchfiles  # only for the app

    folders = [p for p in (os.path.normpath(os.path.expanduser(x)) for x in paths)
               if os.path.isdir(p)]
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
