"""Slagelse's board in a dry run: decided without a vote unless a member objects (SLA-5),
and a two-thirds majority where the motion asks for it (SLA-4). The dry run itself is
tested on Testby (tests/decisions/test_dry_run.py)."""

import pytest


def dry(member, slug, body, who, **payload):
    return member(who).post(f"/api/v1/tenants/{slug}/bodies/{body}/dry-run", json=payload)


def test_dry_run_no_objection_and_objection_SLA_5(sync_tenant, member):
    sync_tenant("slagelse")
    chair = "frede.fogh@fob.example"
    quiet = dry(member, "slagelse", "bestyrelse", chair).get_json()
    assert quiet["result"] == "adopted" and quiet["decided_by"] == "no_objection"
    contested = dry(member, "slagelse", "bestyrelse", chair, objections=["SB"],
                    votes={"FOB": "yes", "SB": "no", "SAB": "no", "SBS": "no"}).get_json()
    assert contested["result"] == "rejected" and contested["decided_by"] == "vote"
    assert contested["explanation"]["da"].startswith("Afstemning efter indsigelse fra SB (SLA-5).")


@pytest.mark.parametrize("majority,result", [("simple", "adopted"), ("two_thirds", "rejected")])
def test_dry_run_with_a_two_thirds_majority_SLA_4(sync_tenant, member, majority, result):
    sync_tenant("slagelse")
    outcome = dry(member, "slagelse", "bestyrelse", "frede.fogh@fob.example", majority=majority,
                  objections=["BK"],
                  votes={"FOB": "yes", "SB": "yes", "SAB": "yes", "SBS": "no", "BK": "no"}).get_json()
    assert outcome["result"] == result  # 3 of 5 votes cast: a majority, short of two thirds
    assert outcome["tally"]["clause"] == "SLA-4" and outcome["options"]["majority"] == majority
