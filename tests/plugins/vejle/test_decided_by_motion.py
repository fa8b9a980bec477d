"""A motion closing on the agenda item a proposal step placed moves the proposal on: Vejle's
BPU decides a theme group's proposal by its vote (VEJ-6, VEJ-1). All through the HTTP API.
The core's side is tested on Testby (tests/proposals/test_decided_by_motion.py)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import utcnow
from tests.plugins.vejle.test_proposals import FS_SECRETARY, PRINCIPLE, THEME, THEME_MEMBER, THEME_SECRETARY
from tests.fixtures.proposals import api  # noqa: F401
from tests.fixtures.proposals import everyone_attends as _everyone_attends

V = "/api/v1/tenants/vejle"


@pytest.fixture
def vejle(sync_tenant, api):
    sync_tenant("vejle")
    return api("vejle")


def test_vejle_route_decided_by_a_real_bpu_vote_with_follow_ups_VEJ_6_VEJ_1(
    vejle, plan_meeting, attend, member, in_tenant
):
    plan_meeting("vejle", THEME, days=40)
    plan_meeting("vejle", "fku", days=50)
    bpu_meeting = plan_meeting("vejle", "bpu", days=60)
    p = vejle.as_(THEME_MEMBER).post(**PRINCIPLE).get_json()
    deadline = (utcnow() + timedelta(days=21)).isoformat()
    assert vejle.as_(THEME_SECRETARY).post(f"/{p['id']}/hearing", deadline_at=deadline).status_code == 200
    for org, who in (("AAB", "aase.albaek@aab.example"), ("OSTERBO", "ole.oestergaard@osterbo.example")):
        assert vejle.as_(who).post(f"/{p['id']}/hearing/responses", organisation=org,
                                   kind="no_comments", text="").status_code == 201
    with in_tenant("vejle"):
        from core.proposals.models import Hearing, ProposalStep

        hearing = db.session.scalar(sa.select(Hearing).join(ProposalStep)
                                    .where(ProposalStep.proposal_id == p["id"]))
        hearing.deadline_at = utcnow() - timedelta(days=1)
        db.session.commit()
    assert vejle.as_(THEME_SECRETARY).post(f"/{p['id']}/hearing/close").status_code == 200
    for body, who in ((THEME, THEME_SECRETARY), ("fku", FS_SECRETARY)):
        assert vejle.as_(who).post(f"/{p['id']}/decision", body=body, outcome="adopted",
                                   text=f"{body} fører forslaget videre.").status_code == 200
    p = vejle.get(f"/{p['id']}").get_json()
    item = p["steps"][3]["agenda_item_id"]
    assert p["steps"][3]["meeting_id"] == bpu_meeting and item is not None

    _everyone_attends(attend, "vejle", bpu_meeting, "bpu", in_tenant)
    lead = member(FS_SECRETARY)
    motion = lead.post(f"{V}/items/{item}/motion", json={"text": "BPU vedtager principperne."})
    assert motion.status_code == 201, motion.get_json()
    motion = motion.get_json()
    for email in ("vagn.vejlby@vejle.example", "birgit.bredal@vejle.example",
                  "joern.jelstrup@vejle.example", "aase.albaek@aab.example",
                  "ole.oestergaard@osterbo.example", "lis.lerche@lejerbo.example"):
        assert member(email).post(f"{V}/motions/{motion['id']}/votes",
                                  json={"choice": "yes"}).status_code == 201
    assert lead.post(f"{V}/motions/{motion['id']}/close").get_json()["result"] == "adopted"

    p = vejle.as_(FS_SECRETARY).get(f"/{p['id']}").get_json()
    assert p["state"] == "adopted"
    assert p["steps"][3]["provenance"]["by"] == "motion"
    assert p["steps"][3]["provenance"]["competence"]["clause"] is not None
    # VEJ-1: the decision of principle goes on to the city council and the boards.
    assert {u["clause"] for u in p["follow_ups"]} == {"VEJ-1"}
    assert "byraadet" in [u["assignee"] for u in p["follow_ups"]]
