"""A proposal's attachments: in the one store (core/storage.py) under their checksum,
checked on the way out.
"""

from __future__ import annotations

from core import clock, files, storage
from core.errors import refuse
from core.extensions import db
from core.proposals.models import Proposal, ProposalAttachment, ProposalState
from core.proposals.operations.common import _event


def add_attachment(proposal: Proposal, *, filename: str, stream, actor=None, now=None) -> ProposalAttachment:
    """Store a file with its checksum; refuse one that is empty, too large, or of a type
    the platform does not accept (detected from the content, not the name)."""
    now = now or clock.now()
    if proposal.state is not ProposalState.IN_PROGRESS:
        refuse(409, "Forslaget er afsluttet; der kan ikke vedhæftes flere bilag.",
               clause=proposal.route_clause, rule="proposal_route")
    checked = files.checked_upload(filename, stream)
    content, digest = checked.content, checked.sha256
    if any(a.sha256 == digest for a in proposal.attachments):
        refuse(409, "Den samme fil er allerede vedhæftet.", clause=None, rule="attachment")
    attachment = ProposalAttachment(
        filename=checked.filename, content_type=checked.content_type, size_bytes=len(content),
        sha256=digest, uploaded_by_id=actor.id if actor is not None else None,
        created_at=now,
    )
    with db.session.no_autoflush:
        attachment.proposal = proposal
    db.session.add(attachment)
    storage.put(content)
    _event(proposal, "attachment_added", f"Bilag vedhæftet: {attachment.filename}.", actor=actor,
           now=now, data={"sha256": digest, "size_bytes": len(content), "filename": attachment.filename})
    db.session.flush()
    return attachment


def attachment_content(attachment: ProposalAttachment) -> bytes:
    """The stored bytes, checked against the checksum taken at upload (a damaged one is
    never served: core/errors.py answers 404 and logs it)."""
    return storage.read(attachment.sha256)
