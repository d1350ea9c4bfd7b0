"""The in-memory store: articles with indexes for tags, sources, sections, dates and words.

Articles are numbered newest first: article 0 is the newest, and every set of articles the
search engine makes (a bit set, see :mod:`newstui.model.index.bitset`) lists in date order by
itself. The body word index is built after the store, in the store's numbering.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from itertools import chain, islice, repeat
from operator import attrgetter, le, lt
from typing import TypeVar

from newstui.model.corpus.article import Article
from newstui.model.index import bitset
from newstui.model.index.chunk_postings import HEADER_BATCH, chunk_postings
from newstui.model.index.moved import moved
from newstui.model.index.renumber import NUMPY_FROM, Renumbering
from newstui.model.index.words import WordIndex, index_words, word_parts
from newstui.model.memory import no_gc


def order_key(a: Article) -> str:
    """What the store sorts articles by: newest first, undated last, then title and id (so
    the order is deterministic).

    One string per article sorts ~2x faster than tuples: the day as 7 digits counting down
    ("~" after every digit: undated last), the title, NUL (before any character: a title
    sorts before longer ones it starts), the id.
    """
    return _day_key(a.date) + a.title.casefold() + "\0" + a.id


def _day_key(date: dt.date | None) -> str:
    return f"{9_999_999 - date.toordinal()}" if date else "~"


def _day(date: dt.date | None) -> int:
    return -date.toordinal() if date else 1


def _newest_first(articles: Iterable[Article | None]) -> tuple[list[Article], list[int]]:
    """The articles in :func:`order_key` order, and each one's day as -ordinal (1 if
    undated), ascending."""
    found = [a for a in articles if a is not None]
    keys = _order_keys(found)
    ordered = [found[i] for i in sorted(range(len(found)), key=keys.__getitem__)]
    return ordered, _days_of(ordered)


def _order_keys(articles: list[Article]) -> list[str]:
    """Each article's :func:`order_key`, made a field at a time (C-level passes, ~15%
    faster than a call an article): each day's part of the key once, then one join an
    article."""
    dates = list(map(_DATE, articles))
    day_key = {d: _day_key(d) for d in set(dates)}
    return list(map("".join, zip(map(day_key.__getitem__, dates),
                                 map(str.casefold, map(_TITLE, articles)), repeat("\0"),
                                 map(_ID, articles), strict=False)))  # (repeat: endless)


def _days_of(articles: list[Article]) -> list[int]:
    """Each article's day, as -ordinal (1 if undated)."""
    dates = list(map(_DATE, articles))
    days = {d: _day(d) for d in set(dates)}
    return list(map(days.__getitem__, dates))


_DATE, _TITLE, _ID = attrgetter("date"), attrgetter("title"), attrgetter("id")


def _meta_text(a: Article) -> str:
    return f"{a.source} {a.section} {a.dateline} {a.caption}"


# The text of each group of header fields, by name: what an article is indexed by.
HEADER_TEXT: dict[str, Callable[[Article], str]] = {
    "title": attrgetter("title"),
    "tags": lambda a: " ".join(a.tags),
    "meta": _meta_text,  # source, section, dateline, caption
}
HEADER_INDEXES = tuple(HEADER_TEXT)
# The values of each facet (tags, sources, sections) of an article.
FACET_VALUES: tuple[Callable[[Article], Sequence[str]], ...] = (
    lambda a: a.tags, lambda a: (a.source,), lambda a: (a.section,))
# Articles' postings made at once by chunk_postings. 25,000, not 100,000: as fast (the
# meta index of 100k articles in 0.71 s, against 0.63), ~75 MB less for the moment it is
# built (a first launch builds it again with the body index already in memory).
HEADER_BLOCK = 25_000


def header_words(name: str, a: Article) -> set[str]:
    """The words article ``a`` is found by in the header index ``name``."""
    return index_words(HEADER_TEXT[name](a))


def _header_index(articles: Sequence[Article], name: str) -> WordIndex:
    """The finished word index ``name`` (see :data:`HEADER_TEXT`) of ``articles``.

    Made a block of articles at a time by :func:`chunk_postings` (Arrow splits the texts
    and finds their distinct tokens; only those become words in Python): the same index as
    adding each article's ``index_words``, ~2.5x sooner (``benchmarks/bench_postings.py
    --headers``; at a million articles 24 s of the GIL word by word, 9 s so).
    """
    text_of = HEADER_TEXT[name]
    size = len(articles)
    index = WordIndex()
    for start in range(0, size, HEADER_BLOCK):
        block = articles[start : start + HEADER_BLOCK]
        texts = zip(range(start, start + len(block)), map(text_of, block), strict=True)
        index.merge(chunk_postings(texts, len(block), HEADER_BATCH), size)
    index.finish(size)
    return index


class Facet:
    """The articles of each value of one field, merged case-insensitively (first spelling
    kept). ``doc_ids`` maps a casefolded value to its article numbers, in order, in an
    array of 4-byte numbers: as lists of ints the three facets held ~250 MB at a million
    articles (~8 million uses of a value), as arrays ~30 MB."""

    def __init__(self) -> None:
        self._spelling: dict[str, str] = {}
        self.doc_ids: dict[str, array] = {}
        self._words: WordIndex | None = None  # word of a value -> the values' numbers
        self._keys: list[str] = []

    def add(self, value: str, doc: int) -> None:
        """Count ``value`` for article ``doc`` (cheapest when articles come in order)."""
        if not value:
            return
        key = value.casefold()
        docs = self.doc_ids.get(key)
        if docs is None:
            self.doc_ids[key] = array("I", (doc,))
            self._spelling.setdefault(key, value)
        elif docs[-1] < doc:
            docs.append(doc)
        else:
            bisect.insort(docs, doc)

    def add_all(self, values: Iterable[Iterable[str]]) -> None:
        """Count the values of each article in turn (article 0 first), like :meth:`add`."""
        docs, spelling = self.doc_ids, self._spelling
        keys: dict[str, str] = {}  # spelling -> casefolded: far fewer spellings than uses
        for d, these in enumerate(values):
            for value in these:
                key = keys.get(value)
                if key is None:
                    if not value:
                        continue
                    key = keys[value] = value.casefold()
                found = docs.get(key)
                if found is None:
                    docs[key] = array("I", (d,))
                    spelling[key] = value
                else:
                    found.append(d)

    @classmethod
    def grouped(cls, values: Sequence[Sequence[str]]) -> Facet:
        """The facet :meth:`add_all` makes of ``values`` (article ``d``'s values are
        ``values[d]``), grouped by numpy: a pass in Python for each distinct value, not for
        each use of one (at a million articles, ~8 million uses, ~5 s one by one)."""
        import numpy as np

        counts = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        flat = list(chain.from_iterable(values))
        docs = np.repeat(np.arange(len(values), dtype=np.int32), counts)
        out = cls()
        # Each value's key, numbered; "" (no value) numbered after every key, and dropped.
        numbers: dict[str, int] = {}
        number_of = {value: numbers.setdefault(value.casefold(), len(numbers))
                     for value in set(flat) if value}
        codes = np.fromiter(map(number_of.get, flat, repeat(len(numbers))), dtype=np.int32,
                            count=len(flat))
        # By key; each key's uses in their order. Codes that fit 8 or 16 bits are sorted
        # by radix (~3x sooner than the merge sort 32 bits take: 0.15 s for 5.5M uses).
        narrow = np.uint8 if len(numbers) < 2**8 else np.uint16 if len(numbers) < 2**16 else None
        order = np.argsort(codes if narrow is None else codes.astype(narrow), kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(numbers) + 1)).tolist()
        ordered_docs = array("I", docs[order].astype(np.uint32).tobytes())
        first = order[bounds[:-1]].tolist() if numbers else []
        keys = list(numbers)
        # Keys in the order of their first use, as add_all meets them.
        for number in sorted(range(len(keys)), key=first.__getitem__):
            key = keys[number]
            out.doc_ids[key] = ordered_docs[bounds[number] : bounds[number + 1]]
            out._spelling[key] = flat[first[number]]
        return out

    def renumbered(self, renumbering: Renumbering,
                   added: Iterable[tuple[int, Iterable[str]]]) -> Facet:
        """This facet in the new numbering, with the values of the ``added`` articles
        (new number, values)."""
        out = Facet()
        out._spelling = dict(self._spelling)
        # Long lists moved together by numpy (see Renumbering.many): one by one in Python
        # they cost ~1 s at a million articles.
        long = [key for key, docs in self.doc_ids.items() if len(docs) >= NUMPY_FROM]
        moved_long = dict(zip(long, renumbering.many(
            [self.doc_ids[key] for key in long]), strict=True))
        for key, docs in self.doc_ids.items():
            found = moved_long.get(key)
            moved = found if found is not None else array("I", renumbering.doc_list(docs))
            if len(moved):
                out.doc_ids[key] = moved
        for doc, values in added:
            for value in values:
                out.add(value, doc)
        out._spelling = {k: v for k, v in out._spelling.items() if k in out.doc_ids}
        return out

    def most_common(self) -> list[tuple[str, int]]:
        """Values with their counts, most used first, ties alphabetical."""
        ranked = sorted(((k, len(d)) for k, d in self.doc_ids.items()),
                        key=lambda kv: (-kv[1], kv[0]))
        return [(self._spelling[k], n) for k, n in ranked]

    def counted(self, marked: Sequence[bool]) -> list[tuple[str, int, int]]:
        """Values most used first, each with its article count and how many of those
        articles are ``marked`` (by article number: unread, say)."""
        ranked = sorted(self.doc_ids.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return [(self._spelling[key], len(docs), sum(1 for d in docs if marked[d]))
                for key, docs in ranked]

    def _index(self) -> WordIndex:
        # Built on the first field query (the store is complete by then); two threads
        # building it at once would build the same thing.
        if self._words is None:
            keys = list(self.doc_ids)
            words = WordIndex()
            for i, key in enumerate(keys):
                # Parts, not tokens: "el-salvador" is found by "salvador", "east_germany"
                # by "east germany".
                words.add(i, set(word_parts(key)))
            self._keys = keys
            self._words = words
        return self._words

    def words_with_prefix(self, prefix: str) -> list[str]:
        """Words of the values that start with ``prefix``."""
        return self._index().with_prefix(prefix, limit=100_000)

    def words_of_length(self, low: int, high: int) -> list[str]:
        """Words of the values whose length is within ``[low, high]``."""
        return self._index().of_length(low, high)

    def keys_with(self, word: str) -> list[str]:
        """The values (casefolded) that hold ``word``."""
        numbers = self._index().postings.get(word, ())
        return [self._keys[i] for i in numbers]  # type: ignore[union-attr]

    def spelling(self, key: str) -> str:
        """The first spelling seen of the casefolded ``key``."""
        return self._spelling.get(key, key)

    def __len__(self) -> int:
        return len(self.doc_ids)


T = TypeVar("T")


def _without(items: list[T], gone: set[int]) -> list[T]:
    """``items`` but those at the positions ``gone``: in slices, not item by item."""
    out: list[T] = []
    start = 0
    for d in sorted(gone):
        out.extend(items[start:d])
        start = d + 1
    out.extend(items[start:])
    return out


# The maps of articles a store makes on first use (see Store.by_id), each with its key.
_MAPS: tuple[tuple[str, Callable[[Article], str]], ...] = (
    ("by_id", attrgetter("id")), ("by_path", attrgetter("path")),
    ("by_digest", attrgetter("digest")))


class DocNumbers:
    """A store's article numbers by id: looked up, not kept (see :meth:`Store.number`)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, article_id: str, default: int | None = None) -> int | None:
        """The number of the article with ``article_id``, or ``default``."""
        article = self._store.by_id.get(article_id)
        d = None if article is None else self._store.number(article)
        return default if d is None else d

    def __getitem__(self, article_id: str) -> int:
        d = self.get(article_id)
        if d is None:
            raise KeyError(article_id)
        return d

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and self.get(article_id) is not None


class Store:
    """All loaded articles, addressable by id or by number (newest first)."""

    def __init__(self, articles: Iterable[Article | None]) -> None:
        with no_gc():  # 100k sort keys: nothing for the collector to find
            # Days (-ordinal, ascending, undated last): a date range is a range of numbers.
            ordered, days = _newest_first(articles)
        self._start(ordered, days)

    @classmethod
    def presorted(cls, articles: list[Article]) -> Store:
        """A store of ``articles`` in the order given, the order a store had when it was
        saved: not sorted again (~0.6 s at a million articles), but their days are checked
        (a date range must be a range of numbers: sorted when they are out of order). The
        order within a day is for :meth:`in_order` to check, later: a file that claims
        an order it does not have (forged) is a store to replace, not a wrong answer."""
        days = _days_of(articles)
        if not all(map(le, days, islice(days, 1, None))):
            return cls(articles)
        store = cls.__new__(cls)
        store._start(list(articles), days)
        return store

    def in_order(self) -> bool:
        """Whether the articles are in :func:`order_key` order (always, but for a store
        made by :meth:`presorted` of articles that were not)."""
        with no_gc():
            keys = _order_keys(self.articles)
            return all(map(lt, keys, islice(keys, 1, None)))

    def _start(self, articles: list[Article], days: list[int]) -> None:
        self.articles, self._days = articles, days
        self._facets: tuple[Facet, Facet, Facet] | None = None
        self._indexes: dict[str, WordIndex] | None = None
        self._body = WordIndex.for_bodies()
        self._lock = threading.RLock()  # see held()

    @cached_property
    def by_id(self) -> dict[str, Article]:
        """Articles by id (made on first use, then carried through live changes)."""
        return {a.id: a for a in self.articles}

    @cached_property
    def by_path(self) -> dict[str, Article]:
        """Articles by file path (like :attr:`by_id`)."""
        return {a.path: a for a in self.articles}

    @cached_property
    def by_digest(self) -> dict[str, Article]:
        """Articles by content digest, the first of any that share one (like :attr:`by_id`)."""
        return {a.digest: a for a in reversed(self.articles)}  # the first one last

    @cached_property
    def doc_of(self) -> DocNumbers:
        """Article numbers by id."""
        return DocNumbers(self)

    def number_at(self, path: str) -> int | None:
        """The number of the article read from ``path``, or None."""
        article = self.by_path.get(path)
        return None if article is None else self.number(article)

    def number(self, article: Article) -> int | None:
        """The number of ``article`` here, or None: found by its sort key (the order is by
        that key, which ends with the unique id), not by a map of every number, which
        every change that moves the numbers would have to make again."""
        articles = self.articles
        key = order_key(article)
        d = bisect.bisect_left(articles, key, key=order_key)
        if d < len(articles) and articles[d].id == article.id:
            return d
        if article.id not in self.by_id:
            return None
        # Not where its key says: only if a file's details changed its title or date.
        return next((d for d, a in enumerate(articles) if a.id == article.id), None)

    @property
    def tags(self) -> Facet:
        """Articles by tag (built on first use, like every facet)."""
        return self.facets()[0]

    @property
    def sources(self) -> Facet:
        """Articles by source."""
        return self.facets()[1]

    @property
    def sections(self) -> Facet:
        """Articles by section."""
        return self.facets()[2]

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold this store for the calling thread: any other asking meanwhile for its
        indexes or facets, or changing its details, waits until it lets go."""
        with self._lock:
            yield

    def facets(self) -> tuple[Facet, Facet, Facet]:
        """Tags, sources and sections, built on first use (~0.2 s at 100k articles: the
        loader builds them in its thread, not the first keystroke)."""
        with self._lock:
            if self._facets is None:
                articles = self.articles
                if len(articles) >= bitset.NUMPY_N:
                    tags, sources, sections = (Facet.grouped(list(map(values, articles)))
                                               for values in FACET_VALUES)
                else:
                    tags, sources, sections = Facet(), Facet(), Facet()
                    for facet, values in zip((tags, sources, sections), FACET_VALUES,
                                             strict=True):
                        facet.add_all(values(a) for a in articles)
                self._facets = (tags, sources, sections)
            return self._facets

    def __len__(self) -> int:
        return len(self.articles)

    @property
    def order(self) -> range:
        """Article numbers, newest first (which is simply 0 .. n-1)."""
        return range(len(self.articles))

    def between(self, start: dt.date | None, end: dt.date | None) -> int:
        """The articles dated from ``start`` to ``end`` (inclusive; None is open), as a bit set."""
        low = 0 if end is None else bisect.bisect_left(self._days, -end.toordinal())
        high = (bisect.bisect_left(self._days, 1) if start is None
                else bisect.bisect_right(self._days, -start.toordinal()))
        return bitset.span(low, high)

    def get(self, article_id: str) -> Article | None:
        """The article with ``article_id``, or None."""
        d = self.doc_of.get(article_id)
        return None if d is None else self.articles[d]

    def find(self, key: str) -> Article | None:
        """An article by exact id, else by a unique id prefix."""
        if (article := self.get(key)) is not None:
            return article
        matches = [a for a in self.articles if a.id.startswith(key)]
        return matches[0] if len(matches) == 1 else None

    def indexes(self) -> dict[str, WordIndex]:
        """Word indexes per field group (title, tags, meta, body), built on first use."""
        with self._lock:
            if self._indexes is None:
                self._indexes = {name: _header_index(self.articles, name)
                                 for name in HEADER_INDEXES}
                self._indexes["body"] = self._body
            return self._indexes

    def attach_indexes(self, indexes: dict[str, WordIndex]) -> bool:
        """Use ``indexes`` (title, tags and meta, from a cache) instead of building them;
        False, and nothing changed, if they were built already or one is missing."""
        if any(name not in indexes for name in HEADER_INDEXES):
            return False
        with self._lock:
            if self._indexes is not None:
                return False
            for name in HEADER_INDEXES:
                indexes[name].finish(len(self.articles))
            self._indexes = {name: indexes[name] for name in HEADER_INDEXES}
            self._indexes["body"] = self._body
            return True

    def details_unread(self) -> bool:
        """Whether some article's details are still to be read (see ``Article.words``)."""
        return any(a.words is None for a in self.articles)

    def fill_details(self, found: dict[int, Article], index: bool = True) -> None:
        """Put in articles whose details were read after loading (see
        :func:`newstui.model.load.passes.read_details`), by number: the numbering does not change,
        and (``index``) the index of caption and dateline words gets theirs (built again
        when most articles are new; at a million articles that is ~15 s, against
        milliseconds for the 1,000 a launch from the caches has to read). Without
        ``index``, :meth:`index_details` must follow, once every chunk is in."""
        with self._lock:
            maps = self._maps()
            for d, article in found.items():
                old = self.articles[d]
                self.articles[d] = article
                for _, known, key_of in maps:
                    if (known_as := known.get(key_of(old))) is not None \
                            and known_as.id == old.id:
                        del known[key_of(old)]
                        known[key_of(article)] = article
        if index:
            self.index_details(found)

    def index_details(self, docs: Iterable[int]) -> None:
        """Give the index of caption and dateline words the details of the articles
        numbered ``docs`` (put in by :meth:`fill_details` without ``index``)."""
        docs = list(docs)
        with self._lock:
            if self._indexes is not None and docs:
                meta = self._indexes["meta"]
                self._indexes["meta"] = (
                    _header_index(self.articles, "meta") if len(docs) > len(self.articles) // 10
                    else meta.with_words((d, header_words("meta", self.articles[d]))
                                         for d in docs))

    def attach_body_index(self, index: WordIndex) -> int:
        """Use ``index`` (from :func:`newstui.model.load.passes.index_bodies`) for body words,
        its long lists packed (see :mod:`newstui.model.index.packed`); returns how many
        were packed here (an index cached before lists were packed has them all)."""
        index.finish(len(self.articles))
        if not index.packed and any(isinstance(d, bytes) for d in index.postings.values()):
            index.packed = True  # read from a cache written packed
        done = 0 if index.packed else index.pack()
        with self._lock:
            self._body = index
            if self._indexes is not None:
                self._indexes["body"] = index
        return done

    def changed(self, removed: Iterable[int], added: Sequence[Article],
                body_words: Sequence[set[str]] | None = None) -> tuple[Store, Renumbering]:
        """A new store without the articles numbered ``removed`` and with ``added`` in their
        places by date, and how the numbers moved. Indexes already built (and the body
        index, given the ``body_words`` of each added article) are moved to the new
        numbering and given the new articles' words, not built again; this store is left
        as it was (a search running on it meanwhile still sees it whole)."""
        gone = set(removed)
        kept = _without(self.articles, gone)
        fresh = sorted(range(len(added)), key=lambda i: order_key(added[i]))
        places: list[int] = []  # the new number of each added article, in ``fresh`` order
        for rank, i in enumerate(fresh):
            at = bisect.bisect_right(kept, order_key(added[i]), key=order_key)
            places.append(at + rank)
        renumbering = Renumbering(len(self.articles), gone, places)
        kept_days = _without(self._days, gone)
        articles: list[Article] = []
        days: list[int] = []
        start = 0
        for rank, i in enumerate(fresh):
            at = places[rank] - rank
            articles.extend(kept[start:at])
            articles.append(added[i])
            days.extend(kept_days[start:at])
            days.append(_day(added[i].date))
            start = at
        articles.extend(kept[start:])
        days.extend(kept_days[start:])
        store = Store.__new__(Store)
        store.articles = articles
        store._days = days
        store._lock = threading.RLock()
        self._carry_maps(store, [self.articles[d] for d in gone], added)
        number = dict(zip(fresh, places, strict=True))  # added index -> new number
        with self._lock:
            facets, indexes, body = self._facets, self._indexes, self._body
        store._facets = None
        if facets is not None:
            tags, sources, sections = (
                facet.renumbered(renumbering, ((number[i], values(a))
                                               for i, a in enumerate(added)))
                for facet, values in zip(facets, FACET_VALUES, strict=True))
            store._facets = (tags, sources, sections)
        store._body = WordIndex.for_bodies()
        if body_words is not None:
            store._body = moved(body, renumbering, (
                (number[i], words) for i, words in enumerate(body_words)))
        store._indexes = None
        if indexes is not None:
            store._indexes = {
                name: moved(indexes[name], renumbering, (
                    (number[i], header_words(name, a)) for i, a in enumerate(added)))
                for name in HEADER_INDEXES}
            store._indexes["body"] = store._body
        return store, renumbering

    def _carry_maps(self, store: Store, gone: list[Article], added: Sequence[Article]) -> None:
        """Give ``store`` (this one changed) the maps of articles this one has made, changed
        by the articles ``gone`` and ``added``: a copy and a few edits instead of a pass
        over every article (~1 s each at a million)."""
        for name, known, key_of in self._maps():
            carried = dict(known)
            for a in gone:
                # By id, not identity: a map made before the details pass holds an
                # article's older copy.
                if (known_as := carried.get(key_of(a))) is not None and known_as.id == a.id:
                    del carried[key_of(a)]
            for a in added:
                carried.setdefault(key_of(a), a)
            # (Digests are unique in a loaded store: copies are loaded once.)
            store.__dict__[name] = carried

    def _maps(self) -> list[tuple[str, dict[str, Article], Callable[[Article], str]]]:
        """The maps of articles made so far (see :attr:`by_id`): name, map, key."""
        return [(name, known, key_of) for name, key_of in _MAPS
                if (known := self.__dict__.get(name)) is not None]

    def settle(self) -> None:
        """Give every word index moved lazily by live changes its postings in full (see
        :mod:`newstui.model.index.moved`): what saving them needs, and lookups then skip
        the map. O(index size); the answers stay the same."""
        with self._lock:
            indexes, body = self._indexes, self._body
        body = body.plain()
        settled = None if indexes is None else {
            name: body if name == "body" else index.plain() for name, index in indexes.items()}
        with self._lock:
            self._body = body
            if settled is not None and self._indexes is indexes:
                self._indexes = settled

    @property
    def body_index(self) -> WordIndex:
        """The body word index (empty until bodies are indexed)."""
        return self._body

    @property
    def has_bodies(self) -> bool:
        """Whether body words are indexed."""
        return len(self._body) > 0 or not self.articles
