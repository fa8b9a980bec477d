"""Kommissorium: the governance platform for Danish social-housing master plans.

``create_app`` builds the Flask application; ``hookimpl`` marks a rule plugin's hook
implementations (see docs/plugin-authors.md).
"""

from __future__ import annotations

from flask import Flask

from core.hooks import hookimpl

__all__ = ["create_app", "hookimpl"]


def create_app(config: dict | None = None, *, host=None, check_schema: bool | None = None) -> Flask:
    """Build the application.

    :param config: settings overriding the environment (tests pass their database here).
    :param host: a :class:`core.hooks.host.PluginHost`; by default one that loads every
        plugin installed under the ``kommissorium`` entry-point group.
    :param check_schema: refuse to start on a database behind the migrations; by default
        the ``REQUIRE_MIGRATED_DATABASE`` setting (the CLI turns it off for ``db upgrade``).
    """
    from core import errors
    from core.config import Config, normalise_database_url
    from core.extensions import api, db, login_manager, migrate
    from core.hooks.host import PluginHost

    app = Flask(__name__, instance_relative_config=False, static_folder="web/static")
    from core import inputs, transactions
    from core.json_provider import IsoJSONProvider

    app.json = IsoJSONProvider(app)  # every date and time in the API in ISO 8601

    inputs.bound_ids(app)  # before any route: every <int:…> is a bounded id
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A database that does not answer fails a request (and /readyz) in seconds, not minutes.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {"connect_timeout": 5, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    from core import observability
    from core.ops import bench

    observability.init_app(app)  # JSON logs, request ids, /healthz, /readyz, /metrics
    bench.init_app(app)  # the benchmark floor, only with KOMMISSORIUM_BENCH=1

    _import_models()
    db.init_app(app)
    from core.meetings import cache as meeting_cache

    meeting_cache.init_app(app)  # the meeting document cache: writes bump its generations
    import core.search.index  # noqa: F401  (the search index follows every write: a session hook)
    _sqlite_pragmas(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    login_manager.init_app(app)
    api.init_app(app)
    app.extensions["kommissorium.host"] = host or PluginHost()

    from core.annotations.api import blp as annotations_blp
    from core.bodies.api import blp as bodies_blp
    from core.decisions.api import blp as decisions_blp
    from core.identity.api import blp as identity_blp
    from core.identity.api import people_blp
    from core.identity.people_api import blp as people_admin_blp
    from core.identity.providers_api import blp as tenant_providers_blp
    from core.identity.providers_api import platform_blp as platform_providers_blp
    from core.audit.api import blp as history_blp
    from core.identity.auth import init_auth
    from core.meetings.api import blp as meetings_blp
    from core.meetings.api import public_blp as public_meetings_blp
    from core.meetings import minutes_api  # noqa: F401  (routes on the meetings API)
    from core.meetings import disqualification_api  # noqa: F401  (routes on the meetings API)
    from core.notifications.api import blp as calendar_blp
    from core.notifications.api import feed_blp as calendar_feed_blp
    from core.notifications.api import me_blp as my_calendar_blp
    from core.proposals.api import blp as proposals_blp
    from core.search.api import blp as search_blp
    from core.search.api import public_blp as public_search_blp
    from core.tenants.api import blp as tenants_blp
    from core.tenants.onboarding_api import blp as tenant_organisations_blp
    from core.tenants.onboarding_api import platform_blp
    from core.tenancy import release_tenant

    for blp in (
        tenants_blp, bodies_blp, identity_blp, people_blp, meetings_blp, public_meetings_blp,
        calendar_blp, my_calendar_blp, calendar_feed_blp, decisions_blp, proposals_blp,
        search_blp, public_search_blp, annotations_blp, people_admin_blp, history_blp,
        platform_blp, tenant_organisations_blp, platform_providers_blp, tenant_providers_blp,
    ):
        api.register_blueprint(blp)
    init_auth(app)
    from core.identity.security import init_security

    init_security(app)
    inputs.init_app(app)  # after the declared access check
    transactions.init_app(app)  # after both: a repeated key answers only the one who may ask
    app.teardown_request(release_tenant)
    errors.register(app)

    from core.web import bp as web_bp
    from core.web.i18n import init_i18n

    init_i18n(app)

    # Each feature's pages register their routes on the shell's one ``web`` blueprint (so
    # they are imported before it is registered) and bring their templates folder as a
    # blueprint of their own (docs/decisions/0022-pages-beside-their-feature.md).
    from core.annotations import views as annotation_pages
    from core.audit import views as audit_pages
    from core.bodies import views as body_pages
    from core.decisions import session_views  # noqa: F401  (routes only)
    from core.decisions import views as decision_pages
    from core.documents import views as document_pages
    from core.identity import account_views  # noqa: F401  (templates: identity_pages')
    from core.identity import people_views  # noqa: F401  (routes only)
    from core.identity import providers_views  # noqa: F401  (routes only)
    from core.decisions import written_views  # noqa: F401  (routes only)
    from core.meetings import agenda_views, minutes_views, public_views  # noqa: F401  (routes only)
    from core.meetings import disqualification_views  # noqa: F401  (routes and a page part)
    from core.meetings import views as meeting_pages
    from core.notifications import views as notification_pages
    from core.proposals import answer_views  # noqa: F401  (routes only)
    from core.proposals import views as proposal_pages
    from core.search import views as search_pages
    from core.tenants import onboarding_views  # noqa: F401  (routes only)
    from core.tenants import views as tenant_pages

    app.register_blueprint(web_bp)
    for pages in (tenant_pages, body_pages, meeting_pages, decision_pages, proposal_pages,
                  notification_pages, document_pages, search_pages, annotation_pages, audit_pages):
        app.register_blueprint(pages.templates)
    from core.identity.views import bp as identity_pages_bp

    app.register_blueprint(identity_pages_bp)
    if app.config.get("NOTIFY_AT_ONCE"):
        from core.notifications.operations import notify_at_once

        app.after_request(notify_at_once)

    if check_schema is None:
        check_schema = app.config["REQUIRE_MIGRATED_DATABASE"]
    if check_schema:
        from core.schema import ensure_migrated

        with app.app_context():
            ensure_migrated()
    return app


def _import_models() -> None:
    """Import every feature's models so the metadata (and Alembic) sees all tables."""
    import core.annotations.models  # noqa: F401
    import core.audit.models  # noqa: F401
    import core.bodies.models  # noqa: F401
    import core.decisions.models  # noqa: F401
    import core.documents.models  # noqa: F401
    import core.identity.models  # noqa: F401
    import core.meetings.models  # noqa: F401
    import core.notifications.models  # noqa: F401
    import core.organisations.models  # noqa: F401
    import core.proposals.models  # noqa: F401
    import core.search.models  # noqa: F401
    import core.storage  # noqa: F401  (file_contents)
    import core.tenants.models  # noqa: F401
    import core.transactions  # noqa: F401  (idempotency_keys)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(app: Flask) -> None:
    from sqlalchemy import event

    from core.extensions import db

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
