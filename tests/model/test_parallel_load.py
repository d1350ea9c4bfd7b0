"""The chunked, multi-process loader gives the same result as a single process."""

from __future__ import annotations

import concurrent.futures

import pytest

from newstui.model.index import bitset
from newstui.model.index.store import Store
from newstui.model.load import passes
from newstui.model.load.passes import CHUNK, PARALLEL_MIN, index_bodies, load_paths


def _corpus(tmp_path) -> None:
    n = PARALLEL_MIN + 500
    for i in range(n):
        folder = tmp_path / f"{i // 1000:02d}"
        folder.mkdir(exist_ok=True)
        day = 1 + i % 28
        (folder / f"a{i:05d}.txt").write_text(
            f" date 2023-02-{day:02d}  Title number {i} : Src\n\nBody word{i % 97} text.\n\n"
            f"#Tag{i % 7}\n")
    (tmp_path / "00" / "empty.txt").write_text("")  # a skip: leaves a hole in doc numbers
    (tmp_path / "03" / "dup.txt").write_text((tmp_path / "00" / "a00001.txt").read_text())


def _summary(result):
    store = Store(result.articles)
    return ([a.id for a in store.articles], sorted(result.skipped),
            sorted(result.warnings), len(store))


def test_parallel_equals_sequential(tmp_path) -> None:
    _corpus(tmp_path)
    one = load_paths([str(tmp_path)], workers=1)
    two = load_paths([str(tmp_path)], workers=2)
    assert _summary(one) == _summary(two)
    assert len(Store(two.articles)) == PARALLEL_MIN + 500
    assert any("same content as" in w for _, w in two.warnings)


def test_falls_back_to_one_process_when_pool_breaks(tmp_path, monkeypatch) -> None:
    _corpus(tmp_path)

    class Broken:
        def __init__(self, *args, **kwargs):
            raise ValueError("bad value(s) in fds_to_keep")  # what a replaced stderr gives

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Broken)
    result = load_paths([str(tmp_path)], workers=2)
    assert len(Store(result.articles)) == PARALLEL_MIN + 500


def test_progress_and_cancel(tmp_path) -> None:
    _corpus(tmp_path)
    seen: list[int] = []
    result = load_paths([str(tmp_path)], progress=lambda n, r: seen.append(n),
                        cancelled=lambda: len(seen) >= 2, workers=1)
    assert seen == [CHUNK, 2 * CHUNK]
    assert len(result.articles) <= 2 * CHUNK


@pytest.mark.parametrize("body_chunk", [passes.BODY_CHUNK, 300])
def test_body_index_is_the_same_with_one_or_two_processes(tmp_path, monkeypatch,
                                                          body_chunk) -> None:
    _corpus(tmp_path)
    store = Store(load_paths([str(tmp_path)], workers=2).articles)
    one = index_bodies(store.articles, workers=1)
    # With BODY_CHUNK 300, 4,500 articles are more than 4 jobs of it: jobs of another size
    # than the load's chunks of 1,000, merged in the same order.
    monkeypatch.setattr(passes, "BODY_CHUNK", body_chunk)
    seen: list[int] = []
    two = index_bodies(store.articles, workers=2, progress=seen.append)
    assert seen[-1] == len(store)
    if body_chunk == 300:
        assert seen[:2] == [300, 600]
    # Frequent words may become bit sets while chunks merge: compare what they hold.
    one.finish(len(store))
    store.attach_body_index(two)  # finishes it
    assert set(one.postings) == set(two.postings)
    assert all(one.bits((w,)) == two.bits((w,)) for w in one.postings)
    # postings point at the right articles, in the store's numbering
    docs = bitset.members(two.bits(["word5"]))
    assert docs and all(int(store.articles[d].title.split()[-1]) % 97 == 5 for d in docs)
    expected = [d for d, a in enumerate(store.articles) if int(a.title.split()[-1]) % 97 == 5]
    assert docs == expected


def test_pool_dying_midway_resumes_in_process(tmp_path, monkeypatch) -> None:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    _corpus(tmp_path)

    class HalfBroken:
        def __init__(self, *args, **kwargs):
            self.calls = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def submit(self, fn, *args):
            self.calls += 1
            future: Future = Future()
            if self.calls >= 3:
                future.set_exception(BrokenProcessPool("a worker died"))
            else:
                future.set_result(fn(*args))
            return future

        def shutdown(self, **kwargs):
            pass

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", HalfBroken)
    resumed = load_paths([str(tmp_path)], workers=2)
    assert _summary(resumed) == _summary(load_paths([str(tmp_path)], workers=1))


def test_load_small_only_for_small_folders(write, tmp_path) -> None:
    from newstui.model.load.passes import load_small

    for n in range(5):
        write(f"{n}.txt", f" date 2023-01-0{n + 1}  Title {n} : Src\n\nBody.\n")
    small = load_small([str(tmp_path)], limit=5)
    assert small is not None and len(small.articles) == 5
    assert load_small([str(tmp_path)], limit=4) is None  # too many files
    write("big.txt", "Big one\n\n" + "word " * 50_000)
    assert load_small([str(tmp_path)], limit=10, max_bytes=100_000) is None  # too many bytes
    assert load_small([str(tmp_path)], limit=10) is not None


def test_first_files_counts_what_the_load_would_read(write, tmp_path) -> None:
    from newstui.model.corpus.files import first_files, iter_files

    for name in ["a.txt", "b.md", "c.TXT", "skip.pdf", ".hidden.txt", "sub/d.txt",
                 "sub/deeper/e.md", ".git/f.txt"]:
        write(name, "Headline\n\nBody.\n")
    everything = sorted(iter_files([str(tmp_path)], []))
    assert sorted(first_files([str(tmp_path)], 100)) == everything
    assert len(everything) == 5
    assert len(first_files([str(tmp_path)], 3)) == 3
    assert set(first_files([str(tmp_path)], 3)) <= set(everything)
    assert first_files([str(tmp_path / "a.txt"), str(tmp_path / "nope")], 5) == \
        [str(tmp_path / "a.txt")]
