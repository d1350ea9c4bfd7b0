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
_TEMP = ".newstui-writing-"  # then the writer's pid, ".", the final name, ".", a random part


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
    sees half a file. The temporary file's name holds this process's id, so that one left
    by a process killed mid-write is removed by :func:`remove_stale_writes`."""
    import tempfile  # only when writing: not on the launch path

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{_TEMP}{os.getpid()}.{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in [data] if isinstance(data, bytes) else data:
                handle.write(piece)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def remove_stale_writes(folder: Path) -> int:
    """Remove the temporary files of writes into ``folder`` whose process is gone (killed
    mid-write); return how many. Those of running processes are left alone."""
    removed = 0
    try:
        names = [n for n in os.listdir(folder) if n.startswith(_TEMP)]
    except OSError:
        return 0
    for name in names:
        pid = name[len(_TEMP):].partition(".")[0]
        if pid.isdigit() and not _alive(int(pid)):
            try:
                os.unlink(folder / name)
                removed += 1
            except OSError:
                pass  # another newstui removed it first, or the folder is read-only
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, but is not ours to signal
    return True


def read_sealed(path: Path, max_bytes: int) -> memoryview | None:
    """The payload of the sealed file at ``path`` (None when there is none yet); raises
    ValueError with a reason for a file that is not a regular one, too large, or not
    sealed (truncated, damaged, never one of ours)."""
    from newstui.model.untrusted import Refused, read_regular

    try:
        data = read_regular(path, max_bytes)
    except FileNotFoundError:
        return None
    except Refused as exc:
        raise ValueError(exc.reason) from None
    except OSError as exc:
        raise ValueError(exc.strerror or type(exc).__name__) from None
    payload = unseal(data)
    if payload is None:
        raise ValueError("damaged")
    return payload
