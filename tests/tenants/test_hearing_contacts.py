"""A party's hearing contact comes from the tenant file's ``[[hearing_contacts]]``: synced
onto its participation (audited when it changes), exported as it is, checked for an
unknown organisation, a second contact and an upper-case address
(docs/tenant-files.md, docs/decisions/0037-hearing-answer-links.md)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.extensions import db
from core.tenants.export import tenant_document
from core.tenants.filespec import TenantFileError
from core.tenants.models import Participation
from tests.fixtures.testby import TESTBY

CONTACT = '''[[hearing_contacts]]
organisation = "TST-B"
email = "hoering@b.example"
name = "Boligselskabet B, administrationen"
'''


def _contacts(in_tenant) -> dict[str, tuple]:
    with in_tenant("testby"):
        db.session.expire_all()
        return {p.organisation.code: (p.hearing_contact_email, p.hearing_contact_name)
                for p in db.session.scalars(sa.select(Participation)) if p.hearing_contact_email}


def test_the_contact_is_synced_changed_audited_and_exported(sync_tenant, write_tenant_file, in_tenant):
    sync_tenant(TESTBY)
    assert _contacts(in_tenant) == {"TST-B": ("hoering@b.example", "Boligselskabet B, administrationen")}
    assert tenant_document("testby")["hearing_contacts"] == [
        {"organisation": "TST-B", "email": "hoering@b.example", "name": "Boligselskabet B, administrationen"}]
    assert sync_tenant(TESTBY).changes == []  # nothing changed: nothing written

    text = TESTBY.read_text(encoding="utf-8")
    assert CONTACT in text
    moved = text.replace(CONTACT, CONTACT.replace("TST-B", "TST-A").replace("hoering@b", "post@a")
                         .replace('name = "Boligselskabet B, administrationen"\n', ""))
    report = sync_tenant(write_tenant_file(moved))
    assert sorted(report.changes) == ["hearing contact of TST-A: post@a.example",
                                      "hearing contact of TST-B: none"]
    assert _contacts(in_tenant) == {"TST-A": ("post@a.example", None)}
    with in_tenant("testby"):
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("party.hearing_contact") == 3  # set, then moved (two parties)


@pytest.mark.parametrize(("entry", "problem"), [
    ('organisation = "NOPE"\nemail = "a@b.example"', "hearing_contacts[NOPE].organisation: unknown organisation"),
    ('organisation = "TST-A"\nemail = "A@b.example"', "hearing_contacts[TST-A].email: must be lower-case"),
    ('organisation = "TST-B"\nemail = "andet@b.example"', "hearing_contacts[TST-B].organisation: one hearing contact"),
    ('organisation = "TST-A"\nemail = "ikke en adresse"', "hearing_contacts[TST-A].email: Not a valid email address"),
])
def test_a_bad_contact_is_refused_naming_it(sync_tenant, write_tenant_file, entry, problem):
    text = TESTBY.read_text(encoding="utf-8").replace(CONTACT, CONTACT + "\n[[hearing_contacts]]\n" + entry + "\n")
    with pytest.raises(TenantFileError) as refused:
        sync_tenant(write_tenant_file(text))
    assert problem in str(refused.value)
