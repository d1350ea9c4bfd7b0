"""Sealed cache files are checked and read a piece at a time, never whole (issue 14: a cache
of a million articles is ~1 GB)."""

from __future__ import annotations

import os

import pytest

from newstui.model.cache import sealed
from newstui.model.cache.sealed import open_sealed, write_atomically


def _framed(*blobs: bytes) -> list[bytes]:
    return [len(b).to_bytes(4, "little") + b for b in blobs]


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sealed, "_PIECE", 7)  # many pieces, and digests across them


def _write(tmp_path, pieces: list[bytes]):
    path = tmp_path / "c.bin"
    write_atomically(path, sealed.sealed(pieces))
    return path


def test_what_was_sealed_is_read_back_in_frames(tmp_path) -> None:
    blobs = [b"", b"x" * 50, bytes(range(256)), b"end"]
    path = _write(tmp_path, [b"HEAD\n", *_framed(*blobs)])
    with open_sealed(path, 10**6) as found:
        assert found.take(5) == b"HEAD\n"
        assert list(found.frames()) == blobs
        assert found.take(10) == b""  # the digest is not payload


@pytest.mark.parametrize("at", [0, 3, 20, -17, -1])
def test_any_flipped_byte_is_refused(tmp_path, at: int) -> None:
    path = _write(tmp_path, [b"HEAD\n", *_framed(b"a" * 40)])
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="damaged"):
        open_sealed(path, 10**6)


@pytest.mark.parametrize("change", ["truncated", "grown", "empty"])
def test_a_file_cut_short_or_grown_is_refused(tmp_path, change: str) -> None:
    path = _write(tmp_path, [b"HEAD\n", *_framed(b"a" * 40)])
    data = path.read_bytes()
    path.write_bytes({"truncated": data[:-3], "grown": data + b"!", "empty": b""}[change])
    with pytest.raises(ValueError, match="damaged"):
        open_sealed(path, 10**6)


def test_missing_too_large_or_not_a_file(tmp_path) -> None:
    assert open_sealed(tmp_path / "none.bin", 100) is None
    path = _write(tmp_path, [b"x" * 200])
    with pytest.raises(ValueError, match="larger than"):
        open_sealed(path, 100)
    with pytest.raises(ValueError, match="not a regular file"):
        open_sealed(tmp_path, 100)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        open_sealed(fifo, 100)  # and it did not wait for a writer


def test_a_frame_longer_than_the_rest_is_refused(tmp_path) -> None:
    path = _write(tmp_path, [(100).to_bytes(4, "little") + b"short"])
    with open_sealed(path, 10**6) as found, pytest.raises(ValueError, match="cut short"):
        list(found.frames())


def test_a_file_for_other_contents_is_not_even_checked(tmp_path, monkeypatch) -> None:
    path = _write(tmp_path, [b"KEY one\n", b"x" * 100])
    monkeypatch.setattr(sealed, "_digest_checks", lambda *_: pytest.fail("checked"))
    assert open_sealed(path, 10**6, starts=b"KEY two\n") is None
    monkeypatch.undo()
    with open_sealed(path, 10**6, starts=b"KEY one\n") as found:
        assert found.take(8) == b"KEY one\n"


def test_a_file_sealed_with_a_blake2_digest_by_earlier_builds_is_read(tmp_path) -> None:
    import hashlib

    payload = b"HEAD\n" + b"".join(_framed(b"old one"))
    path = tmp_path / "old.bin"
    path.write_bytes(payload + hashlib.blake2b(payload, digest_size=16).digest())
    with open_sealed(path, 10**6) as found:
        assert found.take(5) == b"HEAD\n" and list(found.frames()) == [b"old one"]
    path.write_bytes(payload[:-1] + b"!" + hashlib.blake2b(payload, digest_size=16).digest())
    with pytest.raises(ValueError, match="damaged"):
        open_sealed(path, 10**6)
