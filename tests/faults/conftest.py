"""Fault tests (issue #9): they need the real PostgreSQL and Redis (CI sets
TEST_DATABASE_URL and TEST_REDIS_URL) and start their own redis-server, rq worker and
PostgreSQL cluster on random ports, never touching the machine's own."""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    missing = [v for v in ("TEST_DATABASE_URL", "TEST_REDIS_URL") if not os.environ.get(v)]
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.faults)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"fault tests need {' and '.join(missing)} (CI sets them)"))
