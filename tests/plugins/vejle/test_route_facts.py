"""Vejle's route reads the bodies a group reports to (VEJ-7, VEJ-6): when the secretariat
moves an area group under another forum (``PATCH …/bodies/<key>/facts``, ``parent``), the
group's next proposal goes to that forum, and from it to the committee it reports to."""

import sqlalchemy as sa

from core.extensions import db
from core.tenants.models import TenantAdmin

V = "/api/v1/tenants/vejle"
AREA = "omraadegruppe-noerremarken"
PROPOSER = "nermin.noerager@aab.example"


def _propose(member) -> list:
    resp = member(PROPOSER).post(f"{V}/proposals", json={
        "body": AREA, "title": "Nyt fælleshus", "text": "x", "decision_sought": "y"})
    assert resp.status_code == 201, resp.get_json()
    return [(s["body"], s["action"], s["clause"]) for s in resp.get_json()["steps"]]


def test_an_area_groups_proposal_goes_to_the_forum_it_reports_to_VEJ_7_VEJ_6(sync_tenant, in_tenant, member):
    sync_tenant("vejle")
    with in_tenant("vejle"):
        admin = db.session.scalars(sa.select(TenantAdmin)).first().user.email
    assert _propose(member) == [("fku", "forward", "VEJ-7"), ("bpu", "decide", "VEJ-6")]
    created = member(admin).post(f"{V}/bodies", json={
        "key": "fku-syd", "name": "FKU Syd", "kind": "forum", "template": "fku", "parent": "bpu"})
    assert created.status_code == 201, created.get_json()
    resp = member(admin).patch(f"{V}/bodies/{AREA}/facts", json={"parent": "fku-syd"})
    assert resp.status_code == 200 and resp.get_json()["parent"] == "fku-syd"
    assert _propose(member) == [("fku-syd", "forward", "VEJ-7"), ("bpu", "decide", "VEJ-6")]
