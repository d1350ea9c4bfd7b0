"""Word indexes: word -> positions of the articles that contain it, one index per field group.

The engine looks up candidate words here (exact, prefix, fuzzy within a length band) and
scores only the articles they point at, never the whole corpus.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterable, Sequence

WORD = re.compile(r"\w+(?:['’.-]\w+)*")
FIELD_GROUPS = ("title", "tags", "meta", "body")


def words_of(text: str) -> list[str]:
    """Lower-cased words of ``text`` (hyphenated and dotted words kept whole and split)."""
    found = WORD.findall(text.casefold())
    extra = [part for w in found if not w.isalnum() for part in re.split(r"['’.-]", w) if part]
    return found + extra


class WordIndex:
    """Postings for one field group, with a sorted vocabulary for prefix and length lookups."""

    def __init__(self) -> None:
        self.postings: dict[str, array] = {}
        self._sorted: list[str] | None = None
        self._by_length: dict[int, list[str]] | None = None

    def add(self, doc: int, words: Iterable[str]) -> None:
        """Record that document ``doc`` contains ``words`` (duplicates are fine)."""
        postings = self.postings
        for word in set(words):
            bucket = postings.get(word)
            if bucket is None:
                postings[word] = array("I", (doc,))
            else:
                bucket.append(doc)
        self._sorted = self._by_length = None

    def remap(self, mapping: Sequence[int]) -> WordIndex:
        """A copy whose document numbers are ``mapping[old]`` (load order -> store order)."""
        out = WordIndex()
        for word, docs in self.postings.items():
            out.postings[word] = array("I", sorted(mapping[d] for d in docs))
        return out

    @property
    def vocabulary(self) -> list[str]:
        """All words, sorted."""
        if self._sorted is None:
            self._sorted = sorted(self.postings)
        return self._sorted

    def with_prefix(self, prefix: str, limit: int = 5000) -> list[str]:
        """Words starting with ``prefix`` (at most ``limit``)."""
        vocab = self.vocabulary
        i = bisect.bisect_left(vocab, prefix)
        out: list[str] = []
        while i < len(vocab) and vocab[i].startswith(prefix) and len(out) < limit:
            out.append(vocab[i])
            i += 1
        return out

    def of_length(self, low: int, high: int) -> list[str]:
        """Words whose length is within ``[low, high]``."""
        if self._by_length is None:
            by_length: dict[int, list[str]] = {}
            for word in self.postings:
                by_length.setdefault(len(word), []).append(word)
            self._by_length = by_length
        out: list[str] = []
        for n in range(low, high + 1):
            out.extend(self._by_length.get(n, ()))
        return out

    def __len__(self) -> int:
        return len(self.postings)
