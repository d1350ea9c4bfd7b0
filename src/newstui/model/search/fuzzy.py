"""rapidfuzz, imported once, on first use, whichever thread asks first.

Importing it lazily keeps it off the launch path, but two threads importing it at the same
moment (the loader warming the engine, a search worker) can see the half-initialised
``rapidfuzz.process`` module and fail. A lock makes the second thread wait instead.
"""

from __future__ import annotations

import threading
from types import ModuleType

_lock = threading.Lock()
_modules: tuple[ModuleType, ModuleType] | None = None


def rapidfuzz() -> tuple[ModuleType, ModuleType]:
    """``rapidfuzz.fuzz`` and ``rapidfuzz.process``."""
    global _modules
    if _modules is None:
        with _lock:
            if _modules is None:
                from rapidfuzz import fuzz, process

                _modules = (fuzz, process)
    return _modules
