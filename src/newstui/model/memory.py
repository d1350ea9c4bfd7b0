"""Memory housekeeping for long loads: the garbage collector paused while long-lived
objects are made, and freed memory given back to the system after a pass."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import sys
from collections.abc import Callable, Iterator
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


@functools.cache
def _glibc(name: str) -> Callable[..., int] | None:
    """The C library's function ``name`` where it is glibc's (musl has no
    ``malloc_trim``, other systems no glibc); None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        function: Callable[..., int] = getattr(libc, name)
    except (OSError, AttributeError):
        return None
    return function


def give_back() -> bool:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``); False where
    there is no such call.

    A load pass frees many short-lived objects (rows from the workers, old copies of
    articles) between the ones it keeps; the C allocator keeps those pages for itself, so
    the process's resident size stays at the pass's peak: ~85 MB more than needed at 100k
    articles after the details pass. ``malloc_trim`` releases free pages anywhere in the
    heap, not only at its top. ctypes drops the GIL during the call.
    """
    trim = _glibc("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter


def large_blocks_given_back(threshold: int = 1 << 20) -> bool:
    """Have the C heap (glibc) serve blocks of ``threshold`` bytes or more from pages of
    their own, given back to the system as soon as they are freed; False where it cannot.

    glibc does so from 128 KB at first, but raises the threshold (up to 32 MB) each time
    such a block is freed: after a few jobs of a body worker, Arrow's and numpy's buffers
    of a few megabytes come from the heap, whose freed pages stay with the process. Fixed
    at 1 MB, a body worker's peak is ~50 MB lower (224 -> 175 MB for a 4,000-body job),
    as fast.
    """
    mallopt = _glibc("mallopt")
    return mallopt is not None and bool(mallopt(M_MMAP_THRESHOLD, threshold))
