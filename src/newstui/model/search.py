"""The search engine: evaluate a parsed query against a store's indexes and rank the result.

Scores: a match in a tag or the title counts 3, source/section/dateline/caption 1.5, the body
1; an exact word 1.0, a prefix 0.85, a typo-tolerant match 0.55-0.75, the same stem 0.6.
Terms add up (in AND and in OR), so more matched terms rank higher; ties go newest first.
Long steps check ``cancelled`` so a worker can drop a stale query between keystrokes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from newstui.model.index import WORD, WordIndex, tokens
from newstui.model.query import And, DateRange, Node, Not, Or, Query, State, Term, parse
from newstui.model.store import Facet, Store

WEIGHTS = {"title": 3.0, "tags": 3.0, "meta": 1.5, "body": 1.0}
EXACT, PREFIX, STEM = 1.0, 0.85, 0.6
FUZZY_CUTOFF = 80.0
CHUNK = 20_000
Scores = dict[int, float]
StateLookup = Callable[[str], set[str]]


class Cancelled(Exception):
    """Raised inside the engine when the caller's ``cancelled`` callback returns True."""


@dataclass
class Result:
    """Docs (article numbers in the store), best first, and what to highlight."""

    query: Query
    docs: list[int]
    scores: dict[int, float] = field(default_factory=dict)
    words: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()

    @property
    def error(self) -> str | None:
        """The query's error message, if it was malformed."""
        return self.query.error.message if self.query.error else None


class Engine:
    """Runs queries against one store. Build it once per store; it is safe to reuse."""

    def __init__(self, store: Store, state: StateLookup | None = None) -> None:
        self.store = store
        self.state = state
        self._words: dict[str, dict[str, float]] = {}

    def search(self, text: str | Query, sort: str = "relevance",
               cancelled: Callable[[], bool] | None = None) -> Result:
        """Evaluate ``text`` (or a parsed query) and return ranked docs.

        ``sort`` is ``relevance`` (score, then newest) or ``date`` (newest first). Raises
        :class:`Cancelled` if ``cancelled()`` turns True while working.
        """
        query = parse(text) if isinstance(text, str) else text
        if query.error is not None:
            return Result(query, [])
        if query.node is None:
            return Result(query, list(self.store.order))
        check = cancelled or (lambda: False)
        matched: set[str] = set()
        phrases: list[str] = []
        scores = self._eval(query.node, check, matched, phrases)
        if sort == "date":
            docs = self._newest_first(scores.keys())
        else:
            buckets: dict[float, list[int]] = {}
            for d, score in scores.items():
                buckets.setdefault(round(score, 6), []).append(d)
            docs = []
            for score in sorted(buckets, reverse=True):
                docs.extend(self._newest_first(buckets[score]))
        return Result(query, docs, scores, frozenset(matched), tuple(phrases))

    def _newest_first(self, docs: Iterable[int]) -> list[int]:
        """``docs`` in date order: filter the precomputed order when there are many."""
        chosen = docs if isinstance(docs, AbstractSet) else set(docs)
        if len(chosen) * 8 > len(self.store):
            return [d for d in self.store.order if d in chosen]
        return sorted(chosen, key=self.store.rank.__getitem__)

    # -- evaluation ----------------------------------------------------------------------------
    def _eval(self, node: Node, check: Callable[[], bool], matched: set[str],
              phrases: list[str]) -> Scores:
        if check():
            raise Cancelled
        if isinstance(node, And):
            parts = [self._eval(c, check, matched, phrases) for c in node.children
                     if not isinstance(c, Not)]
            nots = [self._eval(c.child, check, set(), []) for c in node.children
                    if isinstance(c, Not)]
            base = _intersect(parts) if parts else self._all()
            for excluded in nots:
                base = {p: s for p, s in base.items() if p not in excluded}
            return base
        if isinstance(node, Or):
            # Scores add up, so an article matching more of the alternatives ranks higher.
            out: Scores = {}
            for child in node.children:
                for d, score in self._eval(child, check, matched, phrases).items():
                    out[d] = out.get(d, 0.0) + score
            return out
        if isinstance(node, Not):
            excluded = self._eval(node.child, check, set(), [])
            return {d: 0.0 for d in self.store.order if d not in excluded}
        if isinstance(node, DateRange):
            return self._dates(node)
        if isinstance(node, State):
            ids = self.state(node.value) if self.state else set()
            doc_of = self.store.doc_of
            return {doc_of[i]: 0.0 for i in ids if i in doc_of}
        return self._term(node, check, matched, phrases)

    def _all(self) -> Scores:
        return dict.fromkeys(self.store.order, 0.0)

    def _dates(self, node: DateRange) -> Scores:
        out: Scores = {}
        for day, docs in self.store.dates.items():
            if (node.start is None or day >= node.start) and (node.end is None or day <= node.end):
                out.update(dict.fromkeys(docs, 0.0))
        return out

    def _term(self, term: Term, check: Callable[[], bool], matched: set[str],
              phrases: list[str]) -> Scores:
        if term.field in ("tag", "source", "section"):
            facet = {"tag": self.store.tags, "source": self.store.sources,
                     "section": self.store.sections}[term.field]
            weight = WEIGHTS["tags" if term.field == "tag" else "meta"]
            found = _facet_match(facet, term.text)
            out: Scores = {}
            for key, score in found.items():
                for d in facet.docs[key]:
                    out[d] = max(out.get(d, 0.0), weight * score)
            matched.update(w for key in found for w in tokens(key))
            return out
        if term.phrase:
            phrases.append(term.text)
            return self._phrase(term, check)
        groups = ("title",) if term.field == "title" else tuple(WEIGHTS)
        words = [w for w in tokens(term.text)]
        if not words:
            return {}
        parts = [self._word(w, groups, check, matched) for w in words]
        return _intersect(parts)

    def _word(self, word: str, groups: Iterable[str], check: Callable[[], bool],
              matched: set[str]) -> Scores:
        out: Scores = {}
        indexes = self.store.indexes()
        for group in groups:
            index = indexes[group]
            if group == "body":
                body = self._body_docs(index, word, check, matched) - self.store.holes
                if body:
                    # Built in C, then header scores (kept below) win where they are higher.
                    headers, out = out, dict.fromkeys(body, WEIGHTS["body"])
                    for d, score in headers.items():
                        if score > out.get(d, 0.0):
                            out[d] = score
                continue
            weight = WEIGHTS[group]
            for candidate, quality in self._candidates(index, group, word, check).items():
                matched.add(candidate)
                score = weight * quality
                for d in index.postings[candidate]:
                    if score > out.get(d, 0.0):
                        out[d] = score
        return out

    def _body_docs(self, index: WordIndex, word: str, check: Callable[[], bool],
                   matched: set[str]) -> set[int]:
        """Docs whose body has ``word`` (3 letters or more): exact, prefix, stem or typo.

        Body hits are a set built in C (``set.update``) and scored flat, so a common word
        costs one pass over its postings, not a Python loop per article.
        """
        docs: set[int] = set()
        if len(word) < 3:
            return docs  # bodies index words of 3 letters or more
        for candidate in self._candidates(index, "body", word, check):
            matched.add(candidate)
            docs.update(index.postings[candidate])
        return docs

    def _candidates(self, index: WordIndex, group: str, word: str,
                    check: Callable[[], bool]) -> dict[str, float]:
        key = f"{group}\0{word}"
        cached = self._words.get(key)
        if cached is not None:
            return cached
        found: dict[str, float] = {}
        for candidate in index.with_prefix(word, limit=200 if group == "body" else 5000):
            found[candidate] = EXACT if candidate == word else PREFIX
        if len(word) >= 5:
            # Same stem, other ending: "ukraine" finds "ukrainian", "elections" "electoral".
            for candidate in index.with_prefix(word[: max(4, len(word) - 2)], limit=200):
                found.setdefault(candidate, STEM)
        if len(word) >= 3:
            pool = index.of_length(max(1, len(word) - 2), len(word) + 2)
            for start in range(0, len(pool), CHUNK):
                if check():
                    raise Cancelled
                for candidate, ratio, _ in process.extract(
                        word, pool[start:start + CHUNK], scorer=fuzz.ratio,
                        score_cutoff=FUZZY_CUTOFF, limit=None):
                    if candidate not in found and candidate[0].isalpha() == word[0].isalpha():
                        found[candidate] = _fuzzy_quality(ratio, FUZZY_CUTOFF)
        if len(self._words) > 4096:
            self._words.clear()
        self._words[key] = found
        return found

    def _phrase(self, term: Term, check: Callable[[], bool]) -> Scores:
        needle = " ".join(term.text.casefold().split())
        out: Scores = {}
        for i, (d, article) in enumerate(zip(self.store.order, self.store.articles,
                                             strict=True)):
            if i % CHUNK == 0 and check():
                raise Cancelled
            if term.field in (None, "title") and needle in article.title.casefold():
                out[d] = WEIGHTS["title"]
            elif term.field is None:
                if any(needle in tag.casefold() for tag in article.tags):
                    out[d] = WEIGHTS["tags"]
                elif needle in " ".join((article.source, article.section, article.dateline,
                                         article.caption)).casefold():
                    out[d] = WEIGHTS["meta"]
        if term.field is None:
            for d in self._body_phrase(needle):
                out.setdefault(d, WEIGHTS["body"])
        return out

    def _body_phrase(self, needle: str) -> set[int]:
        """Docs whose body holds every word of the phrase (bodies are not kept in memory)."""
        body = self.store.indexes()["body"]
        docs: set[int] | None = None
        for w in tokens(needle):
            found = set(body.postings.get(w, ()))
            docs = found if docs is None else docs & found
            if not docs:
                return set()
        return (docs or set()) - self.store.holes


def _fuzzy_quality(ratio: float, cutoff: float) -> float:
    """A typo-tolerant match scores 0.55 at the cutoff up to 0.75 at a perfect ratio."""
    return 0.55 + 0.2 * (ratio - cutoff) / (100.0 - cutoff)


def _intersect(parts: list[Scores]) -> Scores:
    if not parts:
        return {}
    parts = sorted(parts, key=len)
    out = dict(parts[0])
    for other in parts[1:]:
        out = {p: s + other[p] for p, s in out.items() if p in other}
    return out


def _facet_match(facet: Facet, text: str) -> dict[str, float]:
    """Facet keys (casefolded values) that ``text`` matches, with a quality 0..1.

    Every word of ``text`` must match a word of the value (exactly, as a prefix, or within a
    typo), so ``tag:"nort korea"`` finds North Korea but never South Korea.
    """
    needle = " ".join(text.casefold().split())
    wanted = tokens(needle)
    found: dict[str, float] = {}
    for key in facet.docs:
        if key == needle:
            found[key] = EXACT
            continue
        have = tokens(key)
        quality = 1.0
        for word in wanted:
            best = max((_word_quality(word, h) for h in have), default=0.0)
            quality = min(quality, best)
            if not quality:
                break
        if wanted and quality:
            found[key] = quality
    return found


def _word_quality(word: str, candidate: str) -> float:
    if candidate == word:
        return EXACT
    if candidate.startswith(word):
        return PREFIX
    if len(word) >= 3 and abs(len(word) - len(candidate)) <= 2:
        ratio = fuzz.ratio(word, candidate)
        if ratio >= FUZZY_CUTOFF:
            return _fuzzy_quality(ratio, FUZZY_CUTOFF)
    return 0.0


def spans(text: str, words: frozenset[str], phrases: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """Character spans of ``text`` to highlight: matched words and phrases (case-insensitive)."""
    out: list[tuple[int, int]] = []
    if words:
        folded = text.casefold()
        if len(folded) == len(text):
            for m in WORD.finditer(folded):
                token = m.group(0)
                if token in words or any(part in words for part in _parts(token)):
                    out.append((m.start(), m.end()))
    if phrases:
        low = text.casefold()
        for phrase in phrases:
            needle = " ".join(phrase.casefold().split())
            start = low.find(needle)
            while needle and start >= 0:
                out.append((start, start + len(needle)))
                start = low.find(needle, start + len(needle))
    return sorted(out)


def _parts(token: str) -> list[str]:
    return [p for p in re.split(r"['’.-]", token) if p]
