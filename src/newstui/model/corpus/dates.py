"""Reading dates: strict ISO dates and date-only lines such as "Monday, March 15, 2021"."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_NUM = {
    m[:3]: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_LINE_PATTERNS = (
    re.compile(r"^(?:\w+,\s*)?(?P<m>[a-z]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})$", re.I),
    re.compile(r"^(?:\w+,\s*)?(?P<d>\d{1,2})\s+(?P<m>[a-z]+)\.?,?\s+(?P<y>\d{4})$", re.I),
    re.compile(r"^(?P<y>\d{4})-(?P<mn>\d{2})-(?P<d>\d{2})$"),
)


def parse_date(value: str) -> dt.date:
    """Read ``YYYY-MM-DD`` (``2023-9-5`` too); raise ValueError for anything else."""
    m = _ISO.fullmatch(value)
    if m is None:
        raise ValueError(value)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def date_from_line(line: str) -> dt.date | None:
    """Read a line that is only a date ("Monday, March 15, 2021", "2021-03-15"), else None."""
    line = line.strip().rstrip(".")
    for pattern in _DATE_LINE_PATTERNS:
        m = pattern.match(line)
        if not m:
            continue
        groups = m.groupdict()
        month = int(groups["mn"]) if groups.get("mn") else _MONTH_NUM.get(groups["m"][:3].lower())
        if month is None:
            return None
        try:
            return dt.date(int(groups["y"]), month, int(groups["d"]))
        except ValueError:
            return None
    return None
