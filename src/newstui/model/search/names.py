"""Ranking names (tags, sources, saved searches) against what the user typed in a picker:
what they typed first, typos last.

Tiers, each kept in the order the names came in (most used first): the name itself; names
holding every typed word as a whole word; names with words starting with every typed word;
then names a fuzzy match finds, best first. ``kor`` lists South Korea and North Korea
before California.
"""

from __future__ import annotations

from collections.abc import Sequence

from newstui.model.index.words import word_parts
from newstui.model.search.fuzzy import rapidfuzz

# Scores of names compared case-folded (rapidfuzz's default processing): typos of a tag
# score 83-95 ("ukrane" Ukraine 92, "floirda" Florida 86, "isreal" Israel 83), names that
# merely share a few letters 60-68 ("korea" Singapore 68, "kor" California 60).
FUZZY_CUTOFF = 70


def rank_names(typed: str, names: Sequence[str], limit: int = 300) -> list[int]:
    """Positions in ``names`` of those matching ``typed``, best first (at most ``limit``)."""
    wanted = word_parts(typed.casefold())
    if not wanted:
        return list(range(min(limit, len(names))))
    whole = " ".join(wanted)
    tiers: list[list[int]] = [[], [], []]
    for i, name in enumerate(names):
        parts = word_parts(name.casefold())
        if " ".join(parts) == whole:
            tiers[0].append(i)
        elif all(w in parts for w in wanted):
            tiers[1].append(i)
        elif all(any(p.startswith(w) for p in parts) for w in wanted):
            tiers[2].append(i)
    found = [i for tier in tiers for i in tier]
    if len(found) < limit:
        taken = set(found)
        fuzz, process = rapidfuzz()
        from rapidfuzz.utils import default_process

        rest = [(i, name) for i, name in enumerate(names) if i not in taken]
        for _, _, j in process.extract(typed, [name for _, name in rest], scorer=fuzz.WRatio,
                                       processor=default_process,
                                       limit=limit - len(found), score_cutoff=FUZZY_CUTOFF):
            found.append(rest[j][0])
    return found[:limit]
