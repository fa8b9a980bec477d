"""The cached access decision for the meeting document (core/meetings/cache.py,
docs/decisions/0009-cached-access-decision.md): a caller whose decision is cached and fresh
is answered without the database; after any write that changes who may read the meeting,
the very next request answers exactly as the same request with the cache off. Runs on
SQLite and, with TEST_DATABASE_URL and TEST_REDIS_URL, on PostgreSQL with Redis."""

import contextlib
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from core import clock as platform_clock
from core.bodies.models import Body, BodyRecipient, Seat
from core.extensions import db
from core.identity import operations
from core.identity.models import Affiliation, User
from core.meetings import cache
from core.organisations.models import Organisation
from core.tenancy import all_tenants
from core.tenants.models import Tenant, TenantAdmin
from tests.fixtures.testby import BOTH, GROUP_MEMBER, TESTBY

T = "testby"
FORUM = "gruppe"
MEMBER = GROUP_MEMBER  # holds the TST-B seat in the follow group
RECIPIENT = BOTH  # acts for TST-ADM, which receives the group's material (the file below)
RECIPIENT_ORG = "TST-ADM"
ADMIN = "ada.admin@testby.example"  # administers the tenant, no seat (made below)
OUTSIDER = "otto.udenfor@testby.example"  # no role anywhere (made below)


def _testby_with_a_recipient(directory):
    """Testby's file with the administration company, which has no seat in the follow
    group, receiving the group's material."""
    text = TESTBY.read_text(encoding="utf-8").replace(
        'submission_deadline_days = 10\n',
        f'submission_deadline_days = 10\ninformation_recipients = ["{RECIPIENT_ORG}"]\n', 1)
    assert "information_recipients" in text
    path = directory / "testby.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def meeting(sync_tenant, naboby, clock, make_meeting, app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    sync_tenant(_testby_with_a_recipient(tmp_path))
    tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=T))
    for email in (ADMIN, OUTSIDER):
        db.session.add(User(email=email, name=email.split("@")[0]))
    db.session.flush()
    db.session.add(TenantAdmin(tenant_id=tenant.id, user_id=_user(ADMIN).id))
    with all_tenants():
        db.session.commit()
    return make_meeting(T, FORUM, datetime(2021, 3, 1, 13, tzinfo=timezone.utc))


@pytest.fixture
def decided(monkeypatch):
    """Every request answered from a cached decision (True) or decided in full (False)."""
    seen = []
    real = cache.decided_document

    def spy(*args, **kwargs):
        found = real(*args, **kwargs)
        seen.append(found is not None)
        return found

    monkeypatch.setattr(cache.decisions, "decided_document", spy)
    return seen


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).filter_by(email=email))


def _write(change) -> None:
    """A write as any part of the platform makes it: in its own transaction, committed."""
    with all_tenants():
        change()
        db.session.commit()


def _answer(resp):
    return resp.status_code, resp.get_json()


def warm(client, path, decided):
    """Read twice: the second answer comes from the cached decision."""
    first = client.get(path)
    assert first.status_code == 200, first.get_json()
    del decided[:]
    second = client.get(path)
    assert decided == [True], "the second read was not answered from a cached decision"
    assert _answer(second) == _answer(first)
    return second


@contextlib.contextmanager
def cache_off(app):
    app.config["MEETING_CACHE"] = "off"
    try:
        yield
    finally:
        app.config["MEETING_CACHE"] = "on"


def same_as_uncached(app, client, path, decided):
    """The next request through the cached path, and the same request with the cache off:
    they answer alike. Returns the answer."""
    del decided[:]
    cached = _answer(client.get(path))
    assert decided and decided[0] is False, "a decision made before the write was used"
    with cache_off(app):
        uncached = _answer(client.get(path))
    assert cached == uncached
    return cached


def _seat_of(email: str) -> Seat:
    return db.session.scalar(
        sa.select(Seat).join(Body, Body.id == Seat.body_id)
        .where(Body.key == FORUM, Seat.held_by_sql(_user(email).id, platform_clock.today())))


def _hand_seat_to_outsider():
    _seat_of(MEMBER).holding_on(platform_clock.today()).holder_id = _user(OUTSIDER).id


def _end_seat_yesterday():
    _seat_of(MEMBER).valid_to = platform_clock.today() - timedelta(days=1)


def _disable_member():
    _user(MEMBER).is_enabled = False


def _erase_member():
    operations.erase_user(_user(MEMBER))


def _remove_tenant_admin():
    db.session.execute(sa.delete(TenantAdmin).where(TenantAdmin.user_id == _user(ADMIN).id))


def _remove_recipients_affiliation():
    org = db.session.scalar(sa.select(Organisation.id).filter_by(code=RECIPIENT_ORG))
    db.session.execute(sa.delete(Affiliation).where(
        Affiliation.user_id == _user(RECIPIENT).id, Affiliation.organisation_id == org))


def _remove_body_recipient():
    org = db.session.scalar(sa.select(Organisation.id).filter_by(code=RECIPIENT_ORG))
    forum = db.session.scalar(sa.select(Body.id).filter_by(key=FORUM))
    db.session.execute(sa.delete(BodyRecipient).where(
        BodyRecipient.body_id == forum, BodyRecipient.organisation_id == org))


@pytest.mark.parametrize(("email", "audience", "change"), [
    (MEMBER, "MEMBER", _hand_seat_to_outsider),
    (MEMBER, "MEMBER", _end_seat_yesterday),
    (MEMBER, "MEMBER", _disable_member),
    (MEMBER, "MEMBER", _erase_member),
    (ADMIN, "TENANT_ADMIN", _remove_tenant_admin),
    (RECIPIENT, "INFORMATION_RECIPIENT", _remove_recipients_affiliation),
    (RECIPIENT, "INFORMATION_RECIPIENT", _remove_body_recipient),
], ids=lambda v: v if isinstance(v, str) and "@" in v else getattr(v, "__name__", v).strip("_"))
def test_a_write_that_changes_access_is_seen_on_the_next_request(
        app, api, meeting, decided, email, audience, change):
    client = api(email, T)
    path = f"meetings/{meeting}"
    document = warm(client, path, decided)
    before = _answer(document)
    _write(change)
    # Someone of the same audience still allowed reads the meeting after the write: the
    # document is fresh again, only the decision is not.
    tenant_id = db.session.scalar(sa.select(Tenant.id).filter_by(slug=T))
    cache.lookup(tenant_id, meeting, audience).store(document.get_data())
    after = same_as_uncached(app, client, path, decided)
    assert after != before, "the write changed nothing this test can see"
    assert after[0] in (401, 404)


def test_the_new_seat_holder_is_decided_in_full(app, api, meeting, decided):
    outsider = api(OUTSIDER, T)
    path = f"meetings/{meeting}"
    assert outsider.get(path).status_code == 404  # refusals are never cached
    _write(_hand_seat_to_outsider)
    assert same_as_uncached(app, outsider, path, decided)[0] == 200
    warm(outsider, path, decided)


def test_a_member_made_secretary_gets_the_secretarys_document(app, api, meeting, decided):
    """The decision names another document now: the one this process remembered reading
    with the decision is not served."""
    from core.bodies.models import SeatRole

    client = api(MEMBER, T)
    path = f"meetings/{meeting}"
    warm(client, path, decided)
    _write(lambda: setattr(_seat_of(MEMBER), "role", SeatRole.SECRETARY))
    # A fresh members' document that must not reach her any more.
    tenant_id = db.session.scalar(sa.select(Tenant.id).filter_by(slug=T))
    cache.lookup(tenant_id, meeting, "MEMBER").store(b'{"audience": "members"}')
    expected = same_as_uncached(app, client, path, decided)
    assert expected[1] != {"audience": "members"}
    for _ in range(3):
        assert _answer(client.get(path)) == expected
    assert warm(client, path, decided).get_json() == expected[1]


def test_a_seat_ending_today_is_refused_tomorrow_without_any_write(
        app, api, meeting, decided, clock):
    today = platform_clock.today()
    _write(lambda: setattr(_seat_of(MEMBER), "valid_to", today))
    client = api(MEMBER, T)
    path = f"meetings/{meeting}"
    warm(client, path, decided)
    clock.advance(days=1)  # the platform's clock (core/clock.py): the seat's day is over
    assert same_as_uncached(app, client, path, decided)[0] == 404


def test_a_revoked_token_is_refused_on_the_next_request(app, api, meeting, decided):
    session = api(MEMBER, T)
    made = session.client.post("/api/v1/me/tokens", json={"name": "cli", "scope": "read"})
    assert made.status_code == 201, made.get_json()
    path = f"/api/v1/tenants/{T}/meetings/{meeting}"
    by_token = app.test_client()
    headers = {"Authorization": f"Bearer {made.get_json()['token']}"}
    assert by_token.get(path, headers=headers).status_code == 200
    assert by_token.get(path, headers=headers).status_code == 200
    warm(session, f"meetings/{meeting}", decided)  # the owner's session decision is cached
    assert session.client.delete(f"/api/v1/me/tokens/{made.get_json()['id']}").status_code == 204
    del decided[:]
    cached = _answer(by_token.get(path, headers=headers))
    with cache_off(app):
        uncached = _answer(by_token.get(path, headers=headers))
    assert cached == uncached and cached[0] == 401
    assert not any(decided), "a token request was answered from a session's decision"


def test_a_decision_never_crosses_tenants_users_or_meetings(app, api, meeting, make_meeting, decided):
    client = api(MEMBER, T)
    warm(client, f"meetings/{meeting}", decided)
    # The same member's meeting id through another tenant's URL: 404, decided in full.
    other = api(MEMBER, "naboby")
    del decided[:]
    assert other.get(f"meetings/{meeting}").status_code == 404
    assert decided == [False]
    # Another user, the same meeting: decided in full.
    outsider = api(OUTSIDER, T)
    del decided[:]
    assert outsider.get(f"meetings/{meeting}").status_code == 404
    assert decided == [False]
    # Another meeting of the same body: decided in full, then cached on its own.
    second = make_meeting(T, FORUM, datetime(2021, 4, 1, 13, tzinfo=timezone.utc))
    del decided[:]
    assert client.get(f"meetings/{second}").status_code == 200
    assert decided == [False]


def test_without_a_login_nothing_is_decided_from_the_cache(app, api, meeting, decided):
    anonymous = api(None, T)
    del decided[:]
    assert anonymous.get(f"meetings/{meeting}").status_code == 401
    assert not any(decided), "an anonymous request was answered from a decision"


@pytest.fixture
def deciding(monkeypatch):
    """Each time a request decided the caller's access: the route's declared role checked
    in the tenant, the role in a body worked out (the page's menu asks the tenant role to
    render itself, which is not a decision)."""
    from core.identity import permissions

    calls = []
    for name in ("_check_declared", "role_in_body"):
        real = getattr(permissions, name)

        def counted(*args, _real=real, **kwargs):
            calls.append(_real.__name__)
            return _real(*args, **kwargs)

        monkeypatch.setattr(permissions, name, counted)
    return calls


def _meeting_row(meeting_id):
    from core.meetings.models import Meeting

    return db.session.get(Meeting, meeting_id)


def _in_testby(in_tenant, change) -> None:
    """A write made in the tenant's scope, as its pages and API make it (``_write`` writes
    across tenants, which counts for every tenant)."""
    with in_tenant(T):
        change()
        db.session.commit()


def test_a_change_of_the_meetings_place_is_rendered_without_deciding_the_access_again(
        app, api, meeting, decided, deciding, in_tenant):
    """Decision 0049: the place is not what a decision reads, so the kept decision stays
    fresh; the stale document is rendered for the role it decided, answering as with the
    cache off, and the role is not worked out again."""
    client = api(MEMBER, T)
    path = f"meetings/{meeting}"
    warm(client, path, decided)
    _in_testby(in_tenant, lambda: setattr(_meeting_row(meeting), "location", "Rådhuset, lokale 7"))
    del deciding[:]
    del decided[:]
    answer = _answer(client.get(path))
    assert decided == [False] and deciding == []  # rendered anew, not decided anew
    assert answer[0] == 200 and answer[1]["location"] == "Rådhuset, lokale 7"
    with cache_off(app):
        assert _answer(client.get(path)) == answer
    assert "_check_declared" in deciding  # the request with the cache off decides in full
    del deciding[:]
    page = client.client.get(f"/{T}/moeder/{meeting}")  # the page: the same kept decision
    assert page.status_code == 200 and "Rådhuset, lokale 7" in page.get_data(as_text=True)
    assert "_check_declared" not in deciding  # (its parts may ask a role to render themselves)
    warm(client, path, decided)


def test_a_change_of_the_meetings_state_decides_the_access_again(app, api, meeting, decided,
                                                                   deciding, in_tenant):
    from core.meetings.models import MeetingState

    client = api(MEMBER, T)
    path = f"meetings/{meeting}"
    warm(client, path, decided)
    _in_testby(in_tenant, lambda: setattr(_meeting_row(meeting), "state", MeetingState.CANCELLED))
    del deciding[:]
    del decided[:]
    assert client.get(path).status_code == 200
    assert decided == [False] and "_check_declared" in deciding
