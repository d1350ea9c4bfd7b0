"""Pausing the cyclic garbage collector while long-lived objects are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: loading makes only long-lived objects, which
    collections would walk again and again, finding nothing to free.

    On the way out they are frozen (``gc.freeze``) before collecting resumes: else the
    first collection after a 100k-file load walks them all (~0.1 s) to find nothing. (The
    app runs with the collector off and collects and freezes on its own, when idle.)
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
