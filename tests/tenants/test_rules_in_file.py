"""``[bodies.rules]`` in a tenant file: checked by ``tenants check`` naming the block, field
and clause, synced into the body (audited), exported back unchanged, and in force at once."""

import pytest
import sqlalchemy as sa

from core.bodies.models import Body
from core.cli import main
from core.extensions import db
from core.tenants.filespec import TenantFileError
from tests.fixtures.tenants import two_bodies

RULES = '''
[bodies.rules.vote_units]
clause = "T-2"
per = "organisation"

[bodies.rules.quorum]
clause = "T-3"
share = "majority"
required = ["municipality"]

[bodies.rules.majority]
clause = "T-4"
share = "simple"
for_topics = { budget = "two_thirds" }
casting_vote = "chair"
'''


def with_rules(text: str, rules: str = RULES) -> str:
    """The first body of ``two_bodies`` with ``rules`` after its seats."""
    at = text.index('[[bodies]]\nkey = "{0}-gruppe"'.format("aby"))
    return text[:at] + rules.strip() + "\n\n" + text[at:]


def _run(app, database_url, monkeypatch, *args):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)


def test_rules_are_synced_audited_and_exported_back_unchanged(
        app, sync_tenant, write_tenant_file, in_tenant, tmp_path, database_url, monkeypatch):
    path = write_tenant_file(with_rules(two_bodies("aby", "A")))
    sync_tenant(path)
    with in_tenant("aby"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        assert body.rules["quorum"] == {"clause": "T-3", "share": "majority", "required": ["municipality"]}
        assert body.rules["majority"]["for_topics"] == {"budget": "two_thirds"}
    assert sync_tenant(path).changes == []
    # a changed block is a change of the body, reported like any other
    edited = with_rules(two_bodies("aby", "A"), RULES.replace('share = "majority"', "count = 2"))
    assert sync_tenant(write_tenant_file(edited)).changes == ["updated body bestyrelse: rules"]
    out = tmp_path / "aby.toml"
    assert _run(app, database_url, monkeypatch, "tenants", "export", "aby", "--output", str(out)).exit_code == 0
    exported = out.read_text(encoding="utf-8")
    assert "[bodies.rules.quorum]" in exported and "count = 2" in exported
    assert sync_tenant(out).changes == []


def test_tenants_check_names_the_block_the_field_and_the_clause(
        app, write_tenant_file, database_url, monkeypatch):
    bad = RULES.replace('share = "majority"', 'share = "most"').replace(
        'required = ["municipality"]', 'required = ["NOPE"]')
    path = write_tenant_file(with_rules(two_bodies("aby", "A"), bad))
    result = _run(app, database_url, monkeypatch, "tenants", "check", str(path))
    assert result.exit_code == 1
    assert (f"{path}: bodies[bestyrelse].rules.quorum.share: skal være \"majority\" (mere end "
            "halvdelen) eller en brøk som \"2/3\" (T-3)") in result.output
    assert f"{path}: bodies[bestyrelse].rules.quorum.required: ukendt organisation: NOPE (T-3)" \
        in result.output
    good = write_tenant_file(with_rules(two_bodies("aby", "A")))
    assert _run(app, database_url, monkeypatch, "tenants", "check", str(good)).output.strip() == f"{good}: ok"


def test_a_refused_file_changes_nothing(sync_tenant, write_tenant_file, in_tenant):
    sync_tenant(write_tenant_file(with_rules(two_bodies("aby", "A"))))
    bad = with_rules(two_bodies("aby", "A"), RULES.replace('casting_vote = "chair"', 'casting_vote = "mayor"'))
    with pytest.raises(TenantFileError, match=r"rules.majority.casting_vote: skal være \"chair\""):
        sync_tenant(write_tenant_file(bad))
    with in_tenant("aby"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        assert body.rules["majority"]["casting_vote"] == "chair"
