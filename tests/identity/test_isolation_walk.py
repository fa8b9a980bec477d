"""Isolation, proven by walking every route.

Every rule in ``app.url_map`` (API and pages, every method) is called by every role of
tenant A — anonymous, logged in without a seat, information recipient, member, body
secretary, tenant administrator — against the resources of tenant B, against the bodies
of A they do not sit in, and against tenant A itself where a route needs more than their
role in A (a member calling a secretariat route). URL parameters are filled from real rows of the other
tenant, by name:

* ``tenant`` — the other tenant's slug;
* ``key`` / ``body_key`` / ``body`` — a body's key;
* ``<thing>_id`` — the lowest id in the table ``<thing>s`` (or ``<thing>es``, ``…ies``,
  or a table ending in ``_<thing>s``) of the other tenant, within the targeted body when
  the table has a ``body_id`` or ``meeting_id``; ``user_id`` is a person of the other
  tenant, ``api_token_id`` that person's token;
* ``answer_token`` — the personal hearing link of the other tenant's proposal named by
  ``proposal_id`` (a public route: the token is the credential, and it shows that
  proposal only, docs/decisions/0037-hearing-answer-links.md);
* ``provider`` — the other tenant's identity provider; ``token`` — a reset token;
  ``secret`` — the calendar address of the other tenant's member (a public route: the
  secret is the credential, docs/decisions/0011-calendar-subscription-feed.md).

A parameter it cannot fill fails the test loudly: add a filler or seed a row in
:func:`_seed` (routes added later — meetings, motions, proposals — are walked
automatically as long as their rows are seeded here).

Expected: a route declared above PUBLIC answers 401 to the anonymous, 404 to a logged-in
user on tenant B (the tenant wall, before any rule: a write into B included), and 403 or 404
on tenant A's bodies the user does not sit in — except a logged-in reading route under a
tenant that names no row (a list filtered to the caller), which must show nothing of B. PUBLIC routes are
walked against the rows of an unpublished meeting (the board's) and of a closed item on a
published agenda (the group's): they must not crash (no 500) and must not show either's
text to a stranger (``SECRETS``).
Protected routes without a resource parameter (``/api/v1/me`` …) must not mention tenant
B at all.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core.annotations.models import Annotation, AnnotationKind
from core.bodies.models import Body
from core.extensions import db
from core.identity import operations
from core.identity.auth import log_in_session
from core.identity.models import IdentityProvider, User
from core.identity.permissions import Role, role_in_body, role_in_tenant
from core.decisions.models import Motion, MotionPhase, ProcedureKind, WrittenProcedure, WrittenState
from core.meetings.models import (
    AgendaItem,
    Attachment,
    Disqualification,
    ItemKind,
    Meeting,
    MeetingState,
    MinutesReview,
    MinutesReviewComment,
    MinutesVersion,
)
from core.proposals.models import (
    FollowUpTask,
    Hearing,
    HearingAnswerLink,
    HearingOrganisation,
    Proposal,
    ProposalStep,
    StepKind,
    StepState,
)
from core.proposals.operations.hearings import _token as _link_token
from core.proposals.operations.hearings import token_hash
from core.tenancy import all_tenants, tenant_scope
from core.tenants.models import Tenant
from tests.fixtures.apps import extra_app
from tests.fixtures.walk import walk_tenant
from tests.test_permissions import UNDECLARED_OK

A, B = "aby", "bby"
ROLES = ("anonymous", "outsider", "recipient", "member", "secretary", "admin")
BODY_PARAMS = {"key", "body_key", "body"}
REFUSED = {401, 403, 404}
#: The secret calendar address of each tenant's member, made in :func:`_seed`.
FEED_SECRETS: dict[str, str] = {}
#: The personal hearing link of each seeded proposal: (tenant slug, proposal id) → token.
LINK_TOKENS: dict[tuple[str, int], str] = {}


@pytest.fixture
def walk_world(sync_tenant, write_tenant_file):
    sync_tenant(write_tenant_file(walk_tenant(A, "A")))
    sync_tenant(write_tenant_file(walk_tenant(B, "B")))
    return _seed()


def _seed() -> dict:
    """Rows in both tenants for the id parameters of the routes."""
    world = {}
    for slug in (A, B):
        tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=slug))
        world[slug] = tenant
        with tenant_scope(tenant.id):
            for body in db.session.scalars(sa.select(Body)):
                # The board's meeting is not yet published; the group's is, with a closed
                # item: public routes must show neither (SECRETS).
                closed = body.key == "gruppe"
                meeting = Meeting(body_id=body.id, title=f"Møde i {body.key}",
                                  starts_at=datetime(2026, 12, 1, 16, tzinfo=UTC),
                                  state=MeetingState.AGENDA_PUBLISHED if closed else MeetingState.PLANNED)
                db.session.add(meeting)
                db.session.flush()
                item = AgendaItem(meeting_id=meeting.id, position=1, kind=ItemKind.DECISION,
                                  title="Personalesag FORTROLIGT" if closed else "Budget UPUBLICERET",
                                  case_text="FORTROLIGT" if closed else "UPUBLICERET",
                                  is_confidential=closed,
                                  confidentiality_reason="Personsag (forvaltningsloven § 27)" if closed else "")
                db.session.add(item)
                db.session.flush()
                _seed_body_rows(body, item)
            db.session.flush()
        with all_tenants():
            db.session.add(IdentityProvider(
                key=f"idp-{slug}", name=f"IdP {slug}", issuer="http://127.0.0.1:9",
                client_id="walk", client_secret_env=f"WALK_UNSET_SECRET_{slug.upper()}",
                tenant_id=tenant.id,
            ))
        operations.create_token(_user(f"member@{slug}.example"), "walk", "write")
        FEED_SECRETS[slug] = operations.create_calendar_feed(_user(f"member@{slug}.example"))[1]
    db.session.commit()
    return world


def _seed_body_rows(body: Body, item: AgendaItem) -> None:
    """A motion, an attachment, a note and a comment, a review round of the minutes with a
    comment, a disqualification, a written procedure, a proposal with a step and a follow-up, in ``body``."""
    db.session.add(Motion(
        item_id=item.id, text=f"Forslaget vedtages {item.case_text}", procedure=ProcedureKind.VOTE,
        procedure_rule={}, competence_rule={}, phase=MotionPhase.DELIBERATION, quorum_at_open={},
    ))
    db.session.add(Attachment(
        item_id=item.id, filename="bilag.pdf", content_type="application/pdf",
        size_bytes=4, sha256="0" * 64,
    ))
    slug = db.session.get(Tenant, body.tenant_id).slug
    for kind in (AnnotationKind.NOTE, AnnotationKind.COMMENT):  # a member's note and comment
        db.session.add(Annotation(kind=kind, meeting_id=item.meeting_id, item_id=item.id,
                                  author_id=_user(f"member@{slug}.example").id, text=f"Note {item.case_text}"))
    # a review round of the draft minutes with a member's comment on the item
    version = MinutesVersion(meeting_id=item.meeting_id, number=1)
    db.session.add(version)
    db.session.flush()
    review = MinutesReview(meeting_id=item.meeting_id, version_id=version.id, round=1, snapshot={})
    db.session.add(review)
    db.session.flush()
    db.session.add(MinutesReviewComment(meeting_id=item.meeting_id, review_id=review.id, item_id=item.id,
                                        author_id=_user(f"member@{slug}.example").id,
                                        text=f"Kommentar {item.case_text}", reply=""))
    # a member disqualified on the item (CORE-DISQUALIFIED)
    db.session.add(Disqualification(meeting_id=item.meeting_id, item_id=item.id,
                                    person_id=_user(f"member@{slug}.example").id,
                                    reason=f"Inhabil {item.case_text}"))
    db.session.add(WrittenProcedure(  # a written procedure, open, between meetings
        body_id=body.id, title="Skriftlig behandling", text=f"Forslag {item.case_text}",
        deadline_at=datetime(2026, 12, 20, 12, tzinfo=UTC), state=WrittenState.OPEN,
        start_rules={}, topics=[], case_text="", recommendation=""))
    proposal = Proposal(origin_body_id=body.id, title="Forslag", text="Tekst", decision_sought="Vedtag")
    db.session.add(proposal)
    db.session.flush()
    step = ProposalStep(proposal_id=proposal.id, position=1, kind=StepKind.BODY, action="decide")
    db.session.add(step)
    db.session.flush()
    # The proposal is in a hearing, with a personal link for the organisation asked.
    hearing_step = ProposalStep(proposal_id=proposal.id, position=2, kind=StepKind.HEARING, action="hear",
                                state=StepState.ACTIVE)
    db.session.add(hearing_step)
    db.session.flush()
    hearing = Hearing(step_id=hearing_step.id, deadline_at=datetime(2030, 1, 1, tzinfo=UTC),
                      opened_at=datetime(2026, 1, 1, tzinfo=UTC))
    db.session.add(hearing)
    db.session.flush()
    org = body.seats[0].organisation
    db.session.add(HearingOrganisation(hearing_id=hearing.id, organisation_id=org.id))
    nonce = f"walk-{slug}-{proposal.id}"
    db.session.add(HearingAnswerLink(hearing_id=hearing.id, organisation_id=org.id, email=f"hoering@{slug}.example",
                                     nonce=nonce, token_hash=token_hash(_link_token(nonce)),
                                     expires_at=datetime(2030, 1, 15, tzinfo=UTC)))
    LINK_TOKENS[(slug, proposal.id)] = _link_token(nonce)
    db.session.add(FollowUpTask(proposal_id=proposal.id, step_id=step.id,
                                assignee_kind="body", assignee=body.key, body_id=body.id,
                                title="Opfølgning"))


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).filter_by(email=email))


def _tables() -> dict[str, sa.Table]:
    return dict(db.metadata.tables)


#: Parameters named for what a row is rather than for its table.
TABLE_OF = {"note_id": "annotations", "comment_id": "annotations"}


def _table_for(param: str) -> sa.Table:
    stem = param[: -len("_id")]
    tables = _tables()
    if param in TABLE_OF:
        return tables[TABLE_OF[param]]
    names = [stem + "s", stem + "es", stem[:-1] + "ies" if stem.endswith("y") else None, stem]
    found = [tables[n] for n in names if n and n in tables]
    if not found:
        found = [t for n, t in tables.items() if n.endswith("_" + stem + "s")]
    if len(found) != 1:
        pytest.fail(f"isolation walk: cannot tell which table <{param}> refers to "
                    f"(candidates {[t.name for t in found]}); add a filler in {__file__}")
    return found[0]


def _meetings_of(body: Body):
    meetings = _tables()["meetings"]
    return sa.select(meetings.c.id).where(meetings.c.body_id == body.id)


def _id_in(table: sa.Table, tenant: Tenant, body: Body | None) -> int:
    query = sa.select(table.c.id)
    if "tenant_id" in table.c:
        query = query.where(table.c.tenant_id == tenant.id)
        if body is not None and "body_id" in table.c:
            query = query.where(table.c.body_id == body.id)
        elif body is not None and "meeting_id" in table.c:
            query = query.where(table.c.meeting_id.in_(_meetings_of(body)))
        elif body is not None and "item_id" in table.c:
            items = _tables()["agenda_items"]
            query = query.where(table.c.item_id.in_(
                sa.select(items.c.id).where(items.c.meeting_id.in_(_meetings_of(body)))))
        elif body is not None and "proposal_id" in table.c:
            proposals = _tables()["proposals"]
            query = query.where(table.c.proposal_id.in_(
                sa.select(proposals.c.id).where(proposals.c.origin_body_id == body.id)))
    elif table.name == "users":
        query = query.where(table.c.email == f"member@{tenant.slug}.example")
    elif "user_id" in table.c:
        query = query.where(table.c.user_id == _user(f"member@{tenant.slug}.example").id)
    elif "tenant_id" not in table.c:
        pytest.fail(f"isolation walk: no rule to pick a row of {tenant.slug} in the global "
                    f"table {table.name}; add one in {__file__}")
    with all_tenants():  # the query names its tenant itself
        value = db.session.execute(query.order_by(table.c.id).limit(1)).scalar()
    if value is None:
        pytest.fail(f"isolation walk: no row of tenant {tenant.slug} in {table.name}"
                    f"{' for body ' + body.key if body else ''}; seed one in _seed()")
    return value


def _fill(rule, tenant: Tenant, body: Body | None) -> dict:
    values = {}
    for param in sorted(rule.arguments):
        if param == "answer_token":
            continue  # after the proposal it belongs to
        if param == "tenant":
            values[param] = tenant.slug
        elif param in BODY_PARAMS:
            values[param] = body.key
        elif param == "provider":
            values[param] = f"idp-{tenant.slug}"
        elif param == "token":
            values[param] = "kmr_" + "x" * 43
        elif param == "secret":
            values[param] = FEED_SECRETS[tenant.slug]
        elif param == "seat_key":
            values[param] = body.seats[0].key
        elif param == "unit":
            values[param] = f"seat:{body.seats[0].key}"
        elif param.endswith("_id"):
            values[param] = _id_in(_table_for(param), tenant, body)
        else:
            pytest.fail(f"isolation walk: cannot fill <{param}> of {rule.rule}; "
                        f"add a filler in {__file__}")
    if "answer_token" in rule.arguments:
        values["answer_token"] = LINK_TOKENS[(tenant.slug, values["proposal_id"])]
    return values


def _body_scoped(rule) -> bool:
    if rule.arguments & BODY_PARAMS:
        return True
    for param in rule.arguments:
        if param.endswith("_id") and param != "user_id":
            table = _table_for(param)
            if table.name == "bodies" or {"body_id", "meeting_id", "item_id", "proposal_id"} & set(table.c.keys()):
                return True
    return False


def _as(client, user: User | None) -> None:
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            log_in_session(session, user)


def _bodies(tenant: Tenant) -> dict[str, Body]:
    with tenant_scope(tenant.id):
        return {b.key: b for b in db.session.scalars(sa.select(Body))}


def _seated_bodies(user: User, tenant: Tenant) -> set[str]:
    bodies = _bodies(tenant)
    with tenant_scope(tenant.id):
        return {k for k, b in bodies.items() if role_in_body(user, b) >= Role.INFORMATION_RECIPIENT}


B_MARKERS = re.compile(r"bby|B Walk Kommune|B-BO|B-KOM|B-INFO")
#: Text of an unpublished agenda (the board's meeting) and of a closed item (the group's
#: published meeting), seeded in every tenant: no public route may show it to a stranger.
SECRETS = re.compile(r"UPUBLICERET|FORTROLIGT")


def _text(resp) -> str:
    """What a response says: a PDF's text (a meeting document's edition must leak nothing
    either), else the body as text."""
    if resp.mimetype == "application/pdf" and resp.status_code == 200:
        import io

        import pypdf

        return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(resp.data)).pages)
    return resp.get_data(as_text=True)


def _main(page: str) -> str:
    """An HTML page's main content (a JSON answer as it is)."""
    found = re.search(r"<main\b.*?</main>", page, re.S)
    return found.group(0) if found else page


def walk(app, client, a: Tenant, b: Tenant) -> tuple[int, dict, list[str], set, set, set]:
    """Walk every route of ``app``; returns (tried, counts, failures, protected, refused,
    public)."""
    users = {r: (None if r == "anonymous" else _user(f"{r}@{A}.example")) for r in ROLES}
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in UNDECLARED_OK]
    counts = {"routes": len(rules), "refused": 0, "public": 0, "own": 0, "allowed": 0}
    refused_routes, protected_routes, public_routes, failures = set(), set(), set(), []
    tried = 0

    for rule in rules:
        role = app.view_functions[rule.endpoint].access_role
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        targets = []
        if rule.arguments:
            targets.append(("tenant B", b, _bodies(b)["bestyrelse"]))
            if role == Role.PUBLIC and _body_scoped(rule):
                targets.append(("tenant B, closed item", b, _bodies(b)["gruppe"]))
        for method in methods:
            if role > Role.PUBLIC:
                protected_routes.add((rule.rule, method))
            for name, user in users.items():
                own_targets = list(targets)
                if rule.arguments and _body_scoped(rule) and name != "admin" and user is not None:
                    seated = _seated_bodies(user, a)
                    own_targets += [(f"A body {k}", a, body)
                                    for k, body in _bodies(a).items() if k not in seated]
                elif "tenant" in rule.arguments and user is not None:
                    own_targets.append(("tenant A", a, _bodies(a)["bestyrelse"]))
                if not rule.arguments:
                    own_targets = [("no resource", None, None)]
                for label, tenant, body in own_targets:
                    if role > Role.PUBLIC and (label.startswith("A body") or label == "tenant A"):
                        # Allowed by the role held: nothing to refuse, and not called, so
                        # the walk changes nothing its later routes need.
                        with tenant_scope(a.id):
                            have = role_in_tenant(user, a) if label == "tenant A" else role_in_body(user, body)
                        if have >= role:
                            counts["allowed"] += 1
                            continue
                    url = rule.rule if tenant is None else app.url_map.bind("localhost").build(
                        rule.endpoint, _fill(rule, tenant, body), method=method)
                    _as(client, user)
                    kwargs = {"json": {}} if method not in ("GET", "DELETE") else {}
                    resp = client.open(url, method=method, **kwargs)
                    tried += 1
                    where = f"{method} {url} as {name} ({label})"
                    if resp.status_code == 500:  # 502/503 are deliberate (an IdP unset)
                        failures.append(f"{where}: {resp.status_code}")
                        continue
                    if tenant is None:
                        # the caller's own view: protected from the anonymous, and silent
                        # about tenant B for everyone of A
                        if role > Role.PUBLIC and user is None and resp.status_code != 401:
                            failures.append(f"{where}: {resp.status_code}, expected 401")
                        if role > Role.PUBLIC and B_MARKERS.search(_text(resp)):
                            failures.append(f"{where}: mentions tenant B")
                        counts["own"] += 1
                        continue
                    if role == Role.PUBLIC:
                        # Public by declaration, yet only what the public may read: never
                        # an unpublished agenda's or a closed item's text.
                        may_read = False
                        if tenant is a and user is not None:
                            with tenant_scope(a.id):
                                may_read = role_in_body(user, body) >= Role.INFORMATION_RECIPIENT
                        if not may_read and SECRETS.search(_text(resp)):
                            failures.append(f"{where}: {resp.status_code}, shows an "
                                            "unpublished agenda's or a closed item's text")
                            continue
                        counts["public"] += 1
                        public_routes.add((rule.rule, method))
                        continue
                    if (role == Role.AUTHENTICATED and rule.arguments == {"tenant"}
                            and method == "GET" and label == "tenant B" and user is not None):
                        # A list filtered to the caller: it must show nothing of B. The
                        # page's header names the tenant whose address it is and links its
                        # public sections; the list is the page's main content.
                        data = resp.get_json(silent=True)
                        if B_MARKERS.search(_main(_text(resp)).replace(url, "")) or (
                                isinstance(data, list) and data):
                            failures.append(f"{where}: shows tenant B's rows")
                        counts["own"] += 1
                        continue
                    if user is None:
                        expected = {401}
                    elif label == "tenant B" and role < Role.PLATFORM_ADMIN:
                        expected = {404}  # the tenant wall, before any rule: B is not theirs
                    else:
                        expected = {403, 404}
                    if resp.status_code not in expected:
                        failures.append(f"{where}: {resp.status_code}, expected {sorted(expected)}")
                        continue
                    counts["refused"] += 1
                    refused_routes.add((rule.rule, method))
    _as(client, None)
    return tried, counts, failures, protected_routes, refused_routes, public_routes


def test_every_route_refuses_tenant_a_users_on_tenant_b_and_on_bodies_they_do_not_sit_in(
    app, client, walk_world, capsys
):
    tried, counts, failures, protected, refused, public = walk(app, client, walk_world[A], walk_world[B])
    with capsys.disabled():
        print(
            f"\nisolation walk: {tried} route × tenant × role combinations tried over "
            f"{counts['routes']} routes and {len(ROLES)} roles of tenant {A}: "
            f"{counts['refused']} refused as expected, {counts['public']} public by "
            f"declaration, {counts['own']} on the caller's own views (checked silent about "
            f"{B}), {counts['allowed']} allowed by the role held"
        )
    assert not failures, "isolation walk found:\n" + "\n".join(failures)
    with_params = {r for r in protected if "<" in r[0]}
    assert with_params <= refused, f"protected routes never refused: {with_params - refused}"
    assert counts["refused"] > 0
    # the calendar address is walked, with tenant B's real secret: public, and no crash
    assert ("/api/v1/calendar/<secret>.ics", "GET") in public
    assert ("/api/v1/me/calendar-feed", "POST") in protected
    # the hearing contact's personal link, with tenant B's real token: public, and no crash;
    # the answer page behind the login refuses tenant A's people
    for route in ("/<tenant>/forslag/<int:proposal_id>/hoeringssvar/<answer_token>",
                  "/<tenant>/forslag/<int:proposal_id>/hoeringssvar/<answer_token>/bilag/<int:attachment_id>",
                  "/api/v1/tenants/<tenant>/proposals/<int:proposal_id>/hearing/answer-links/<answer_token>"):
        assert (route, "GET") in public
    assert ("/<tenant>/forslag/<int:proposal_id>/hoeringssvar", "GET") in refused


def test_a_hearing_link_opens_nothing_under_another_tenant(app, client, walk_world):
    """Tenant B's real personal link, asked for under tenant A's address (with A's own
    proposal id, and with B's): 404, as an unknown token."""
    (slug, pid), token = next((k, v) for k, v in LINK_TOKENS.items() if k[0] == B)
    own = next(p for (s, p) in LINK_TOKENS if s == A)
    for proposal_id in (pid, own):
        assert client.get(f"/{A}/forslag/{proposal_id}/hoeringssvar/{token}").status_code == 404
        assert client.get(f"/api/v1/tenants/{A}/proposals/{proposal_id}/hearing/answer-links/{token}").status_code == 404
    assert client.get(f"/{B}/forslag/{pid}/hoeringssvar/{token}").status_code == 200


def test_the_walk_with_every_meeting_document_and_access_decision_of_a_cached(
    app, client, walk_world, monkeypatch
):
    """The walk again with the meeting document cache on, after every user of A has read
    every meeting of A they may see, as the API's document and as the page (their
    documents, pages and access decisions cached, docs/decisions/0009-cached-access-decision.md,
    0032-meeting-page-cache.md): still nothing of B, nor of a body of A they do not sit in."""
    from core.meetings import cache

    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    a, b = walk_world[A], walk_world[B]
    with tenant_scope(a.id):
        meetings = list(db.session.scalars(sa.select(Meeting.id)))
    served = []
    real = cache.decided_document

    def spy(*args):
        served.append((len(args) > 3 and bool(args[3]), real(*args)))  # a suffix: the page
        return served[-1][1]

    monkeypatch.setattr(cache.decisions, "decided_document", spy)
    for name in ROLES[1:]:
        _as(client, _user(f"{name}@{A}.example"))
        for meeting_id in meetings:
            for _ in range(2):
                client.get(f"/api/v1/tenants/{A}/meetings/{meeting_id}")
                client.get(f"/{A}/moeder/{meeting_id}")  # the page, cached per reader too
    assert any(doc is not None for page, doc in served if not page), "no document was cached"
    assert any(doc is not None for page, doc in served if page), "no page was cached"
    _, _, failures, _, refused, _ = walk(app, client, a, b)
    assert not failures, "isolation walk with the cache on found:\n" + "\n".join(failures)
    assert ("/api/v1/tenants/<tenant>/meetings/<int:meeting_id>", "GET") in refused
    assert ("/<tenant>/moeder/<int:meeting_id>", "GET") in refused


def test_the_walk_catches_a_route_that_forgets_to_check_the_body(app, walk_world):
    """The walk is not a test that cannot fail: a route declared MEMBER whose URL names a
    row the core cannot trace to a body (no ``body_from_param`` for it) and that never
    calls ``require`` lets a member of one body read another body, and the walk says so."""
    from flask import Blueprint

    from core.bodies import operations as bodies
    from core.identity.permissions import access
    from core.tenancy import bind_tenant
    from core.testing import _dispose

    leaky = Blueprint("leaky", __name__)
    bind_tenant(leaky)

    @leaky.route("/api/v1/tenants/<tenant>/leaky/<int:seat_id>")
    @access(Role.MEMBER)
    def leaky_body(seat_id):
        from core.bodies.models import Seat

        seat = db.session.get(Seat, seat_id)
        return {"name": bodies.get_body(seat.body.key).name}  # forgot require(...)

    other = extra_app(app)
    other.register_blueprint(leaky)
    with other.app_context():
        a = db.session.scalar(sa.select(Tenant).filter_by(slug=A))
        b = db.session.scalar(sa.select(Tenant).filter_by(slug=B))
        _, _, failures, _, _, _ = walk(other, other.test_client(), a, b)
        db.session.remove()
    _dispose(other)
    assert any("/leaky/" in f and "as member (A body bestyrelse): 200" in f for f in failures), failures


def test_the_walk_catches_a_public_route_that_shows_an_unpublished_agenda(app, walk_world):
    """A route "public by declaration" is walked against unpublished and closed rows: one
    that shows a motion whatever its meeting's state (as the motion routes once did) is
    reported, for the anonymous and for a logged-in stranger alike."""
    from flask import Blueprint

    from core.decisions.models import Motion
    from core.identity.permissions import access
    from core.tenancy import bind_tenant
    from core.testing import _dispose

    leaky = Blueprint("leaky_public", __name__)
    bind_tenant(leaky)

    @leaky.route("/api/v1/tenants/<tenant>/leaky-public/<int:motion_id>")
    @access(Role.PUBLIC)
    def leaky_motion(motion_id):
        return {"text": db.session.get(Motion, motion_id).text}  # no reading rule at all

    other = extra_app(app)
    other.register_blueprint(leaky)
    with other.app_context():
        a = db.session.scalar(sa.select(Tenant).filter_by(slug=A))
        b = db.session.scalar(sa.select(Tenant).filter_by(slug=B))
        _, _, failures, _, _, _ = walk(other, other.test_client(), a, b)
        db.session.remove()
    _dispose(other)
    leaks = [f for f in failures if "/leaky-public/" in f]
    assert any("as anonymous (tenant B)" in f for f in leaks), failures
    assert any("as outsider (tenant B, closed item)" in f for f in leaks), failures
    assert not [f for f in failures if "/leaky-public/" not in f], failures
