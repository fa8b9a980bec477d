"""Vejle's hearings answered by the parties themselves (VEJ-6: a theme group's proposal is
heard in the housing organisations and the Kommune): every party is told when the hearing
opens; Boligforeningen Give's hearing contact (tenants/vejle.toml) answers through its
personal link, and an answer after the deadline is accepted and recorded as late, as on
the platform; the secretariat's paper answer is marked as recorded by them."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from core.notifications.models import Notification
from core.proposals.models import HearingAnswerLink
from core.proposals.operations import link_token
from tests.plugins.vejle.test_proposals import (  # noqa: F401
    ASKED,
    THEME_SECRETARY,
    _pass_deadline,
    _start_and_open_hearing,
    api,
    vejle,
)

V = "/api/v1/tenants/vejle/proposals"
SECRETARIAT = "laerke.lindberg@bolivvejle.example"


def _token(in_tenant, email: str) -> str:
    with in_tenant("vejle"):
        return link_token(db.session.scalar(sa.select(HearingAnswerLink).filter_by(email=email)))


def test_every_party_is_told_at_once_and_the_contacts_get_their_links_VEJ_6(vejle, in_tenant):
    _start_and_open_hearing(vejle)
    with in_tenant("vejle"):
        told = db.session.scalars(sa.select(Notification.subject).where(
            Notification.kind == "hearing_opened")).all()
        links = {link.organisation.code: link.email for link in db.session.scalars(sa.select(HearingAnswerLink))}
    assert len({s.rsplit(":", 1)[1] for s in told}) == len(ASKED)  # every organisation asked
    assert links == {"GIVE": "hoering@bf-give.example", "GREJSDALEN": "hoering@bf-grejsdalen.example",
                     "JELLING": "hoering@jelling-boligselskab.example"}


def test_an_answer_through_the_link_after_the_deadline_is_recorded_late_VEJ_6(vejle, in_tenant, client):
    p = _start_and_open_hearing(vejle)
    token = _token(in_tenant, "hoering@bf-give.example")
    _pass_deadline(in_tenant, p["id"])
    shown = client.get(f"{V}/{p['id']}/hearing/answer-links/{token}").get_json()
    assert shown["is_late"] is True and shown["clause"] == "VEJ-6"
    resp = client.post(f"{V}/{p['id']}/hearing/answer-links/{token}",
                       json={"kind": "comments", "text": "Vi når det først på næste bestyrelsesmøde."})
    assert resp.status_code == 201 and resp.get_json()["is_late"] is True
    p = vejle.as_(THEME_SECRETARY).get(f"/{p['id']}").get_json()
    give = {a["organisation"]: a for a in p["steps"][0]["hearing"]["answers"]}["GIVE"]
    assert (give["is_late"], give["channel"], give["answered_by"]) == (
        True, "link", "Boligforeningen Give, administrationen")
    answered = [e for e in p["history"] if e["kind"] == "answered"][-1]
    assert "efter fristen" in answered["message"] and answered["clause"] == "VEJ-6"


def test_a_paper_answer_names_who_recorded_it_VEJ_6(vejle, in_tenant):
    p = _start_and_open_hearing(vejle)
    resp = vejle.as_(SECRETARIAT).post(f"/{p['id']}/hearing/responses", organisation="JELLING",
                                       kind="no_comments", on_paper=True)
    assert resp.status_code == 201
    jelling = {a["organisation"]: a for a in resp.get_json()["steps"][0]["hearing"]["answers"]}["JELLING"]
    assert (jelling["channel"], jelling["recorded_by"]) == ("paper", "Lærke Demo Lindberg")
    # Jelling's link is spent by the paper answer.
    token = _token(in_tenant, "hoering@jelling-boligselskab.example")
    assert vejle.client.get(f"/vejle/forslag/{p['id']}/hoeringssvar/{token}").status_code == 410
