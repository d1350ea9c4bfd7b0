"""A cache of the body word index, so reopening unchanged folders makes bodies searchable
in about a second instead of re-reading every file (~45 s for 100k articles here).

It sits beside the header cache (see :mod:`newstui.model.cache.headers`) and is used only when the
store holds exactly the same articles, with the same contents, in the same order as when it
was written: its key is a hash of every article's content digest, in store order. Any change
rebuilds the whole index. Like the header cache it is checksummed, versioned, written
atomically, decoded in blobs that each hold the GIL briefly, and never needed for
correctness.
"""

from __future__ import annotations

import hashlib
import marshal
from array import array
from collections.abc import Iterator, Sequence
from itertools import chain
from operator import attrgetter
from pathlib import Path

from newstui import __version__
from newstui.model.cache.sealed import open_sealed, sealed, write_atomically
from newstui.model.corpus.article import Article
from newstui.model.index import packed
from newstui.model.index.words import Posting, WordIndex

MAGIC = b"newstui body index\n"
FORMAT = 2  # bump when tokenising or the postings change (2: every word, any length)
BLOB = 5000  # words marshalled together, at most
BLOB_BYTES = 4 * 1024 * 1024  # and about this many bytes of postings: the frequent words
# come first, and 5,000 of their bit sets made one ~60 MB blob (twice, with its copy) at 100k
_KEY_STEP = 100_000  # articles hashed in one update
_DIGEST, _PATH = attrgetter("digest"), attrgetter("path")
MAX_BYTES = 8 * 1024**3  # ~1.5 GB at a million articles; a larger file is not ours


def body_key(articles: Sequence[Article]) -> str:
    """What the index of ``articles`` depends on: their contents, in this order."""
    h = hashlib.blake2b(f"{FORMAT} {__version__} {len(articles)}\n".encode(), digest_size=16)
    # The same bytes as an update an article, in a few large ones (~5x faster).
    for start in range(0, len(articles), _KEY_STEP):
        h.update("".join(map(_DIGEST, articles[start : start + _KEY_STEP])).encode())
    return h.hexdigest()


def header_key(articles: Sequence[Article]) -> str:
    """What the header word indexes of ``articles`` depend on: their contents and their
    paths (a file's folder may give its section), in this order."""
    h = hashlib.blake2b(f"headers {FORMAT} {__version__} {len(articles)}\n".encode(),
                        digest_size=16)
    # The bytes of "digest NUL path NUL" an article, in a few large updates.
    for start in range(0, len(articles), _KEY_STEP):
        part = articles[start : start + _KEY_STEP]
        pairs = chain.from_iterable(zip(map(_DIGEST, part), map(_PATH, part), strict=True))
        h.update(("\0".join(pairs) + "\0").encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _read_blobs(frames: Iterator[memoryview], size: int, postings: dict[str, Posting]) -> None:
    """Decode the blobs of a body cache into ``postings``, checking every one: words are
    strings, postings bit sets, arrays or packed lists (in a 1-tuple) of article numbers
    below ``size``."""
    for frame in frames:
        blob = marshal.loads(frame)
        if not isinstance(blob, dict):
            raise ValueError("a block that is not a mapping")
        for word, docs in blob.items():
            if type(word) is not str:
                raise ValueError("a word that is not a string")
            if type(docs) is bytes:
                numbers = array("I")
                numbers.frombytes(docs)  # ValueError unless a whole number of items
                # Postings are written in increasing order: the last is the largest. (A
                # forged one out of order cannot do harm: bitset.from_docs drops numbers
                # out of range.)
                if numbers and numbers[-1] >= size:
                    raise ValueError("an article number out of range")
                postings[word] = numbers
            elif type(docs) is int and docs >= 0 and docs.bit_length() <= size:
                postings[word] = docs
            elif type(docs) is tuple and len(docs) == 1 and packed.valid(docs[0], size):
                postings[word] = docs[0]
            else:
                raise ValueError("postings of the wrong kind")


def _blobs(words: list[tuple[str, Posting]]) -> Iterator[list[tuple[str, Posting]]]:
    """``words`` in groups of at most :data:`BLOB` words and about :data:`BLOB_BYTES`."""
    group: list[tuple[str, Posting]] = []
    size = 0
    for word, docs in words:
        group.append((word, docs))
        size += (docs.bit_length() // 8 if isinstance(docs, int) else
                 len(docs) if isinstance(docs, bytes) else 4 * len(docs))
        if len(group) >= BLOB or size >= BLOB_BYTES:
            yield group
            group, size = [], 0
    if group:
        yield group


class BodyCache:
    """The body index cache at ``path`` (None: caching is off).

    Layout: magic line, key line, then blobs (4-byte length + marshalled dict of word ->
    bit set or array bytes), then the seal of everything before it (see
    :mod:`newstui.model.cache.sealed`). Blobs are written and read one at a time, so a
    150 MB index never exists twice in memory.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.problem = ""  # why the last save failed, if it did

    def load(self, key: str, size: int) -> WordIndex | None:
        """The cached index for ``key`` over ``size`` articles, or None: missing, stale,
        damaged, or forged (any word, posting or article number of the wrong kind makes
        the whole file a miss, and ``problem`` says so)."""
        if self.path is None:
            return None
        header = MAGIC + key.encode() + b"\n"
        try:
            sealed_file = open_sealed(self.path, MAX_BYTES, starts=header)
        except ValueError as exc:
            self.problem = f"body index cache {self.path} was not usable ({exc}): rebuilt"
            return None
        if sealed_file is None:
            return None  # none yet, or another key (the articles changed)
        index = WordIndex.for_bodies()
        with sealed_file:
            try:
                sealed_file.take(len(header))
                _read_blobs(sealed_file.frames(), size, index.postings)
            except (EOFError, ValueError, TypeError) as exc:
                self.problem = f"body index cache {self.path} was not usable ({exc}): rebuilt"
                return None
        return index

    def save(self, key: str, index: WordIndex) -> str | None:
        """Write ``index`` under ``key``; return a problem or None."""
        if self.path is None:
            return None
        words = list(index.postings.items())

        def parts() -> Iterator[bytes]:
            yield MAGIC + key.encode() + b"\n"
            for group in _blobs(words):
                blob = marshal.dumps({w: d if isinstance(d, int) else (d,)
                                      if isinstance(d, bytes) else d.tobytes()
                                      for w, d in group})
                yield len(blob).to_bytes(4, "little") + blob

        try:
            write_atomically(self.path, sealed(parts()))
        except OSError as exc:
            self.problem = f"body index cache not saved: {exc.strerror or exc}"
            return self.problem
        return None
