"""The meeting document cache (core/meetings/cache.py, docs/decisions/0008-meeting-document-cache.md):
after every write a meeting goes through, the document served equals a fresh, uncached
render, for each audience; a cached document never crosses roles (closed items, ALB-B11,
KBH-2) or tenants; the ETag answers 304. Runs on SQLite and, with TEST_DATABASE_URL and
TEST_REDIS_URL, on PostgreSQL with the documents in Redis."""

import io

import pytest

from core.meetings import cache
from tests.fixtures.document_cache import (  # noqa: F401  (lookups: a fixture)
    HY, HY_MEMBER, HY_RECIPIENT, HY_SECRETARY, at, fresh, lookups, motion_unit)
from tests.fixtures.document_cache import check as shared_check

T = "kobenhavn"
SECRETARY = "tobias.trier@tmf.kk.example"  # secretary of Samarbejdsforum
MEMBER = "karin.kundby@kab.example"  # holds the KAB seat
RECIPIENT = "dan.brix@dab.example"  # DAB receives the forum's material (KBH-2)
ALBERTSLUND_SECRETARY = "sanne.skov@abc.example"


@pytest.fixture
def forum(sync_tenant, clock, make_meeting, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORE_DIR", str(tmp_path / "files"))
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    sync_tenant("kobenhavn")
    sync_tenant("albertslund")
    return make_meeting(T, "samarbejdsforum", at(2021, 3, 1, 13))


def check(app, api, meeting_id, lookups, *, after_write=True, tenant=T,
          audiences=(SECRETARY, MEMBER, RECIPIENT)):
    """tests/fixtures/document_cache.py's check, for Samarbejdsforum's audiences by default."""
    shared_check(app, api, meeting_id, lookups, after_write=after_write, tenant=tenant,
                 audiences=audiences)


def test_every_write_on_a_meeting_is_seen_at_once(app, api, forum, make_meeting, clock, lookups):
    meeting = make_meeting("albertslund", HY, at(2021, 3, 1, 13))
    audiences = (HY_SECRETARY, HY_MEMBER, HY_RECIPIENT)
    sec, member = api(HY_SECRETARY, "albertslund"), api(HY_MEMBER, "albertslund")
    roles = {e: api(e, "albertslund").get(f"meetings/{meeting}").get_json() for e in audiences}
    assert all(roles.values())
    check(app, api, meeting, lookups, after_write=False, tenant="albertslund", audiences=audiences)

    def step(resp, code=(200, 201, 204)):
        assert resp.status_code in code, resp.get_json()
        # A refusal writes nothing: the stored document may be served, and must be right.
        check(app, api, meeting, lookups, tenant="albertslund", audiences=audiences,
              after_write=resp.status_code < 300)
        return resp.get_json() if resp.status_code != 204 else None

    step(sec.patch(f"meetings/{meeting}", json={"location": "Rådhuset, lokale 2"}))
    open_item = step(sec.post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Fælles indsats", "case_text": "Sagen …", "topics": ["activity"],
        "recommendation": "Styregruppen godkender indsatsen."}))
    closed = step(sec.post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Personalesag", "is_confidential": True,
        "confidentiality_reason": "personnel"}))
    extra = step(sec.post(f"meetings/{meeting}/items", json={"kind": "O", "title": "Orientering"}))
    step(sec.patch(f"meetings/{meeting}/items/{open_item['id']}", json={"title": "Fælles indsats 2021"}))
    step(sec.post(f"meetings/{meeting}/items/{closed['id']}/attachments",
                  data={"file": (io.BytesIO(b"%PDF- sag"), "sag.pdf", "application/pdf")},
                  content_type="multipart/form-data"))
    step(sec.post(f"meetings/{meeting}/items/{open_item['id']}/attachments",
                  data={"file": (io.BytesIO(b"%PDF- notat"), "notat.pdf", "application/pdf")},
                  content_type="multipart/form-data"))
    step(sec.delete(f"meetings/{meeting}/items/{extra['id']}"))
    clock.set(at(2021, 2, 20, 9))
    step(sec.post(f"meetings/{meeting}/publish-agenda"))
    step(member.put(f"meetings/{meeting}/attendance/afdelingsbestyrelse-1", json={"status": "apologies"}))
    for seat in ("afdelingsbestyrelse-1", "afdelingsbestyrelse-2", "driftsleder", "kommune-1"):
        step(sec.put(f"meetings/{meeting}/attendance/{seat}", json={"status": "present"}))
    clock.set(at(2021, 3, 1, 15))
    step(sec.post(f"meetings/{meeting}/session"))
    motion = step(sec.post(f"items/{open_item['id']}/motion", json={"text": "Indsatsen godkendes."}))
    if motion["phase"] != "voting":
        motion = step(sec.post(f"motions/{motion['id']}/voting"))
    step(member.post(f"motions/{motion['id']}/votes", json={"choice": "yes"}))
    step(member.put(f"motions/{motion['id']}/votes/{motion_unit(member, motion)}", json={"choice": "no"}))
    step(sec.post(f"motions/{motion['id']}/close"))
    step(sec.post(f"meetings/{meeting}/held"))
    step(sec.put(f"meetings/{meeting}/items/{closed['id']}/minutes", json={
        "decision": "Styregruppen besluttede sagen.", "public_decision": "Styregruppen drøftede sagen."}))
    step(member.post(f"meetings/{meeting}/items/{open_item['id']}/dissents", json={"text": "VA tager forbehold."}))
    for item in sec.get(f"meetings/{meeting}").get_json()["items"]:
        if item["kind"] == "B" and item["id"] not in (closed["id"], open_item["id"]):
            step(sec.put(f"meetings/{meeting}/items/{item['id']}/minutes",
                         json={"decision": f"Punkt {item['position']} blev godkendt."}))
    clock.set(at(2021, 3, 8, 9))
    step(sec.post(f"meetings/{meeting}/send-minutes"))
    step(sec.post(f"meetings/{meeting}/minutes/corrections", json={"reason": "Stavefejl"}),
         code=(200, 201, 409))


def test_a_cancelled_meeting_is_seen_at_once(app, api, forum, lookups):
    check(app, api, forum, lookups, after_write=False)
    resp = api(SECRETARY, T).post(f"meetings/{forum}/cancel", json={"reason": "Ingen sager"})
    assert resp.status_code == 200, resp.get_json()
    check(app, api, forum, lookups)
    assert api(MEMBER, T).get(f"meetings/{forum}").get_json()["state"] == "cancelled"


def test_a_write_outside_the_meeting_api_is_seen_too(app, api, forum, lookups, in_tenant):
    """Changes made by other code: a person's e-mail (a global row) and the meeting row
    written directly in its tenant."""
    import sqlalchemy as sa

    from core.extensions import db
    from core.identity.models import User
    from core.meetings.models import Meeting

    resp = api(SECRETARY, T).put(f"meetings/{forum}/attendance/kab", json={"status": "present"})
    assert resp.status_code == 200, resp.get_json()
    check(app, api, forum, lookups)
    user = db.session.scalar(sa.select(User).filter_by(email=MEMBER))
    user.email = "karin.k@kab.example"
    db.session.commit()
    check(app, api, forum, lookups, audiences=(SECRETARY, RECIPIENT))
    seen = api(SECRETARY, T).get(f"meetings/{forum}").get_json()["attendance"]
    assert "karin.k@kab.example" in [a["person"] for a in seen]
    with in_tenant(T):
        db.session.get(Meeting, forum).location = "Flyttet"
        db.session.commit()
    check(app, api, forum, lookups, audiences=(SECRETARY, RECIPIENT))
    assert api(RECIPIENT, T).get(f"meetings/{forum}").get_json()["location"] == "Flyttet"
    # A write the cache cannot attribute to a table (here behind a CTE) invalidates all.
    with in_tenant(T):
        db.session.execute(sa.text("WITH m AS (SELECT :id AS id) UPDATE meetings SET location = 'CTE' "
                                   "WHERE id IN (SELECT id FROM m)"), {"id": forum})
        db.session.commit()
    check(app, api, forum, lookups, audiences=(SECRETARY, RECIPIENT))
    assert api(RECIPIENT, T).get(f"meetings/{forum}").get_json()["location"] == "CTE"


def test_closed_items_are_never_served_to_an_information_recipient(app, api, forum, lookups):
    sec = api(SECRETARY, T)
    sec.post(f"meetings/{forum}/items", json={
        "kind": "B", "title": "Køb af ejendom", "case_text": "Prisen er 12 mio.",
        "is_confidential": True, "confidentiality_reason": "property_transaction"})
    # The members' document is in the cache first …
    for _ in range(2):
        member_view = api(MEMBER, T).get(f"meetings/{forum}").get_json()
    assert lookups[-1] is True and member_view["items"][-1]["title"] == "Køb af ejendom"
    # … and the recipient still sees a padlock, and no attendance.
    for _ in range(2):
        resp = api(RECIPIENT, T).get(f"meetings/{forum}")
        view = resp.get_json()
        assert view["items"][-1]["title"] == "Ejendomshandel"  # its public title
        assert "12 mio" not in resp.get_data(as_text=True)
        assert view["attendance"] == []
    assert lookups[-1] is True  # served from the cache, the recipient's own document
    # Someone with no role in the tenant learns nothing, cached or not.
    assert api(ALBERTSLUND_SECRETARY, T).get(f"meetings/{forum}").status_code == 404


def test_a_cached_document_never_crosses_tenants(app, api, forum, make_meeting, lookups):
    for _ in range(2):
        assert api(MEMBER, T).get(f"meetings/{forum}").status_code == 200
    assert lookups[-1] is True
    # The same meeting id through another tenant's URL, by that tenant's secretary.
    assert api(ALBERTSLUND_SECRETARY, "albertslund").get(f"meetings/{forum}").status_code == 404
    other = make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15))
    body = api(ALBERTSLUND_SECRETARY, "albertslund").get(f"meetings/{other}").get_json()
    assert body["body"] == "bestyrelse"
    assert api(MEMBER, T).get(f"meetings/{other}").status_code == 404


def test_etag_answers_304_until_the_meeting_changes(app, api, forum):
    member = api(MEMBER, T)
    first = member.get(f"meetings/{forum}")
    tag = first.headers["ETag"]
    again = member.get(f"meetings/{forum}", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    api(SECRETARY, T).patch(f"meetings/{forum}", json={"location": "Et andet sted"})
    changed = member.get(f"meetings/{forum}", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.get_json()["location"] == "Et andet sted"
    assert changed.headers["ETag"] != tag


def test_the_cache_can_be_turned_off(app, api, forum, lookups):
    app.config["MEETING_CACHE"] = "off"
    for _ in range(2):
        assert api(MEMBER, T).get(f"meetings/{forum}").status_code == 200
    assert lookups == [False, False]


def test_a_token_reader_is_served_from_the_cache_and_still_checked(app, client, forum, lookups):
    """An API token's use is recorded on every request (``last_used_at``): that write
    must not defeat the cache, and a revoked token is refused though the document is warm."""
    import sqlalchemy as sa

    from core.extensions import db
    from core.identity import operations
    from core.identity.models import User

    user = db.session.scalar(sa.select(User).filter_by(email=MEMBER))
    row, secret = operations.create_token(user, "lesning", "read")
    db.session.commit()
    path = f"/api/v1/tenants/{T}/meetings/{forum}"
    headers = {"Authorization": f"Bearer {secret}"}
    for _ in range(3):
        resp = client.get(path, headers=headers)
        assert resp.status_code == 200 and resp.get_json()["id"] == forum
    assert lookups[-2:] == [True, True]
    operations.revoke_token(row)
    db.session.commit()
    assert client.get(path, headers=headers).status_code == 401


def test_without_redis_the_cache_is_off_by_default(app, api, forum, lookups, monkeypatch):
    """``tick`` and other workers write to the same database and cannot bump a counter kept
    in this process: without Redis, ``auto`` does not cache."""
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    monkeypatch.setitem(app.config, "MEETING_CACHE", "auto")
    for _ in range(2):
        assert api(MEMBER, T).get(f"meetings/{forum}").status_code == 200
    assert lookups == [False, False]
