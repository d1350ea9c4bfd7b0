"""Hostile input and faults, one test per item of the adversarial sweep (issue 13)."""

from __future__ import annotations

import marshal
import os
import re
import sqlite3
import subprocess
import sys
import time

import pytest

from newstui.cli import main
from newstui.model.cache import headers as header_cache
from newstui.model.cache.headers import FORMAT, MAGIC, HeaderCache
from newstui.model.cache.sealed import remove_stale_writes, sealed, write_atomically
from newstui.model.corpus.files import decode
from newstui.model.corpus.parse import parse_text
from newstui.model.library import Library
from newstui.model.load.passes import load_paths
from newstui.model.user.config import load_config, parse_config
from newstui.model.user.state import ReadingState
from tests.model.test_cache import _age

SEED = " date 2023-09-13  Kim in Russia : The Tribune\n\nBody words here.\n\n#Korea\n"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LAUGHS = "".join(f"{a}: &{a} [{', '.join([f'*{b}'] * 9)}]\n"
                 for a, b in zip("bcdefghi", "abcdefgh", strict=True))


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# 1 -----------------------------------------------------------------------------------------
def test_1_billion_laughs_front_matter_is_refused_at_once(write, tmp_path, capsys) -> None:
    write("laughs.md", f"---\ntitle: Laughs\na: &a [x, x, x, x, x, x, x, x, x]\n{LAUGHS}"
                       "date: *i\n---\nThe body stays.\n")
    start = time.perf_counter()
    code, out, _ = _run(capsys, "check", str(tmp_path))
    assert time.perf_counter() - start < 5
    assert code == 0 and "aliases expanded" in out and "1 article, 0 skipped" in out
    [article] = load_paths([str(tmp_path)]).articles
    assert article.layout == "plain"  # read as plain text, nothing lost


def test_1_recursive_alias_is_refused_too() -> None:
    parsed = parse_text("---\na: &a [*a]\ntitle: x\n---\nBody\n")
    assert any("front matter" in w for w in parsed.warnings)


# 2 -----------------------------------------------------------------------------------------
def test_2_check_never_prints_a_raw_escape_from_a_file_name(tmp_path, capsys) -> None:
    (tmp_path / "a.txt").write_text(SEED)
    (tmp_path / "0dup\x1b]0;PWN\x07\x1b]52;c;aGk=\x07.txt").write_text(SEED)
    code, out, _ = _run(capsys, "check", str(tmp_path))
    assert "same content as" in out
    assert "\x1b" not in out and "\x07" not in out and "]0;PWN" not in out


# 3 -----------------------------------------------------------------------------------------
def test_3_utf8_beside_one_bad_byte_loses_no_text() -> None:
    data = "He said \u201cnothing here is lost\u201d today.".encode() + b" \xff end"
    text, warning = decode(data)
    assert "\u201cnothing here is lost\u201d today." in text and text.endswith("\xff end")
    assert warning == "not valid UTF-8: 1 byte read as cp1252"
    assert not UNSAFE.search(text)


def test_3_a_whole_cp1252_file_reads_as_cp1252() -> None:
    text, _ = decode(b"Caf\xe9 \x93quoted\x94 \x80 \x9d")
    assert text == "Café “quoted” € \ufffd"


# 4 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["before:0001", "before:0001-01-01", "before:99999y",
                                   "after:99999y", "on:9999-12", "after:9999-12-31"])
def test_4_extreme_dates_do_not_overflow(query, capsys) -> None:
    code, _, err = _run(capsys, "list", "--query", query)
    assert code == 0 and "Traceback" not in err


# 5 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["foo: 2023-02-30\n", f"list_width: {'9' * 5000}\n",
                                  "columns: " + "[" * 5000 + "]" * 5000 + "\n",
                                  "paths: " + "[" * 200 + "]" * 200 + "\n",
                                  "{[1, 2]: x}\n", "? [a, b]\n: c\n", f"{LAUGHS}x: *i\n",
                                  "theme: !!python/object:os.system ls\n"])
def test_5_no_config_value_crashes_anything(text, tmp_path, capsys) -> None:
    config = parse_config(text)
    assert config.problems and config.list_width == 55  # reported, defaults kept
    path = tmp_path / "c.yaml"
    path.write_text(text)
    code, _, err = _run(capsys, "list", "--config", str(path), "--limit", "1")
    assert code == 0 and "Traceback" not in err


# 6 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["2023-02-30", "0000-01-01", "9" * 5000,
                                   "[" * 500 + "]" * 500, "{a: {b: {c: [1, [2, [3]]]}}}"])
def test_6_odd_front_matter_values_load_the_article_with_a_warning(value, write,
                                                                  tmp_path) -> None:
    write("a.md", f"---\ntitle: Odd value\ndate: {value}\n---\nThe body.\n")
    result = load_paths([str(tmp_path)])
    [article] = result.articles
    assert article.date is None and result.skipped == []
    assert "Odd value" in article.title or article.title == "---"
    assert result.warnings


# 7 -----------------------------------------------------------------------------------------
def test_7_a_state_file_of_another_schema_is_moved_aside(tmp_path) -> None:
    path = tmp_path / "state.db"
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE read (id INTEGER, other TEXT);"
                     "INSERT INTO read VALUES (1, 'x');")
    db.commit()
    db.close()
    state = ReadingState(path)
    assert state.read == set() and any("moved it to" in p for p in state.problems)
    state.set_read(["k"])
    assert ReadingState(path).read == {"k"}
    assert list(tmp_path.glob("state.db.corrupt-*"))


# 8 -----------------------------------------------------------------------------------------
def _forge(cache: HeaderCache, entries: dict[object, object]) -> None:
    from newstui import __version__

    def framed(value: object) -> bytes:
        blob = marshal.dumps(value)
        return len(blob).to_bytes(4, "little") + blob

    # The cache's own layout (magic, then length-prefixed blocks): entries it decodes.
    write_atomically(cache.path, sealed([MAGIC, framed([FORMAT, __version__]),
                                         framed(entries)]))


def test_8_a_checksum_valid_forged_header_cache_is_never_trusted(tmp_path, capsys) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(SEED)
    _age(news / "a.txt")
    paths = [str(news)]
    library = Library(paths)
    library.load(full=True, bodies=False)
    good = library.cache._new[str(news / "a.txt")]
    stat, row, warnings = good
    evil = list(row)
    evil[0] = "Evil \x1b]0;PWN\x07title"
    for entries in ({str(news / "a.txt"): (stat, tuple(evil), warnings)},
                    {str(news / "a.txt"): (stat, row[:5], warnings)},
                    {str(news / "a.txt"): (stat, (*row[:1], "x", *row[2:]), warnings)},
                    {str(news / "a.txt"): "not an entry"}, {str(news / "a.txt"): 5},
                    {str(news / "a.txt"): None}, {1: 2}):
        _forge(HeaderCache.for_paths(paths), entries)
        code, out, _ = _run(capsys, "list", str(news), "--json")
        assert code == 0 and "\x1b" not in out and "\\u001b" not in out
        assert '"title": "' in out and ("Kim in Russia" in out or "Evil title" in out)


def test_8_a_forged_body_cache_is_a_miss_not_a_stuck_app(tmp_path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    for i in range(3):
        (news / f"{i}.txt").write_text(SEED.replace("Kim", f"Kim{i}").replace("Body", f"B{i}"))
        _age(news / f"{i}.txt")
    paths = [str(news)]
    Library(paths).load()
    bodies = HeaderCache.for_paths(paths).bodies()
    data = bodies.path.read_bytes()
    header_end = data.index(b"\n", len(b"newstui body index\n")) + 1
    for postings in ({"words": 1 << 40}, {"words": (10**6).to_bytes(4, "little")},
                     {"words": "str"}, {7: 1}):
        blob = marshal.dumps(postings)
        forged = b"".join(sealed([data[:header_end], len(blob).to_bytes(4, "little"), blob]))
        bodies.path.write_bytes(forged)
        library = Library(paths)
        library.load()
        assert library.snapshot.stage == "complete"
        assert library.engine.search("words").doc_ids  # rebuilt from the files
        assert any("body index cache" in p for p in library.problems)
    # Out of order, so the last number is in range: loaded, and harmless when searched.
    from array import array

    blob = marshal.dumps({"words": array("I", [0, 10**6, 1]).tobytes()})
    bodies.path.write_bytes(b"".join(sealed([data[:header_end], len(blob).to_bytes(4, "little"),
                                             blob])))
    library = Library(paths)
    library.load()
    assert list(library.engine.search("words").doc_ids) == [0, 1]  # 10**6 is dropped


# 9 -----------------------------------------------------------------------------------------
def test_9_a_date_format_with_escapes_is_refused() -> None:
    config = parse_config('date_format: "\\e]0;PWN\\a%Y"\n')
    assert config.date_format == "%Y-%m-%d"
    assert any("printable" in p for p in config.problems)


# 10 ----------------------------------------------------------------------------------------
def test_10_a_stray_nul_or_bell_does_not_make_an_article_binary(write, tmp_path) -> None:
    write("nul.txt", SEED.replace("Body words", "Body\x00 wo\x07rds\x08"))
    write("esc.txt", SEED.replace("Kim in Russia", "\x1bKim in Moscow"))
    result = load_paths([str(tmp_path)])
    titles = sorted(a.title for a in result.articles)
    assert titles == ["Kim in Moscow", "Kim in Russia"] and result.skipped == []
    assert any("control bytes removed" in w for _, w in result.warnings)


# 11 ----------------------------------------------------------------------------------------
def test_11_temp_files_of_a_killed_write_are_removed(tmp_path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".newstui-writing-{dead.pid}.headers-x.bin.abc"
    live = tmp_path / f".newstui-writing-{os.getpid()}.headers-x.bin.def"
    stale.write_bytes(b"x" * 100)
    live.write_bytes(b"y")
    assert remove_stale_writes(tmp_path) == 1
    assert not stale.exists() and live.exists()


def test_11_the_cache_folder_is_cleaned_at_start(tmp_path, monkeypatch) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".newstui-writing-{dead.pid}.bodies-x.bin.abc"
    stale.write_bytes(b"x")
    monkeypatch.setenv("NEWSTUI_CACHE", str(tmp_path))
    monkeypatch.setattr(header_cache, "_CLEANED", False)
    HeaderCache.for_paths(["anything"])
    assert not stale.exists()


def test_11_worker_processes_exit_when_their_parent_dies(tmp_path) -> None:
    script = (
        "import os, sys, time\n"
        "from newstui.model.load.chunks import watch_parent\n"
        "parent = os.getpid()\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)\n"  # free the test's pipe
        "    watch_parent(parent, every=0.05)\n"
        "    time.sleep(30)\n"
        "    os._exit(1)\n"
        "print(pid, flush=True)\n"
        "os._exit(0)\n"  # the parent dies at once, leaving the child
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    child = int(out.split()[0])
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError("the orphaned worker kept running")


# 12 ----------------------------------------------------------------------------------------
def test_12_huge_front_matter_and_config_are_refused_fast(write, tmp_path) -> None:
    keys = "".join(f"k{i}: v\n" for i in range(400_000))
    write("big.md", f"---\ntitle: Big\n{keys}---\nBody.\n")
    config = tmp_path / "c.yaml"
    config.write_text(keys[: 1024 * 1024 + 100])
    start = time.perf_counter()
    result = load_paths([str(tmp_path)])
    problems = load_config(config).problems
    assert time.perf_counter() - start < 5
    assert len(result.articles) == 1 and any("larger than" in w for _, w in result.warnings)
    assert problems and "larger than" in problems[0]


# 13 ----------------------------------------------------------------------------------------
def test_13_state_problems_are_said_on_stderr(tmp_path, capsys) -> None:
    bad = tmp_path / "state.db"
    bad.write_bytes(b"not a database at all" * 100)
    code, _, err = _run(capsys, "list", "--state", str(bad), "--query", "is:starred")
    assert code == 0 and "warning:" in err and "moved it to" in err
    locked = tmp_path / "ro"
    locked.write_text("a file where a folder should be")
    code, _, err = _run(capsys, "list", "--state", str(locked / "state.db"), "--saved", "x")
    assert code == 2 and "cannot be read" in err and "no saved search" not in err


def test_13_json_is_valid_utf8_for_any_file_name(tmp_path) -> None:
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9-\xff.txt"), "wb") as handle:
        handle.write(SEED.encode())
    for encoding in ("utf-8:strict", "ascii:strict", "latin-1"):
        proc = subprocess.run([sys.executable, "-m", "newstui", "list", str(tmp_path), "--json"],
                              capture_output=True, timeout=60,
                              env={**os.environ, "PYTHONIOENCODING": encoding})
        assert proc.returncode == 0, proc.stderr
        import json

        record = json.loads(proc.stdout.decode("utf-8"))
        assert record["path"].endswith("caf\ufffd-\ufffd.txt")
        assert bytes.fromhex(record["path_bytes"]).endswith(b"caf\xe9-\xff.txt")
        assert record["title"] == "Kim in Russia"


def test_13_check_works_with_a_strict_ascii_stdout(tmp_path) -> None:
    (tmp_path / "é.txt").write_text(SEED.replace("Kim", "Kïm"))
    proc = subprocess.run([sys.executable, "-m", "newstui", "check", str(tmp_path)],
                          capture_output=True, timeout=60,
                          env={**os.environ, "PYTHONIOENCODING": "ascii:strict"})
    assert proc.returncode == 0 and b"1 article," in proc.stdout


# 14 ----------------------------------------------------------------------------------------
def test_14_one_cache_for_a_folder_however_it_is_typed(tmp_path, monkeypatch, parses) -> None:
    news = tmp_path / "corp" / "x"
    news.mkdir(parents=True)
    (news / "a.txt").write_text(SEED)
    _age(news / "a.txt")
    monkeypatch.chdir(tmp_path)
    for typed in ("corp/x", str(news), "./corp/x", "corp/x"):
        Library([typed]).load(full=True, bodies=False)
    assert parses == ["a.txt"]  # parsed once, then always found in the one cache
    library = Library(["corp/x"])
    library.load(full=True, bodies=False)
    assert library.store.articles[0].path == os.path.join("corp", "x", "a.txt")


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_14_a_config_or_cache_that_is_a_fifo_or_a_device_never_hangs(kind, tmp_path,
                                                                      monkeypatch) -> None:
    target = tmp_path / "c.yaml"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    start = time.perf_counter()
    assert "not a regular file" in load_config(target).problems[0]
    monkeypatch.setenv("NEWSTUI_CACHE", str(tmp_path / "cache"))
    cache = HeaderCache.for_paths([str(tmp_path / "news")])
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(cache.path)
    else:
        cache.path.symlink_to("/dev/zero")
    assert cache.known_any() is False and "not a regular file" in cache.problem
    assert time.perf_counter() - start < 5
