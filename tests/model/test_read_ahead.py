"""Reading files a window ahead gives what reading them one by one gives."""

from __future__ import annotations

import os
import sys

import pytest

from newstui.model.corpus import files
from newstui.model.corpus.files import Unusable, read_ahead

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="counts /proc/self/fd")


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _one_by_one(paths: list[str]) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for path in paths:
        try:
            out.append((path, files._read(path)))
        except Unusable as exc:
            out.append((path, f"unusable: {exc}"))
    return out


def _shown(results) -> list[tuple[str, object]]:
    return [(p, f"unusable: {r}" if isinstance(r, Unusable) else r) for p, r in results]


def _folder(tmp_path, monkeypatch) -> list[str]:
    monkeypatch.setattr(files, "MAX_BYTES", 1000)
    paths = []
    for i in range(150):
        path = tmp_path / f"a{i:03d}.txt"
        path.write_text(f"Title {i}\n\nbody {i}\n" * (1 + i % 5))
        paths.append(str(path))
    (tmp_path / "big.txt").write_bytes(b"x" * 1001)  # over the (patched) size limit
    (tmp_path / "folder.txt").mkdir()
    os.mkfifo(tmp_path / "pipe.txt")  # opening it must not wait for a writer
    odd = [str(tmp_path / n) for n in ("big.txt", "folder.txt", "pipe.txt", "gone.txt")]
    return paths[:40] + odd + paths[40:]


@pytest.mark.parametrize("window", [1, 7, 64, 1000])
def test_every_file_in_order_with_the_same_bytes_or_reasons(tmp_path, monkeypatch,
                                                            window) -> None:
    paths = _folder(tmp_path, monkeypatch)
    before = _open_fds()
    got = _shown(read_ahead(paths, window))
    assert got == _one_by_one(paths)
    assert [r for _, r in got[40:44]] == ["unusable: larger than 0 KB",
                                          "unusable: not a regular file",
                                          "unusable: not a regular file",
                                          "unusable: No such file or directory"]
    assert _open_fds() == before


def test_no_more_than_the_window_open_and_none_left_when_stopped(tmp_path,
                                                                 monkeypatch) -> None:
    paths = _folder(tmp_path, monkeypatch)
    before = _open_fds()
    reader = read_ahead(paths, 16)
    most = 0
    for n, (_path, read) in enumerate(reader):
        assert not isinstance(read, Unusable) or n in range(40, 44)
        most = max(most, _open_fds() - before)
        if n == 100:
            break
    assert 0 < most <= 16
    reader.close()  # what a caller's early exit (an exception, a cancel) does
    assert _open_fds() == before


def test_without_fadvise_files_are_read_one_by_one(tmp_path, monkeypatch) -> None:
    paths = _folder(tmp_path, monkeypatch)
    monkeypatch.delattr(os, "posix_fadvise")
    assert _shown(read_ahead(paths)) == _one_by_one(paths)
