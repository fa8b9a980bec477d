"""A document missed by many readers at once is rendered once (core/meetings/cache/store.py
``Cached.render_once``; docs/decisions/0040-the-leaders-view-in-the-meeting-cache.md): the
first to miss it renders and stores it, the others wait for it; after a write, once more.
Runs on the process's store and, with TEST_REDIS_URL, on Redis."""

from __future__ import annotations

import threading
import time

from core.meetings import cache

SUFFIX = ":shared:test-render-once:da:2021-03-01"


def _readers(app, n: int, render) -> list[bytes]:
    results: list[bytes] = []
    barrier = threading.Barrier(n)

    def read() -> None:
        with app.test_request_context():
            barrier.wait()
            cached = cache.generations(1, 4242).lookup("MEMBER", SUFFIX)
            results.append(cached.doc or cached.render_once(render))

    threads = [threading.Thread(target=read) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_many_readers_missing_at_once_cost_one_render_and_a_write_one_more(app, monkeypatch):
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    renders = []

    def render() -> bytes:
        renders.append(1)
        time.sleep(0.3)  # slower than the readers arriving
        return f"version {len(renders)}".encode()

    assert _readers(app, 6, render) == [b"version 1"] * 6
    assert len(renders) == 1
    assert _readers(app, 3, render) == [b"version 1"] * 3  # stored: no render at all
    assert len(renders) == 1
    with app.test_request_context():
        cache.writes._touch(1)  # a write in the tenant, committed
        cache.writes._bump(forget=True)
    assert _readers(app, 4, render) == [b"version 2"] * 4
    assert len(renders) == 2


def test_a_reader_that_waits_too_long_renders_itself(app, monkeypatch):
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    with app.test_request_context():
        cache.writes._touch(1)
        cache.writes._bump(forget=True)
        first = cache.generations(1, 4242).lookup("MEMBER", SUFFIX)
        assert first.doc is None
        # another request claimed the render and never stored it (it failed): this one
        # waits its time and then renders, rather than answer nothing
        assert first._store.claim(f"{first._key}:render:{first._stamp.decode().strip()}", 5)
        started = time.monotonic()
        assert first.render_once(lambda: b"mine", wait=0.2) == b"mine"
        assert 0.2 <= time.monotonic() - started < 2


def test_a_reader_whose_access_is_kept_waits_for_anothers_render_or_asks_nothing(app, monkeypatch):
    """``rendered_by_another``: the decided path of a shared page (a reader whose access
    decision is kept) waits for the render another request has claimed; with no render
    claimed it answers ``None`` at once, and the request is decided and rendered in full."""
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    with app.test_request_context():
        cache.writes._touch(1)
        cache.writes._bump(forget=True)
        waiting = cache.generations(1, 4242).lookup("MEMBER", SUFFIX)
        started = time.monotonic()
        assert waiting.rendered_by_another() is None and time.monotonic() - started < 0.5

    def another() -> None:
        with app.test_request_context():
            cache.generations(1, 4242).lookup("MEMBER", SUFFIX).render_once(
                lambda: (time.sleep(0.2), b"rendered by another")[1])

    thread = threading.Thread(target=another)
    thread.start()
    time.sleep(0.05)  # it has claimed the render
    with app.test_request_context():
        assert waiting.rendered_by_another() == b"rendered by another"
    thread.join(timeout=10)
