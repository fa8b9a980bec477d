"""Each log line once: a process that migrates and then serves (``kommissorium demo``)
keeps one stderr handler, the application's (core/observability/logs.py); Alembic's own
logging configuration does not add a second that repeats every line."""

import logging


def _stderr_handlers() -> list[logging.Handler]:
    # pytest's capturing handlers are subclasses; the application's and Alembic's are not
    return [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]


def test_migrating_then_serving_keeps_one_log_handler(app, database_url):
    from flask_migrate import upgrade

    from core import create_app
    from core.testing import _dispose

    with app.app_context():
        upgrade(revision="heads")
    served = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    try:
        assert len(_stderr_handlers()) == 1, logging.getLogger().handlers
    finally:
        _dispose(served)
