"""Votes given in the room (a show of hands) on a Copenhagen district board, recorded by its
secretariat through the HTTP API: only eligible units (KBH-5), only units represented at
the meeting (KBH-6), a delegated mandate counts (KBH-7)."""

import pytest
import sqlalchemy as sa

from core.decisions.models import Vote
from core.extensions import db

K = "/api/v1/tenants/kobenhavn"
AMAGER = "bydelsbestyrelse-amager-vvvk"
BSK = "bolette.sejr@bsk.example"
SYDHAVNEN = "Helhedsplan Sydhavnen 2020-2024"  # granted to AAB and Domea


def record(member, base, motion, votes, who):
    return member(who).post(f"{base}/motions/{motion}/recorded-votes",
                            json={"votes": [{"unit": u, "choice": c} for u, c in votes]})


def stored_votes(in_tenant, slug, motion):
    with in_tenant(slug):
        return {v.unit_key: (v.choice.value, v.cast_by.email if v.cast_by else None,
                             v.recorded_by.email if v.recorded_by else None)
                for v in db.session.scalars(sa.select(Vote).where(Vote.motion_id == motion))}


@pytest.fixture
def amager_motion(sync_tenant, decision_item, attend, meeting_of, member):
    """A district board motion on Sydhavnen's plan: Domea's mandate delegated to KAB's
    Aysel Holm (KBH-7); KAB's own seat absent (KAB is not in Sydhavnen's grant, KBH-5)."""
    sync_tenant("kobenhavn")
    item = decision_item("kobenhavn", AMAGER, plan=SYDHAVNEN)
    meeting = meeting_of("kobenhavn", item)
    attend("kobenhavn", meeting, "domea", email="aysel.holm@kab.example", acting_as="delegate")
    attend("kobenhavn", meeting, "kab", status="absent")
    resp = member(BSK).post(f"{K}/items/{item}/motion", json={"text": "Justering af planen"})
    assert resp.status_code == 201, resp.get_json()
    motion = resp.get_json()
    if motion["phase"] != "voting":
        motion = member(BSK).post(f"{K}/motions/{motion['id']}/voting").get_json()
    return motion["id"]


def test_a_delegated_mandate_is_recorded_as_the_delegates_vote_KBH_7(amager_motion, member, in_tenant):
    resp = record(member, K, amager_motion, [("seat:domea", "yes")], BSK)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()[0]["cast_as"] == "delegate"
    assert stored_votes(in_tenant, "kobenhavn", amager_motion)["seat:domea"] == (
        "yes", "aysel.holm@kab.example", BSK)


def test_an_organisation_outside_the_grant_is_refused_KBH_5(amager_motion, member, in_tenant):
    resp = record(member, K, amager_motion, [("seat:domea", "yes"), ("seat:fsb", "no")], BSK)
    assert resp.status_code == 409
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("KBH-5", "vote_units")
    assert stored_votes(in_tenant, "kobenhavn", amager_motion) == {}


def test_an_absent_organisation_cannot_be_counted_KBH_6(sync_tenant, decision_item, attend, meeting_of,
                                                        member, in_tenant):
    """On a matter of the whole district (no plan's adjustment, so every voting seat votes),
    AAB is absent: no stand-in came (KBH-6), and its vote cannot be recorded."""
    sync_tenant("kobenhavn")
    item = decision_item("kobenhavn", AMAGER)
    attend("kobenhavn", meeting_of("kobenhavn", item), "aab", status="absent")
    motion = member(BSK).post(f"{K}/items/{item}/motion", json={"text": "Bydelens årsplan"}).get_json()
    if motion["phase"] != "voting":
        motion = member(BSK).post(f"{K}/motions/{motion['id']}/voting").get_json()
    resp = record(member, K, motion["id"], [("seat:domea", "yes"), ("seat:aab", "yes")], BSK)
    assert resp.status_code == 409, resp.get_json()
    assert "ikke repræsenteret ved mødet" in resp.get_json()["message"]
    assert stored_votes(in_tenant, "kobenhavn", motion["id"]) == {}
