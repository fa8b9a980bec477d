"""rq jobs for documents: a large board book, an Office attachment's PDF rendition. Jobs
take plain ids (STYLE.md); each is queued at most once at a time (:func:`enqueue_once`)."""

from __future__ import annotations

import logging

from core.extensions import db
from core.jobs import enqueue, job, queue
from core.tenancy import tenant_scope

log = logging.getLogger(__name__)


def enqueue_once(job_id: str, func, *args) -> None:
    """Hand ``func(*args)`` to a worker unless a job with ``job_id`` is waiting or running
    (readers asking again while a book is made do not make it twice); in-process when no
    Redis is configured."""
    q = queue()
    if q is None:
        enqueue(func, *args)
        return
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        status = Job.fetch(job_id, connection=q.connection).get_status(refresh=True)
    except NoSuchJobError:
        status = None
    if status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
        return
    from rq import Retry

    q.enqueue(func, *args, job_id=job_id, retry=Retry(max=2, interval=[10, 60]), result_ttl=60,
              failure_ttl=3600)


@job
def render_book(tenant_id: int, meeting_id: int, audience: str) -> str:
    """Make and store the meeting's board book for ``audience`` as the meeting is now."""
    from core.documents import operations as documents
    from core.meetings.models import Meeting

    with tenant_scope(tenant_id):
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None:
            return "gone"
        doc = documents.meeting_document(meeting, "book", audience)
        db.session.commit()
        return doc.sha256


@job
def make_rendition(tenant_id: int, attachment_id: int) -> str:
    """Make and store an Office attachment's PDF rendition (LibreOffice headless)."""
    from core.documents import operations as documents
    from core.documents.render import RenderError
    from core.meetings.models import Attachment

    with tenant_scope(tenant_id):
        att = db.session.get(Attachment, attachment_id)
        if att is None:
            return "gone"
        try:
            doc = documents.make_rendition(att)
        except RenderError as exc:
            db.session.rollback()
            log.warning("no rendition of attachment %s: %s", attachment_id, exc)
            return "failed"
        db.session.commit()
        return doc.sha256
