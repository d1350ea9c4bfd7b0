"""The search engine: evaluate a parsed query against a store's indexes and rank the result.

Ranking rules, in this order (as Meilisearch states its own): (1) more query terms matched;
(2) fewer typos; (3) proximity: the words side by side in the order typed in the title or
a tag, then all of them in one field (see :meth:`Engine._near`); (4) the field: tags and
title, then source/section/dateline/caption, then the body; (5) an exact word over a
prefix; ties newest first. Each matched term scores ``TERM + TYPO x (2 - typos) + FIELD x
field + exact`` (:func:`term_score`), the terms of an article add up, and proximity adds
one or two ``NEAR``; the weights are spaced so that a rule only decides between articles
the rules before it leave equal: an exact match anywhere beats a typo anywhere. Typos are
counted as an optimal-string-alignment distance, so two swapped letters are one typo:
words of 4-7 letters allow one, of 8 or more two, shorter words none. A word with another
ending (``ukraine`` -> ``ukrainian``) counts as one typo. Long steps check ``cancelled``
so a worker can drop a stale query between keystrokes.
"""

from __future__ import annotations

import functools
import operator
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import cast

from newstui.model.corpus.article import Article
from newstui.model.corpus.files import Unusable, read_ahead
from newstui.model.index import bitset
from newstui.model.index.store import Facet, Store
from newstui.model.index.tiers import Rows, Tiers
from newstui.model.index.words import WORD, WordIndex, tokens, word_parts
from newstui.model.search.fuzzy import rapidfuzz
from newstui.model.search.phrases import file_holds, phrase_key, phrase_pattern
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

FIELD_RANK = {"title": 3, "tags": 3, "meta": 2, "body": 1}  # the field groups, in rank order
# Match grades (0: no match): (grade - 1) // 2 is 2 - typos, (grade - 1) % 2 is exactness.
EXACT, PREFIX, STEM, ONE_TYPO, TWO_TYPOS = 6, 5, 3, 3, 1
CHUNK = 20_000


def term_score(grade: int, group: str) -> float:
    """What one matched term adds to an article's score (see the module's ranking rules)."""
    return float(TERM + ((grade - 1) // 2) * TYPO + FIELD_RANK[group] * FIELD + (grade - 1) % 2)


# The weight of each rule: one step of a rule outweighs every later rule's steps together
# (for up to 30 terms): proximity (up to two steps) sits between typos and fields.
TERM, TYPO, NEAR, FIELD = 1_000_000, 10_000, 1_000, 10
# The newest candidates whose titles are checked for the words together: ~100 screens.
# Reading a title costs ~0.7 µs at a million articles, scattered in memory: 20,000 made the
# first two-word keystroke ~45 ms there.
NEAR_CHECKED = 10_000
FOLDED_KEPT = 100_000  # casefolded titles an engine keeps for that (~10 MB)
TAGS_WARMED = 32  # at most this many (of a hundredth of the articles or more): <= 4 MB at 1M


def allowed_typos(word: str) -> int:
    """Typos tolerated in ``word``: none under 4 letters, one up to 7, two from 8."""
    n = len(word)
    return 0 if n < 4 else 1 if n < 8 else 2


def typo_grade(typos: int) -> int:
    """The grade of a match with ``typos`` typos (1 or 2)."""
    return ONE_TYPO if typos <= 1 else TWO_TYPOS


def typo_matches(word: str, pool: Sequence[str]) -> list[tuple[str, int]]:
    """Words of ``pool`` within ``word``'s allowed typos (a swap of two neighbouring
    letters is one), with their typo count, starting with a letter if ``word`` does."""
    typos = allowed_typos(word)
    if not typos or not pool:
        return []
    from rapidfuzz.distance import OSA

    _, process = rapidfuzz()
    alpha = word[0].isalpha()
    return [(candidate, int(distance)) for candidate, distance, _ in process.extract(
        word, pool, scorer=OSA.distance, score_cutoff=typos, limit=None)
        if distance > 0 and candidate[0].isalpha() == alpha]
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
    # What the user should know about how the query was read ("tag:austrlia → Australia").
    notes: tuple[str, ...] = ()

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
        self._words: dict[str, dict[str, int]] = {}
        self._terms: dict[tuple[str, tuple[str, ...]],
                          tuple[Tiers, frozenset[str], dict[str, int]]] = {}
        self._phrase_cache: dict[str, int] = {}
        self._folded: dict[int, str] = {}  # casefolded titles proximity read: see below
        self._tags: dict[str, int] = {}  # the articles of each tag proximity looked at

    def warm(self) -> None:
        """Do the one-off work of a first query now (in a worker, before the user types):
        build the header indexes, their sorted vocabularies and the facets, import
        rapidfuzz and numpy."""
        rapidfuzz()  # ~20 ms the first keystroke would pay
        bitset.first_members(1, 1)  # imports numpy: ~60 ms
        self.store.by_id  # noqa: B018 (the id map the screen looks articles up in)
        for facet in self.store.facets():
            facet.words_with_prefix("\uffff")  # builds the facet's word index (~1 s at 1M)
        for index in self.store.indexes().values():
            index.of_length(1, 1)
            index.with_prefix("", limit=1)

    def warm_tags(self) -> None:
        """Make the bit sets of the largest tags, which proximity ORs in: ~5 ms each at a
        million articles, on the first two-word keystroke otherwise (so the loader calls
        this once the store is out, not before)."""
        large = max(1, len(self.store) // 100)
        for key, docs in sorted(self.store.tags.doc_ids.items(), key=lambda kv: -len(kv[1])
                                )[:TAGS_WARMED]:
            if len(docs) >= large:
                self._tag_bits(key)

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
        notes: list[str] = list(query.hints)
        tiers = self._eval(query.node, check, matched, phrases, notes)
        ranked = Tiers([(0.0, tiers.bits())]) if sort == "date" else tiers
        docs = Rows(ranked)
        return Result(query, docs, tiers, frozenset(matched), tuple(phrases),
                      tuple(dict.fromkeys(notes)))

    # -- evaluation ----------------------------------------------------------------------------
    def _eval(self, node: Node, check: Callable[[], bool], matched: set[str],
              phrases: list[str], notes: list[str]) -> Tiers:
        if check():
            raise Cancelled
        if isinstance(node, And):
            result: Tiers | None = None
            excluded = 0
            for child in node.children:
                if isinstance(child, Not):
                    excluded |= self._eval(child.child, check, set(), [], notes).bits()
                    continue
                part = self._eval(child, check, matched, phrases, notes)
                result = part if result is None else result & part
            if result is None:
                result = Tiers([(0.0, self.everything)])
            elif len(plain := [c for c in node.children if isinstance(c, Term)
                               and not c.phrase and c.field in (None, "title")]) > 1:
                result = self._near(plain, result, check)
            return result.without(excluded) if excluded else result
        if isinstance(node, Or):
            out = Tiers()
            for child in node.children:
                out = out | self._eval(child, check, matched, phrases, notes)
            return out
        if isinstance(node, Not):
            excluded = self._eval(node.child, check, set(), [], notes).bits()
            return Tiers([(0.0, self.everything & ~excluded)])
        if isinstance(node, DateRange):
            return self._dates(node)
        if isinstance(node, StateFilter):
            return self._state(node.value)
        return self._term(node, check, matched, phrases, notes)

    def _near(self, terms: list[Term], result: Tiers, check: Callable[[], bool]) -> Tiers:
        """Rule (3), proximity: of the articles ``result`` holds, those with the words of
        ``terms`` together, in the order typed (the last as a prefix), in the title or a
        tag go up two steps; those with every word in one field (title, tags, the other
        headers, or the body: Meilisearch's proximity "by attribute") one step. Only the
        newest :data:`NEAR_CHECKED` candidates' titles are read: far more than a screen.
        """
        words = [w for t in terms for w in tokens(t.text)]
        parts = tuple(p for w in words for p in word_parts(w))
        if not 1 < len(words) <= 10 or len(parts) < 2:
            return result
        groups = ("title",) if any(t.field == "title" for t in terms) else tuple(FIELD_RANK)
        by_group = [self._word(w, groups, check)[2] for w in words]
        everywhere = result.bits()
        same = 0
        for group in groups:
            docs = everywhere
            for found in by_group:
                docs &= found.get(group, 0)
            same |= docs
        if not same:
            return result
        titled = same
        for found in by_group:
            titled &= found.get("title", 0)
        together = self._together(parts, titled, same, groups, check)
        return result.raised([(2 * NEAR, together), (NEAR, same & ~together)])

    def _titles_holding(self, docs: int, pattern: re.Pattern[str],
                        check: Callable[[], bool]) -> int:
        """Those of the newest :data:`NEAR_CHECKED` articles of ``docs`` whose title
        ``pattern`` finds: one regex scan over their titles joined, not a call each."""
        import numpy as np

        chosen = bitset.first_members(docs, NEAR_CHECKED)
        hits: list[int] = []
        for start in range(0, len(chosen), 4096):
            if check():
                raise Cancelled
            part = chosen[start:start + 4096]
            folded = self._folded_titles(part)
            text = "\n".join(folded)
            found = list(_near_at(pattern, text))
            if not found:
                continue
            # Which title each match is in, by numpy: the title ends summed in Python and
            # a bisect per match were ~20% of a two-word keystroke's search at 1M
            # (profiled). Not np.unique: its first call in a process costs ~17 ms.
            ends = np.cumsum(np.fromiter(map(len, folded), np.int64, len(folded)) + 1)
            lines = np.searchsorted(ends, found, side="right").tolist()
            hits += map(part.__getitem__, dict.fromkeys(lines))  # ascending: first of each
        return bitset.from_docs((hits,), len(self.store))

    def _folded_titles(self, docs: list[int]) -> list[str]:
        """The casefolded titles of ``docs``, kept for the next keystroke's proximity
        check (mostly the same articles): at a million articles reading 10,000 titles
        from the store and folding them cost ~7 ms, taking them from here ~1 ms."""
        kept = self._folded
        folded: list[str | None] = list(map(kept.get, docs))
        if None in folded:
            if len(kept) > FOLDED_KEPT:
                kept.clear()
            articles = self.store.articles
            missing = [i for i, text in enumerate(folded) if text is None]
            titles = [articles[docs[i]].title for i in missing]
            made = [t.lower() if t.isascii() else t.casefold() for t in titles]
            for i, text in zip(missing, made, strict=True):
                folded[i] = text
            kept.update(zip([docs[i] for i in missing], made, strict=True))
        return cast(list[str], folded)  # every None was filled

    def _state(self, value: str) -> Tiers:
        """Docs that are read, unread or starred, by their content digest."""
        keys = self.state("starred" if value == "starred" else "read") if self.state else set()
        want = value != "unread"
        chosen = [d for d, a in enumerate(self.store.articles) if (a.digest in keys) == want]
        return Tiers([(0.0, bitset.from_docs((chosen,), len(self.store)))])

    def _dates(self, node: DateRange) -> Tiers:
        return Tiers([(0.0, self.store.between(node.start, node.end))])

    def _term(self, term: Term, check: Callable[[], bool], matched: set[str],
              phrases: list[str], notes: list[str]) -> Tiers:
        if term.field in ("tag", "source", "section"):
            facet = {"tag": self.store.tags, "source": self.store.sources,
                     "section": self.store.sections}[term.field]
            group = "tags" if term.field == "tag" else "meta"
            found = _facet_match(facet, term.text)
            if found and max(found.values()) < PREFIX:  # only within a typo: say which
                names = sorted((facet.spelling(k) for k in found), key=str.casefold)
                more = f" (+{len(names) - 3})" if len(names) > 3 else ""
                notes.append(f"{term.field}:{term.text} → {', '.join(names[:3])}{more}")
            by_quality: dict[int, list[array]] = {}
            for key, quality in found.items():
                matched.update(tokens(key))
                by_quality.setdefault(quality, []).append(facet.doc_ids[key])
            n = len(self.store)
            return Tiers.best_of((term_score(q, group), bitset.from_docs(lists, n))
                                 for q, lists in by_quality.items())
        if term.phrase:
            phrases.append(term.text)
            return self._phrase(term, check)
        groups = ("title",) if term.field == "title" else tuple(FIELD_RANK)
        words = tokens(term.text)
        if not words:
            return Tiers()
        result: Tiers | None = None
        for word in words:
            part = self._compound(word, groups, check, matched)
            result = part if result is None else result & part
        return result or Tiers()

    def _compound(self, word: str, groups: tuple[str, ...], check: Callable[[], bool],
                  matched: set[str]) -> Tiers:
        """Docs holding ``word``; for a compound (``gordon-brown``, ``covid-19``) also those
        holding its parts: side by side in a title or tag as if the compound were there
        (a user types "north-korea" for "North Korea"), apart two proximity steps lower.
        A split counts as one term: its parts' typos add up, as their fields do."""
        whole, spelled, _ = self._word(word, groups, check)
        matched.update(spelled)
        parts = word_parts(word)
        if len(parts) < 2:
            return whole
        split: Tiers | None = None
        titled = -1  # the articles with every part in the title (all bits set: so far)
        for piece in parts:
            found, spelled, in_group = self._word(piece, groups, check)
            matched.update(spelled)
            split = found if split is None else split & found
            titled &= in_group.get("title", 0)
        if split is None or not split.tiers:
            return whole
        extra = (len(parts) - 1) * (TERM + 2 * TYPO)
        apart = Tiers((score - extra - 2 * NEAR, docs) for score, docs in split.tiers)
        together = self._together(tuple(parts), titled, apart.bits(), groups, check)
        joined = apart.raised([(2 * NEAR, together)])
        return Tiers.best_of(whole.tiers + joined.tiers)

    def _together(self, parts: tuple[str, ...], titled: int, within: int,
                  groups: tuple[str, ...], check: Callable[[], bool]) -> int:
        """Those of ``within`` with the words ``parts`` side by side, in this order (the
        last may be a prefix), in the title or (when ``groups`` has tags) a tag. Only the
        titles of ``titled`` (the articles whose title holds every word) are read."""
        together = self._titles_holding(titled & within, _near_pattern(parts), check)
        if "tags" in groups:
            together |= self._tags_holding(parts)
        return together & within

    def _tags_holding(self, parts: tuple[str, ...]) -> int:
        """The articles with a tag holding the words ``parts`` side by side, in order."""
        pattern = _near_pattern(parts)
        out = 0
        for key in self.store.tags.keys_with(parts[0]):
            if next(_near_at(pattern, key), None) is not None:
                out |= self._tag_bits(key)
        return out

    def _tag_bits(self, key: str) -> int:
        """The articles with the tag ``key``, kept: the next keystroke asks again (a tag
        of 100k articles at a million is ~5 ms to make, ~10 µs to OR)."""
        found = self._tags.get(key)
        if found is None:
            if len(self._tags) > 64:
                self._tags.clear()
            found = self._tags[key] = bitset.from_docs((self.store.tags.doc_ids[key],),
                                                       len(self.store))
        return found

    def _word(self, word: str, groups: tuple[str, ...], check: Callable[[], bool]
              ) -> tuple[Tiers, frozenset[str], dict[str, int]]:
        """Docs holding ``word`` in ``groups``, each at its best (group weight x quality),
        the spellings found, and the docs holding it in each group.

        Cached: typing "north k" reuses "north".
        """
        key = (word, groups)
        cached = self._terms.get(key)
        if cached is not None:
            return cached
        indexes = self.store.indexes()
        scored: list[tuple[float, int]] = []
        found: set[str] = set()
        in_group: dict[str, int] = {}
        for group in groups:
            index = indexes[group]
            candidates = self._candidates(index, group, word, check)
            found.update(candidates)
            by_quality: dict[int, list[str]] = {}
            for candidate, quality in candidates.items():
                by_quality.setdefault(quality, []).append(candidate)
            part = [(term_score(q, group), index.bits(words))
                    for q, words in by_quality.items()]
            scored += part
            in_group[group] = functools.reduce(operator.or_, (d for _, d in part), 0)
        tiers = Tiers.best_of(scored)
        if len(self._terms) > 256:
            self._terms.clear()
        self._terms[key] = (tiers, frozenset(found), in_group)
        return self._terms[key]

    def _candidates(self, index: WordIndex, group: str, word: str,
                    check: Callable[[], bool]) -> dict[str, int]:
        key = f"{group}\0{word}"
        cached = self._words.get(key)
        if cached is not None:
            return cached
        found: dict[str, int] = {}
        if word in index:
            found[word] = EXACT
        if group == "body" and len(word) < 3:
            # A word of 1-2 letters is a whole word in bodies (every word is indexed): as a
            # prefix it would gather hundreds of body words for each keystroke.
            self._words[key] = found
            return found
        for candidate in index.with_prefix(word, limit=200 if group == "body" else 5000):
            found.setdefault(candidate, PREFIX)
        if len(word) >= 5:
            # Same stem, other ending: "ukraine" finds "ukrainian", "elections" "electoral".
            for candidate in index.with_prefix(word[: max(4, len(word) - 2)], limit=200):
                found.setdefault(candidate, STEM)
        typos = allowed_typos(word)
        if typos:
            pool = index.of_length(len(word) - typos, len(word) + typos)
            for start in range(0, len(pool), CHUNK):
                if check():
                    raise Cancelled
                for candidate, distance in typo_matches(word, pool[start:start + CHUNK]):
                    found.setdefault(candidate, typo_grade(distance))
        if len(self._words) > 4096:
            self._words.clear()
        self._words[key] = found
        return found

    def _phrase(self, term: Term, check: Callable[[], bool]) -> Tiers:
        """Articles holding the phrase's words in this order, exactly (case and punctuation
        aside): in a header field, or anywhere in the file. Candidates come from the word
        indexes (every word of the phrase); only they are checked."""
        needle = phrase_key(term.text)
        if not needle.strip():
            return Tiers()
        articles = self.store.articles
        fields: list[tuple[str, Callable[[Article], Iterable[str]]]] = [
            ("title", lambda a: (a.title,))]
        if term.field is None:
            fields += [("tags", lambda a: a.tags),
                       ("meta", lambda a: (" | ".join((a.source, a.section, a.dateline,
                                                       a.caption)),))]
        n = len(self.store)
        scored: list[tuple[float, int]] = []
        headers: list[int] = []
        for group, texts in fields:
            found: list[int] = []
            for i, d in enumerate(bitset.members(self._holding(group, needle))):
                if i % 1024 == 0 and check():
                    raise Cancelled
                if any(needle in phrase_key(text) for text in texts(articles[d])):
                    found.append(d)
            headers += found
            scored.append((term_score(EXACT, group), bitset.from_docs((found,), n)))
        if term.field is None:
            known = bitset.from_docs((headers,), n)
            scored.append((term_score(EXACT, "body"), self._body_phrase(needle, known, check)))
        return Tiers.best_of(scored)

    def _holding(self, group: str, needle: str) -> int:
        """The articles whose ``group`` index holds every word of ``needle``."""
        index = self.store.indexes()[group]
        docs: int | None = None
        for word in needle.split():
            found = index.bits((word,))
            docs = found if docs is None else docs & found
            if not docs:
                return 0
        return docs or 0

    def _body_phrase(self, needle: str, known: int, check: Callable[[], bool]) -> int:
        """Articles whose file holds the phrase: those holding each of its words (the body
        index), each checked by reading its file (bodies are not kept in memory)."""
        cached = self._phrase_cache.get(needle)
        if cached is not None:
            return cached
        candidates = self._holding("body", needle) & ~known
        if not candidates:
            return 0
        found_docs: list[int] = []
        articles = self.store.articles
        docs = bitset.members(candidates)
        # Read ahead: the files of old articles are rarely in the page cache.
        with closing(read_ahead([articles[d].path for d in docs])) as reads:
            for i, (d, (_, read)) in enumerate(zip(docs, reads, strict=True)):
                if i % 64 == 0 and check():
                    raise Cancelled
                if not isinstance(read, Unusable) and file_holds(read[0], needle):
                    found_docs.append(d)
        result = bitset.from_docs((found_docs,), len(self.store))
        if len(self._phrase_cache) > 64:
            self._phrase_cache.clear()
        self._phrase_cache[needle] = result
        return result


def _facet_match(facet: Facet, text: str) -> dict[str, int]:
    """Facet keys (casefolded values) that ``text`` means, with a match grade.

    What the user typed first: a value equal to it (case-, space-, ``-``/``_``-insensitive:
    ``east-germany`` is "East Germany"), and values holding all its words as whole words
    (``korea``: North Korea and South Korea; ``salvador``: el-salvador). Only when there
    are none: values whose words start with its words (typing), and only when there are
    none of those either, values within a typo of each word. Candidates come from the
    facet's own word index, not a scan of every value (20k tags cost ~1 ms).
    """
    wanted = tokens(" ".join(word_parts(text.casefold())))
    if not wanted:
        return {}
    for level in (EXACT, PREFIX, ONE_TYPO):
        found = _facet_level(facet, wanted, level)
        if found:
            return found
    return {}


def _facet_level(facet: Facet, wanted: list[str], level: int) -> dict[str, int]:
    """Keys all of whose ``wanted`` words match at ``level``: whole words (EXACT; a value
    equal to the words, when there is one, alone: ``tag:"United States"`` is not "United
    States of America"), word prefixes (PREFIX) or within a typo (ONE_TYPO, graded by the
    worst word)."""
    result: dict[str, int] | None = None
    for word in wanted:
        best: dict[str, int] = {}
        for candidate, grade in _facet_words(facet, word, level).items():
            for key in facet.keys_with(candidate):
                best[key] = max(grade, best.get(key, 0))
        result = best if result is None else {k: min(g, best[k]) for k, g in result.items()
                                              if k in best}
        if not result:
            return {}
    if level == EXACT and result:
        equal = {k: g for k, g in result.items() if word_parts(k) == wanted}
        if equal:
            return equal
    return result or {}


def _facet_words(facet: Facet, word: str, level: int) -> dict[str, int]:
    """Words of the facet's values that ``word`` matches at ``level``."""
    if level == EXACT:
        return {word: EXACT} if facet.keys_with(word) else {}
    if level == PREFIX:
        return {w: PREFIX for w in facet.words_with_prefix(word)}
    typos = allowed_typos(word)
    pool = facet.words_of_length(len(word) - typos, len(word) + typos) if typos else []
    return {w: typo_grade(d) for w, d in typo_matches(word, pool)}


def word_quality(word: str, candidate: str) -> int:
    """The grade of the query ``word`` matching the value word ``candidate`` (0: none):
    exactly, as a prefix, or within the typos its length allows."""
    if candidate == word:
        return EXACT
    if candidate.startswith(word):
        return PREFIX
    typos = allowed_typos(word)
    if typos and abs(len(word) - len(candidate)) <= typos:
        from rapidfuzz.distance import OSA

        distance = OSA.distance(word, candidate, score_cutoff=typos)
        if distance <= typos:
            return typo_grade(distance)
    return 0


def spans(text: str, words: frozenset[str], phrases: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """Character spans of ``text`` to highlight: matched words and phrases (case- and, for
    phrases, punctuation-insensitive). Offsets are the original text's even where case
    folding changes a string's length ("Große" folds to "grosse")."""
    if not words and not phrases:
        return []
    folded, origin = _fold(text)
    at = origin.__getitem__ if origin is not None else int
    out: list[tuple[int, int]] = []
    if words:
        for m in WORD.finditer(folded):
            token = m.group(0)
            if token in words or (not token.isalnum()
                                  and any(part in words for part in word_parts(token))):
                out.append((at(m.start()), at(m.end())))
    for phrase in phrases:
        pattern = phrase_pattern(phrase)
        if pattern is not None:
            out += [(at(m.start()), at(m.end())) for m in pattern.finditer(folded)]
    return sorted(out)


def _fold(text: str) -> tuple[str, list[int] | None]:
    """``text`` casefolded, and where each folded character came from (None when folding
    kept every length, the common case)."""
    folded = text.casefold()
    if len(folded) == len(text):
        return folded, None
    pieces: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = ch.casefold()
        pieces.append(f)
        origin.extend([i] * len(f))
    origin.append(len(text))
    return "".join(pieces), origin


def _near_at(pattern: re.Pattern[str], text: str) -> Iterator[int]:
    """Where :func:`_near_pattern`'s ``pattern`` finds its words in ``text``, starting a
    word. (Tested here: a look-behind in the pattern would stop the regex engine scanning
    for its first word, ~3x slower.)"""
    for m in pattern.finditer(text):
        at = m.start()
        if not at or not text[at - 1].isalnum():
            yield at


@functools.lru_cache(maxsize=64)
def _near_pattern(parts: tuple[str, ...]) -> re.Pattern[str]:
    """Casefolded word ``parts`` one after another (any punctuation or space between, but
    not a line break: titles are searched joined by them), whole words but the last,
    which may go on (it is still being typed). Where the first word starts is for the
    caller to check."""
    return re.compile(r"(?:[^\w\n]|_)+".join(map(re.escape, parts)))
