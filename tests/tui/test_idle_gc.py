"""The idle-time garbage collector: never during typing, soon after it stops."""

from __future__ import annotations

import gc

import pytest

from newstui.tui import idle_gc
from newstui.tui.idle_gc import IdleCollector


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(idle_gc.time, "monotonic", lambda: now[0])
    return now


def test_collects_only_after_a_pause(clock, monkeypatch) -> None:
    calls: list[tuple[int, ...]] = []
    monkeypatch.setattr(idle_gc.gc, "collect", lambda *gen: calls.append(gen) or 0)
    monkeypatch.setattr(idle_gc.gc, "get_count", lambda: (10, 0, 0))
    collector = IdleCollector()
    try:
        assert not gc.isenabled()
        collector.tick()
        assert calls == []  # nothing happened since start: nothing to collect
        collector.activity()
        clock[0] += 0.5
        collector.tick()
        assert calls == []  # still typing
        clock[0] += 1.0
        collector.tick()
        assert calls == [(1,)]  # paused: the young generations
        collector.tick()
        assert calls == [(1,)]  # once per pause
        clock[0] += idle_gc.FULL_EVERY
        collector.activity()
        clock[0] += 2
        collector.tick()
        assert calls[-1] == ()  # a full collection, at most every FULL_EVERY seconds
    finally:
        collector.stop()
    assert gc.isenabled()


def test_young_garbage_piling_up_is_collected_even_while_typing(clock, monkeypatch) -> None:
    calls: list[tuple[int, ...]] = []
    monkeypatch.setattr(idle_gc.gc, "collect", lambda *gen: calls.append(gen) or 0)
    monkeypatch.setattr(idle_gc.gc, "get_count", lambda: (idle_gc.PILE_UP + 1, 0, 0))
    collector = IdleCollector()
    try:
        collector.activity()
        collector.tick()
        assert calls == [(0,)]
    finally:
        collector.stop()


def test_young_objects_are_left_alone_while_a_corpus_loads(clock, monkeypatch) -> None:
    # The loader makes them (articles, millions at 1M): walking them stalls the UI.
    calls: list[tuple[int, ...]] = []
    monkeypatch.setattr(idle_gc.gc, "collect", lambda *gen: calls.append(gen) or 0)
    monkeypatch.setattr(idle_gc.gc, "get_count", lambda: (idle_gc.PILE_UP + 1, 0, 0))
    loading = [True]
    collector = IdleCollector(lambda: loading[0])
    try:
        collector.tick()
        assert calls == []
        loading[0] = False
        collector.tick()
        assert calls == [(0,)]
    finally:
        collector.stop()
