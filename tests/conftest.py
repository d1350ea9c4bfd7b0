"""Shared fixtures: paths to the project's seeds and a helper to write article files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from newstui.model.load import passes as load_module

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_bd2a579440594ec9.txt"


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write ``data`` (str or bytes) to ``tmp_path / name`` and return the path."""

    def _write(name: str, data: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return path

    return _write


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own header cache folder: never the user's, never shared."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("NEWSTUI_CACHE", str(folder))
    # Nor the user's reading state and config (a test that wants one passes its own).
    monkeypatch.setenv("NEWSTUI_STATE", str(folder / "state.db"))
    monkeypatch.setenv("NEWSTUI_CONFIG", str(folder / "config.yaml"))
    # Nor the user's feeds, news folder or fetch state.
    feeds = tmp_path_factory.mktemp("feeds")
    monkeypatch.setenv("NEWSTUI_FEEDS", str(feeds / "feeds.yaml"))
    monkeypatch.setenv("NEWSTUI_NEWS", str(feeds / "news"))
    monkeypatch.setenv("NEWSTUI_FEEDS_DB", str(feeds / "feeds.db"))
    return folder


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the loader actually reads and parses."""
    seen: list[str] = []
    real = load_module.headers_of

    def counting(path: str, *args, **kwargs):
        seen.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(load_module, "headers_of", counting)
    return seen


def cancel_after(calls: int) -> Callable[[], bool]:
    """A ``cancelled`` callback that turns True after answering False ``calls`` times."""
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > calls

    return cancelled
