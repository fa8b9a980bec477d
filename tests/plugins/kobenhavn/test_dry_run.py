"""København's district board in a dry run: a matter outside its plan is refused on its
competence (KBH-4). The dry run itself is tested on Testby (tests/decisions/test_dry_run.py)."""


def dry(member, slug, body, who, **payload):
    return member(who).post(f"/api/v1/tenants/{slug}/bodies/{body}/dry-run", json=payload)


def test_dry_run_reports_a_refusal_of_competence_KBH_4(sync_tenant, member):
    sync_tenant("kobenhavn")
    outcome = dry(member, "kobenhavn", "bydelsbestyrelse-amager-vvvk", "bolette.sejr@bsk.example",
                  matter={"title": "Justering", "plan": "Helhedsplan Nordvest 2019-2023"}).get_json()
    assert outcome["result"] == "refused" and outcome["competence"]["clause"] == "KBH-4"
