"""(f) Meeting documents as PDF: the time to render a 30-item agenda and a board book with 30
attachments, each against a floor measured in the same run, and the cached second request
against the floor endpoint serving the same PDF from memory.

A held meeting of Albertslund's bestyrelse with 30 decision items (tests/fixtures/big_meeting.py),
each given one attachment with a real file: in turn a two-page PDF, a PNG image and a text
file (30 in all). On PostgreSQL, in-process:

* **agenda**: the public edition of the 30-item agenda rendered from scratch (the meeting's
  values read and hashed, the template, WeasyPrint, stored); its floor is WeasyPrint alone
  laying out and writing the same HTML (tagged PDF/UA as well). Target: agenda / floor <=
  1.5 (what the documents feature adds to the library's own work).
* **book**: the members' board book rendered from scratch; its floor is the agenda's own
  render plus each attachment turned into PDF pages and appended with pypdf (the work any
  book needs, without the table of contents' second layout pass, the page stamps or the
  bookmarks). Target: book / floor <= 2.0.
* **cached**: gunicorn (2 workers x 4 threads) and wrk on loopback: ``GET …/dagsorden.pdf``
  (stored; its key kept in Redis under the meeting cache's generations) against
  ``/_bench/floor`` serving the same bytes from memory through the same server, in
  alternating rounds; and the same request with ``If-None-Match`` (304). Target: the stored
  document's throughput >= 0.5 of the floor's.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from common import (
    TENANTS,
    Result,
    dispose,
    fresh_database,
    gunicorn,
    have_wrk,
    http_get,
    make_app,
    median,
    redis_url,
    sync,
    wrk,
)

ITEMS = 30
REPEATS = 3
ROUNDS, SECONDS, CONNECTIONS = 3, 5, 8


def _files() -> list[tuple[str, str, bytes]]:
    from PIL import Image

    from core.documents import render

    pdf = render.html_to_pdf("<html lang=da><body><p>Tilbud, side et.</p><p style='break-before: page'>"
                             "Tilbud, side to.</p></body></html>", title="Tilbud")
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 110, 160)).save(buf, "PNG")
    text = ("Notat om helhedsplanens delprojekt.\n" * 60).encode()
    return [("tilbud.pdf", "application/pdf", pdf), ("plan.png", "image/png", buf.getvalue()),
            ("notat.txt", "text/plain", text)]


def _seed(app) -> int:
    import sqlalchemy as sa

    from core import storage
    from core.extensions import db
    from core.meetings.models import Attachment, Meeting
    from core.tenancy import tenant_scope
    from core.tenants.models import Tenant
    from tests.fixtures.big_meeting import big_meeting

    files = _files()
    with app.app_context():
        meeting_id = big_meeting("albertslund", "bestyrelse", items=ITEMS)
        tenant = db.session.scalar(sa.select(Tenant).filter_by(slug="albertslund"))
        with tenant_scope(tenant.id):
            meeting = db.session.get(Meeting, meeting_id)
            for i, item in enumerate(meeting.items):
                name, mime, content = files[i % len(files)]
                for old in list(item.attachments):  # the fixture's rows have no file
                    item.attachments.remove(old)
                att = Attachment(filename=f"{i + 1}-{name}", content_type=mime, size_bytes=len(content),
                                 sha256=storage.put(content), uploaded_by_id=item.submitted_by_id)
                item.attachments.append(att)
                db.session.flush()
            db.session.commit()
    return meeting_id


def _render_times(app, meeting_id: int) -> dict:
    """Fresh renders (nothing stored is reused: each is rolled back) and their floors."""
    import pypdf
    import sqlalchemy as sa

    from core.documents import operations as documents
    from core.documents import render
    from core.extensions import db
    from core.meetings.models import Meeting
    from core.tenancy import tenant_scope
    from core.tenants.models import Tenant

    out = {"agenda": [], "agenda_floor": [], "book": [], "book_floor": []}
    with app.app_context(), app.test_request_context():
        tenant_id = db.session.scalar(sa.select(Tenant.id).filter_by(slug="albertslund"))
        with tenant_scope(tenant_id):
            meeting = db.session.get(Meeting, meeting_id)
            pages = None
            for _ in range(REPEATS):
                meeting = db.session.get(Meeting, meeting_id)
                started = time.perf_counter()
                pages = documents.meeting_document(meeting, "agenda", "public").page_count
                out["agenda"].append(time.perf_counter() - started)
                db.session.rollback()
                meeting = db.session.get(Meeting, meeting_id)
                html = documents._html("agenda", documents.meeting_values(meeting, "public", with_minutes=False))
                started = time.perf_counter()
                render.html_to_pdf(html, title="floor")
                out["agenda_floor"].append(time.perf_counter() - started)

                meeting = db.session.get(Meeting, meeting_id)
                started = time.perf_counter()
                out["book_pages"] = documents.meeting_document(meeting, "book", "members").page_count
                out["book"].append(time.perf_counter() - started)
                db.session.rollback()

                meeting = db.session.get(Meeting, meeting_id)
                started = time.perf_counter()
                writer = pypdf.PdfWriter()
                front = documents.meeting_document(meeting, "agenda", "members")
                writer.append(io.BytesIO(documents.content(front)))
                for position, n, att in documents.visible_attachments(meeting, "members"):
                    writer.append(io.BytesIO(documents.attachment_as_pdf(att, f"{position}.{n}")))
                writer.write(io.BytesIO())
                out["book_floor"].append(time.perf_counter() - started)
                db.session.rollback()
            out["agenda_pages"] = pages
    return out


def main() -> int:
    result = Result("documents", f"Agenda ({ITEMS} items) and board book ({ITEMS} attachments) as PDF; "
                                 "the cached request vs the floor")
    print(f"{result.name}: {result.title}", flush=True)
    with fresh_database("documents") as url, tempfile.TemporaryDirectory() as tmp:
        app = make_app(url, migrate=True, FILE_STORE="database")  # the store k8s uses (decision 0046)
        sync(app, [TENANTS / "albertslund.toml"])
        meeting_id = _seed(app)
        times = _render_times(app, meeting_id)
        dispose(app)
        agenda, agenda_floor = median(times["agenda"]), median(times["agenda_floor"])
        book, book_floor = median(times["book"]), median(times["book_floor"])
        result.info("agenda: pages", times["agenda_pages"])
        result.info("agenda: render time (median)", round(agenda, 3), "s")
        result.info("agenda floor: WeasyPrint on the same HTML (median)", round(agenda_floor, 3), "s")
        result.figure("agenda render / floor", agenda / agenda_floor, "", "<= 1.5")
        result.info("book: pages", times["book_pages"])
        result.info("book: render time (median)", round(book, 3), "s")
        result.info("book floor: agenda + parts appended (median)", round(book_floor, 3), "s")
        result.figure("book render / floor", book / book_floor, "", "<= 2.0")
        result.details.update(items=ITEMS, attachments=ITEMS, repeats=REPEATS, times=times)

        path = f"/albertslund/moeder/{meeting_id}/dagsorden.pdf"
        if not have_wrk():
            result.figure("cached agenda throughput / floor", None, "", ">= 0.5",
                          note="wrk not installed: apt-get install wrk")
            print(f"  -> {result.write()}")
            return 0
        floor_file = Path(tmp) / "floor.pdf"
        # With Redis, as in production: the documents' keys are kept under the meeting
        # cache's generations, shared by the workers (decision 0008, 0028).
        with gunicorn(url, workers=2, threads=4, KOMMISSORIUM_BENCH=1, KOMMISSORIUM_BENCH_FLOOR_FILE=floor_file,
                      KOMMISSORIUM_FILE_STORE="database", REDIS_URL=redis_url()) as (_, base):
            started = time.perf_counter()
            payload = http_get(base + path, timeout=120)  # the first request renders and stores
            first = time.perf_counter() - started
            assert payload.startswith(b"%PDF"), payload[:200]
            floor_file.write_bytes(payload)
            assert http_get(base + "/_bench/floor") == payload, "the floor must serve the same bytes"
            import urllib.request

            with urllib.request.urlopen(base + path) as resp:
                etag = resp.headers["ETag"]
            conditional = {"If-None-Match": etag}
            wrk(base + path, 2, CONNECTIONS)
            wrk(base + "/_bench/floor", 2, CONNECTIONS)
            real, floor, not_modified = [], [], []
            for _ in range(ROUNDS):  # alternate, so drift on a shared machine hits each alike
                real.append(wrk(base + path, SECONDS, CONNECTIONS))
                floor.append(wrk(base + "/_bench/floor", SECONDS, CONNECTIONS))
                not_modified.append(wrk(base + path, SECONDS, CONNECTIONS, headers=conditional))
    rps = {name: sum(r["requests"] for r in runs) / (ROUNDS * SECONDS)
           for name, runs in (("real", real), ("floor", floor), ("304", not_modified))}
    errors = sum(r["errors"] for r in real + floor)
    result.info("agenda: first request (renders and stores)", round(first, 3), "s")
    result.figure("cached agenda throughput / floor", rps["real"] / rps["floor"], "", ">= 0.5")
    result.figure("cached agenda with If-None-Match (304) throughput / floor", rps["304"] / rps["floor"], "",
                  ">= 0.5")
    result.figure("non-2xx responses and socket errors", errors, "", "== 0")
    result.info("cached agenda requests/s", round(rps["real"], 1))
    result.info("304 requests/s", round(rps["304"], 1))
    result.info("floor requests/s", round(rps["floor"], 1))
    result.info("cached agenda p50", round(median([r["p50_ms"] for r in real]), 2), "ms")
    result.info("floor p50", round(median([r["p50_ms"] for r in floor]), 2), "ms")
    result.details.update(pdf_bytes=len(payload), runs={"cached": real, "floor": floor, "304": not_modified},
                          gunicorn_workers=2, gunicorn_threads=4)
    print(f"  -> {result.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
