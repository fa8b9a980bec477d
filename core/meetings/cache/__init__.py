"""The meeting document (``GET …/meetings/<id>``) kept serialized per meeting and audience,
with generation counters so a write is never hidden (docs/decisions/0008-meeting-document-cache.md).

* The document is the JSON the endpoint answers, as bytes, for one meeting and one
  *audience*: the caller's role in the body (members see closed items and attendance,
  information recipients a padlock). The key names the tenant, the meeting and the role,
  so a document never crosses roles or tenants.
* Freshness: every committed write bumps a generation counter — its tenant's for a row of
  a tenant-scoped table, the platform's for any other table (users, organisations,
  tenants) or for a write made across tenants. A stored document carries the two
  generations read *before* it was rendered; it is served only while both are unchanged.
  Writes are noticed at the cursor (``before_cursor_execute``: every INSERT, UPDATE and
  DELETE, ORM flush or bulk statement alike) and the counters are bumped after the
  session commits, so a document rendered from a snapshot older than a write is stored
  under a generation nobody asks for any more.
* Where: Redis when ``REDIS_URL`` is set (the counters and documents shared by every
  worker, rq worker and ``tick``; one round trip reads both generations and the document).
  Without Redis the cache is off by default (``MEETING_CACHE=auto``): other processes
  (``tick``, a second worker) write to the same database and could not bump a counter in
  this one. ``MEETING_CACHE=on`` keeps it in the process anyway (a single process that is
  the database's only writer; the tests); ``off`` turns it off everywhere.
* The access decision (may this user, logged in by the session, read this meeting today,
  as which audience) is kept under the same generations, so a request whose decision and
  document are both fresh reads one Redis round trip and no database
  (docs/decisions/0009-cached-access-decision.md); on any miss the request is decided in
  full. The ETag lets a client revalidate for a 304.

The package: ``store`` keeps the documents and reads them, ``decisions`` the access
decisions beside them, ``writes`` notices writes and bumps the generations.
"""

from core.meetings.cache import decisions  # noqa: F401  (the module: tests watch its look-ups)
from core.meetings.cache.decisions import (
    answer_from_decision, audience, decided_document, decided_role, keep_decision, remember_decision)
from core.meetings.cache.store import (
    Cached, Generations, _touched, early_generations, etag, generations, generations_for, known_tenant_id,
    lookup, page_suffix, remember_tenant, shared_suffix)
from core.meetings.cache import writes  # noqa: F401  (the module: tests write through it)
from core.meetings.cache.writes import IGNORED_TABLES, MEETING_TABLES, init_app, reset_touched

__all__ = ["Cached", "Generations", "answer_from_decision", "decided_document", "decided_role", "early_generations", "etag",
           "generations", "generations_for", "init_app", "keep_decision", "known_tenant_id", "lookup",
           "page_suffix", "remember_decision", "remember_tenant", "reset_touched", "shared_suffix", "IGNORED_TABLES", "MEETING_TABLES"]
