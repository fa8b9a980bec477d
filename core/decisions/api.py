"""JSON API for decisions: motions on agenda items, votes, objections, dissents, outcomes,
and the dry run. Thin: parse, call the operation, commit once, dump."""

from __future__ import annotations

from flask_smorest import abort

from core import transactions
from core.bodies.operations import get_body
from core.decisions import operations, present
from core.decisions.schemas import (
    DissentCreateSchema,
    DissentSchema,
    DryRunSchema,
    MotionCreateSchema,
    MotionSchema,
    ObjectionCreateSchema,
    ObjectionSchema,
    OutcomeSchema,
    RecordVotesSchema,
    VoteChangeSchema,
    VoteCreateSchema,
    VoteSchema,
    WrittenAnswerCreateSchema,
    WrittenAnswerSchema,
    WrittenProcedureCreateSchema,
    WrittenProcedureSchema,
)
from core.extensions import db
from core.identity.permissions import Role, access, body_from_param, check_param, current_person
from core.openapi import Blueprint
from core.tenancy import bind_tenant, current_tenant, tenant_hooks

blp = Blueprint(
    "decisions", __name__, url_prefix="/api/v1/tenants/<tenant>",
    description="Motions, votes, quorum and explained outcomes",
)
bind_tenant(blp)



def _visible_item(item_id: int):
    """The item, where the caller may read it (one 404 for unknown and unreadable)."""
    return present.readable_item(item_id, current_person())[0]


def _visible_motion(motion_id: int):
    return present.readable_motion(motion_id, current_person())[0]


def _rules() -> dict:
    return {"hooks": tenant_hooks(), "tenant": current_tenant()}


@blp.route("/items/<int:item_id>/motion", methods=["POST"])
@blp.arguments(MotionCreateSchema)
@blp.response(201, MotionSchema)
@access(Role.AUTHENTICATED)
def open_motion(data, item_id: int):
    """Open a motion on a decision item (the meeting leader, chair or secretary)."""
    item = _visible_item(item_id)
    motion = operations.open_motion(item, user=current_person(), **_rules(), **data)
    transactions.commit()
    return motion


@blp.route("/items/<int:item_id>/motion")
@blp.response(200, MotionSchema)
@access(Role.PUBLIC)
def get_item_motion(item_id: int):
    """The item's motion, with its outcome once closed, as the meeting's access lets the
    caller read it (core/decisions/present.py): the public reads a published agenda's
    proposed decision, and the outcome once the minutes are final."""
    return present.as_read(*present.readable_motion_of_item(item_id, current_person()))


@blp.route("/motions/<int:motion_id>")
@blp.response(200, MotionSchema)
@access(Role.PUBLIC)
def get_motion(motion_id: int):
    """A motion: its phase, votes (choices hidden in a secret ballot) and outcome, as the
    meeting's access lets the caller read it (the public: no votes, no names)."""
    return present.as_read(*present.readable_motion(motion_id, current_person()))


@blp.route("/motions/<int:motion_id>/outcome")
@blp.response(200, OutcomeSchema)
@access(Role.PUBLIC)
def get_outcome(motion_id: int):
    """The stored, explained outcome of a closed motion (for the public: once the minutes
    are final, without the persons behind the units)."""
    motion, reader = present.readable_motion(motion_id, current_person())
    if motion.outcome is None:
        abort(404, message="Forslaget er ikke afgjort endnu.")
    if reader is present.Reader.PUBLIC:
        if not present.outcome_is_public(motion):
            abort(404, message="Udfaldet er offentligt, når referatet er endeligt.")
        return {"stored": True, **present.public_outcome(motion.outcome)}
    return {"stored": True, **motion.outcome}


@blp.route("/motions/<int:motion_id>/voting", methods=["POST"])
@blp.response(200, MotionSchema)
@access(Role.AUTHENTICATED)
def open_voting(motion_id: int):
    """Consensus was not reached: put the motion to a majority vote (CORE-PROCEDURE)."""
    motion = operations.open_voting(_visible_motion(motion_id), user=current_person(), **_rules())
    transactions.commit()
    return motion


@blp.route("/motions/<int:motion_id>/votes", methods=["POST"])
@blp.arguments(VoteCreateSchema)
@blp.response(201, VoteSchema)
@access(Role.AUTHENTICATED)
def cast_vote(data, motion_id: int):
    """Cast the vote of the unit the logged-in member represents (once)."""
    vote = operations.cast_vote(_visible_motion(motion_id), user=current_person(), **_rules(), **data)
    transactions.commit()
    return vote


@blp.route("/motions/<int:motion_id>/recorded-votes", methods=["POST"])
@blp.arguments(RecordVotesSchema)
@blp.response(201, VoteSchema(many=True))
@access(Role.AUTHENTICATED)
def record_votes(data, motion_id: int):
    """Record the votes given in the room (a show of hands) for the units present: the
    meeting leader, chair or secretary; all of them or none, never in a secret ballot."""
    votes = operations.record_votes(_visible_motion(motion_id), data["votes"], user=current_person(),
                                    **_rules())
    transactions.commit()
    return votes


@blp.route("/motions/<int:motion_id>/votes/<unit>", methods=["PUT"])
@blp.arguments(VoteChangeSchema)
@blp.response(200, VoteSchema)
@access(Role.AUTHENTICATED)
def change_vote(data, motion_id: int, unit: str):
    """Change one's vote while voting is open; the change is logged."""
    vote = operations.change_vote(_visible_motion(motion_id), unit, user=current_person(), **_rules(),
                                  **data)
    transactions.commit()
    return vote


@blp.route("/motions/<int:motion_id>/objections", methods=["POST"])
@blp.arguments(ObjectionCreateSchema)
@blp.response(201, ObjectionSchema)
@access(Role.AUTHENTICATED)
def object_to(data, motion_id: int):
    """Object to the conclusion or to consensus: the motion goes to a vote (CORE-PROCEDURE)."""
    objection = operations.object_to(_visible_motion(motion_id), user=current_person(), **_rules(), **data)
    transactions.commit()
    return objection


@blp.route("/motions/<int:motion_id>/dissents", methods=["POST"])
@blp.arguments(DissentCreateSchema)
@blp.response(201, DissentSchema)
@access(Role.AUTHENTICATED)
def record_dissent(data, motion_id: int):
    """Have one's dissent (særstandpunkt) recorded in the minutes (CORE-DISSENT)."""
    dissent = operations.record_dissent(_visible_motion(motion_id), user=current_person(), **_rules(), **data)
    transactions.commit()
    return dissent


@blp.route("/motions/<int:motion_id>/close", methods=["POST"])
@blp.response(200, MotionSchema)
@access(Role.AUTHENTICATED)
def close_motion(motion_id: int):
    """Close the motion: quorum checked again, outcome computed, explained and stored."""
    motion = operations.close_motion(_visible_motion(motion_id), user=current_person(), **_rules())
    transactions.commit()
    return motion


@blp.route("/bodies/<key>/dry-run", methods=["POST"])
@blp.arguments(DryRunSchema)
@blp.response(200, OutcomeSchema)
@access(Role.AUTHENTICATED)
def dry_run(data, key: str):
    """What would the outcome be if these units attended and voted so? Stores nothing."""
    result = operations.dry_run_for_input(get_body(key), data, user=current_person(), **_rules())
    db.session.rollback()  # a dry run stores nothing, whatever the rules touched
    return result


@body_from_param("motion_id")
def _body_of_motion(motion_id: int):
    from core.decisions.models import Motion

    motion = db.session.get(Motion, motion_id)
    return motion.item.meeting.body if motion is not None else None


# ------------------------------------------------------------------ written procedure


def _with_mine(procedure):
    """The procedure, with the units the caller may still answer for (``mine``)."""
    procedure.mine = operations.answerable_units(
        procedure, current_person(), **_rules())
    return procedure


@blp.route("/bodies/<key>/written-procedures", methods=["POST"])
@blp.arguments(WrittenProcedureCreateSchema)
@blp.response(201, WrittenProcedureSchema)
@access(Role.MEMBER)
def start_written_procedure(data, key: str):
    """Put a proposed decision to the body's voting units with a deadline (skriftlig
    behandling): the chair or meeting leader with the secretary, by default
    (CORE-WRITTEN-START)."""
    procedure = operations.start_written_procedure(get_body(key), data, user=current_person(), **_rules())
    transactions.commit()
    return _with_mine(procedure)


@blp.route("/bodies/<key>/written-procedures")
@blp.response(200, WrittenProcedureSchema(many=True))
@access(Role.MEMBER)
def list_written_procedures(key: str):
    """The body's written procedures, newest first."""
    return [_with_mine(p) for p in operations.written_procedures_of_body(get_body(key))]


@blp.route("/written-procedures/<int:procedure_id>")
@blp.response(200, WrittenProcedureSchema)
@access(Role.AUTHENTICATED)
def get_written_procedure(procedure_id: int):
    """A written procedure: the proposal, the answers so far, and the explained outcome
    once closed (the body's members, and whoever answers for one of its units)."""
    return _with_mine(operations.readable_written_procedure(procedure_id, current_person()))


@blp.route("/written-procedures/<int:procedure_id>/answers", methods=["POST"])
@blp.arguments(WrittenAnswerCreateSchema)
@blp.response(201, WrittenAnswerSchema)
@access(Role.AUTHENTICATED)
def answer_written_procedure(data, procedure_id: int):
    """Answer for the unit one represents, once: agree, object (with a reason) or abstain
    (the same units and eligibility as a vote)."""
    procedure = operations.readable_written_procedure(procedure_id, current_person())
    row = operations.answer_written_procedure(procedure, user=current_person(), **_rules(), **data)
    transactions.commit()
    return row


@check_param("procedure_id")
def _check_procedure(procedure_id: int, role: Role) -> None:
    """Before the input is parsed: the procedure exists and the caller may read it."""
    operations.readable_written_procedure(procedure_id, current_person())
