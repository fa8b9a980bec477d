"""``kommissorium demo``: a realistic year per tenant on a fresh database, through the
features' operations; a second run changes nothing; the figures are there through the API."""

import logging
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from core.cli import demo_config, main
from core.extensions import db

NOW = datetime.now(timezone.utc)
YEAR = NOW.year


def _just_now(meetings):
    """Meetings of the last ten days are not yet walked through (their minutes are not due)."""
    from datetime import timedelta

    return sum(NOW - timedelta(days=10) <= datetime.fromisoformat(m["starts_at"]) < NOW for m in meetings)


def _motion(client, slug, meeting_id):
    items = client.get(f"/api/v1/tenants/{slug}/meetings/{meeting_id}").get_json()["items"]
    item = next(i for i in items if i["kind"] == "B")
    resp = client.get(f"/api/v1/tenants/{slug}/items/{item['id']}/motion")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


@pytest.fixture
def run(app, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return lambda *args: app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)


def _counts():
    from core.audit.models import AuditEntry
    from core.decisions.models import Motion
    from core.meetings.models import AgendaItem, Attachment, Meeting
    from core.proposals.models import Proposal
    from core.tenancy import all_tenants

    with all_tenants():
        return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
                for m in (Meeting, AgendaItem, Attachment, Motion, Proposal, AuditEntry)}


def _login(client, email):
    resp = client.post("/api/v1/auth/login", json={"email": email, "password": "demo"})
    assert resp.status_code == 200, resp.get_json()
    return client


def test_demo_year_for_each_tenant_then_nothing_changes(run, app, client, caplog):
    caplog.set_level(logging.INFO)
    caplog.clear()
    first = run("demo", "--no-serve")
    assert first.exit_code == 0, first.output
    # The log (stderr, beside the output) stays quiet too: no line per migration, nor per
    # request the stories make through the API.
    assert [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno <= logging.INFO] == []
    for slug in ("albertslund", "slagelse", "kobenhavn", "vejle"):
        assert f"demo year {slug}: seeded" in first.output
    # Short: a line per tenant, not one per seat; each line once.
    lines = [line for line in first.output.splitlines() if line.strip()]
    assert not [line for line in lines if line.strip().startswith("created seat ")]
    assert "alembic" not in first.output
    assert len(lines) <= 40, first.output
    assert len(set(lines)) == len(lines), first.output
    # Logins to try: per tenant the secretary, the meeting leader and a member; a KAB person
    # who sits in two municipalities.
    assert first.output.count("(sekretariatet)") == 4
    assert "lise.lindholm@bo-vest.example" in first.output  # Albertslund's leader (ALB-B6)
    assert first.output.count("(mødeleder, ") >= 3 and first.output.count("(medlem, ") == 4
    assert any("@kab.example" in line and "KAB, 2 kommuner" in line for line in lines)
    after_first = _counts()
    assert after_first["Meeting"] >= 2 + 4 + 4 + 3 + 4 and after_first["Attachment"] == after_first["Meeting"]

    second = run("demo", "--no-serve")
    assert second.exit_code == 0, second.output
    assert second.output.count(": already there") == 4
    assert _counts() == after_first

    # Albertslund: the board's year; minutes approved and pending; a non-quorate attempt (ALB-B3).
    sec = _login(app.test_client(), "sanne.skov@abc.example")
    meetings = sec.get("/api/v1/tenants/albertslund/bodies/bestyrelse/meetings").get_json()
    assert [m["starts_at"][:4] for m in meetings] == [str(YEAR)] * 2
    # Titled, on weekdays in the afternoon, not all on one day of the month (issue 14, item 9).
    assert all(m["title"].startswith("Bestyrelsen, ") for m in meetings)
    starts = [datetime.fromisoformat(m["starts_at"]) for m in meetings]
    assert all(s.weekday() < 5 and 13 <= s.hour <= 17 for s in starts)
    assert {(s.day, s.hour, s.minute) for s in starts} != {(10, 15, 0)}  # once all the 10th, 15:00
    past = [m for m in meetings if m["state"] != "planned"]
    assert len(past) == sum(datetime.fromisoformat(m["starts_at"]) < NOW for m in meetings) - _just_now(meetings)
    states = [m["state"] for m in past]
    assert states[:-1] == ["minutes_approved"] * (len(past) - 1)
    assert states[-1:] in ([], ["minutes_sent"])  # the latest minutes wait for approval (ALB-B9)
    if len(past) >= 2:  # from the second meeting of the year (July) on
        motion = _motion(sec, "albertslund", past[1]["id"])
        assert motion["result"] == "not_quorate"  # AKB left before the close (ALB-B3)
        recorded = {v["unit_label"]: v["recorded_by"] for v in motion["votes"]}
        # a show of hands, and the mayor's own vote; each unit by its display name
        assert recorded == {"VA": "Lise Demo Lindholm", "AB": "Lise Demo Lindholm",
                            "Albertslund Kommune": None}
    for m in past:
        assert sec.get(f"/api/v1/tenants/albertslund/meetings/{m['id']}").get_json()["breaches"] == []

    # Slagelse: decided without objection (SLA-5), BoligKorsør's dissent recorded (SLA-6).
    idris = _login(app.test_client(), "idris.skovgaard@slagelse-boligsocial.example")
    sla = [m for m in idris.get("/api/v1/tenants/slagelse/bodies/bestyrelse/meetings").get_json()
           if m["state"] != "planned"]
    if sla:
        motion = _motion(idris, "slagelse", sla[0]["id"])
        outcome = idris.get(f"/api/v1/tenants/slagelse/motions/{motion['id']}/outcome").get_json()
        assert outcome["decided_by"] == "no_objection" and outcome["result"] == "adopted"
        dissents = idris.get(f"/api/v1/tenants/slagelse/motions/{motion['id']}").get_json()["dissents"]
        assert [d["organisation"] for d in dissents] == ["BK"]

    # København: a refused stand-in leaves KAB with apologies (KBH-6); Domea's mandate is
    # delegated to KAB, whose deputy fills the seat (KBH-7).
    tobias = _login(app.test_client(), "tobias.trier@tmf.kk.example")
    kbh = [m for m in tobias.get("/api/v1/tenants/kobenhavn/bodies/bydelsbestyrelse-amager-vvvk/meetings")
           .get_json() if m["state"] != "planned"]
    if len(kbh) >= 2:
        first = {a["seat"]: a for a in tobias.get(f"/api/v1/tenants/kobenhavn/meetings/{kbh[0]['id']}").get_json()["attendance"]}
        second = {a["seat"]: a for a in tobias.get(f"/api/v1/tenants/kobenhavn/meetings/{kbh[1]['id']}").get_json()["attendance"]}
        assert first["kab"]["status"] == "apologies"
        assert (second["domea"]["acting_as"], second["domea"]["person"]) == ("delegate", "aysel.holm@kab.example")
    first_meeting = sec.get(f"/api/v1/tenants/albertslund/meetings/{meetings[0]['id']}").get_json()
    assert [i["kind"] for i in first_meeting["items"]].count("B") >= 1
    assert any(i.get("attachments") for i in first_meeting["items"])
    # The demo year is searchable (issue 16): an item by its title, the first hit.
    title = next(i["title"] for i in first_meeting["items"] if i["kind"] == "B")
    found = sec.get("/api/v1/search", query_string={"q": title, "tenant": "albertslund", "kind": "item"})
    assert found.status_code == 200 and found.get_json()["results"][0]["title"] == title

    # Vejle: the proposal went through a hearing to BPU, which adopted it (VEJ-6, VEJ-1).
    fs = _login(app.test_client(), "laerke.lindberg@bolivvejle.example")
    [proposal] = fs.get("/api/v1/tenants/vejle/proposals").get_json()
    p = fs.get(f"/api/v1/tenants/vejle/proposals/{proposal['id']}").get_json()
    assert p["state"] == "adopted" and p["steps"][0]["kind"] == "hearing"
    assert p["steps"][0]["outcome"] == "heard" and p["steps"][-1]["body"] == "bpu"
    assert {u["clause"] for u in p["follow_ups"]} == {"VEJ-1"}


@pytest.mark.parametrize("bind, port, environ, public_url", [
    ("127.0.0.1", 5055, {}, "http://127.0.0.1:5055"),
    ("0.0.0.0", 8080, {}, "http://127.0.0.1:8080"),
    ("::1", 5000, {}, "http://[::1]:5000"),
    ("127.0.0.1", 5055, {"PUBLIC_URL": "https://demo.example"}, "https://demo.example"),
])
def test_the_demos_mails_link_to_the_address_it_serves_on(bind, port, environ, public_url):
    """``kommissorium demo --port 5055``: the links in its mails open the served demo, not
    the default address; an explicit PUBLIC_URL wins."""
    config = demo_config(bind, port, environ)
    assert config["PUBLIC_URL"] == public_url
    assert config["NOTIFY_AT_ONCE"] is True
    assert demo_config(bind, port, {"NOTIFY_AT_ONCE": "0"})["NOTIFY_AT_ONCE"] is False
