"""A proposal's history in both languages: the API keeps the Danish ``message`` (the record)
and adds ``text_en``, worded from the event's kind and data (core/proposals/history.py).
Every kind of event the core and the bundled plugins write has a wording; a kind the core
does not know keeps its stored message. The history read is Testby's story
(tests/proposals/story.py: a hearing, TST-7, and a follow-up, TST-8)."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from core.proposals.history import WORDINGS
from tests.fixtures.testby import SECRETARY
from tests.proposals.story import PROPOSER, V, drive_story


def written_kinds() -> dict[str, list[str]]:
    """Every event kind written in core/ and plugins/: the literal kind of each
    ``_event(proposal, "<kind>", …)`` and ``ProposalEvent(kind="<kind>", …)`` call."""
    kinds: dict[str, list[str]] = {}
    for root in ("core", "plugins"):
        for path in sorted((PROJECT_ROOT / root).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "_event" and len(node.args) >= 2:
                    kind = node.args[1]
                elif name == "ProposalEvent":
                    kind = next((k.value for k in node.keywords if k.arg == "kind"), None)
                else:
                    continue
                where = f"{Path(path).relative_to(PROJECT_ROOT)}:{node.lineno}"
                if isinstance(kind, ast.Name) and kind.id == "kind" and name == "ProposalEvent":
                    continue  # the one place that builds the row from _event's argument
                assert isinstance(kind, ast.Constant) and isinstance(kind.value, str), (
                    f"{where}: an event kind must be a literal, so its wording can be checked")
                kinds.setdefault(kind.value, []).append(where)
    return kinds


def test_every_event_kind_written_has_a_wording():
    kinds = written_kinds()
    assert len(kinds) >= 12, kinds  # the search found the calls
    missing = {k: w for k, w in kinds.items() if k not in WORDINGS}
    assert not missing, f"event kinds without a wording in core/proposals/history.py: {missing}"


@pytest.fixture
def story(testby, member, in_tenant, clock):  # noqa: F811
    return drive_story(member, in_tenant, clock)


def test_api_history_has_english_text_for_every_kind_TST_7_TST_8(story, member):  # noqa: F811
    history = member(PROPOSER).get(f"{V}/{story}").get_json()["history"]
    # The story reaches every kind the core writes.
    assert {e["kind"] for e in history} == set(WORDINGS) == set(written_kinds())
    for e in history:
        assert e["message"] and e["text_en"], e
        assert e["text_en"] != e["message"], f"{e['kind']} is not in English: {e['text_en']}"
    by_kind = {}
    for e in history:
        by_kind.setdefault(e["kind"], []).append(e)
    # The record stays Danish; the English is worded from the data.
    assert by_kind["started"][0]["message"].startswith("Forslaget er rejst i Følgegruppen. ")
    assert by_kind["started"][0]["text_en"] == "The proposal was raised in Følgegruppen."
    assert by_kind["arrived"][0]["text_en"] == "The proposal goes to hearing."
    assert "The proposal was sent to Bestyrelsen (decides)." in [e["text_en"] for e in by_kind["arrived"]]
    assert by_kind["awaiting_meeting"][0]["text_en"] == (
        "Bestyrelsen has no meeting planned; the proposal waits for the next meeting.")
    assert [e["text_en"] for e in by_kind["placed"]] == [
        "Placed on the agenda of the meeting of Bestyrelsen on 2018-02-15."]
    assert by_kind["attachment_added"][0]["text_en"] == "Attachment added: Regler.pdf."
    assert by_kind["hearing_opened"][0]["text_en"].startswith("Sent for hearing to TST-A, TST-B")
    answered = [e["text_en"] for e in by_kind["answered"]]
    assert answered == ["Boligselskabet A answered: comments.",
                        "Boligselskabet B answered after the deadline: no comments."]
    [closed_hearing] = by_kind["hearing_closed"]
    assert closed_hearing["text_en"] == "The hearing is closed: 2 of 2 have answered; too late: TST-B."
    assert closed_hearing["message"] == "Høringen er afsluttet: 2 af 2 har svaret; for sent: TST-B."
    assert by_kind["decided"][-1]["text_en"] == (
        "Bestyrelsen adopted the proposal: Bestyrelsen vedtager reglerne.")
    assert by_kind["closed"][0]["text_en"] == "The proposal was adopted by Bestyrelsen."
    assert by_kind["follow_up_created"][0]["text_en"] == (
        "Follow-up: Beslutningen behandles i Boligselskabet A's bestyrelse (TST-A).")
    assert by_kind["follow_up_done"][0]["text_en"].endswith("(TST-A). Behandlet i A's bestyrelse.")
    # The clause stays beside the line: the plugin's, where it gave the step or the task.
    assert {e["clause"] for e in by_kind["follow_up_created"]} == {"TST-8"}
    assert by_kind["hearing_opened"][0]["clause"] == "TST-7"


def test_a_hearing_closed_without_answers_names_those_missing(testby, member, in_tenant, clock):
    """The part of the closing line the story does not reach: organisations that never
    answered (TST-7 asks Boligselskabet A and B)."""
    from tests.fixtures.hearings import DEADLINE as DUE, open_testby_hearing

    clock.set(DUE - timedelta(days=15))
    pid = open_testby_hearing(member)
    clock.set(DUE + timedelta(days=1))
    assert member(SECRETARY).post(f"{V}/{pid}/hearing/close").status_code == 200
    [closed] = [e for e in member(SECRETARY).get(f"{V}/{pid}").get_json()["history"]
                if e["kind"] == "hearing_closed"]
    assert closed["message"] == "Høringen er afsluttet: 0 af 2 har svaret; intet svar: TST-A, TST-B."
    assert closed["text_en"] == "The hearing is closed: 0 of 2 have answered; no answer: TST-A, TST-B."


def test_danish_wording_matches_the_stored_record(story, app, in_tenant):
    """Worded in Danish, an event says what its stored message says (the step's action in
    Danish words, and the route's reason shown beside the route, not in the line)."""
    from flask_babel import force_locale

    from core.extensions import db
    from core.proposals.history import describe
    from core.proposals.models import Proposal

    with app.test_request_context(), in_tenant("testby"), force_locale("da"):
        events = db.session.get(Proposal, story).events
        assert len(events) > len(WORDINGS)  # every kind, some more than once
        for e in events:
            if e.kind == "started":  # + the route's reason
                assert e.message.startswith(describe(e)), e.message
            elif e.kind == "arrived" and "body" in e.data:  # the action: (forward) → (sender videre)
                assert e.message.split(" (")[0] == describe(e).split(" (")[0], e.message
            else:
                assert describe(e) == e.message, e.kind


def test_a_kind_the_core_does_not_know_keeps_its_stored_message(story, app, in_tenant, member):  # noqa: F811
    from core.extensions import db
    from core.proposals.models import Proposal, ProposalEvent

    with in_tenant("testby"):
        p = db.session.get(Proposal, story)
        db.session.add(ProposalEvent(proposal=p, kind="plugin_note", message="Et tillæg fra en plugin.",
                                     data={"whatever": 1}))
        db.session.commit()
    history = member(PROPOSER).get(f"{V}/{story}").get_json()["history"]
    assert history[-1]["kind"] == "plugin_note"
    assert history[-1]["text_en"] == history[-1]["message"] == "Et tillæg fra en plugin."
