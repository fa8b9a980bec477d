"""Closed items never leave the platform (ALB-B11, ALB-R6): a meeting with a closed
personnel item goes from agenda to minutes, and every mail the real SMTP server received
for it — agenda, invitation, minutes, reminders, to members and guests alike — carries the
item only as its public title and its § 27 reason with a link into the platform; none of
the confidential text. The public pages and the public API show the same."""

from datetime import datetime, timezone

import pytest

from core.notifications.operations import tick
from tests.fixtures.meetings import attend_all

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"
LEADER = "lise.lindholm@bo-vest.example"
VA, AB, AKB = "vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example", "kamma.berthelsen@akb.example"
MAYOR = "steffen.borg@albertslund.example"
CONFIDENTIAL = (
    "Afskedigelse af Jens Hansen",  # the item's own title
    "Jens Hansen har gentagne gange",  # the case
    "bortvises med øjeblikkelig virkning",  # the recommendation
    "Bestyrelsen bortviser medarbejderen",  # the decision
    "afskedigelsen.txt", "Tjenstlig samtale",  # the attachment's name and text
)


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def in_process(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")


def _all_text(msg) -> str:
    """Everything a mail carries: headers, every part, attachments decoded."""
    out = [str(v) for _, v in msg.items()]
    for part in msg.walk():
        payload = part.get_payload(decode=True)
        if payload:
            out.append(payload.decode("utf-8", "replace"))
    return "\n".join(out)


def test_no_mail_carries_a_closed_items_confidential_text_ALB_B11(
    sync_tenant, clock, make_meeting, api, in_process, smtp_server, client
):
    import io

    sync_tenant("albertslund")
    meeting = make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15), location="Rådhuset")
    sec = api(SANNE, "albertslund")
    closed = sec.post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": CONFIDENTIAL[0],
        "case_text": f"{CONFIDENTIAL[1]} udeblevet fra arbejdet.",
        "recommendation": f"Sekretariatet indstiller, at medarbejderen {CONFIDENTIAL[2]}.",
        "is_confidential": True, "confidentiality_reason": "personnel",
        "guests": [{"name": "Gæst Demo", "email": "gaest@skole.example"}]})
    assert closed.status_code == 201, closed.get_json()
    closed = closed.get_json()
    assert closed["public_title"] == "Personalesag"  # the default from the reason
    assert sec.post(f"meetings/{meeting}/items/{closed['id']}/attachments", data={
        "file": (io.BytesIO(f"{CONFIDENTIAL[5]} den 1. februar".encode()), CONFIDENTIAL[4], "text/plain")},
        content_type="multipart/form-data").status_code == 201

    clock.set(at(2018, 2, 20, 9))
    assert sec.post(f"meetings/{meeting}/publish-agenda").status_code == 200
    tick(at(2018, 2, 20, 10))
    clock.set(at(2018, 3, 1, 15))
    assert sec.post(f"meetings/{meeting}/session").status_code == 200
    attend_all(sec, meeting)
    lead = api(LEADER, "albertslund")
    motion = lead.post(f"items/{closed['id']}/motion", json={"text": f"{CONFIDENTIAL[3]}."}).get_json()
    if motion["phase"] != "voting":
        lead.post(f"motions/{motion['id']}/voting")
    for email in (VA, AB, AKB, MAYOR):
        assert api(email, "albertslund").post(f"motions/{motion['id']}/votes", json={"choice": "yes"}).status_code == 201
    assert lead.post(f"motions/{motion['id']}/close").status_code == 200
    assert sec.post(f"meetings/{meeting}/held").status_code == 200
    for item in sec.get(f"meetings/{meeting}").get_json()["items"]:
        if item["kind"] == "B" and item["id"] != closed["id"]:
            sec.put(f"meetings/{meeting}/items/{item['id']}/minutes", json={"decision": "Godkendt."})
    sec.put(f"meetings/{meeting}/items/{closed['id']}/minutes", json={
        "decision": f"{CONFIDENTIAL[3]}.", "public_decision": "Bestyrelsen traf beslutning i en personalesag."})
    clock.set(at(2018, 3, 5, 9))
    assert sec.post(f"meetings/{meeting}/send-minutes").status_code == 200
    tick(at(2018, 3, 5, 10))
    tick(at(2018, 3, 27, 10))  # the approval reminders (ALB-B9)

    mails = [m for m in smtp_server.messages if f"meeting:{meeting}" in m["X-Kommissorium-Notification"]]
    kinds = {m["X-Kommissorium-Notification"].split()[0] for m in mails}
    assert {"agenda_published", "minutes_sent"} <= kinds, kinds
    link = f"/albertslund/moeder/{meeting}#punkt-{closed['id']}"
    for mail in mails:
        text = _all_text(mail)
        leaked = [s for s in CONFIDENTIAL if s in text]
        assert not leaked, (mail["To"], mail["Subject"], leaked)
        if mail["X-Kommissorium-Notification"].split()[0] in ("agenda_published", "minutes_sent"):
            assert "Personalesag" in text and "Personalesager (forvaltningslovens § 27)" in text
            assert link in text, text
    # Members get it too, by the same public title: the mail is not the platform.
    va = [m for m in mails if m["To"] == VA and m["Subject"].startswith("Referat")]
    assert va and "Bestyrelsen traf beslutning i en personalesag." in _all_text(va[0])

    # The public pages and API say the same: the public title and the reason, no more.
    public = client.get(f"/api/v1/public/tenants/albertslund/meetings/{meeting}").get_json()
    [item] = [i for i in public["items"] if i["is_confidential"]]
    assert item["title"] == "Personalesag"
    assert item["confidentiality_reason"] == "Personalesager (forvaltningslovens § 27)"
    page = client.get(f"/albertslund/offentlig/moeder/{meeting}").get_data(as_text=True)
    assert "Personalesag" in page and not [s for s in CONFIDENTIAL if s in page]


def test_the_secretary_sets_the_public_title_ALB_B11(sync_tenant, clock, make_meeting, api):
    sync_tenant("albertslund")
    meeting = make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15))
    sec = api(SANNE, "albertslund")
    item = sec.post(f"meetings/{meeting}/items", json={
        "kind": "D", "title": "Køb af Hyldespjældet 12", "is_confidential": True,
        "confidentiality_reason": "property_transaction", "public_title": "Ejendomssag"}).get_json()
    assert item["public_title"] == "Ejendomssag"
    changed = sec.patch(f"meetings/{meeting}/items/{item['id']}", json={"public_title": "Ejendomshandel i Hyldespjældet"})
    assert changed.status_code == 200 and changed.get_json()["public_title"] == "Ejendomshandel i Hyldespjældet"
    # Opened again: an open item has no public title of its own (its title is public).
    opened = sec.patch(f"meetings/{meeting}/items/{item['id']}", json={"is_confidential": False})
    assert opened.get_json()["public_title"] == ""
