"""The written procedure's pages (skriftlig behandling; docs/decisions-and-votes.md): a
body's written procedures with the form that starts one, and one procedure's page, where a
member answers for their unit (made for a phone: the mail's link lands here) and everyone
who may read it sees the answers and, once closed, the outcome with its clause.

Handlers as the other pages': parse the form with the API's schema, call the operation,
commit, post/redirect/get; a refusal comes back as the page with what was typed and the
rule's clause (core/web/forms.py).
"""

from __future__ import annotations

from datetime import datetime

from flask import g, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_smorest import abort

from core import clock
from core.bodies.facts import body_facts
from core.decisions import operations as decisions
from core.decisions.models import WrittenState
from core.decisions.schemas import WrittenAnswerCreateSchema, WrittenProcedureCreateSchema
from core.identity.permissions import Role, access, role_in_body
from core.meetings.views import body_for
from core.rules.types import Matter
from core.tenancy import current_tenant, tenant_hooks
from core.web import N_, bp, current_person, tenant_zone
from core.web.forms import act, filled_values, load

#: The fields of the two forms, as the pages label them (messages name them).
FIELDS = {"title": N_("Overskrift"), "text": N_("Beslutningsforslag"),
          "case_text": N_("Sagsfremstilling"), "recommendation": N_("Indstilling"),
          "plan": N_("Helhedsplan"), "deadline_at": N_("Frist for svar"),
          "choice": N_("Dit svar"), "reason": N_("Begrundelse"), "unit": N_("Stemmeberettiget")}


@bp.app_context_processor
def _labels():
    return {
        "WRITTEN_CHOICES": {"agree": _("Enig"), "object": _("Indsigelse"),
                            "abstain": _("Undlader at tage stilling")},
        "WRITTEN_STATES": {"open": _("Åben for svar"), "decided": _("Besluttet"),
                           "not_decided": _("Ikke besluttet")},
    }


def _deadline_at() -> dict:
    """``date`` + ``time`` fields in the tenant's local time, as the schema's ``deadline_at``."""
    day, hour = request.form.get("date", "").strip(), request.form.get("time", "").strip()
    if not day and not hour:
        return {}
    try:
        when = datetime.strptime(f"{day} {hour}", "%Y-%m-%d %H:%M").replace(tzinfo=tenant_zone())
    except ValueError:
        abort(422, message="The input is invalid.", errors={"form": {
            "deadline_at": [_("skriv datoen som ÅÅÅÅ-MM-DD og klokkeslættet som TT:MM.")]}})
    return {"deadline_at": when.isoformat()}


def _may_start(body) -> tuple[bool, dict | None]:
    """Whether the rules let the reader start a written procedure in ``body`` (and the
    refusal, with its clause, to show instead of the form)."""
    user, tenant, hooks = current_person(), current_tenant(), tenant_hooks()
    caller = decisions.written_caller(body, user, role_in_body(user, body))
    facts = body_facts(body, tenant.slug)
    verdict = hooks.written_procedure_allowed(
        body=facts, caller=caller, matter=Matter(title=body.name))
    return verdict.ok, verdict.as_dict()


@bp.route("/<tenant>/organer/<key>/skriftlig-behandling")
@access(Role.MEMBER)
def written_procedures(key: str):
    """The body's written procedures, newest first, and the form that starts one for those
    the rules allow (CORE-WRITTEN-START)."""
    body, _role = body_for(key, Role.MEMBER)
    may, verdict = _may_start(body)
    return render_template(
        "decisions/written_list.html", tenant=g.tenant, body=body,
        procedures=decisions.written_procedures_of_body(body), may_start=may, verdict=verdict,
        lang=session.get("lang", "da"),
    )


@bp.route("/<tenant>/organer/<key>/skriftlig-behandling", methods=["POST"])
@access(Role.MEMBER)
def start_written_procedure(key: str):
    """Put a proposal to the body's voting units with a deadline."""
    body, _role = body_for(key, Role.MEMBER)

    def action():
        form = filled_values("title", "text", "case_text", "recommendation", "plan")
        data = load(WrittenProcedureCreateSchema(), {**form, **_deadline_at()})
        return decisions.start_written_procedure(body, data, user=current_person(),
                                                 hooks=tenant_hooks(), tenant=current_tenant())

    return act(action, _("Forslaget er sendt til skriftlig behandling."),
               url_for("web.written_procedures", key=key),
               then=lambda p: url_for("web.written_procedure", procedure_id=p.id), labels=FIELDS)


@bp.route("/<tenant>/skriftlig-behandling/<int:procedure_id>")
@access(Role.AUTHENTICATED)
def written_procedure(procedure_id: int):
    """One written procedure: the proposal and its deadline, the reader's answer form while
    it is open, the answers, and the outcome with its clause once it is closed."""
    user = current_person()
    procedure = decisions.readable_written_procedure(procedure_id, user)
    mine = decisions.answerable_units(procedure, user, hooks=tenant_hooks(), tenant=current_tenant())
    answered = [a for a in procedure.answers if a.answered_by_id == user.id]
    return render_template(
        "decisions/written.html", tenant=g.tenant, body=procedure.body, procedure=procedure,
        mine=mine, answered=answered, lang=session.get("lang", "da"),
        is_open=procedure.state is WrittenState.OPEN and clock.now() < procedure.deadline_at,
        is_member=role_in_body(user, procedure.body) >= Role.MEMBER,
    )


@bp.route("/<tenant>/skriftlig-behandling/<int:procedure_id>/svar", methods=["POST"])
@access(Role.AUTHENTICATED)
def answer_written_procedure(procedure_id: int):
    """Answer once for the unit one represents: agree, object (with a reason) or abstain."""
    procedure = decisions.readable_written_procedure(procedure_id, current_person())
    back = url_for("web.written_procedure", procedure_id=procedure.id)

    def action():
        form = filled_values("choice", "reason", "unit")
        data = load(WrittenAnswerCreateSchema(), form)
        return decisions.answer_written_procedure(procedure, user=current_person(), hooks=tenant_hooks(),
                                                  tenant=current_tenant(), **data)

    return act(action, _("Dit svar er registreret."), back, then=lambda _a: back + "#svar",
               labels=FIELDS)
