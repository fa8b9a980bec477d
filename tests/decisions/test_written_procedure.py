"""Written procedure (skriftlig behandling) between meetings, on Testby's board through the
HTTP API, the tick and a real SMTP server: the chair puts a proposal to the voting units
with a deadline (CORE-WRITTEN-START); each unit answers once, with the vote's own units
(TST-2: one answer per organisation); decided when every unit answers and nobody objects
(CORE-WRITTEN-DECIDED); otherwise onto the next meeting's agenda with the answers
(CORE-WRITTEN-FALLBACK); a decided one appears in the next meeting's minutes as decided by
written procedure."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from core import hookimpl
from core.audit.models import AuditEntry
from core.decisions.models import WrittenAnswer, WrittenProcedure
from core.extensions import db
from core.notifications.operations import tick
from core.rules import Rulebook, WrittenFallback, WrittenOutcome
from tests.fixtures.testby import (
    ANNA,
    BENT,
    BOTH,
    CHAIR,
    KAREN,
    NABO_SECRETARY,
    OUTSIDER,
    SECRETARY,
)

UTC = timezone.utc
A = "/api/v1/tenants/testby"
START = datetime(2018, 2, 1, 9, tzinfo=UTC)
DEADLINE = datetime(2018, 2, 8, 12, tzinfo=UTC)
NEXT_MEETING = datetime(2018, 3, 1, 15, tzinfo=UTC)


@pytest.fixture
def in_process(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")


@pytest.fixture
def board(testby, clock, make_meeting, in_process):
    """Testby's board with its next meeting planned; the clock at START."""
    clock.set(START)
    return make_meeting("testby", "bestyrelse", NEXT_MEETING, location="Rådhuset")


def _start(member, who=CHAIR, **changes):
    data = {"title": "Tilskud til sommerfest", "text": "Bestyrelsen bevilger 5.000 kr. til sommerfesten.",
            "recommendation": "Sekretariatet indstiller, at tilskuddet bevilges.",
            "deadline_at": DEADLINE.isoformat(), **changes}
    return member(who).post(f"{A}/bodies/bestyrelse/written-procedures", json=data)


def _answer(member, pid, who, choice="agree", **more):
    return member(who).post(f"{A}/written-procedures/{pid}/answers", json={"choice": choice, **more})


def _get(member, pid, who=CHAIR):
    return member(who).get(f"{A}/written-procedures/{pid}").get_json()


def _audit(in_tenant, action):
    with in_tenant("testby"):
        return db.session.scalars(sa.select(AuditEntry).filter_by(action=action)
                                  .order_by(AuditEntry.id)).all()


def _count(in_tenant, model):
    with in_tenant("testby"):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_decided_when_every_unit_agrees_and_recorded_in_the_next_minutes_CORE_WRITTEN_DECIDED_TST_2(
        board, member, in_tenant):
    r = _start(member)
    assert r.status_code == 201, r.get_json()
    p = r.get_json()
    assert p["state"] == "open" and p["start_rules"]["allowed"]["clause"] == "CORE-WRITTEN-START"
    # TST-2: one answer per organisation — TST-A's chair answers for it, TST-A's second member cannot.
    assert p["mine"] == [{"key": "org:TST-A", "label": "TST-A", "name": "TST-A"}]
    assert _answer(member, p["id"], CHAIR).status_code == 201
    again = _answer(member, p["id"], ANNA)
    assert again.status_code == 409 and again.get_json()["clause"] == "TST-2"
    assert "allerede svaret" in again.get_json()["message"]
    assert _answer(member, p["id"], BENT, "abstain").status_code == 201
    assert _get(member, p["id"])["state"] == "open"  # the municipality has not answered
    assert _answer(member, p["id"], KAREN).status_code == 201

    done = _get(member, p["id"])
    assert done["state"] == "decided"  # every unit answered, nobody objected: closed at once
    outcome = done["outcome"]
    assert outcome["rule"]["clause"] == "CORE-WRITTEN-DECIDED" and outcome["fallback"] is None
    assert outcome["explanation"].startswith("Besluttet ved skriftlig behandling. Besluttet: alle 3")
    assert "TST-A: enig" in outcome["explanation"] and "TST-B: undlader at tage stilling" in outcome["explanation"]
    assert "Hvem der svarer: TST-2" in outcome["explanation"]
    assert outcome["explanation_en"].startswith("Decided by written procedure.")
    assert [a["choice"] for a in done["answers"]] == ["agree", "abstain", "agree"]

    # On the next meeting's agenda as an information item: decided by written procedure.
    meeting = member(SECRETARY).get(f"{A}/meetings/{board}").get_json()
    [item] = [i for i in meeting["items"] if i["id"] == done["item_id"]]
    assert done["meeting_id"] == board
    assert item["title"] == "Besluttet ved skriftlig behandling: Tilskud til sommerfest"
    assert item["kind"] == "O"

    started, closed = _audit(in_tenant, "written.started"), _audit(in_tenant, "written.closed")
    assert len(started) == 1 and started[0].payload["units"] == ["org:TST-A", "org:TST-B", "org:TST-KOM"]
    assert [e.payload["choice"] for e in _audit(in_tenant, "written.answered")] == ["agree", "abstain", "agree"]
    assert closed[0].payload["result"] == "decided" and closed[0].payload["clause"] == "CORE-WRITTEN-DECIDED"
    assert _audit(in_tenant, "written.placed")[0].payload["item"] == item["id"]


def test_the_next_minutes_record_it_as_decided_by_written_procedure(board, member, clock):
    from tests.fixtures.meetings import sit_and_hold

    p = _start(member).get_json()
    for who in (CHAIR, BENT, KAREN):
        assert _answer(member, p["id"], who).status_code == 201
    sec = member(SECRETARY)
    clock.set(NEXT_MEETING - timedelta(days=10))
    assert sec.post(f"{A}/meetings/{board}/publish-agenda").status_code == 200
    clock.set(NEXT_MEETING + timedelta(hours=1))
    assert sit_and_hold(sec, board, prefix=f"{A}/").status_code == 200
    assert sec.post(f"{A}/meetings/{board}/send-minutes").status_code == 200
    minutes = member(ANNA).get(f"{A}/meetings/{board}/minutes").get_json()
    [entry] = [e for e in minutes["versions"][0]["entries"] if e["item_id"] == _get(member, p["id"])["item_id"]]
    assert entry["title"] == "Besluttet ved skriftlig behandling: Tilskud til sommerfest"
    assert entry["decision"] == ("Besluttet ved skriftlig behandling den 01.02.2018: Bestyrelsen bevilger "
                                 "5.000 kr. til sommerfesten.")
    assert "(CORE-WRITTEN-DECIDED)" in entry["explanation"]


def test_an_objection_goes_to_the_next_meeting_with_the_answers_through_the_tick_and_smtp_CORE_WRITTEN_FALLBACK(
        board, member, clock, smtp_server, in_tenant):
    p = _start(member, who=SECRETARY).get_json()
    tick(START + timedelta(minutes=5))
    # The proposal goes to those who answer for a voting unit, not to the observer or the secretary.
    for who in (CHAIR, ANNA, BENT, KAREN):
        [mail] = smtp_server.to(who)
        assert mail["Subject"] == "Skriftlig behandling: Tilskud til sommerfest · Testby Kommune"
        text = mail.get_body(("plain",)).get_content()
        assert "Svar senest 08.02.2018 kl. 13:00" in text
        assert f"http://127.0.0.1:5000/testby/skriftlig-behandling/{p['id']}" in text
        assert mail.get_body(("html",)) is not None
    assert smtp_server.to(BOTH) == [] and smtp_server.to(SECRETARY) == []

    clock.set(START + timedelta(days=1))
    empty = _answer(member, p["id"], BENT, "object")
    assert empty.status_code == 422 and "reason" in empty.get_json()["errors"]["json"]
    assert _answer(member, p["id"], BENT, "object", reason="Beløbet er for stort.").status_code == 201
    assert _answer(member, p["id"], KAREN).status_code == 201
    assert _get(member, p["id"])["state"] == "open"  # TST-A has not answered; the deadline decides

    # A day before the deadline, those whose unit has not answered are reminded; nobody else.
    tick(DEADLINE - timedelta(days=1))
    for who, reminded in ((CHAIR, 1), (ANNA, 1), (BENT, 0), (KAREN, 0)):
        assert len([m for m in smtp_server.to(who) if m["Subject"].startswith("Påmindelse")]) == reminded, who
    [reminder] = [m for m in smtp_server.to(ANNA) if m["Subject"].startswith("Påmindelse")]
    assert "Fristen udløber 08.02.2018 kl. 13:00." in reminder.get_body(("plain",)).get_content()

    report = tick(DEADLINE - timedelta(minutes=1))
    assert report.written_closed == 0
    report = tick(DEADLINE)
    assert report.written_closed == 1
    done = _get(member, p["id"])
    assert done["state"] == "not_decided"
    assert done["outcome"]["fallback"]["clause"] == "CORE-WRITTEN-FALLBACK"
    assert "Ikke besluttet: 1 af 3 gjorde indsigelse" in done["outcome"]["explanation"]
    assert "Intet svar fra TST-A" in done["outcome"]["explanation"]

    # The proposal is a decision item of the next meeting, with the answers.
    meeting = member(SECRETARY).get(f"{A}/meetings/{board}").get_json()
    [item] = [i for i in meeting["items"] if i["id"] == done["item_id"]]
    assert item["kind"] == "B" and item["title"] == "Tilskud til sommerfest"
    assert "TST-B: indsigelse (Beløbet er for stort.)" in item["case_text"]
    assert "TST-A: intet svar" in item["case_text"]

    # The outcome, explained with its clause, to the members (in their language) with the link.
    [outcome] = [m for m in smtp_server.to(ANNA) if m["Subject"].startswith("Ikke besluttet")]
    text = outcome.get_body(("plain",)).get_content()
    assert "(CORE-WRITTEN-DECIDED)" in text and "(CORE-WRITTEN-FALLBACK)" in text
    assert f"/testby/skriftlig-behandling/{p['id']}" in text
    assert [m for m in smtp_server.to(SECRETARY) if m["Subject"].startswith("Ikke besluttet")]
    n = len(smtp_server.messages)
    again = tick(DEADLINE + timedelta(hours=1))  # nothing twice
    assert again.written_closed == 0 and len(smtp_server.messages) == n


def test_outcome_mail_in_the_recipients_language(board, member, clock, smtp_server, in_tenant):
    from core.identity.models import User

    with in_tenant("testby"):
        db.session.scalar(sa.select(User).filter_by(email=BENT)).language = "en"
        db.session.commit()
    p = _start(member).get_json()
    for who in (CHAIR, BENT, KAREN):
        assert _answer(member, p["id"], who).status_code == 201
    tick(START + timedelta(minutes=5))
    [mail] = [m for m in smtp_server.to(BENT) if "Decided" in m["Subject"] or "Besluttet" in m["Subject"]]
    text = mail.get_body(("plain",)).get_content()
    assert "Decided by written procedure" in text and "(CORE-WRITTEN-DECIDED)" in text


def test_who_may_start_one_and_bad_input_write_nothing_CORE_WRITTEN_START(board, member, in_tenant):
    refused = _start(member, who=BENT)
    assert refused.status_code == 403 and refused.get_json()["clause"] == "CORE-WRITTEN-START"
    past = _start(member, deadline_at=(START - timedelta(hours=1)).isoformat())
    assert past.status_code == 422 and "deadline_at" in past.get_json()["errors"]["json"]
    far = _start(member, deadline_at=(START + timedelta(days=91)).isoformat())
    assert far.status_code == 422 and "deadline_at" in far.get_json()["errors"]["json"]
    naive = _start(member, deadline_at="2018-02-08T12:00:00")
    assert naive.status_code == 422 and "deadline_at" in naive.get_json()["errors"]["json"]
    blank = _start(member, title="  ")
    assert blank.status_code == 422 and "title" in blank.get_json()["errors"]["json"]
    # An advising body decides nothing, in writing neither (CORE-COMPETENCE).
    advising = member(SECRETARY).post(f"{A}/bodies/gruppe/written-procedures", json={
        "title": "X", "text": "Y", "deadline_at": DEADLINE.isoformat()})
    assert advising.status_code == 409 and advising.get_json()["clause"] == "CORE-COMPETENCE"
    # Not a member of the board: refused before the input is read.
    assert member(OUTSIDER).post(f"{A}/bodies/bestyrelse/written-procedures", json={}).status_code in (403, 404)
    assert _count(in_tenant, WrittenProcedure) == 0
    assert _audit(in_tenant, "written.started") == []


def test_answers_refused_say_why_and_write_nothing(board, member, clock, in_tenant, naboby):
    p = _start(member).get_json()
    # A seat without a vote does not answer (CORE-UNITS / TST-2's units).
    observer = _answer(member, p["id"], BOTH)
    assert observer.status_code == 409 and observer.get_json()["rule"] == "vote_units"
    bad = _answer(member, p["id"], CHAIR, "maybe")
    assert bad.status_code == 422 and "choice" in bad.get_json()["errors"]["json"]
    # Someone outside the body, and another tenant's secretary, do not find it.
    assert member(OUTSIDER).get(f"{A}/written-procedures/{p['id']}").status_code == 404
    assert member(NABO_SECRETARY).get(f"{A}/written-procedures/{p['id']}").status_code == 404
    assert _answer(member, p["id"], NABO_SECRETARY).status_code == 404
    assert member(None).get(f"{A}/written-procedures/{p['id']}").status_code == 401
    assert member(SECRETARY).get(f"{A}/written-procedures/999999").status_code == 404
    assert _count(in_tenant, WrittenAnswer) == 0
    clock.set(DEADLINE)
    late = _answer(member, p["id"], CHAIR)
    assert late.status_code == 409 and "afsluttet" in late.get_json()["message"]
    assert _count(in_tenant, WrittenAnswer) == 0


def test_not_decided_waits_for_a_meeting_that_is_planned_later(testby, clock, make_meeting, member,
                                                               in_process, in_tenant):
    clock.set(START)
    p = _start(member).get_json()
    assert _answer(member, p["id"], CHAIR, "object", reason="Nej tak.").status_code == 201
    tick(DEADLINE)
    assert _get(member, p["id"])["item_id"] is None  # no meeting planned yet
    meeting = make_meeting("testby", "bestyrelse", NEXT_MEETING)
    tick(DEADLINE + timedelta(minutes=10))
    done = _get(member, p["id"])
    assert done["meeting_id"] == meeting and done["item_id"] is not None
    tick(DEADLINE + timedelta(minutes=20))  # placed once
    items = member(SECRETARY).get(f"{A}/meetings/{meeting}").get_json()["items"]
    assert [i["title"] for i in items].count("Tilskud til sommerfest") == 1


def test_the_body_lists_its_written_procedures(board, member):
    p = _start(member).get_json()
    listed = member(ANNA).get(f"{A}/bodies/bestyrelse/written-procedures").get_json()
    assert [x["id"] for x in listed] == [p["id"]]
    assert listed[0]["mine"] == [{"key": "org:TST-A", "label": "TST-A", "name": "TST-A"}]


def test_audit_check_finds_an_answer_or_outcome_changed_past_the_log(board, member, in_tenant):
    from core.decisions.operations import audit_mismatches

    p = _start(member).get_json()
    _answer(member, p["id"], CHAIR)
    _answer(member, p["id"], BENT, "object", reason="For dyrt.")
    _answer(member, p["id"], KAREN)  # every unit answered: closed, not decided
    with in_tenant("testby") as tenant:
        assert audit_mismatches(tenant.id) == []
        answers = WrittenAnswer.__table__
        db.session.execute(sa.update(answers).where(answers.c.unit_key == "org:TST-B")
                           .values(choice="agree", reason=""))
        procedures = WrittenProcedure.__table__
        db.session.execute(sa.update(procedures).values(state="decided"))
        db.session.commit()
        found = {(m.table, m.field) for m in audit_mismatches(tenant.id)}
    assert ("written_answers", "choice") in found and ("written_answers", "reason") in found
    assert ("written_procedures", "result") in found


def test_every_action_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    body = paths["/api/v1/tenants/{tenant}/bodies/{key}/written-procedures"]
    assert {"get", "post"} <= body.keys()
    assert "get" in paths["/api/v1/tenants/{tenant}/written-procedures/{procedure_id}"]
    answers = paths["/api/v1/tenants/{tenant}/written-procedures/{procedure_id}/answers"]["post"]
    assert answers["requestBody"]["required"] and "409" in answers["responses"]


class MajorityInWriting:
    """A kommissorium's own written procedure, through the three hooks: any member may send
    a proposal (TST-W1); it is decided when more than half of the units agree, settled as
    soon as that is certain either way (TST-W2); not decided, it lapses (TST-W3)."""

    @hookimpl
    def written_procedure_allowed(self, body, caller, matter):
        if body.kind == "board" and caller.roles:
            return Rulebook("written_rules").allow("TST-W1", "Ethvert medlem kan sende et forslag.")
        return None

    @hookimpl
    def written_procedure_outcome(self, body, matter, units, answers, deadline_passed):
        if body.kind != "board":
            return None
        eligible = [u for u in units if u.eligible]
        agree = sum(a.choice == "agree" for a in answers)
        against = len(answers) - agree
        if agree * 2 > len(eligible):
            return WrittenOutcome(True, True, f"{agree} af {len(eligible)} er enige.", "TST-W2", "written_rules")
        if against * 2 >= len(eligible) or deadline_passed:
            return WrittenOutcome(True, False, f"Kun {agree} af {len(eligible)} er enige.", "TST-W2",
                                  "written_rules")
        return WrittenOutcome(False, False, "Flere svar afventes.", "TST-W2", "written_rules")

    @hookimpl
    def written_procedure_fallback(self, body, matter, outcome):
        return WrittenFallback("lapse", "Forslaget bortfalder.", "TST-W3", "written_rules")


@pytest.fixture
def own_rules(app, sync_tenant, write_tenant_file, clock, make_meeting, in_process):
    """Testby with the plugin above beside its own (``plugins = ["testby", "written_rules"]``)."""
    from core.hooks.host import PluginHost
    from tests.fixtures import testby_plugin
    from tests.fixtures.testby import TESTBY

    app.extensions["kommissorium.host"] = PluginHost(
        plugins={"testby": testby_plugin, "written_rules": MajorityInWriting()})
    text = TESTBY.read_text(encoding="utf-8")
    assert 'plugins = ["testby"]' in text
    sync_tenant(write_tenant_file(text.replace('plugins = ["testby"]', 'plugins = ["testby", "written_rules"]')))
    clock.set(START)
    return make_meeting("testby", "bestyrelse", NEXT_MEETING)


def test_hooks_decide_who_starts_when_it_is_decided_and_what_happens_otherwise(own_rules, member, in_tenant):
    started = _start(member, who=BENT)  # TST-W1: a member may
    assert started.status_code == 201 and started.get_json()["start_rules"]["allowed"]["clause"] == "TST-W1"
    pid = started.get_json()["id"]
    assert _answer(member, pid, BENT).status_code == 201
    assert _get(member, pid)["state"] == "open"  # 1 of 3 agree: not yet certain
    assert _answer(member, pid, KAREN).status_code == 201
    done = _get(member, pid)
    assert done["state"] == "decided" and done["outcome"]["rule"]["clause"] == "TST-W2"  # 2 of 3, TST-A silent
    assert done["outcome"]["rule"]["source"] == "written_rules"

    second = _start(member, who=KAREN, title="Ny bænk").get_json()["id"]
    assert _answer(member, second, KAREN, "object", reason="Nej").status_code == 201
    assert _answer(member, second, CHAIR, "object", reason="Nej").status_code == 201
    lapsed = _get(member, second)
    assert lapsed["state"] == "not_decided" and lapsed["outcome"]["fallback"]["clause"] == "TST-W3"
    assert "Forslaget bortfalder. (TST-W3)" in lapsed["outcome"]["explanation"]
    tick(START + timedelta(minutes=5))
    assert _get(member, second)["item_id"] is None  # it lapsed: no meeting gets it
    titles = [i["title"] for i in member(SECRETARY).get(f"{A}/meetings/{own_rules}").get_json()["items"]]
    assert "Ny bænk" not in titles and "Besluttet ved skriftlig behandling: Tilskud til sommerfest" in titles


def test_the_meeting_read_before_shows_the_item_at_once_with_the_cache_on(board, member, app, monkeypatch):
    """The item is put on the agenda by the answer that closes the procedure (or the tick):
    a meeting document cached before shows it on the next read (core/meetings/cache)."""
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    before = member(ANNA).get(f"{A}/meetings/{board}").get_json()
    p = _start(member).get_json()
    for who in (CHAIR, BENT, KAREN):
        assert _answer(member, p["id"], who).status_code == 201
    after = member(ANNA).get(f"{A}/meetings/{board}").get_json()
    assert len(after["items"]) == len(before["items"]) + 1
    assert after["items"][-1]["title"] == "Besluttet ved skriftlig behandling: Tilskud til sommerfest"
