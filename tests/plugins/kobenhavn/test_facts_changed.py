"""København's facts changed by its secretariat through the API (core/bodies/rule_facts.py),
and the rules reading them at once: a grant's organisations (KBH-5), a district board's
districts and plans (KBH-4), Samarbejdsforum's information recipients (KBH-2); a grant
naming an organisation without a seat on the board (KBH-8) or a plan without its grant
(KBH-10) is refused as the tenant file would be, nothing written."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.bodies.models import Body
from core.extensions import db
from core.meetings.models import MeetingState
from core.models import utcnow

K = "/api/v1/tenants/kobenhavn"
AMAGER = "bydelsbestyrelse-amager-vvvk"
FACTS = f"{K}/bodies/{AMAGER}/facts"
ADMIN = "tobias.trier@tmf.kk.example"  # TMF's secretary of Samarbejdsforum, tenant administrator
BSK = "bolette.sejr@bsk.example"  # the district board's secretary (KBH-8), not the secretariat
AAB = "asger.abildgaard@aab.example"
DOMEA = "dorit.mejer@domea.example"
VALBY = "Helhedsplan Valby Vest 2019-2023"  # granted to KAB alone


@pytest.fixture
def kbh(sync_tenant):
    sync_tenant("kobenhavn")


def _grants(in_tenant) -> list:
    with in_tenant("kobenhavn"):
        return db.session.scalar(sa.select(Body).filter_by(key=AMAGER)).extra["grants"]


def _vote(member, decision_item, who, **matter):
    item = decision_item("kobenhavn", AMAGER, **matter)
    motion = member(BSK).post(f"{K}/items/{item}/motion", json={"text": "Justering af planen"})
    assert motion.status_code == 201, motion.get_json()
    return member(who).post(f"{K}/motions/{motion.get_json()['id']}/votes", json={"choice": "yes"})


def test_an_organisation_added_to_a_grant_decides_on_its_plan_KBH_5(kbh, member, decision_item, in_tenant):
    refused = _vote(member, decision_item, AAB, plan=VALBY, district="Amager")
    assert refused.status_code == 409 and refused.get_json()["clause"] == "KBH-5"
    grants = member(ADMIN).get(FACTS).get_json()["grants"]
    for g in grants:
        if g["plan"] == VALBY:
            g["organisations"] = ["KAB", "AAB"]
    resp = member(ADMIN).patch(FACTS, json={"grants": grants})
    assert resp.status_code == 200, resp.get_json()
    assert _vote(member, decision_item, AAB, plan=VALBY, district="Amager").status_code == 201


def test_a_plan_and_district_added_are_the_boards_at_once_KBH_4(kbh, member, decision_item):
    new = "Helhedsplan Christianshavn 2024-2027"
    item = decision_item("kobenhavn", AMAGER, plan=new, district="Christianshavn")
    refused = member(BSK).post(f"{K}/items/{item}/motion", json={"text": "Justering"})
    assert refused.status_code == 409 and refused.get_json()["clause"] == "KBH-4"
    facts = member(ADMIN).get(FACTS).get_json()
    resp = member(ADMIN).patch(FACTS, json={
        "districts": [*facts["districts"], "Christianshavn"], "plans": [*facts["plans"], new],
        "grants": [*facts["grants"], {"plan": new, "organisations": ["KAB"]}]})
    assert resp.status_code == 200, resp.get_json()
    opened = member(BSK).post(f"{K}/items/{item}/motion", json={"text": "Justering"})
    assert opened.status_code == 201 and opened.get_json()["competence_rule"]["clause"] == "KBH-4"


def test_a_plan_without_its_grant_is_refused_KBH_10(kbh, member, in_tenant):
    before = _grants(in_tenant)
    plans = member(ADMIN).get(FACTS).get_json()["plans"]
    resp = member(ADMIN).patch(FACTS, json={"plans": [*plans, "Helhedsplan Ørestad"]})
    assert resp.status_code == 422
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("KBH-10", "validate_body")
    assert "Helhedsplan Ørestad mangler sin bevilling" in resp.get_json()["errors"]["json"]["grants"][0]
    assert _grants(in_tenant) == before


def test_a_grant_naming_an_organisation_without_a_seat_is_refused_KBH_8(kbh, member, in_tenant):
    before = _grants(in_tenant)
    grants = [{**g, "organisations": [*g["organisations"], "VIBO"]} if g["plan"] == VALBY else g
              for g in before]
    resp = member(ADMIN).patch(FACTS, json={"grants": grants})
    assert resp.status_code == 422
    assert resp.get_json()["clause"] == "KBH-8"
    assert "VIBO indgår i bevillingen" in resp.get_json()["errors"]["json"]["grants"][0]
    assert _grants(in_tenant) == before


def test_a_board_secretary_is_not_the_secretariat(kbh, member):
    assert member(BSK).patch(FACTS, json={"districts": ["Amager"]}).status_code == 403


def test_an_information_recipient_removed_reads_no_more_KBH_2(kbh, member, create_meeting):
    meeting = create_meeting("kobenhavn", "samarbejdsforum", starts_at=utcnow() + timedelta(days=7),
                             state=MeetingState.AGENDA_PUBLISHED)
    assert member(DOMEA).get(f"{K}/meetings/{meeting}").status_code == 200  # Domea: KBH-2
    forum = f"{K}/bodies/samarbejdsforum/facts"
    assert member(ADMIN).get(forum).get_json()["information_recipients"] == ["DAB", "DOMEA", "FA09"]
    resp = member(ADMIN).patch(forum, json={"information_recipients": ["DAB", "FA09"]})
    assert resp.status_code == 200, resp.get_json()
    assert member(DOMEA).get(f"{K}/meetings/{meeting}").status_code in (403, 404)
    assert member(ADMIN).patch(forum, json={"information_recipients": ["DAB", "DOMEA", "FA09"]}).status_code == 200
    assert member(DOMEA).get(f"{K}/meetings/{meeting}").status_code == 200
