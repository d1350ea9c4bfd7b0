"""The one file format of newstui's caches: sealed with a digest, written atomically.

A sealed file is its payload followed by a BLAKE2 digest of it, so a truncated, damaged or
foreign file is recognised before anything is decoded; it is written beside its final name
and renamed there, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

_DIGEST = 16


def sealed(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces``, then a BLAKE2 digest of them all: what :func:`unseal` checks."""
    digest = hashlib.blake2b(digest_size=_DIGEST)
    for piece in pieces:
        digest.update(piece)
        yield piece
    yield digest.digest()


def unseal(data: bytes) -> memoryview | None:
    """The bytes a :func:`sealed` file was written from (a view, not a copy), or None if
    its digest does not check: truncated, damaged, or never one of ours."""
    view = memoryview(data)
    body, digest = view[:-_DIGEST], view[-_DIGEST:]
    if len(data) < _DIGEST or hashlib.blake2b(body, digest_size=_DIGEST).digest() != digest:
        return None
    return body


def write_atomically(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (or its pieces) beside ``path`` and rename it there: a reader never
    sees half a file."""
    import tempfile  # only when writing: not on the launch path

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in [data] if isinstance(data, bytes) else data:
                handle.write(piece)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
