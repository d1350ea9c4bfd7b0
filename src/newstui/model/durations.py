"""Durations as people write them in settings: ``30m``, ``2h``, ``1d``, ``90s``."""

from __future__ import annotations

import re

_INTERVAL = re.compile(r"^\s*(\d{1,6})\s*([smhd]?)\s*$", re.IGNORECASE)
_UNITS = {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}  # a bare number means minutes


def parse_interval(value: object) -> int | None:
    """``30m``, ``2h``, ``1d``, ``90s`` or a number of minutes, as seconds; None if it is
    none of those."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value * 60 if value > 0 else None
    m = _INTERVAL.match(str(value))
    if m is None or int(m.group(1)) == 0:
        return None
    return int(m.group(1)) * _UNITS[m.group(2).lower()]


def format_interval(seconds: int) -> str:
    """The shortest exact spelling of ``seconds`` (``30m``, ``2h``)."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
