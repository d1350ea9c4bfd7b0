"""The search engine: evaluate a parsed query against a store's indexes and rank the result.

Scores: a match in a tag or the title counts 3, source/section/dateline/caption 1.5, the body
1; an exact word 1.0, a prefix 0.85, a typo-tolerant match 0.55-0.75, the same stem 0.6.
Terms add up (in AND and in OR), so more matched terms rank higher; ties go newest first.
Long steps check ``cancelled`` so a worker can drop a stale query between keystrokes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newstui.model.index import bitset
from newstui.model.index.store import Facet, Store
from newstui.model.index.tiers import Rows, Tiers
from newstui.model.index.words import WORD, WordIndex, tokens, word_parts
from newstui.model.search.fuzzy import rapidfuzz
from newstui.model.search.query import (
    And,
    DateRange,
    Node,
    Not,
    Or,
    Query,
    StateFilter,
    Term,
    parse,
)

WEIGHTS = {"title": 3.0, "tags": 3.0, "meta": 1.5, "body": 1.0}
EXACT, PREFIX, STEM = 1.0, 0.85, 0.6
FUZZY_CUTOFF = 80.0
CHUNK = 20_000
StateLookup = Callable[[str], frozenset[str]]  # "read" / "starred" -> content digests


class Cancelled(Exception):
    """Raised inside the engine when the caller's ``cancelled`` callback returns True."""


@dataclass
class Result:
    """The matching articles (their numbers in the store), best first, and what to highlight."""

    query: Query
    doc_ids: Sequence[int]
    tiers: Tiers = field(default_factory=Tiers)
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
        self.everything = bitset.full(len(store))
        self._words: dict[str, dict[str, float]] = {}
        self._terms: dict[tuple[str, tuple[str, ...]], tuple[Tiers, frozenset[str]]] = {}

    def warm(self) -> None:
        """Do the one-off work of a first query now (in a worker, before the user types):
        build the header indexes, their sorted vocabularies and the facets, import
        rapidfuzz."""
        rapidfuzz()  # ~20 ms the first keystroke would pay
        self.store.facets()
        for index in self.store.indexes().values():
            index.of_length(1, 1)
            index.with_prefix("", limit=1)

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
            return Result(query, self.store.order)
        check = cancelled or (lambda: False)
        matched: set[str] = set()
        phrases: list[str] = []
        tiers = self._eval(query.node, check, matched, phrases)
        ranked = Tiers([(0.0, tiers.bits())]) if sort == "date" else tiers
        docs = Rows(ranked)
        return Result(query, docs, tiers, frozenset(matched), tuple(phrases))

    # -- evaluation ----------------------------------------------------------------------------
    def _eval(self, node: Node, check: Callable[[], bool], matched: set[str],
              phrases: list[str]) -> Tiers:
        if check():
            raise Cancelled
        if isinstance(node, And):
            result: Tiers | None = None
            excluded = 0
            for child in node.children:
                if isinstance(child, Not):
                    excluded |= self._eval(child.child, check, set(), []).bits()
                    continue
                part = self._eval(child, check, matched, phrases)
                result = part if result is None else result & part
            if result is None:
                result = Tiers([(0.0, self.everything)])
            return result.without(excluded) if excluded else result
        if isinstance(node, Or):
            out = Tiers()
            for child in node.children:
                out = out | self._eval(child, check, matched, phrases)
            return out
        if isinstance(node, Not):
            excluded = self._eval(node.child, check, set(), []).bits()
            return Tiers([(0.0, self.everything & ~excluded)])
        if isinstance(node, DateRange):
            return self._dates(node)
        if isinstance(node, StateFilter):
            return self._state(node.value)
        return self._term(node, check, matched, phrases)

    def _state(self, value: str) -> Tiers:
        """Docs that are read, unread or starred, by their content digest."""
        keys = self.state("starred" if value == "starred" else "read") if self.state else set()
        want = value != "unread"
        chosen = [d for d, a in enumerate(self.store.articles) if (a.digest in keys) == want]
        return Tiers([(0.0, bitset.from_docs((chosen,), len(self.store)))])

    def _dates(self, node: DateRange) -> Tiers:
        return Tiers([(0.0, self.store.between(node.start, node.end))])

    def _term(self, term: Term, check: Callable[[], bool], matched: set[str],
              phrases: list[str]) -> Tiers:
        if term.field in ("tag", "source", "section"):
            facet = {"tag": self.store.tags, "source": self.store.sources,
                     "section": self.store.sections}[term.field]
            weight = WEIGHTS["tags" if term.field == "tag" else "meta"]
            found = _facet_match(facet, term.text)
            by_quality: dict[float, list[list[int]]] = {}
            for key, quality in found.items():
                matched.update(tokens(key))
                by_quality.setdefault(quality, []).append(facet.doc_ids[key])
            n = len(self.store)
            return Tiers.best_of((weight * q, bitset.from_docs(lists, n))
                                 for q, lists in by_quality.items())
        if term.phrase:
            phrases.append(term.text)
            return self._phrase(term, check)
        groups = ("title",) if term.field == "title" else tuple(WEIGHTS)
        words = tokens(term.text)
        if not words:
            return Tiers()
        result: Tiers | None = None
        for word in words:
            part, spelled = self._word(word, groups, check)
            matched.update(spelled)
            result = part if result is None else result & part
        return result or Tiers()

    def _word(self, word: str, groups: tuple[str, ...],
              check: Callable[[], bool]) -> tuple[Tiers, frozenset[str]]:
        """Docs holding ``word`` in ``groups``, each at its best (group weight x quality).

        Cached: typing "north k" reuses "north".
        """
        key = (word, groups)
        cached = self._terms.get(key)
        if cached is not None:
            return cached
        indexes = self.store.indexes()
        scored: list[tuple[float, int]] = []
        found: set[str] = set()
        for group in groups:
            if group == "body" and len(word) < 3:
                continue  # bodies index words of 3 letters or more
            index = indexes[group]
            candidates = self._candidates(index, group, word, check)
            found.update(candidates)
            by_quality: dict[float, list[str]] = {}
            for candidate, quality in candidates.items():
                by_quality.setdefault(round(quality, 2), []).append(candidate)
            scored += [(WEIGHTS[group] * q, index.bits(words)) for q, words in by_quality.items()]
        tiers = Tiers.best_of(scored)
        if len(self._terms) > 256:
            self._terms.clear()
        self._terms[key] = (tiers, frozenset(found))
        return self._terms[key]

    def _candidates(self, index: WordIndex, group: str, word: str,
                    check: Callable[[], bool]) -> dict[str, float]:
        key = f"{group}\0{word}"
        cached = self._words.get(key)
        if cached is not None:
            return cached
        fuzz, process = rapidfuzz()  # imported on the first query, not at launch

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

    def _phrase(self, term: Term, check: Callable[[], bool]) -> Tiers:
        needle = " ".join(term.text.casefold().split())
        title: list[int] = []
        tags: list[int] = []
        meta: list[int] = []
        for d, article in enumerate(self.store.articles):
            if d % CHUNK == 0 and check():
                raise Cancelled
            if term.field in (None, "title") and needle in article.title.casefold():
                title.append(d)
            elif term.field is None:
                if any(needle in tag.casefold() for tag in article.tags):
                    tags.append(d)
                elif needle in " ".join((article.source, article.section, article.dateline,
                                         article.caption)).casefold():
                    meta.append(d)
        n = len(self.store)
        scored = [(WEIGHTS[group], bitset.from_docs((docs,), n))
                  for group, docs in (("title", title), ("tags", tags), ("meta", meta))]
        if term.field is None:
            scored.append((WEIGHTS["body"], self._body_phrase(needle)))
        return Tiers.best_of(scored)

    def _body_phrase(self, needle: str) -> int:
        """Docs whose body holds every word of the phrase (bodies are not kept in memory)."""
        body = self.store.indexes()["body"]
        docs: int | None = None
        for w in tokens(needle):
            found = body.bits((w,))
            docs = found if docs is None else docs & found
            if not docs:
                return 0
        return docs or 0


def _fuzzy_quality(ratio: float, cutoff: float) -> float:
    """A typo-tolerant match scores 0.55 at the cutoff up to 0.75 at a perfect ratio."""
    return 0.55 + 0.2 * (ratio - cutoff) / (100.0 - cutoff)


def _facet_match(facet: Facet, text: str) -> dict[str, float]:
    """Facet keys (casefolded values) that ``text`` matches, with a quality 0..1.

    Every word of ``text`` must match a word of the value (exactly, as a prefix, or within a
    typo), so ``tag:"nort korea"`` finds North Korea but never South Korea. Candidates come
    from the facet's own word index, not a scan of every value: 20k tags cost ~1 ms, not 30.
    """
    needle = " ".join(text.casefold().split())
    found: dict[str, float] = {needle: EXACT} if needle in facet.doc_ids else {}
    result: dict[str, float] | None = None
    for word in tokens(needle):
        best: dict[str, float] = {}
        for candidate, quality in _facet_words(facet, word).items():
            for key in facet.keys_with(candidate):
                if quality > best.get(key, 0.0):
                    best[key] = quality
        result = best if result is None else {k: min(q, best[k]) for k, q in result.items()
                                              if k in best}
        if not result:
            break
    for key, quality in (result or {}).items():
        found.setdefault(key, quality)
    return found


def _facet_words(facet: Facet, word: str) -> dict[str, float]:
    """Words of the facet's values that ``word`` matches: exact, prefix, or within a typo."""
    found = {w: word_quality(word, w) for w in facet.words_with_prefix(word)}
    if len(word) >= 3:  # typos: what word_quality would find, in one rapidfuzz call
        fuzz, process = rapidfuzz()
        pool = facet.words_of_length(len(word) - 2, len(word) + 2)
        for candidate, ratio, _ in process.extract(word, pool, scorer=fuzz.ratio,
                                                   score_cutoff=FUZZY_CUTOFF, limit=None):
            found.setdefault(candidate, _fuzzy_quality(ratio, FUZZY_CUTOFF))
    return found


def word_quality(word: str, candidate: str) -> float:
    """How well the query ``word`` matches the value word ``candidate`` (0: not at all):
    exactly, as a prefix, or, for words of 3 letters or more, within a typo."""
    if candidate == word:
        return EXACT
    if candidate.startswith(word):
        return PREFIX
    if len(word) >= 3 and abs(len(word) - len(candidate)) <= 2:
        fuzz, _ = rapidfuzz()
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
                if token in words or any(part in words for part in word_parts(token)):
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

