"""A disqualified member does not vote on the item (CORE-DISQUALIFIED): by the core's
``disqualification_effect`` rule the organisation votes through another representative
present who is not disqualified, or not at all, and the disqualified member does not count
as present for the item's quorum; the stored explanation says so in Danish and English.
Testby's board gives one vote per organisation (TST-2): Boligselskabet A sits with the
chair and Anna."""

T = "/api/v1/tenants/testby"
SECRETARY = "sekretaer@testby.example"
CHAIR = "formand@testby.example"
ANNA = "anna@testby.example"
BENT = "bent@testby.example"
KAREN = "karen@testby.example"


def declare(member, meeting, item, who, person=None):
    payload = {"reason": "Part i sagen"} | ({"person": person} if person else {})
    resp = member(who).post(f"{T}/meetings/{meeting}/items/{item}/disqualifications", json=payload)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def open_motion(member, item):
    resp = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "Købet godkendes"})
    return resp


def vote(member, motion, who, choice="yes"):
    return member(who).post(f"{T}/motions/{motion}/votes", json={"choice": choice})


def test_the_organisation_votes_through_another_representative_CORE_DISQUALIFIED(
        sync_tenant, decision_item, meeting_of, member):
    sync_tenant("testby")
    item = decision_item("testby", "bestyrelse", title="Køb af Bygning 7")
    meeting = meeting_of("testby", item)
    declare(member, meeting, item, ANNA)
    motion = open_motion(member, item).get_json()["id"]
    refused = vote(member, motion, ANNA)
    assert refused.status_code == 409 and refused.get_json()["clause"] == "CORE-DISQUALIFIED"
    assert refused.get_json()["rule"] == "disqualification_effect"
    for who in (CHAIR, BENT, KAREN):
        assert vote(member, motion, who).status_code == 201
    outcome = member(SECRETARY).post(f"{T}/motions/{motion}/close").get_json()["outcome"]
    assert outcome["result"] == "adopted"
    da, en = outcome["explanation"]["da"], outcome["explanation"]["en"]
    assert "Anna Andersen var inhabil og deltog ikke i behandlingen af punktet" in da
    assert "anden fremmødt repræsentant" in da and "(CORE-DISQUALIFIED)" in da
    assert "Anna Andersen was disqualified and took no part in the item" in en
    assert "another representative" in en
    [d] = outcome["disqualifications"]
    assert d["unit"] == "org:TST-A" and d["casters"] == [CHAIR] and d["clause"] == "CORE-DISQUALIFIED"
    assert {"rule": "disqualification_effect", "clause": "CORE-DISQUALIFIED", "source": "core"} \
        in outcome["provenance"]


def test_without_another_representative_the_unit_does_not_vote_CORE_DISQUALIFIED(
        sync_tenant, decision_item, meeting_of, member):
    sync_tenant("testby")
    item = decision_item("testby", "bestyrelse", title="Køb af Bygning 7")
    meeting = meeting_of("testby", item)
    declare(member, meeting, item, ANNA)
    declare(member, meeting, item, SECRETARY, person=CHAIR)
    motion = open_motion(member, item).get_json()["id"]
    assert vote(member, motion, CHAIR).status_code == 409
    assert vote(member, motion, BENT, "no").status_code == 201
    assert vote(member, motion, KAREN).status_code == 201
    outcome = member(SECRETARY).post(f"{T}/motions/{motion}/close").get_json()["outcome"]
    units = {u["key"]: u for u in outcome["units"]}
    assert units["org:TST-A"]["present"] is False and units["org:TST-A"]["eligible"] is True
    da, en = outcome["explanation"]["da"], outcome["explanation"]["en"]
    assert "Anna Andersen og Formand Testby var inhabile" in da
    assert "stemmes ikke for den om punktet" in da and "does not vote on the item" in en
    # the quorum counts the organisation absent: 2 of 3 present
    assert "2 af 3" in outcome["quorum"]["at_close"]["reason"]


def test_a_disqualified_member_does_not_count_as_present_for_the_quorum_CORE_DISQUALIFIED(
        sync_tenant, decision_item, meeting_of, member):
    sync_tenant("testby")
    # the chair, Anna and Bent came; the municipality did not
    item = decision_item("testby", "bestyrelse", present=("formand", "a2", "b", "sekretaer"))
    meeting = meeting_of("testby", item)
    declare(member, meeting, item, ANNA)
    declare(member, meeting, item, CHAIR)
    refused = open_motion(member, item)
    assert refused.status_code == 409 and refused.get_json()["rule"] == "quorum"
    assert "1 af 3" in refused.get_json()["message"]


def test_a_disqualification_during_the_vote_takes_effect_and_its_withdrawal_too(
        sync_tenant, decision_item, meeting_of, member):
    sync_tenant("testby")
    item = decision_item("testby", "bestyrelse")
    meeting = meeting_of("testby", item)
    motion = open_motion(member, item).get_json()["id"]
    assert vote(member, motion, BENT).status_code == 201  # the kept situation is in use
    d = declare(member, meeting, item, ANNA)
    assert vote(member, motion, ANNA).status_code == 409
    withdrawn = member(ANNA).post(f"{T}/meetings/{meeting}/items/{item}/disqualifications/{d['id']}/withdraw")
    assert withdrawn.status_code == 200
    assert vote(member, motion, ANNA).status_code == 201
