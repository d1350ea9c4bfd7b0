"""Garbage collection between keystrokes, not during them.

CPython's cyclic collector runs whenever enough objects have been allocated, and a repaint
allocates thousands: measured at 100k articles, a young-generation pass (~3 ms) landed in
nearly every keystroke's frame and a full one (~20 ms) in some. With :class:`IdleCollector`
the automatic collector is off while the app runs; collections happen once the user has
paused, and a young one at once if garbage piles up anyway (a key held down for minutes).
Reference counting still frees almost everything immediately; only cycles wait.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

IDLE_SECONDS = 1.0  # quiet this long before a collection
FULL_EVERY = 30.0  # at most one full collection this often (young ones in between)
PILE_UP = 200_000  # young objects that force a collection even while keys keep coming


class IdleCollector:
    """Call :meth:`activity` on input and :meth:`tick` from a timer (every ~0.5 s).

    While ``busy()`` (a corpus loading) young objects are not collected when they pile up:
    they are the articles being made, millions of long-lived objects, and walking them
    cost the UI thread ~1.8 s of a launch at a million articles (the screen freezes the
    loaded store, see ``ReaderScreen.show_snapshot``)."""

    def __init__(self, busy: Callable[[], bool] = lambda: False) -> None:
        self._busy = busy
        self._was_enabled = gc.isenabled()
        self._last_input = time.monotonic()
        self._last_full = self._last_input
        self._pending = False
        gc.disable()

    def activity(self) -> None:
        """The user pressed a key or moved the mouse."""
        self._last_input = time.monotonic()
        self._pending = True

    def tick(self) -> None:
        """Collect if the user has paused, or if young objects pile up regardless."""
        now = time.monotonic()
        young = gc.get_count()[0]
        if young > PILE_UP and not self._busy():
            gc.collect(0)
        if not self._pending or now - self._last_input < IDLE_SECONDS:
            return
        self._pending = False
        if now - self._last_full >= FULL_EVERY:
            self._last_full = now
            gc.collect()
        else:
            gc.collect(1)

    def stop(self) -> None:
        """Give the collector back as it was."""
        if self._was_enabled:
            gc.enable()
