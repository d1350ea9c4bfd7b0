"""Fixtures for feed tests: a local feed server, and private feed files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feeds.server import FeedServer


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A feed server on 127.0.0.1, stopped after the test."""
    s = FeedServer()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def home() -> Path:
    """The private feeds file, news folder and fetch state of this test (tests/conftest.py
    points the environment at them)."""
    return Path(os.environ["NEWSTUI_NEWS"]).parent


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests to 127.0.0.1 never go through a proxy from the environment."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
