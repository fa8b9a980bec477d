"""Who may do and see what: the caller as the rules see it, the tenant's secretariat,
those who take part, the reasons a narrower check gives (``MAY_*``), and which proposals a
person may see.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core.bodies.models import Body
from core.errors import refuse
from core.extensions import db
from core.identity.permissions import Role, role_in_body, role_in_tenant
from core.organisations.models import Organisation
from core.proposals.models import Proposal
from core.rules.types import Caller
from core.tenants.models import Participation


def _held_roles(user, body: Body, day) -> frozenset[str]:
    if user is None:
        return frozenset()
    return frozenset(
        s.role.value for s in body.seats if s.holder_id_on(day) == user.id and s.is_valid_on(day)
    )


def _is_admin(user, tenant) -> bool:
    return user is not None and role_in_tenant(user, tenant) >= Role.TENANT_ADMIN


def _takes_part(user, tenant) -> bool:
    """Holds a seat in the tenant, administers it, or acts for an organisation taking part."""
    if user is None:
        return False
    if role_in_tenant(user, tenant) >= Role.MEMBER:
        return True
    orgs = [a.organisation_id for a in user.affiliations]
    return bool(orgs) and db.session.scalar(
        sa.select(sa.func.count(Participation.id)).where(Participation.organisation_id.in_(orgs))
    ) > 0


def takes_part(user, tenant) -> bool:
    """Whether ``user`` takes part in the tenant at all (a seat, its administration, or an
    organisation taking part): who else asks about its proposals is told nothing exists
    (docs/permissions.md: 404 to a user with no role in the tenant)."""
    return _takes_part(user, tenant)


def caller_for(user, body: Body, tenant, now: datetime) -> Caller:
    return Caller(
        person=user.email if user is not None else None,
        roles=_held_roles(user, body, now.date()),
        organisations=frozenset(a.organisation.code for a in user.affiliations) if user else frozenset(),
        on_behalf_of="secretariat" if _is_admin(user, tenant) else "self",
    )


#: Who may, where the check is narrower than a role: the reason a refusal (403) gives, in
#: Danish and English (core.identity.permissions.refuse).
MAY_ATTACH = {
    "reason": "Kun forslagsstilleren, sekretæren for det organ, forslaget er rejst i, og "
              "sekretariatet kan vedhæfte bilag.",
    "reason_en": "Only the proposer, the secretary of the body the proposal was raised in and "
                 "the secretariat may attach files.",
}


MAY_ANSWER = {
    "reason": "Kun de, der handler for organisationen, kan afgive dens høringssvar.",
    "reason_en": "Only those who act for the organisation may give its answer to the hearing.",
}


MAY_RECORD = {
    "reason": "Kun sekretariatet kan registrere et høringssvar, der er modtaget på papir.",
    "reason_en": "Only the secretariat may record an answer to the hearing received on paper.",
}


MAY_COMPLETE = {
    "reason": "Kun de, der handler for organisationen, sekretæren for det organ, opfølgningen "
              "angår eller som besluttede, og sekretariatet kan markere opfølgningen som udført.",
    "reason_en": "Only those who act for the organisation, the secretary of the body concerned "
                 "or of the deciding body, and the secretariat may mark the follow-up done.",
}


def get_proposal(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        refuse(404, message="Not found.")
    return proposal


def can_see(user, tenant, proposal: Proposal) -> bool:
    """The tenant's secretariat, the proposer, members of the originating body (who follow
    where it is and what became of it), members of the bodies on its route, and those who
    act for an organisation asked in its hearing."""
    if user is None:
        return False
    if _is_admin(user, tenant) or proposal.proposed_by_id == user.id:
        return True
    bodies = [proposal.origin_body, *(s.body for s in proposal.steps if s.body is not None)]
    if any(role_in_body(user, b) >= Role.MEMBER for b in bodies):
        return True
    orgs = {a.organisation_id for a in user.affiliations}
    return any(a.organisation_id in orgs for s in proposal.steps if s.hearing is not None
               for a in s.hearing.asked)


def may_answer_for(user, tenant, organisation: Organisation) -> bool:
    """An organisation answers through those who act for it; the secretariat may record an
    answer received another way."""
    if user is None:
        return False
    return _is_admin(user, tenant) or organisation.id in {a.organisation_id for a in user.affiliations}


def may_record_paper(user, tenant) -> bool:
    """The tenant's secretariat records answers received on paper (or by mail)."""
    return _is_admin(user, tenant)


def answer_channel(user, tenant, organisation: Organisation, *, on_paper: bool = False):
    """How ``user``'s answer for ``organisation`` comes: on the platform when they act for
    it, on paper when the secretariat records one received another way (asked for with
    ``on_paper``, or because they do not act for the organisation); 403 for anyone else."""
    from core.identity.permissions import refuse as forbid
    from core.proposals.models import ResponseChannel

    acts_for = user is not None and organisation.id in {a.organisation_id for a in user.affiliations}
    if acts_for and not on_paper:
        return ResponseChannel.PLATFORM
    if may_record_paper(user, tenant):
        return ResponseChannel.PAPER
    if on_paper and acts_for:
        forbid(Role.AUTHENTICATED, **MAY_RECORD)
    forbid(Role.AUTHENTICATED, **MAY_ANSWER)


def may_manage(user, tenant, body: Body) -> bool:
    """The body's secretary or the tenant's secretariat."""
    return user is not None and role_in_body(user, body) >= Role.BODY_SECRETARY


def visible_proposals(user, tenant) -> list[Proposal]:
    proposals = db.session.scalars(sa.select(Proposal).order_by(Proposal.id)).all()
    return [p for p in proposals if can_see(user, tenant, p)]
