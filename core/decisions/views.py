"""The decisions' pages: the live vote on a decision item (shown on the meeting page and
polled as a fragment by ``static/live.js``): open a motion, cast a unit's vote, record the
votes given in the room, put a motion to a vote, object, close it, a present member's
dissent (CORE-DISSENT), change one's vote; and the rules' dry run before a meeting.

Handlers are as the meetings' pages (core/meetings/views.py): parse the form, call the
operation, commit, post/redirect/get back to the item; a refusal comes back as the meeting
page with what was typed and the rule's clause (core/web/forms.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, g, render_template, request, session
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from core.decisions import operations as decisions
from core.decisions import present as decision_reading
from core.decisions.models import Motion
from core.decisions.schemas import (
    DissentCreateSchema,
    DryRunSchema,
    RecordVotesSchema,
    VoteChangeSchema,
)
from core.extensions import db
from core.identity.permissions import Role, access, require
from core.meetings import operations as meetings
from core.meetings.models import AgendaItem, ItemKind, Meeting, MeetingState
from core.meetings.views import FIELDS as MEETING_FIELDS
from core.meetings.views import SEES, body_for, meeting_page_part, meeting_url
from core.tenancy import current_tenant, tenant_hooks
from core.web import N_, bp, current_person
from core.web.forms import Refusal, act, filled_values, load, refusal_of, refuse_field, refuse_form

#: The templates of the decisions' pages (``templates/decisions/``).
templates = Blueprint("decisions_templates", __name__, template_folder="templates")

#: The live vote's forms' fields as the meeting page labels them (messages name them).
MOTION_FIELDS = {"text": N_("Forslag til beslutning"), "choice": N_("Stemme"),
                 "unit": N_("Stemmeberettiget")}
#: The fields of a dissent, a changed vote and the dry run, as the pages show them.
FIELDS = {**MEETING_FIELDS, "choice": N_("Stemme"), "votes": N_("Stemmer"),
          "present": N_("Til stede"), "majority": N_("Flertal")}


@bp.app_context_processor
def _labels():
    return {
        "CHOICES": {"yes": _("Ja"), "no": _("Nej"), "abstain": _("Undlader")},
        "RESULTS": {"adopted": _("Vedtaget"), "rejected": _("Forkastet"),
                    "not_quorate": _("Ikke afgjort (ikke beslutningsdygtigt)")},
        "DRY_RESULTS": {
            "adopted": _("Vedtaget"),
            "rejected": _("Forkastet"),
            "not_quorate": _("Ikke beslutningsdygtigt"),
            "refused": _("Kan ikke afgøres i dette organ"),
        },
    }


# --------------------------------------------------------------------------- the live vote


#: ``vote_context``'s ``motion`` when the caller has not loaded it: look it up.
_LOOK_UP = object()


def vote_context(item, motion=_LOOK_UP, may_lead: bool | None = None) -> dict:
    """What the live vote shows one reader: the motion, who has voted, my units, the result.
    ``motion`` (with its votes and dissents) and ``may_lead`` when the caller has them for
    every item of the meeting at once (:func:`_votes`)."""
    user = current_person()
    if motion is _LOOK_UP:
        motion = decisions.motion_for_item(item)
    if may_lead is None:
        may_lead = decisions.may_lead(user, item.meeting.body)
    ctx = {"item": item, "motion": motion, "may_lead": may_lead,
           "units": [], "cast": [], "names": {}, "recordable": [], "explanation": None,
           # CORE-DISSENT: those present may have a dissent recorded (the operation decides).
           "present": bool(user) and any(a.person_id == user.id and a.status.value == "present"
                                         for a in item.meeting.attendances)}
    if motion is None:
        return ctx
    view = decisions.voting_view(motion, user, hooks=tenant_hooks(), tenant=current_tenant(),
                                 leader=ctx["may_lead"])
    mine = view["mine"]
    # the votes only while there are units to vote for (a closed motion's are not read)
    voted = {v.unit_key: v for v in motion.votes} if mine else {}
    ctx["names"] = view["names"]
    ctx["recordable"] = view["recordable"]  # the votes given in the room, for the leader
    ctx["units"] = [u for u in mine if u["key"] not in voted]
    ctx["cast"] = [voted[u["key"]] for u in mine if u["key"] in voted]
    if motion.outcome:
        lang = session.get("lang", "da")
        ctx["explanation"] = motion.outcome.get("explanation", {}).get(lang) or motion.outcome.get(
            "explanation", {}).get("da")
    return ctx


@meeting_page_part("votes")
def _votes(meeting, view) -> dict:
    """The live vote of each decision item the reader sees, for the meeting page: every
    motion with its votes and dissents in one go, who may lead decided once (issue #20)."""
    items = [i for i in view.items if isinstance(i, AgendaItem) and i.kind is ItemKind.DECISION]
    motions = decisions.motions_of_items(items)
    may_lead = decisions.may_lead(current_person(), meeting.body)
    return {i.id: vote_context(i, motions.get(i.id), may_lead) for i in items}


def _visible_item(item_id: int):
    return decision_reading.readable_item(item_id, current_person())[0]


def _visible_motion(motion_id: int) -> Motion:
    return decision_reading.readable_motion(motion_id, current_person())[0]


def _back_to_item(item) -> str:
    return meeting_url(item.meeting, f"punkt-{item.id}")


@bp.route("/<tenant>/punkter/<int:item_id>/afstemning")
@access(Role.INFORMATION_RECIPIENT)
def vote_fragment(item_id: int):
    """The live vote of one item as a fragment (polled by live.js; readable on its own)."""
    item = _visible_item(item_id)
    require(SEES, item.meeting.body, visible_from=SEES)
    return render_template("decisions/_vote.html", v=vote_context(item))


@bp.route("/<tenant>/punkter/<int:item_id>/afstemning", methods=["POST"])
@access(Role.AUTHENTICATED)
def open_motion(item_id: int):
    """Open a motion on a decision item (the meeting leader, chair or secretary)."""
    item = _visible_item(item_id)
    text = request.form.get("text", "").strip() or item.recommendation or item.title
    return act(
        lambda: decisions.open_motion(
            item, user=current_person(), hooks=tenant_hooks(), tenant=current_tenant(), text=text,
            secret=request.form.get("secret") == "on",
            majority="two_thirds" if request.form.get("majority") == "two_thirds" else "simple"),
        _("Afstemningen er åbnet."), _back_to_item(item), labels=MOTION_FIELDS,
    )


def _motion_step(motion_id: int, step, done: str):
    # A vote's forms repeat per unit on the page: their messages stand unlinked at the top.
    motion = _visible_motion(motion_id)
    return act(lambda: step(motion, user=current_person(), hooks=tenant_hooks(), tenant=current_tenant()),
               done, _back_to_item(motion.item), labels=MOTION_FIELDS, linked=False)


@bp.route("/<tenant>/afstemninger/<int:motion_id>/stem", methods=["POST"])
@access(Role.AUTHENTICATED)
def cast_vote(motion_id: int):
    """Cast the vote of the unit (organisation or seat) the user represents, once."""
    choice = request.form.get("choice", "")
    if choice not in ("yes", "no", "abstain"):
        motion = _visible_motion(motion_id)
        return refuse_field(_back_to_item(motion.item), "choice", _("vælg ja, nej eller undlader."),
                            MOTION_FIELDS, linked=False)
    unit = request.form.get("unit") or None
    return _motion_step(motion_id, lambda m, **kw: decisions.cast_vote(m, choice=choice, unit=unit, **kw),
                        _("Din stemme er afgivet."))


@bp.route("/<tenant>/afstemninger/<int:motion_id>/registrer", methods=["POST"])
@access(Role.AUTHENTICATED)
def record_votes(motion_id: int):
    """Record the votes given in the room (a show of hands), one choice per unit present;
    a unit left blank is not recorded (the meeting leader, chair or secretary)."""
    motion = _visible_motion(motion_id)
    votes = [{"unit": key.removeprefix("vote-"), "choice": choice}
             for key, choice in request.form.items() if key.startswith("vote-") and choice]
    if not votes:
        return refuse_form(_back_to_item(motion.item), Refusal(
            {}, [_("Vælg ja, nej eller undlader for mindst én stemmeberettiget.")]))
    return _motion_step(
        motion_id,
        lambda m, **kw: decisions.record_votes(
            m, load(RecordVotesSchema(), {"votes": votes})["votes"], **kw),
        _("Stemmerne fra mødet er registreret."))


@bp.route("/<tenant>/afstemninger/<int:motion_id>/til-afstemning", methods=["POST"])
@access(Role.AUTHENTICATED)
def open_voting(motion_id: int):
    """Consensus was not reached: put the motion to a vote (CORE-PROCEDURE)."""
    return _motion_step(motion_id, decisions.open_voting, _("Forslaget er sat til afstemning."))


@bp.route("/<tenant>/afstemninger/<int:motion_id>/indsigelse", methods=["POST"])
@access(Role.AUTHENTICATED)
def object_to(motion_id: int):
    """Object to the conclusion or to consensus (CORE-PROCEDURE)."""
    reason = request.form.get("reason", "")
    return _motion_step(motion_id, lambda m, **kw: decisions.object_to(m, reason=reason, **kw),
                        _("Din indsigelse er registreret."))


@bp.route("/<tenant>/afstemninger/<int:motion_id>/luk", methods=["POST"])
@access(Role.AUTHENTICATED)
def close_motion(motion_id: int):
    """Close the motion: the outcome is computed, explained and stored."""
    return _motion_step(motion_id, decisions.close_motion, _("Afstemningen er afsluttet."))


@bp.route("/<tenant>/afstemninger/<int:motion_id>/saerstandpunkt", methods=["POST"])
@access(Role.AUTHENTICATED)
def motion_dissent(motion_id: int):
    """A present member's dissent on a motion, for the minutes (CORE-DISSENT)."""
    motion = _visible_motion(motion_id)
    return act(
        lambda: decisions.record_dissent(
            motion,
            user=current_person(),
            hooks=tenant_hooks(),
            tenant=current_tenant(),
            **load(DissentCreateSchema(), filled_values("text")),
        ),
        _("Dit særstandpunkt er ført til referat."),
        _back_to_item(motion.item),
        labels=FIELDS,
    )


def _own_vote(motion, unit: str) -> bool:
    user = current_person()
    return any(v.cast_by_id == user.id and unit in (v.unit_key, v.unit_label) for v in motion.votes)


@bp.route("/<tenant>/afstemninger/<int:motion_id>/ret-stemme", methods=["POST"])
@access(Role.AUTHENTICATED)
def change_vote(motion_id: int):
    """Change one's own vote while voting is open (not in a secret ballot); the change is
    logged. Only the person who cast the vote may change it, or the meeting leader a vote
    recorded from the room."""
    motion = _visible_motion(motion_id)
    unit = request.form.get("unit", "")
    return act(
        lambda: decisions.change_vote(
            motion,
            unit,
            user=current_person(),
            hooks=tenant_hooks(),
            tenant=current_tenant(),
            **load(VoteChangeSchema(), filled_values("choice")),
        ),
        _("Din stemme er ændret.") if _own_vote(motion, unit) else _("Stemmen er ændret."),
        _back_to_item(motion.item),
        labels=FIELDS,
        linked=False,  # a form per unit on the page
    )


# --------------------------------------------------------------------------- dry run


def _dry_items(body):
    """Decision items of the body's meetings still to be decided, for the dry run's choice."""
    return db.session.scalars(
        sa.select(AgendaItem)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            Meeting.body_id == body.id,
            AgendaItem.kind == ItemKind.DECISION,
            Meeting.state.in_(
                (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED, MeetingState.IN_SESSION)
            ),
        )
        .order_by(Meeting.starts_at, AgendaItem.position)
    ).all()


def _try(body, data: dict) -> dict:
    """The API's dry run on the form's input; stores nothing."""
    try:
        return decisions.dry_run_for_input(
            body, data, user=current_person(), hooks=tenant_hooks(), tenant=current_tenant()
        )
    finally:
        db.session.rollback()  # a dry run stores nothing, whatever the rules touched


@bp.route("/<tenant>/organer/<key>/proeveafstemning", methods=["GET", "POST"])
@access(Role.MEMBER)
def dry_run(key: str):
    """Try the rules before a meeting: who may vote, is it quorate, what would the outcome
    be if these attended and voted so. The same rules as a real motion; nothing is stored
    (so the form is answered on the page, not redirected)."""
    body, _role = body_for(key, Role.MEMBER)
    f = request.form
    seats = body.seats_on(meetings.now().date()) or body.current_seats
    result, error, asked = None, None, request.method == "POST"
    baseline = _try(
        body, load(DryRunSchema(), {})
    )  # every seat present: the units and their rights
    if asked:
        votes = {k[len("vote-") :]: v for k, v in f.items() if k.startswith("vote-") and v}
        matter = {
            "title": f.get("title", "").strip() or "Prøveafstemning",
            "topics": [t.strip() for t in f.get("topics", "").split(",") if t.strip()],
            "plan": f.get("plan", "").strip() or None,
            "district": f.get("district", "").strip() or None,
        }
        raw = {
            # With an agenda item, its recorded attendance may stand in for the list.
            "present": None
            if f.get("item_id") and f.get("item_attendance") == "on"
            else f.getlist("present"),
            "votes": votes,
            "objections": f.getlist("object"),
            "majority": f.get("majority", "simple"),
            "secret": f.get("secret") == "on",
            "weighted": f.get("weighted") == "on",
            "matter": matter,
        }
        if f.get("item_id"):
            raw["item_id"] = f.get("item_id")
        try:
            result = _try(body, load(DryRunSchema(), raw))
        except HTTPException as exc:
            if exc.code not in (409, 422):
                raise
            # As every refused form: the summary at the top (base.html); the form keeps its
            # input (``form``). Its fields repeat per seat and unit, so the messages are unlinked.
            g.refusal = refusal_of(exc, FIELDS, linked=False)
            error = True
    lang = session.get("lang", "da")
    return render_template(
        "decisions/dry_run.html",
        tenant=g.tenant,
        body=body,
        seats=seats,
        baseline=baseline,
        result=result,
        error=error,
        asked=asked,
        form=f,
        lang=lang,
        items=_dry_items(body),
    ), (422 if error else 200)
