"""The pages where an organisation answers a hearing (CORE-HEARING):

* ``/<tenant>/forslag/<id>/hoeringssvar`` — for those who act for an organisation asked
  (logged in): the proposal, its attachments, the deadline, and the form for the
  organisation's one answer; for the secretariat also the form that records an answer
  received on paper, which then names who recorded it;
* ``/<tenant>/forslag/<id>/hoeringssvar/<answer_token>`` — the hearing contact's personal
  link, without a login: the proposal and its attachments and the answer form, nothing
  else. It answers this hearing for this organisation only, once, until the deadline plus
  a grace for late answers (docs/decisions/0037-hearing-answer-links.md). An unknown or
  altered token, another proposal's and another tenant's answer 404; a spent one (used,
  expired, the hearing closed) 410 with the reason and nothing of the proposal.

The answers go through the operations the API uses (core/proposals/api.py).
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa
from flask import g, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_smorest import abort
from werkzeug.exceptions import HTTPException

from core import clock, transactions
from core.extensions import db
from core.identity.permissions import Role, access, refuse
from core.organisations.models import Organisation
from core.proposals import operations as ops
from core.proposals.models import Proposal, ResponseChannel, ResponseKind
from core.tenancy import current_tenant
from core.web import N_, bp, current_person, tenant_zone
from core.web.forms import act, refusal_of, refuse_field, refuse_form

ANSWER_FIELDS = {"kind": N_("Høringssvar"), "text": N_("Bemærkninger"),
                 "received_date": N_("Modtaget den"), "received_at": N_("Modtaget den")}

#: What a spent link's page says, by why it opens nothing any more.
SPENT = {
    "used": (N_("Linket er brugt"), N_("Organisationens høringssvar er modtaget, og linket kan ikke bruges igen.")),
    "expired": (N_("Linket er udløbet"), N_("Linket virkede til fristen for sene svar. Kontakt sekretariatet, "
                                            "hvis organisationen stadig vil svare.")),
    "closed": (N_("Høringen er afsluttet"), N_("Høringen er afsluttet, og der modtages ikke flere svar.")),
}


# --------------------------------------------------------------------------- logged in


def _answer_rows(p, user):
    """Per open hearing of ``p``: the organisations the user may answer for (their own), and
    for the secretariat those it may record a paper answer for."""
    tenant = current_tenant()
    step = p.current_step
    hearing = step.hearing if step is not None and step.hearing is not None and step.hearing.closed_at is None else None
    if hearing is None:
        return None
    mine = {a.organisation_id for a in user.affiliations}
    answered = {r.organisation_id: r for r in hearing.responses}
    own, paper = [], []
    for asked in hearing.asked:
        if asked.organisation_id in answered:
            continue
        if asked.organisation_id in mine:
            own.append(asked.organisation)
        if ops.may_record_paper(user, tenant):
            paper.append(asked.organisation)
    return SimpleNamespace(step=step, hearing=hearing, own=own, paper=paper, rows=overview_rows(hearing))


def overview_rows(hearing) -> list[dict]:
    """The hearing's answers as :func:`ops.hearing_overview` gives them, with the time each
    was received in the tenant's time (``responded_at_local``) for the page."""
    zone = tenant_zone()
    rows = []
    for r in ops.hearing_overview(hearing):
        at = datetime.fromisoformat(r["responded_at"]).astimezone(zone) if r["responded_at"] else None
        rows.append({**r, "responded_at_local": at.strftime("%d.%m.%Y") if at else ""})
    return rows


@bp.route("/<tenant>/forslag/<int:proposal_id>/hoeringssvar")
@access(Role.AUTHENTICATED)
def hearing_answer_page(proposal_id: int):
    """The page the hearing mail opens for those who act for an organisation asked: the
    proposal, its attachments, the deadline and the organisation's answer form; for the
    secretariat the form for an answer received on paper."""
    user = current_person()
    p = ops.get_proposal(proposal_id)
    if not ops.can_see(user, current_tenant(), p):
        abort(404, message="Not found.")
    return render_template("proposals/hearing_answer.html", tenant=g.tenant, p=p,
                           h=_answer_rows(p, user), today=clock.now().astimezone(tenant_zone()).date())


def _received_at(zone, hearing):
    """The paper answer's "received on" date (local time) as a moment: the start of that
    day — a letter that came on the deadline's day counts as in time — but not before the
    hearing was opened (on the day it was opened). None when left empty;
    ``False`` when it is not a date."""
    day = request.form.get("received_date", "").strip()
    if not day:
        return None
    try:
        start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=zone)
    except ValueError:
        return False
    if hearing is not None and start.date() == hearing.opened_at.astimezone(zone).date():
        start = max(start, hearing.opened_at)  # the start of today is never after now
    return start


@bp.route("/<tenant>/forslag/<int:proposal_id>/hoeringssvar", methods=["POST"])
@access(Role.AUTHENTICATED)
def answer_hearing(proposal_id: int):
    """An organisation's one answer to the hearing: comments, or no comments; from the
    secretariat, an answer received on paper (``on_paper``), marked as recorded by them.
    Sent again exactly as it was, it is the same answer (nothing written)."""
    user = current_person()
    p = ops.get_proposal(proposal_id)
    if not ops.can_see(user, current_tenant(), p):
        abort(404, message="Not found.")
    on_paper = request.form.get("on_paper") == "1"
    org = db.session.scalar(sa.select(Organisation).filter_by(code=request.form.get("organisation", "")))
    if org is None:
        refuse(Role.AUTHENTICATED, **ops.MAY_ANSWER)
    channel = ops.answer_channel(user, current_tenant(), org, on_paper=on_paper)
    back = (url_for("web.hearing_answer_page", proposal_id=p.id) if request.form.get("from") == "answer"
            else url_for("web.proposal", proposal_id=p.id) + "#hoering")
    which = "organisation"
    kind = request.form.get("kind", "")
    if kind not in {k.value for k in ResponseKind}:
        return refuse_field(back, "kind", _("vælg et svar."), ANSWER_FIELDS, which=which)
    step = p.current_step
    received = (_received_at(tenant_zone(), step.hearing if step is not None else None)
                if channel is ResponseChannel.PAPER else None)
    if received is False:
        return refuse_field(back, "received_date", _("skriv datoen som ÅÅÅÅ-MM-DD."), ANSWER_FIELDS, which=which)
    text = request.form.get("text", "")
    existing = ops.existing_answer(p, org)
    if existing is not None and ops.same_answer(existing, kind=ResponseKind(kind), text=text, actor=user,
                                                channel=channel):
        return act(lambda: existing, _("Høringssvaret er afgivet."), back, labels=ANSWER_FIELDS, which=which)
    done = _("Svaret modtaget på papir er registreret.") if channel is ResponseChannel.PAPER \
        else _("Høringssvaret er afgivet.")
    return act(
        lambda: ops.respond_to_hearing(p, org, kind=ResponseKind(kind), text=text, actor=user,
                                       channel=channel, received_at=received or None),
        done, back, labels=ANSWER_FIELDS, which=which,
    )


# --------------------------------------------------------------------------- the personal link


def _private(resp):
    """A page reached by a personal link: never cached, never indexed; its address (which
    holds the token) is never sent on as a referrer (the page's ``<meta name="referrer">``,
    the platform's header keeps it on the site) and never logged (core/identity/security.py)."""
    resp = make_response(resp)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp


def _spent_page(state: str):
    heading, text = SPENT[state]
    return _private((render_template("proposals/hearing_link_spent.html", tenant=g.tenant,
                                     heading=_(heading), text=_(text)), 410))


def _open_link(proposal_id: int, answer_token: str):
    """The proposal and the link the token opens on it; 404 for anything else."""
    p = db.session.get(Proposal, proposal_id)
    if p is None:
        abort(404, message="Not found.")
    return p, ops.find_link(p, answer_token)


def _link_page(p, link, receipt=None, status=200):
    hearing = link.hearing
    return _private((render_template(
        "proposals/hearing_link.html", tenant=g.tenant, p=p, link=link, hearing=hearing,
        receipt=receipt, is_late=clock.now() > hearing.deadline_at,
        clause=hearing.step.clause or p.route_clause or "CORE-HEARING",
        token=request.view_args["answer_token"],
    ), status))


@bp.route("/<tenant>/forslag/<int:proposal_id>/hoeringssvar/<answer_token>")
@access(Role.PUBLIC)
def hearing_link_page(proposal_id: int, answer_token: str):
    """The hearing contact's page (public by design: the token is the credential): the
    proposal, its attachments, the deadline, the organisation's answer form."""
    p, link = _open_link(proposal_id, answer_token)
    state = ops.link_state(link)
    if state is not None:
        return _spent_page(state)
    return _link_page(p, link)


@bp.route("/<tenant>/forslag/<int:proposal_id>/hoeringssvar/<answer_token>", methods=["POST"])
@access(Role.PUBLIC)
def answer_by_link(proposal_id: int, answer_token: str):
    """The organisation's one answer through the link; the answer page shows the receipt
    (sent again as it was, the same receipt; nothing is written twice)."""
    p, link = _open_link(proposal_id, answer_token)
    kind = request.form.get("kind", "")
    back = lambda: _link_page(p, link)  # noqa: E731
    if kind not in {k.value for k in ResponseKind}:
        if ops.link_state(link) is not None:
            return _spent_page(ops.link_state(link))
        return refuse_field(back, "kind", _("vælg et svar."), ANSWER_FIELDS)
    try:
        response, _created = ops.answer_by_link(p, link, kind=ResponseKind(kind), text=request.form.get("text", ""))
        transactions.commit()
    except HTTPException as exc:
        db.session.rollback()
        if exc.code == 410:
            return _spent_page(ops.link_state(link) or "used")
        if exc.code in (409, 422):
            return refuse_form(back, refusal_of(exc, ANSWER_FIELDS), exc.code)
        raise
    return _link_page(p, link, receipt=response)


@bp.route("/<tenant>/forslag/<int:proposal_id>/hoeringssvar/<answer_token>/bilag/<int:attachment_id>")
@access(Role.PUBLIC)
def hearing_link_attachment(proposal_id: int, answer_token: str, attachment_id: int):
    """One of the proposal's attachments, for the link's holder while the link works."""
    from core.proposals.api import attachment_response

    p, link = _open_link(proposal_id, answer_token)
    state = ops.link_state(link)
    if state is not None:
        return _spent_page(state)
    return _private(attachment_response(p, attachment_id))
