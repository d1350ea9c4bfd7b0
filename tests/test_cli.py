"""The command-line contract: output formats, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from newstui import __version__
from newstui.cli import main
from tests.conftest import SEED, SEEDS


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_default_is_bundled_seeds_newest_first(capsys) -> None:
    code, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert code == 0
    assert len(lines) >= 290
    assert lines[0] == ("2023-09-13  The Tribune India  "
                        "Kim in Russia amid warnings by US against arms sale deal")
    dates = [line[:10] for line in lines]
    assert dates == sorted(dates, reverse=True)


def test_list_json_and_limit(capsys) -> None:
    code, out, _ = run(capsys, "list", str(SEEDS), "--json", "--limit", "3")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(records) == 3
    first = records[0]
    assert set(first) >= {"id", "path", "date", "title", "source", "section", "tags",
                          "dateline", "caption", "words"}
    assert first["id"] == "000_bd2a579440594ec9"
    assert first["date"] == "2023-09-13"
    assert first["tags"][0] == "Kim Jong Un"
    assert first["words"] > 250


def test_list_json_undated_is_null(capsys, write, tmp_path) -> None:
    write("x.txt", "Just a headline\n\nBody\n")
    _, out, _ = run(capsys, "list", str(tmp_path), "--json")
    assert json.loads(out)["date"] is None


def test_show_text_and_json(capsys) -> None:
    code, out, _ = run(capsys, "show", str(SEED), "000_bd2a579440594ec9")
    assert code == 0
    assert out.startswith("Kim in Russia amid warnings by US against arms sale deal\n")
    assert "Seoul/Moscow, September 12" in out
    assert "  • US believes Kim will supply arms" in out
    code, out, _ = run(capsys, "show", str(SEED), "000_bd", "--json")
    record = json.loads(out)
    assert len(record["body"]) == 5
    assert record["highlights"][0]["heading"] == "Destination remains unclear"
    assert len(record["highlights"][0]["items"]) == 3


def test_show_unknown_id_is_one_line_error(capsys) -> None:
    code, out, err = run(capsys, "show", "no-such-id")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no article with id 'no-such-id'" in err


def test_check_reports_and_exit_status(capsys, write, tmp_path) -> None:
    write("good.txt", " date 2023-02-31  Bad date : S\n\nBody\n")
    write("empty.txt", "")
    code, out, _ = run(capsys, "check", str(tmp_path))
    lines = out.splitlines()
    assert code == 1
    assert f"{tmp_path}/empty.txt: skipped: empty file" in lines
    assert any(line.startswith(f"{tmp_path}/good.txt: warning: impossible date") for line in lines)
    assert lines[-1] == "1 article, 1 skipped, 1 warning"
    code, out, _ = run(capsys, "check")
    assert code == 0 and out.splitlines()[-1].endswith("0 skipped, 0 warnings")


def test_tags_most_used_first(capsys, write, tmp_path) -> None:
    write("a.txt", " date 2023-01-01  A : S\n\nBody\n\n#Rare #Common\n")
    write("b.txt", " date 2023-01-02  B : S\n\nBody\n\n#common\n")
    _, out, _ = run(capsys, "tags", str(tmp_path))
    assert [line.split(None, 1) for line in out.splitlines()] == [["2", "common"], ["1", "Rare"]]


def test_file_names_are_sanitised_in_output(capsys, write, tmp_path) -> None:
    write("bad\x1b[2Jname.txt", "")
    _, out, _ = run(capsys, "check", str(tmp_path))
    assert "\x1b" not in out and "/badname.txt: skipped: empty file" in out


def test_version_and_help() -> None:
    for args in (["--version"], ["--help"], ["list", "--help"], ["show", "--help"],
                 ["check", "--help"], ["tags", "--help"]):
        proc = subprocess.run([sys.executable, "-m", "newstui", *args], capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip()
    proc = subprocess.run([sys.executable, "-m", "newstui", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert proc.stdout.strip() == f"newstui {__version__}"


@pytest.mark.parametrize("args", [["list", "--limit", "x"], ["list", "--bogus"]])
def test_bad_arguments_exit_2_without_traceback(args) -> None:
    proc = subprocess.run([sys.executable, "-m", "newstui", *args], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "error" in proc.stderr


def test_app_without_terminal_is_a_clean_error() -> None:
    proc = subprocess.run([sys.executable, "-m", "newstui"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("newstui: error: the reader needs a terminal")


def test_broken_pipe_is_quiet() -> None:
    proc = subprocess.run(f"{sys.executable} -m newstui list | head -1", shell=True,
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_config_init_path_check(capsys, tmp_path) -> None:
    config = tmp_path / "conf" / "config.yaml"
    state = tmp_path / "state.db"
    assert main(["config", "init", "--config", str(config)]) == 0
    assert config.read_text().startswith("# newstui configuration")
    assert main(["config", "init", "--config", str(config)]) == 2  # no overwrite by default
    assert main(["config", "check", "--config", str(config)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 problems"
    assert main(["config", "path", "--config", str(config), "--state", str(state)]) == 0
    out = capsys.readouterr().out
    assert f"config: {config}" in out and f"state:  {state}  (not created yet)" in out
    assert f"cache:  {os.environ['NEWSTUI_CACHE']}" in out  # the test's private one
    config.write_text("layout: diagonal\nkeymap: {nope: x}\ntheme: no-such-theme\n")
    assert main(["config", "check", "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert "config.yaml:1: layout: must be one of auto, side, stacked" in out
    assert "keymap: unknown binding id 'nope'" in out
    assert "theme: unknown theme 'no-such-theme'" in out
    assert out.splitlines()[-1] == "3 problems"


def test_config_paths_are_the_default_corpus(capsys, tmp_path, write) -> None:
    write("news/a.txt", " date 2024-05-05  Only one : Mine\n\nBody\n")
    config = tmp_path / "c.yaml"
    config.write_text(f"paths: [{tmp_path / 'news'}]\n")
    assert main(["list", "--config", str(config)]) == 0
    assert capsys.readouterr().out == "2024-05-05  Mine  Only one\n"


def test_list_saved_and_state_queries(capsys, tmp_path) -> None:
    from newstui.model.user.state import ReadingState

    state_path = tmp_path / "state.db"
    state = ReadingState(state_path)
    state.save_search("kim", "kim jong")
    code, out, _ = run(capsys, "list", "--state", str(state_path), "--saved", "kim", "--json")
    first = json.loads(out.splitlines()[0])
    assert code == 0 and first["id"] == "000_bd2a579440594ec9"
    state.toggle_star(_digest_of(first["id"]))
    code, out, _ = run(capsys, "list", "--state", str(state_path), "--query", "is:starred")
    assert out.splitlines() == [("2023-09-13  The Tribune India  "
                                 "Kim in Russia amid warnings by US against arms sale deal")]
    # The field is read in any case, as the app reads it.
    code, out, _ = run(capsys, "list", "--state", str(state_path), "--query", "IS:starred")
    assert len(out.splitlines()) == 1
    code, out, _ = run(capsys, "list", "--state", str(state_path), "--query=-Is:starred")
    assert len(out.splitlines()) == 293 and "Kim in Russia amid" not in out
    code, _, err = run(capsys, "list", "--state", str(state_path), "--saved", "nope")
    assert code == 2 and "no saved search 'nope' (saved: kim)" in err


def _digest_of(article_id: str) -> str:
    from newstui.cli import load_store

    return load_store([]).get(article_id).digest


def test_config_path_says_when_the_cache_cannot_be_written(capsys, tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("NEWSTUI_CACHE", str(blocker / "cache"))
    assert main(["config", "path", "--config", str(tmp_path / "c.yaml")]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("cache:"))
    assert line.startswith(f"cache:  {blocker / 'cache'}  (cannot be written: cannot create")
    monkeypatch.setenv("NEWSTUI_CACHE", str(tmp_path / "fine"))
    assert main(["config", "path", "--config", str(tmp_path / "c.yaml")]) == 0
    assert f"cache:  {tmp_path / 'fine'}\n" in capsys.readouterr().out


def test_missing_or_unusable_paths_are_one_line_errors(capsys, tmp_path) -> None:
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 4)
    for args in (["list", "/nonexistent/path"], ["tags", "/nonexistent"],
                 ["show", "/nonexistent", "abc"], ["list", str(tmp_path / "bin.txt")]):
        code, out, err = run(capsys, *args)
        assert code == 2 and out == "" and len(err.splitlines()) == 1, args
        assert err.startswith(f"newstui: error: {args[1]}: ")
    code, out, _ = run(capsys, "check", "/nonexistent/path")  # check reports per file
    assert code == 1 and "/nonexistent/path: skipped: no such file or folder" in out


def test_global_options_before_or_after_the_command(capsys, tmp_path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("sort: date\n")
    for args in (["--config", str(config), "list", "--limit", "1"],
                 ["list", "--config", str(config), "--limit", "1"],
                 [f"--config={config}", "list", "--limit", "1"]):
        code, out, _ = run(capsys, *args)
        assert code == 0 and out.startswith("2023-09-13  The Tribune India"), args
    code, _, err = run(capsys, "--config", str(tmp_path / "missing.yaml"), "list")
    assert code == 2 and "missing.yaml: no such config file" in err


def test_unknown_words_and_bad_arguments_are_one_line(capsys) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and err.count("\n") == 1
    assert "frobnicate: no such command, file or folder" in err
    code, _, err = run(capsys, "list", "--limit", "x")
    assert code == 2 and err.count("\n") == 1 and "see 'newstui list --help'" in err


def test_list_json_says_read_and_starred(capsys, tmp_path) -> None:
    from newstui.model.user.state import ReadingState

    state_path = tmp_path / "s.db"
    _, out, _ = run(capsys, "list", "--json", "--limit", "2", "--state", str(state_path))
    first, second = (json.loads(line) for line in out.splitlines())
    assert (first["read"], first["starred"]) == (False, False)
    assert not state_path.exists()  # listing does not make a state file
    state = ReadingState(state_path)
    state.set_read([_digest_of(first["id"])])
    state.toggle_star(_digest_of(second["id"]))
    _, out, _ = run(capsys, "list", "--json", "--limit", "2", "--state", str(state_path))
    first, second = (json.loads(line) for line in out.splitlines())
    assert (first["read"], first["starred"], second["read"], second["starred"]) == (
        True, False, False, True)
