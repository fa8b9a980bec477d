"""The meeting page's disqualification (inhabilitet, forvaltningsloven § 3) under each item:
a member declares it, the chair, the meeting leader or the secretary records it for a member,
and it is withdrawn before the item is decided (core/meetings/operations/disqualification.py,
CORE-DISQUALIFIED). Handlers are as in ``views``: parse with the API's schema, call the
operation, commit, post/redirect/get; a refused form comes back with what was typed. The
page part ``disqualification`` gives the meeting page what it shows and offers."""

from __future__ import annotations

from flask_babel import gettext as _

from core.identity.permissions import Role, access
from core.meetings import operations as meetings
from core.meetings.models import MeetingState
from core.meetings.schemas import DisqualificationInputSchema
from core.meetings.views import meeting_for, meeting_page_part, meeting_url
from core.web import N_, bp, current_person
from core.web.forms import act, filled_values, load

#: The form's fields as the page labels them (messages name them).
FIELDS = {"reason": N_("Begrundelse for inhabilitet"), "person": N_("Hvem er inhabil")}


@meeting_page_part("disqualification")
def _page_part(meeting, view) -> dict:
    """What the meeting page shows of disqualification: the standing and withdrawn ones by
    item, whether the reader may record them for others, whom they may name, and whether
    anything may still change."""
    user = current_person()
    may_record = meetings.may_record_for_others(user, meeting)
    people = []
    if may_record:
        # By id, not e-mail: a member's address is their own, not the meeting page's.
        people = sorted(((key, u.name) for key, u in _candidates(meeting).items()), key=lambda p: p[1])
    return {
        "rows": getattr(view, "disqualifications", None) or {},
        "may_record": may_record,
        "people": people,
        "sits": user is not None and meetings.sits_on(meeting, user),
        "open": meeting.state in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED,
                                  MeetingState.IN_SESSION),
        "me": user.id if user is not None else None,
    }


def _candidates(meeting) -> dict:
    """Whom the form may name, by user id: the holders of the body's seats on the meeting's
    day and those recorded at the meeting."""
    day = meeting.starts_at.date()
    seen = {}
    for seat in meeting.body.seats_on(day):
        holder = seat.holder_on(day)
        if holder is not None:
            seen.setdefault(str(holder.id), holder)
    for a in meeting.attendances:
        if a.person is not None:
            seen.setdefault(str(a.person.id), a.person)
    return seen


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/inhabilitet", methods=["POST"])
@access(Role.MEMBER)
def declare_disqualification(meeting_id: int, item_id: int):
    """A member declares that they are disqualified on the item, or the chair, the meeting
    leader or the secretary records it for a member (CORE-DISQUALIFIED)."""
    meeting, _role = meeting_for(meeting_id, Role.MEMBER)
    item = meetings.get_item(meeting, item_id)

    def action():
        values = filled_values("reason", "person")
        if "person" in values:  # the form names a member by id (the API by e-mail)
            named = _candidates(meeting).get(values["person"])
            values["person"] = named.email if named is not None else values["person"]
        data = load(DisqualificationInputSchema(), values)
        return meetings.declare_disqualification(meeting, item, current_person(),
                                                 reason=data["reason"], person=data.get("person"))

    return act(action, _("Inhabiliteten er registreret."), meeting_url(meeting, f"punkt-{item.id}"),
               labels=FIELDS)


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/inhabilitet/"
          "<int:disqualification_id>/tilbagekald", methods=["POST"])
@access(Role.MEMBER)
def withdraw_disqualification(meeting_id: int, item_id: int, disqualification_id: int):
    """Withdraw a disqualification before the item is decided (CORE-DISQUALIFIED)."""
    meeting, _role = meeting_for(meeting_id, Role.MEMBER)
    item = meetings.get_item(meeting, item_id)
    row = meetings.get_disqualification(item, disqualification_id)
    return act(lambda: meetings.withdraw_disqualification(meeting, item, row, current_person()),
               _("Inhabiliteten er trukket tilbage."), meeting_url(meeting, f"punkt-{item.id}"),
               labels=FIELDS)
