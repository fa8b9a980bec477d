"""A proposal's history in both languages: the API keeps the Danish ``message`` (the record)
and adds ``text_en``, worded from the event's kind and data (core/proposals/history.py).
Every kind of event the core and the bundled plugins write has a wording; a kind the core
does not know keeps its stored message."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from core.proposals.history import WORDINGS
from tests.proposals.story import THEME_MEMBER, V, vejle_story


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
def story(sync_tenant, member, in_tenant):  # noqa: F811
    sync_tenant("vejle")
    return vejle_story(member, in_tenant)


def test_api_history_has_english_text_for_every_kind_VEJ_6_VEJ_1(story, member):  # noqa: F811
    history = member(THEME_MEMBER).get(f"{V}/{story}").get_json()["history"]
    # The story reaches every kind the core writes.
    assert {e["kind"] for e in history} == set(WORDINGS) == set(written_kinds())
    for e in history:
        assert e["message"] and e["text_en"], e
        assert e["text_en"] != e["message"], f"{e['kind']} is not in English: {e['text_en']}"
    by_kind = {}
    for e in history:
        by_kind.setdefault(e["kind"], []).append(e)
    # The record stays Danish; the English is worded from the data.
    assert by_kind["started"][0]["message"].startswith("Forslaget er rejst i Boligsocial temagruppe. ")
    assert by_kind["started"][0]["text_en"] == "The proposal was raised in Boligsocial temagruppe."
    assert by_kind["arrived"][0]["text_en"] == "The proposal goes to hearing."
    assert "The proposal was sent to Boligpolitisk udvalg (decides)." in [
        e["text_en"] for e in by_kind["arrived"]]
    assert by_kind["awaiting_meeting"][0]["text_en"].endswith(
        "has no meeting planned; the proposal waits for the next meeting.")
    assert all(e["text_en"].startswith("Placed on the agenda of the meeting of ")
               for e in by_kind["placed"])
    assert by_kind["attachment_added"][0]["text_en"] == "Attachment added: Principper.pdf."
    assert by_kind["hearing_opened"][0]["text_en"].startswith("Sent for hearing to AAB, ")
    answered = [e["text_en"] for e in by_kind["answered"]]
    assert answered == ["AAB answered: comments.", "Østerbo answered: no comments.",
                        "Lejerbo answered after the deadline: comments."]
    [closed_hearing] = by_kind["hearing_closed"]
    assert closed_hearing["text_en"].startswith("The hearing is closed: 3 of 8 have answered; "
                                                "too late: LEJERBO; no answer: ")
    assert closed_hearing["message"].startswith("Høringen er afsluttet: 3 af 8 har svaret; for sent: LEJERBO")
    assert by_kind["decided"][-1]["text_en"] == (
        "Boligpolitisk udvalg adopted the proposal: BPU vedtager principperne.")
    assert by_kind["closed"][0]["text_en"] == "The proposal was adopted by Boligpolitisk udvalg."
    assert by_kind["follow_up_created"][0]["text_en"].startswith("Follow-up: ")
    assert by_kind["follow_up_done"][0]["text_en"].endswith(
        "(AAB). Behandlet i AAB's organisationsbestyrelse.")


def test_danish_wording_matches_the_stored_record(story, app, in_tenant):
    """Worded in Danish, an event says what its stored message says (the step's action in
    Danish words, and the route's reason shown beside the route, not in the line)."""
    from flask_babel import force_locale

    from core.extensions import db
    from core.proposals.history import describe
    from core.proposals.models import Proposal

    with app.test_request_context(), in_tenant("vejle"), force_locale("da"):
        events = db.session.get(Proposal, story).events
        assert len(events) > 20
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

    with in_tenant("vejle"):
        p = db.session.get(Proposal, story)
        db.session.add(ProposalEvent(proposal=p, kind="plugin_note", message="Et tillæg fra en plugin.",
                                     data={"whatever": 1}))
        db.session.commit()
    history = member(THEME_MEMBER).get(f"{V}/{story}").get_json()["history"]
    assert history[-1]["kind"] == "plugin_note"
    assert history[-1]["text_en"] == history[-1]["message"] == "Et tillæg fra en plugin."
