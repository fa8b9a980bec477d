"""``kommissorium tenants sync``: idempotent loading, change reports, strict refusal."""

import pytest
import sqlalchemy as sa

from core.bodies.models import Body, Seat
from core.extensions import db
from core.identity.models import User
from core.organisations.models import Organisation
from core.tenancy import all_tenants
from core.tenants.filespec import TenantFileError
from core.tenants.models import Tenant
from tests.fixtures.tenants import two_bodies


def _counts():
    with all_tenants():
        return {
            m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in (Tenant, Organisation, User, Body, Seat)
        }


def test_first_sync_creates_everything_and_reports_it(sync_tenant, write_tenant_file):
    report = sync_tenant(write_tenant_file(two_bodies("aby", "A")))
    assert report.created
    assert "created tenant aby" in report.changes
    assert "created seat bestyrelse/formand" in report.changes
    assert _counts() == {"Tenant": 1, "Organisation": 2, "User": 2, "Body": 2, "Seat": 4}


def test_a_second_sync_changes_nothing(sync_tenant, write_tenant_file):
    path = write_tenant_file(two_bodies("aby", "A"))
    sync_tenant(path)
    before = _counts()
    report = sync_tenant(path)
    assert report.changes == []
    assert str(report) == "aby: up to date, nothing changed"
    assert _counts() == before


def test_an_edited_file_updates_only_what_changed(sync_tenant, write_tenant_file, in_tenant):
    sync_tenant(write_tenant_file(two_bodies("aby", "A")))
    edited = two_bodies("aby", "A").replace("meetings_per_year = 4", "meetings_per_year = 6")
    edited = edited.replace('title = "Kommunens repræsentant"', 'title = "Borgmester"')
    report = sync_tenant(write_tenant_file(edited))
    assert report.changes == [
        "updated body bestyrelse: meetings_per_year",
        "updated seat bestyrelse/kommune: title",
    ]
    with in_tenant("aby"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        assert body.meetings_per_year == 6
        assert [s.title for s in body.seats] == ["Formand", "Borgmester", "Sekretær"]


def test_a_removed_seat_is_ended_not_deleted_and_reported(sync_tenant, write_tenant_file):
    sync_tenant(write_tenant_file(two_bodies("aby", "A")))
    text = two_bodies("aby", "A")
    start = text.index('[[bodies.seats]]\nkey = "kommune"')
    end = text.index("[[bodies.seats]]", start + 1)
    before = _counts()
    report = sync_tenant(write_tenant_file(text[:start] + text[end:]))
    assert report.changes == ["ended seat bestyrelse/kommune (no history)"]
    assert _counts() == before  # 'tenants prune' removes it, when asked


def _refused(sync_tenant, path):
    before = _counts()
    with pytest.raises(TenantFileError) as exc:
        sync_tenant(path)
    assert _counts() == before, "a refused file must change nothing"
    return str(exc.value)


def test_unknown_organisation_is_refused_naming_file_entry_and_field(sync_tenant, write_tenant_file):
    path = write_tenant_file(two_bodies("aby", "A").replace('organisation = "A-BO"\nrole = "chair"', 'organisation = "NOPE"\nrole = "chair"'))
    message = _refused(sync_tenant, path)
    assert str(path) in message
    assert "bodies[bestyrelse].seats[formand].organisation: unknown organisation 'NOPE'" in message
    assert "nothing was changed" in message


def test_duplicate_seat_is_refused(sync_tenant, write_tenant_file):
    path = write_tenant_file(two_bodies("aby", "A").replace('key = "kommune"', 'key = "formand"'))
    assert "bodies[bestyrelse].seats[formand].key: duplicate seat in this body" in _refused(sync_tenant, path)


def test_an_edit_with_a_problem_leaves_the_database_as_it_was(sync_tenant, write_tenant_file, in_tenant):
    sync_tenant(write_tenant_file(two_bodies("aby", "A")))
    bad = two_bodies("aby", "A").replace("meetings_per_year = 4", "meetings_per_year = 6")
    bad = bad.replace('holder = "formand@aby.example"', 'holder = "ghost@aby.example"')
    message = _refused(sync_tenant, write_tenant_file(bad))
    assert "seats[formand].holder: unknown person 'ghost@aby.example'" in message
    with in_tenant("aby"):
        assert db.session.scalar(sa.select(Body.meetings_per_year).filter_by(key="bestyrelse")) == 4


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('kind = "board"', 'kind = "parliament"', "bodies[bestyrelse].kind: Must be one of"),
        ("notice_days = 5", "notice_days = -1", "bodies[bestyrelse].notice_days:"),
        ("notice_days = 5", 'notice_days = 5\ncolour = "red"', "bodies[bestyrelse].colour: Unknown field"),
        ('voting = false\nholder = "sekretaer', 'voting = true\nholder = "sekretaer',
         "seats[sekretaer].voting: a secretary seat cannot vote"),
        ('parent = "bestyrelse"', 'parent = "nowhere"', "bodies[aby-gruppe].parent: unknown body 'nowhere'"),
        ('period_start = 2020-01-01', 'period_start = "2020-01-01"', "tenant.period_start: must be a TOML date"),
        ('plugins = []', 'plugins = ["nosuchtown"]', "tenant.plugins: plugin(s) not installed: nosuchtown"),
    ],
)
def test_malformed_entries_are_refused(sync_tenant, write_tenant_file, old, new, expected):
    text = two_bodies("aby", "A")
    assert old in text
    assert expected in _refused(sync_tenant, write_tenant_file(text.replace(old, new, 1)))


def test_invalid_toml_is_refused(sync_tenant, write_tenant_file):
    assert "not valid TOML" in _refused(sync_tenant, write_tenant_file("[tenant\nslug="))


def test_every_problem_is_reported_at_once(sync_tenant, write_tenant_file):
    text = two_bodies("aby", "A").replace('organisation = "A-BO"\nrole = "chair"', 'organisation = "X1"\nrole = "chair"')
    text = text.replace('parent = "bestyrelse"', 'parent = "nowhere"')
    message = _refused(sync_tenant, write_tenant_file(text))
    # the unknown organisation, the holder who does not act for it, and the parent
    assert "3 problem(s)" in message and "X1" in message and "nowhere" in message


def test_a_file_may_not_redefine_an_organisation_another_tenant_uses(sync_tenant, write_tenant_file):
    sync_tenant(write_tenant_file(two_bodies("aby", "A")))
    other = two_bodies("cby", "C") + '\n[[organisations]]\ncode = "A-BO"\nname = "Renamed"\nkind = "housing_organisation"\n'
    message = _refused(sync_tenant, write_tenant_file(other))
    assert "organisations[A-BO].name: differs from the organisation shared with tenant(s) aby" in message


def test_shared_organisations_and_people_are_one_row_across_tenants(sync_tenant, write_tenant_file):
    shared = """
[[organisations]]
code = "KAB"
name = "KAB"
kind = "housing_organisation"

[[people]]
email = "kundedirektoer@kab.example"
name = "Karen Demo Kundedirektør"
organisations = ["KAB"]
"""
    sync_tenant(write_tenant_file(two_bodies("aby", "A") + shared))
    sync_tenant(write_tenant_file(two_bodies("bby", "B") + shared))
    with all_tenants():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation).where(Organisation.code == "KAB")) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == "kundedirektoer@kab.example")) == 1
