"""Configuration: safe YAML, validated key by key with line numbers, defaults otherwise."""

from __future__ import annotations

from newstui.model.user.config import Config, default_text, load_config, parse_config
from newstui.model.user.keys import all_ids, check_keymap


def test_defaults_when_missing(tmp_path) -> None:
    config = load_config(tmp_path / "none.yaml")
    assert config.problems == [] and config.theme == "ansi-dark" and config.layout == "auto"


def test_valid_settings_apply() -> None:
    config = parse_config(
        "paths: [/news]\nkeymap: {list.down: 'j,down,ctrl+n'}\ntheme: high-contrast\n"
        "layout: stacked\nlist_width: 40\ncolumns: [date, title]\nsort: date\n"
        "mark_read: select\nmouse: false\ndate_format: '%d %b'\n"
        "themes: {mine: {primary: '#88c0d0', dark: true}}\n")
    assert config.problems == []
    assert (config.paths, config.layout, config.list_width) == (["/news"], "stacked", 40)
    assert config.columns == ["date", "title"] and config.mouse is False
    assert config.keymap == {"list.down": "j,down,ctrl+n"}
    assert config.themes["mine"]["primary"] == "#88c0d0"


def test_problems_name_key_and_line_and_keep_defaults() -> None:
    config = parse_config("layout: sideways\nfoo: 1\nlist_width: 'wide'\nmouse: yes\n"
                          "columns: [date, body]\ndate_format: 5\n")
    text = "\n".join(config.problems)
    assert "config.yaml:1: layout: must be one of auto, side, stacked" in text
    assert "config.yaml:2: unknown key 'foo'" in text
    assert "config.yaml:3: list_width" in text
    assert "config.yaml:5: columns" in text
    assert "config.yaml:6: date_format" in text
    assert config.layout == "auto" and config.list_width == 55
    assert config.mouse is True  # YAML 'yes' is a bool: accepted
    assert len(config.problems) == 5


def test_bad_yaml_and_non_mapping() -> None:
    assert "not valid YAML" in parse_config("a: [1, 2\n").problems[0]
    assert "must be a mapping" in parse_config("- a\n- b\n").problems[0]
    assert parse_config("").problems == []


def test_yaml_is_safe_loaded() -> None:
    config = parse_config("theme: !!python/object/apply:os.system ['echo hi']\n")
    assert config.problems and config.theme == "ansi-dark"


def test_default_text_is_valid_and_complete() -> None:
    config = parse_config(default_text())
    assert config.problems == []
    assert vars(config) | {"problems": [], "path": None} == vars(Config())
    for key in ("paths", "keymap", "theme", "layout", "columns", "sort", "mark_read", "mouse",
                "date_format", "list_width", "themes"):
        assert f"\n{key}: " in default_text()


def test_keymap_ids_are_checked() -> None:
    assert check_keymap({"list.down": "x", "nope.id": "y"}) == [
        "keymap: unknown binding id 'nope.id'"]
    assert {"list.down", "article.next", "app.quit", "filter.clear"} <= all_ids()
