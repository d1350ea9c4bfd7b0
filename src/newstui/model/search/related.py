"""Related stories: other articles sharing an article's rarest tags and title words.

Computed from the indexes the store already has (tags by value, title words), never by
scanning the corpus: each shared tag or title word adds its inverse document frequency, a
tag counting half again as much as a title word. Words in many articles say little and
are left out; a value on very many articles is sampled around the article, so stories near
it in time come first. ~20 ms at 100k articles, in a worker (``benchmarks/bench_related.py``).
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections.abc import Sequence

from newstui.model.index.store import Store
from newstui.model.index.words import index_words

LIMIT = 5
TAG_WEIGHT = 1.5
NEAREST = 2_000  # of a value's articles, at most this many on each side of the article
# Too common in headlines to tie two stories together (rare words do that by themselves).
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "he", "her",
    "his", "in", "into", "is", "it", "its", "new", "not", "of", "on", "or", "over", "says",
    "she", "than", "that", "the", "their", "to", "up", "was", "were", "will", "with", "after",
    "about", "against", "amid", "more", "said",
})


def related(store: Store, doc: int, limit: int = LIMIT) -> list[int]:
    """Up to ``limit`` article numbers related to article ``doc``, best first (among equals,
    the nearest in date)."""
    if not 0 <= doc < len(store):
        return []
    article = store.articles[doc]
    total = len(store)
    scores: dict[int, float] = {}
    shared: dict[int, int] = {}
    tag_docs = store.tags.doc_ids
    for tag in {t.casefold() for t in article.tags}:
        _add(tag_docs.get(tag, ()), doc, total, TAG_WEIGHT, scores, shared, strong=2)
    title = store.indexes()["title"]
    for word in index_words(article.title):
        if len(word) < 3 or word in STOP_WORDS or word.isdigit():
            continue
        docs = title.docs(word)
        if docs is not None and not isinstance(docs, int):  # a bit set: a common word
            _add(docs, doc, total, 1.0, scores, shared, strong=1)
    own = article.title.casefold()
    # One shared tag, or two title words: one common title word alone is chance.
    found = [d for d, n in shared.items()
             if n >= 2 and store.articles[d].title.casefold() != own
             and store.articles[d].digest != article.digest]
    found.sort(key=lambda d: (-scores[d], abs(d - doc), d))
    return found[:limit]


def _add(docs: Sequence[int] | array, doc: int, total: int, weight: float,
         scores: dict[int, float], shared: dict[int, int], strong: int) -> None:
    """Credit the articles in ``docs`` (sorted numbers) for sharing one value with ``doc``."""
    count = len(docs)
    if count <= 1:
        return
    if count > 2 * NEAREST:
        at = bisect.bisect_left(docs, doc)
        docs = docs[max(0, at - NEAREST): at + NEAREST]
    gain = weight * math.log(1 + total / count)
    for d in docs:
        if d != doc:
            scores[d] = scores.get(d, 0.0) + gain
            shared[d] = shared.get(d, 0) + strong
