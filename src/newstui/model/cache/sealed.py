"""The one file format of newstui's caches: sealed with a digest, written atomically.

A sealed file is its payload followed by a 16-byte seal: a mark and the CRC-32 of the
payload, so a truncated, damaged or foreign file is recognised before anything is decoded;
it is written beside its final name and renamed there, so a reader never sees half a file.
(The seal finds damage, it is no signature: whoever can write the file can seal it. Files
sealed by earlier builds with a BLAKE2 digest, 2.4x slower to check than CRC-32 here, are
still read.)
"""

from __future__ import annotations

import hashlib
import io
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

_DIGEST = 16  # bytes of the seal
_MARK = b"\0newstui-crc"  # then the CRC-32 of the payload, little-endian: the seal
_TEMP = ".newstui-writing-"  # then the writer's pid, ".", the final name, ".", a random part


def sealed(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces``, then their seal: what :func:`open_sealed` checks."""
    crc = 0
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
        yield piece
    yield _MARK + crc.to_bytes(4, "little")


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


class Sealed:
    """A sealed file whose seal checked, read from its start a piece at a time: a cache
    of a million articles is ~1 GB, and reading it whole put that much more in memory
    beside what is decoded from it. Pieces are read :data:`_PIECE` bytes at a time, not a
    block at a time: each read lets the UI thread take the GIL, and getting it back can
    take a switch interval (5 ms). Close it when done (it is a context manager)."""

    def __init__(self, handle: io.BufferedReader, size: int) -> None:
        self._handle = handle
        self._left = size  # payload bytes not read from the file yet
        self._buffer = memoryview(b"")  # what was read; from _at on, not taken yet
        self._at = 0

    def take(self, n: int) -> memoryview:
        """The next ``n`` bytes of the payload (fewer at its end), as a view: what was read
        is not copied again (``marshal.loads`` reads a view), but for the start of a block
        that runs into the next piece."""
        have = len(self._buffer) - self._at
        if have < n and self._left:
            want = min(max(n - have, _PIECE), self._left)
            # A new buffer each time (views taken before keep the old one alive), with
            # what was left of the old one first: a block read across two pieces.
            buffer = bytearray(have + want)
            buffer[:have] = self._buffer[self._at :]
            view = memoryview(buffer)
            while want:
                got = self._handle.readinto(view[len(buffer) - want :])
                if not got:
                    raise ValueError("cut short while read")  # changed in place meanwhile
                want -= got
                self._left -= got
            self._buffer, self._at = view, 0
        found = self._buffer[self._at : self._at + n]
        self._at += len(found)
        return found

    def frames(self) -> Iterator[memoryview]:
        """The rest of the payload as pieces, each after its length in 4 bytes
        (little-endian); ValueError for one cut short."""
        while self._left or self._at < len(self._buffer):
            head = self.take(4)
            length = int.from_bytes(head, "little")
            frame = self.take(length)
            if len(head) < 4 or len(frame) < length:
                raise ValueError("a block cut short")
            yield frame

    def close(self) -> None:
        """Close the file."""
        self._handle.close()

    def __enter__(self) -> Sealed:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_sealed(path: Path, max_bytes: int, starts: bytes = b"") -> Sealed | None:
    """The sealed file at ``path``, its digest checked (a pass over it in pieces), ready to
    be read from the start; None when there is none yet, or when it does not start with
    ``starts`` (a cache for other contents: not worth checking). Raises ValueError with a
    reason for a file that is not a regular one, too large, or not sealed (truncated,
    damaged, never one of ours)."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(exc.strerror or type(exc).__name__) from None
    try:
        found = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        raise ValueError(exc.strerror or type(exc).__name__) from None
    if not stat.S_ISREG(found.st_mode):
        os.close(fd)
        raise ValueError("not a regular file")
    size = found.st_size
    handle = os.fdopen(fd, "rb")
    try:
        if size > max_bytes:
            raise ValueError(f"larger than {max_bytes // 1024**2} MB")
        if starts and handle.read(len(starts)) != starts:
            handle.close()
            return None
        handle.seek(0)
        if size < _DIGEST or not _digest_checks(handle, size - _DIGEST):
            raise ValueError("damaged")
        handle.seek(0)
    except BaseException as exc:
        handle.close()
        if isinstance(exc, OSError):
            raise ValueError(exc.strerror or type(exc).__name__) from None
        raise
    return Sealed(handle, size - _DIGEST)


def _digest_checks(handle: io.BufferedReader, size: int) -> bool:
    """Whether the ``size`` bytes from the start of ``handle`` are followed by their seal
    (or the BLAKE2 digest of older files) and nothing else."""
    handle.seek(size)
    seal = handle.read(_DIGEST + 1)
    handle.seek(0)
    crc, digest = 0, None
    if seal[: len(_MARK)] != _MARK:
        digest = hashlib.blake2b(digest_size=_DIGEST)
    piece = bytearray(_PIECE)
    view = memoryview(piece)
    left = size
    while left:
        got = handle.readinto(view[: min(left, _PIECE)])
        if not got:
            return False  # shorter than it was a moment ago
        if digest is None:
            crc = zlib.crc32(view[:got], crc)
        else:
            digest.update(view[:got])
        left -= got
    if digest is not None:
        return seal == digest.digest()
    return seal == _MARK + crc.to_bytes(4, "little")


_PIECE = 8 * 1024 * 1024  # read and hashed at a time
