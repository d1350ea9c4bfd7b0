"""Fuzzing the loader, the query parser and the config (bounded; fixed seed plus a few
random examples each run): nothing raises, nothing unsafe is printed, no text is lost."""

from __future__ import annotations

import json
import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newstui.cli import main
from newstui.model.library import Library
from newstui.model.search.query import parse
from newstui.model.user.config import parse_config
from tests.conftest import SEEDS

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
FIXED = settings(derandomize=True, max_examples=300, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])
RANDOM = settings(max_examples=30, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture,
                                         HealthCheck.too_slow])
WORD = st.from_regex(r"w[a-z]{2,7}", fullmatch=True)
# Junk that is whole (escape sequences end, bytes are single): what it hides is only itself.
JUNK = st.sampled_from([b"\x1b[31m", b"\x1b[2J", b"\x1b]0;PWN\x07", b"\x1b]52;c;aGk=\x1b\\",
                        b"\x1bP1$r\x1b\\", b"\x1b", b"\x00", b"\x07", b"\x08", b"\x0b",
                        b"\x7f", "\x9b1m".encode(), b"\xff", b"\x93", b"\r", b"\t",
                        "\u202e".encode(), b"[bold]", b"&amp;"])
YAMLISH = st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!?|>'\"#, \n\t0123456789.")),
                  max_size=300)


def _cli(capsys, *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert code in (0, 1, 2), code
    assert not UNSAFE.search(out.replace("\n", "").replace("\t", "")), repr(out)
    assert not UNSAFE.search(err.replace("\n", ""))
    return out


def _article(lines: list[list[bytes | str]]) -> tuple[bytes, list[str]]:
    data, words = b"", []
    for line in lines:
        for token in line:
            if isinstance(token, str):
                words.append(token)
                token = token.encode()
            data += token + b" "
        data += b"\n\n"
    return data, words


def _check_file(tmp_path_factory, capsys, data: bytes, words: list[str]) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "a.txt").write_bytes(data)
    start = time.perf_counter()
    out = _cli(capsys, "list", str(folder), "--json")
    assert time.perf_counter() - start < 5  # per file, whatever it holds
    if not out:
        # Skipped: only a file that is mostly junk may be (many NUL or control bytes).
        sample = data[:8192]
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
        assert sample.count(0) > max(2, len(sample) * 0.01) or controls > max(
            8, len(sample) * 0.05) or not words
        return
    record = json.loads(out)
    shown = _cli(capsys, "show", str(folder), record["id"])
    missing = [w for w in words if w not in shown]
    assert missing == []


LINES = st.lists(st.lists(st.one_of(WORD, JUNK), min_size=1, max_size=12).filter(
    lambda line: any(isinstance(t, str) for t in line)), min_size=1, max_size=8)


@FIXED
@given(lines=LINES)
def test_escapes_and_stray_bytes_hide_no_word_fixed(tmp_path_factory, capsys, lines) -> None:
    _check_file(tmp_path_factory, capsys, *_article(lines))


@RANDOM
@given(lines=LINES)
def test_escapes_and_stray_bytes_hide_no_word_random(tmp_path_factory, capsys, lines) -> None:
    _check_file(tmp_path_factory, capsys, *_article(lines))


@FIXED
@given(data=st.binary(max_size=3000))
def test_random_bytes_print_nothing_unsafe(tmp_path_factory, capsys, data) -> None:
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "x.md").write_bytes(data)
    out = _cli(capsys, "list", str(folder), "--json")
    _cli(capsys, "check", str(folder))
    if out:
        _cli(capsys, "show", str(folder), json.loads(out)["id"], "--json")


@FIXED
@given(head=YAMLISH, body=st.lists(WORD, min_size=1, max_size=10))
def test_random_front_matter_loads_or_falls_back(tmp_path_factory, capsys, head,
                                                 body) -> None:
    data = f"---\n{head}\n---\n{' '.join(body)}\n".encode()
    _check_file(tmp_path_factory, capsys, data, body)


_SEEDS = Library([str(SEEDS)])
_SEEDS.load(full=True)


@FIXED
@given(text=st.text(max_size=80))
def test_any_query_parses_and_searches(text) -> None:
    query = parse(text)
    result = _SEEDS.engine.search(query)
    assert (result.error is None) == (query.error is None)
    assert all(0 <= d < len(_SEEDS.store) for d in list(result.doc_ids)[:50])


@FIXED
@given(text=st.text(alphabet=st.sampled_from(list('abc:-()"" tag:or1209y')), max_size=60))
def test_query_like_text_parses_and_searches(text) -> None:
    _SEEDS.engine.search(text)


@FIXED
@given(text=st.one_of(YAMLISH, st.text(max_size=300)))
def test_any_config_text_is_read_with_problems_not_errors(text) -> None:
    config = parse_config(text)
    assert isinstance(config.problems, list)
    assert config.list_width == 55 or 20 <= config.list_width <= 80
