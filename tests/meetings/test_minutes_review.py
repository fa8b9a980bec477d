"""A review round for the draft minutes (send til gennemlæsning): the secretary sends the draft
to the members, they comment per item or on the whole, the secretary resolves each comment
(accepted: the draft changes; answered: a reply), every round's draft and every comment are
kept, sending for approval is refused while a comment is unresolved, and then the body's
approval mode applies as without a review (CORE-APPROVAL-MODE: Testby's board approves by
e-mail, TST-6). A closed item's comments are as closed as the item (CORE-CLOSED-ITEMS).
Testby's board, through the HTTP API; the mail through a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.extensions import db
from core.meetings.models import MinutesReview, MinutesReviewComment
from core.notifications.operations import tick
from tests.fixtures.dates import at
from tests.fixtures.meetings import sit_and_hold
from tests.fixtures.testby import ANNA, BENT, BOTH, CHAIR, KAREN, NABO_SECRETARY, OUTSIDER, SECRETARY
from tests.meetings.test_cache_invalidation import receives_the_board

T = "testby"
BOARD = "bestyrelse"


class Board:
    def __init__(self, meeting: int, item: int, closed: int):
        self.meeting, self.item, self.closed = meeting, item, closed
        self.review = f"meetings/{meeting}/minutes/review"
        self.comments = f"meetings/{meeting}/minutes/review/comments"


@pytest.fixture
def board(testby, naboby, make_meeting, api, in_tenant, clock) -> Board:
    """Testby's board's meeting of 1 March 2021, held, with an open and a closed item and
    their decisions in the draft; TST-B receives the board's material (an information
    recipient: Ulla Udenfor). The clock is left on 2 March."""
    clock.set(at(2021, 2, 1, 9))
    receives_the_board(in_tenant)
    meeting = make_meeting(T, BOARD, at(2021, 3, 1, 13))
    sec = api(SECRETARY, T)
    item = sec.post(f"meetings/{meeting}/items", json={"kind": "B", "title": "Ny legeplads"}).get_json()
    closed = sec.post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Sagen om Hansen", "is_confidential": True,
        "confidentiality_reason": "personnel"}).get_json()
    assert sec.post(f"meetings/{meeting}/publish-agenda").status_code == 200
    clock.set(at(2021, 3, 1, 16))
    assert sit_and_hold(sec, meeting).status_code == 200
    assert sec.put(f"meetings/{meeting}/items/{item['id']}/minutes",
                   json={"decision": "Legepladsen bygges for 1,2 mio. kr."}).status_code == 200
    assert sec.put(f"meetings/{meeting}/items/{closed['id']}/minutes",
                   json={"decision": "Hansen får en advarsel.",
                         "public_decision": "Sagen blev afgjort."}).status_code == 200
    clock.set(at(2021, 3, 2, 9))
    return Board(meeting, item["id"], closed["id"])


def _audit(in_tenant, action):
    with in_tenant(T):
        return db.session.scalars(sa.select(AuditEntry).filter_by(action=action)
                                  .order_by(AuditEntry.seq)).all()


def _decision(review_round: dict, item: int) -> str:
    return next(e["decision"] for e in review_round["entries"] if e["item_id"] == item)


def _count(in_tenant, model):
    with in_tenant(T):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_review_round_from_sending_to_approval_keeps_every_draft_and_comment_TST_6(board, api, in_tenant):
    sec, anna, bent = api(SECRETARY, T), api(ANNA, T), api(BENT, T)
    # Before it is sent, members cannot comment.
    refused = anna.post(board.comments, json={"item_id": board.item, "text": "For tidligt?"})
    assert refused.status_code == 409, refused.get_json()

    sent = sec.post(board.review, json={"deadline_at": at(2021, 3, 9, 12).isoformat()})
    assert sent.status_code == 201, sent.get_json()
    review = sent.get_json()
    assert review["open"] and review["round"] == 1 and review["unresolved"] == 0
    assert review["deadline_at"] == at(2021, 3, 9, 12).isoformat()
    [first] = review["rounds"]
    assert _decision(first, board.item) == "Legepladsen bygges for 1,2 mio. kr."
    assert _decision(first, board.closed) == "Hansen får en advarsel."
    # The same request again is no change (no second round).
    assert sec.post(board.review, json={"deadline_at": at(2021, 3, 9, 12).isoformat()}).get_json()["round"] == 1

    # Members comment per item (more than one on an item) and on the whole.
    c1 = anna.post(board.comments, json={"item_id": board.item, "text": "Beløbet var 1,3 mio. kr."})
    assert c1.status_code == 201, c1.get_json()
    c1 = c1.get_json()
    assert c1["item_id"] == board.item and c1["author"] and c1["mine"] and c1["resolution"] is None
    c2 = bent.post(board.comments, json={"item_id": board.item, "text": "Nævn tidsplanen."}).get_json()
    c3 = bent.post(board.comments, json={"text": "Fint referat."}).get_json()
    assert c3["item_id"] is None
    # The same comment sent twice is kept once.
    again = anna.post(board.comments, json={"item_id": board.item, "text": "Beløbet var 1,3 mio. kr."})
    assert again.get_json()["id"] == c1["id"]
    assert _count(in_tenant, MinutesReviewComment) == 3

    # Sending for approval is refused while comments are unresolved; nothing changes.
    refused = sec.post(f"meetings/{board.meeting}/send-minutes")
    assert refused.status_code == 409
    assert "3 kommentar(er) fra gennemlæsningen er ikke behandlet" in refused.get_json()["message"]
    assert sec.get(f"meetings/{board.meeting}").get_json()["state"] == "held"

    # Accepted: the draft changes, the entry before and after is kept with the comment.
    resolved = sec.post(f"{board.comments}/{c1['id']}", json={
        "resolution": "accepted", "decision": "Legepladsen bygges for 1,3 mio. kr."})
    assert resolved.status_code == 200, resolved.get_json()
    assert resolved.get_json()["change"] == {
        "before": {"decision": "Legepladsen bygges for 1,2 mio. kr.", "public_decision": ""},
        "after": {"decision": "Legepladsen bygges for 1,3 mio. kr.", "public_decision": ""}}
    minutes = sec.get(f"meetings/{board.meeting}/minutes").get_json()
    entry = next(e for e in minutes["versions"][0]["entries"] if e["item_id"] == board.item)
    assert entry["decision"] == "Legepladsen bygges for 1,3 mio. kr."
    # Resolving it again the same way is no change; otherwise it is refused.
    assert sec.post(f"{board.comments}/{c1['id']}", json={"resolution": "accepted"}).status_code == 200
    assert sec.post(f"{board.comments}/{c1['id']}",
                    json={"resolution": "answered", "reply": "Nej"}).status_code == 409

    # Answered: a reply, the draft stays.
    answered = sec.post(f"{board.comments}/{c2['id']}",
                        json={"resolution": "answered", "reply": "Tidsplanen står i sagen."}).get_json()
    assert answered["resolution"] == "answered" and answered["reply"] == "Tidsplanen står i sagen."
    assert answered["change"] is None and answered["resolved_by"]

    # The changed draft goes out again: round 2, round 1 kept as it was sent.
    review = sec.post(board.review, json={}).get_json()
    assert review["round"] == 2 and review["deadline_at"] is None
    one, two = review["rounds"]
    assert one["closed_at"] is not None and two["closed_at"] is None
    assert _decision(one, board.item) == "Legepladsen bygges for 1,2 mio. kr."
    assert _decision(two, board.item) == "Legepladsen bygges for 1,3 mio. kr."
    assert [c["id"] for c in review["comments"]] == [c1["id"], c2["id"], c3["id"]]
    assert review["unresolved"] == 1

    assert sec.post(f"{board.comments}/{c3['id']}",
                    json={"resolution": "answered", "reply": "Tak."}).status_code == 200
    sent = sec.post(f"meetings/{board.meeting}/send-minutes")
    assert sent.status_code == 200, sent.get_json()

    # The round has ended: no more comments; everything is kept.
    review = anna.get(board.review).get_json()
    assert not review["open"] and review["rounds"][-1]["closed_at"] is not None
    assert len(review["comments"]) == 3 and len(review["rounds"]) == 2
    assert anna.post(board.comments, json={"text": "Sent"}).status_code == 409
    assert sec.post(board.review, json={}).status_code == 409

    # CORE-APPROVAL-MODE applies as without a review: the members approve by e-mail (TST-6).
    minutes = anna.get(f"meetings/{board.meeting}/minutes").get_json()
    assert minutes["state"] == "minutes_sent" and minutes["approval_mode"] == "email"
    for who in (CHAIR, ANNA, BENT, KAREN, BOTH):  # CORE-APPROVERS: the seats but the secretary's
        assert api(who, T).post(f"meetings/{board.meeting}/minutes/approvals").status_code == 200
    minutes = anna.get(f"meetings/{board.meeting}/minutes").get_json()
    assert minutes["state"] == "minutes_approved"
    assert minutes["approval"]["clause"] == "TST-6"

    # Sending, commenting and resolving are in the tenant's audit chain.
    assert [e.payload["round"] for e in _audit(in_tenant, "minutes.review_sent")] == [1, 2]
    assert len(_audit(in_tenant, "minutes.review_comment")) == 3
    assert [e.payload["resolution"] for e in _audit(in_tenant, "minutes.review_resolved")] == [
        "accepted", "answered", "answered"]
    assert all("text" not in e.payload for e in _audit(in_tenant, "minutes.review_comment"))


def test_a_closed_items_comments_are_as_closed_as_the_item_CORE_CLOSED_ITEMS(board, api, monkeypatch):
    sec, anna = api(SECRETARY, T), api(ANNA, T)
    sec.post(board.review, json={})
    open_c = anna.post(board.comments, json={"item_id": board.item, "text": "Åben kommentar"}).get_json()
    closed_c = anna.post(board.comments, json={"item_id": board.closed, "text": "Hansen FORTROLIGT"}).get_json()
    assert "Hansen FORTROLIGT" in anna.get(board.review).get_data(as_text=True)

    # Information recipients take no part: 403; people without a role and another tenant: 404.
    recipient = api(OUTSIDER, T)
    assert recipient.get(board.review).status_code == 403
    assert recipient.post(board.comments, json={"text": "Må jeg?"}).status_code == 403
    assert api(NABO_SECRETARY, T).get(board.review).status_code == 404
    assert api(NABO_SECRETARY, T).post(f"{board.comments}/{closed_c['id']}",
                                       json={"resolution": "answered", "reply": "x"}).status_code == 404

    # Who reads a closed item is the meetings feature's decision; where it says only the
    # secretariat, a member neither reads nor writes the closed item's comments.
    from core.identity.permissions import Role
    from core.meetings.operations import review

    monkeypatch.setattr(review, "can_see_confidential", lambda role: role >= Role.BODY_SECRETARY)
    seen = anna.get(board.review)
    assert seen.status_code == 200
    text = seen.get_data(as_text=True)
    assert "Hansen FORTROLIGT" not in text and "Hansen får en advarsel" not in text
    assert [c["id"] for c in seen.get_json()["comments"]] == [open_c["id"]]
    closed_entry = next(e for e in seen.get_json()["rounds"][0]["entries"] if e["item_id"] == board.closed)
    assert closed_entry["decision"] == "Sagen blev afgjort."
    assert anna.post(board.comments, json={"item_id": board.closed, "text": "Igen"}).status_code == 404
    assert closed_c["id"] in [c["id"] for c in sec.get(board.review).get_json()["comments"]]


def test_bad_input_names_the_field_and_writes_nothing(board, api, in_tenant, make_meeting):
    sec, anna = api(SECRETARY, T), api(ANNA, T)
    past = sec.post(board.review, json={"deadline_at": at(2021, 3, 1, 12).isoformat()})
    assert past.status_code == 422 and "deadline_at" in past.get_json()["errors"]["json"]
    assert sec.post(board.review, json={"deadline_at": "i morgen"}).status_code == 422
    assert _count(in_tenant, MinutesReview) == 0
    sec.post(board.review, json={})

    for body, field in (({"text": ""}, "text"), ({"item_id": board.item}, "text"),
                        ({"item_id": "punkt", "text": "x"}, "item_id"), ({"text": "x" * 5001}, "text")):
        resp = anna.post(board.comments, json=body)
        assert resp.status_code == 422, body
        assert field in resp.get_json()["errors"]["json"], body
    other = make_meeting(T, BOARD, at(2021, 6, 1, 13))
    other_item = sec.post(f"meetings/{other}/items", json={"kind": "B", "title": "Andet"}).get_json()
    assert anna.post(board.comments, json={"item_id": other_item["id"], "text": "x"}).status_code == 404
    assert _count(in_tenant, MinutesReviewComment) == 0

    c = anna.post(board.comments, json={"text": "Helheden"}).get_json()
    url = f"{board.comments}/{c['id']}"
    for body, field in (({}, "resolution"), ({"resolution": "maybe"}, "resolution"),
                        ({"resolution": "answered"}, "reply"),
                        ({"resolution": "accepted", "decision": "Ny"}, "decision")):
        resp = sec.post(url, json=body)
        assert resp.status_code == 422, body
        assert field in resp.get_json()["errors"]["json"], body
    assert sec.post(f"{board.comments}/999999", json={"resolution": "accepted"}).status_code == 404
    # Only the secretary resolves.
    assert anna.post(url, json={"resolution": "accepted"}).status_code == 403
    assert sec.get(board.review).get_json()["unresolved"] == 1
    assert _audit(in_tenant, "minutes.review_resolved") == []


def test_comments_end_with_the_deadline(board, api, clock):
    sec, anna = api(SECRETARY, T), api(ANNA, T)
    sec.post(board.review, json={"deadline_at": at(2021, 3, 5, 12).isoformat()})
    clock.set(at(2021, 3, 5, 12) + timedelta(minutes=1))
    late = anna.post(board.comments, json={"text": "For sent"})
    assert late.status_code == 409 and "Fristen" in late.get_json()["message"]
    assert anna.get(board.review).get_json()["deadline_passed"] is True


def _review_mails(smtp_server, who):
    return [m for m in smtp_server.to(who) if "gennemlæsning" in m["Subject"]]


def test_the_review_mail_reaches_the_members_with_a_link_to_the_review_page(board, api, app, smtp_server,
                                                                            monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")  # delivered in process
    from core.identity.models import User

    db.session.scalar(sa.select(User).filter_by(email=BENT)).language = "en"  # Bent reads English
    db.session.commit()
    api(SECRETARY, T).post(board.review, json={"deadline_at": at(2021, 3, 9, 12).isoformat()})
    tick(at(2021, 3, 2, 10))
    [mail] = _review_mails(smtp_server, ANNA)
    assert mail["Subject"] == "Udkast til referat til gennemlæsning: Bestyrelsen 2021-03-01 · Testby Kommune"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    link = f"http://127.0.0.1:5000/testby/moeder/{board.meeting}/referat/gennemlaesning"
    assert link in text and link in html
    assert "Frist for kommentarer: 09.03.2021 kl. 13:00." in text
    assert mail["References"] == f"<testby.meeting.{board.meeting}@127.0.0.1>"  # threaded per meeting
    # The members only: neither the secretary who sent it nor the information recipient.
    [english] = [m for m in smtp_server.to(BENT) if "for review" in m["Subject"]]
    assert english["Subject"] == "Draft minutes for review: Bestyrelsen 2021-03-01 · Testby Kommune"
    assert "Read and comment on the draft" in english.get_body(("html",)).get_content()
    assert link in english.get_body(("plain",)).get_content()
    assert not _review_mails(smtp_server, SECRETARY) and not _review_mails(smtp_server, OUTSIDER)
    # Sent once per round.
    tick(at(2021, 3, 2, 11))
    assert len(_review_mails(smtp_server, ANNA)) == 1
    # The link opens the review page (after a login).
    page = api(ANNA, T).get(link.removeprefix("http://127.0.0.1:5000"))
    assert page.status_code == 200 and "Ny legeplads" in page.get_data(as_text=True)


def test_review_comments_are_exported_and_emptied_with_an_erasure(board, api, in_tenant):
    sec = api(SECRETARY, T)
    sec.post(board.review, json={})
    c = api(BENT, T).post(board.comments, json={"item_id": board.item, "text": "Bents kommentar"}).get_json()
    sec.post(f"{board.comments}/{c['id']}", json={"resolution": "answered", "reply": "Tak for det."})
    mine = api(BENT, T).get("/api/v1/me/personal-data").get_json()["minutes_review_comments"]
    assert [(m["tenant"], m["item_id"], m["text"], m["resolution"]) for m in mine] == [
        (T, board.item, "Bents kommentar", "answered")]
    assert api(BENT, T).post("/api/v1/me/erase", json={"confirm": True}).status_code == 204
    [kept] = sec.get(board.review).get_json()["comments"]
    assert kept["text"] == "" and kept["author"] == "" and kept["reply"] == "Tak for det."
    assert "Bents kommentar" not in sec.get(f"/testby/moeder/{board.meeting}/referat/gennemlaesning").get_data(as_text=True)


def test_a_closed_item_without_a_public_title_is_not_named_to_who_does_not_read_it_CORE_CLOSED_ITEMS(
        board, api, monkeypatch, in_tenant):
    """A closed item's real title stays with those who read it, also where the item has no
    public title of its own (rows from before public titles): its reason's title instead."""
    from core.identity.permissions import Role
    from core.meetings.models import AgendaItem
    from core.meetings.operations import review

    api(SECRETARY, T).post(board.review, json={})
    with in_tenant(T):
        db.session.get(AgendaItem, board.closed).public_title = ""
        db.session.commit()
    monkeypatch.setattr(review, "can_see_confidential", lambda role: role >= Role.BODY_SECRETARY)
    seen = api(ANNA, T).get(board.review)
    assert seen.status_code == 200 and "Sagen om Hansen" not in seen.get_data(as_text=True)
    closed = next(e for e in seen.get_json()["rounds"][0]["entries"] if e["item_id"] == board.closed)
    assert closed["title"] == "Personalesag"
    mine = api(SECRETARY, T).get(board.review).get_json()["rounds"][0]["entries"]
    assert next(e for e in mine if e["item_id"] == board.closed)["title"] == "Sagen om Hansen"
