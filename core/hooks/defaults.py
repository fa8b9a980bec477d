"""The core's own rules: what applies when no plugin of the tenant answers.

Registered ``trylast``, so the core's behaviour goes through the same door as a
municipality's and any plugin can override it.
"""

from __future__ import annotations

from core.hooks import hookimpl
from core.rules import blocks
from core.rules.types import (
    Deadline,
    MeetingRules,
    Procedure,
    ProcedureChoice,
    Route,
    RouteStep,
    RuleDescription,
    Rulebook,
    WrittenFallback,
    WrittenOutcome,
)

rule = Rulebook("core")


@hookimpl(trylast=True)
def substitute_allowed(body, seat, substitute_organisations):
    return rule.allow(
        "CORE-SUBSTITUTE",
        "Kommissoriet begrænser ikke, hvem der kan sendes som suppleant.",
        "The terms of reference do not restrict substitutes.",
    )


@hookimpl(trylast=True)
def delegation_allowed(body, seat, delegation):
    return rule.refuse(
        "CORE-MANDATE",
        "Et mandat følger pladsen; kommissoriet giver ikke adgang til at uddelegere det.",
        "A mandate stays with its seat; the terms of reference do not allow delegating it.",
    )


@hookimpl(trylast=True)
def information_recipients(body):
    return list(body.information_recipients)


@hookimpl(trylast=True)
def body_competence(body, matter):
    if body.competence == "advises":
        return rule.refuse(
            "CORE-COMPETENCE",
            f"{body.name} er rådgivende og træffer ikke beslutninger.",
            f"{body.name} is advisory and takes no decisions.",
        )
    return rule.allow(
        "CORE-COMPETENCE", f"{body.name} træffer beslutninger.", f"{body.name} takes decisions."
    )


@hookimpl(trylast=True)
def extraordinary_meeting_allowed(body, caller):
    if caller.on_behalf_of in ("body", "secretariat") or caller.roles & {"chair", "secretary"}:
        return rule.allow(
            "CORE-EXTRAORDINARY",
            "Formanden, sekretæren, sekretariatet eller organet selv kan indkalde.",
            "The chair, the secretary, the secretariat or the body itself may call it.",
        )
    return rule.refuse(
        "CORE-EXTRAORDINARY",
        "Kun formanden, sekretæren, sekretariatet eller organet selv kan indkalde til et "
        "ekstraordinært møde.",
        "Only the chair, the secretary, the secretariat or the body may call an extraordinary "
        "meeting.",
    )


@hookimpl(trylast=True)
def vote_units(body, attendees, matter):
    return blocks.one_vote_per_seat(attendees)


@hookimpl(trylast=True)
def quorum(body, units, matter):
    return blocks.majority_of_units_present(units)


@hookimpl(trylast=True)
def decision_procedure(body, matter):
    return ProcedureChoice(
        Procedure.VOTE, "Beslutninger træffes ved afstemning.", "CORE-PROCEDURE", "core"
    )


@hookimpl(trylast=True)
def tally(body, matter, units, ballots):
    # The motion's required majority (a core option): simple by default, or two thirds.
    return blocks.share_of_votes_cast(units, ballots, **blocks.required_share(matter))


@hookimpl(trylast=True)
def disqualification_effect(body, matter, unit, attendees, disqualified):
    # CORE-DISQUALIFIED: another representative of the organisation votes, or nobody does.
    return blocks.vote_through_another_representative(unit, attendees, disqualified)


@hookimpl(trylast=True)
def dissent_allowed(body, matter):
    return rule.allow(
        "CORE-DISSENT",
        "Et medlem, der er til stede, kan få sit særstandpunkt ført til referat.",
        "A member present may have their dissent recorded in the minutes.",
    )


@hookimpl(trylast=True)
def written_procedure_allowed(body, caller, matter):
    # CORE-WRITTEN-START: the chair or the meeting leader, with the secretary, puts a
    # proposal to the members between meetings; the secretariat may as well.
    if caller.roles & {"chair", "meeting_leader", "secretary", "secretariat"}:
        return rule.allow(
            "CORE-WRITTEN-START",
            "Formanden eller mødelederen sender sammen med sekretæren forslag til skriftlig "
            "behandling.",
            "The chair or the meeting leader, with the secretary, puts a proposal to written "
            "procedure.",
        )
    return rule.refuse(
        "CORE-WRITTEN-START",
        "Kun formanden, mødelederen, sekretæren eller sekretariatet kan sende et forslag til "
        "skriftlig behandling.",
        "Only the chair, the meeting leader, the secretary or the secretariat may put a "
        "proposal to written procedure.",
    )


@hookimpl(trylast=True)
def written_procedure_outcome(body, matter, units, answers, deadline_passed):
    # CORE-WRITTEN-DECIDED: decided when every eligible unit has answered and none objects.
    eligible = [u for u in units if u.eligible]
    answered = {a.unit for a in answers}
    objections = [a for a in answers if a.choice == "object"]
    missing = [u for u in eligible if u.key not in answered]
    clause = "CORE-WRITTEN-DECIDED"
    if objections:
        if not deadline_passed and missing:
            return WrittenOutcome(False, False, "Der er gjort indsigelse; de øvrige svar afventes.",
                                  clause, "core", "An objection was made; the other answers are awaited.")
        return WrittenOutcome(
            True, False,
            f"Ikke besluttet: {len(objections)} af {len(eligible)} gjorde indsigelse; et forslag "
            "besluttes kun skriftligt, når ingen gør indsigelse.",
            clause, "core",
            f"Not decided: {len(objections)} of {len(eligible)} objected; a proposal is decided "
            "in writing only when nobody objects.")
    if missing and not deadline_passed:
        return WrittenOutcome(False, False, f"{len(missing)} af {len(eligible)} har ikke svaret endnu.",
                              clause, "core", f"{len(missing)} of {len(eligible)} have not answered yet.")
    if missing:
        return WrittenOutcome(
            True, False,
            f"Ikke besluttet: {len(missing)} af {len(eligible)} svarede ikke inden fristen; alle "
            "skal svare, og ingen må gøre indsigelse.",
            clause, "core",
            f"Not decided: {len(missing)} of {len(eligible)} did not answer by the deadline; "
            "everyone must answer and nobody object.")
    return WrittenOutcome(
        True, True,
        f"Besluttet: alle {len(eligible)} har svaret, og ingen gjorde indsigelse.",
        clause, "core",
        f"Decided: all {len(eligible)} answered and nobody objected.")


@hookimpl(trylast=True)
def written_procedure_fallback(body, matter, outcome):
    # CORE-WRITTEN-FALLBACK: not decided in writing, it goes to the next meeting.
    return WrittenFallback(
        "next_meeting",
        "Forslaget sættes på dagsordenen til organets næste møde sammen med svarene.",
        "CORE-WRITTEN-FALLBACK", "core",
        "The proposal goes onto the agenda of the body's next meeting with the answers.",
    )


@hookimpl(trylast=True)
def meeting_rules(body):
    # The tenant file holds the facts, and in [bodies.sources] the clause of each.
    def deadline(name):
        days = getattr(body, name)
        return None if days is None else Deadline(days, body.sources.get(name))

    return MeetingRules(
        meetings_per_year=body.meetings_per_year,
        notice=deadline("notice_days"),
        minutes_due=deadline("minutes_due_days"),
        approval_mode=body.approval_mode,
        approval_due=deadline("approval_due_days"),
        submission_deadline=deadline("submission_deadline_days"),
        clause=body.sources.get("meetings_per_year"),
        source="tenant",
    )


@hookimpl(trylast=True)
def minutes_approvers(body, attendees):
    # CORE-APPROVERS: the members approve; the secretary wrote the minutes.
    return [a.seat_key for a in attendees if a.role != "secretary"]


@hookimpl(trylast=True)
def standing_items(body, meeting_number, year):
    return []


@hookimpl(trylast=True)
def proposal_route(body, matter, bodies):
    if body.competence == "advises" and body.parent:
        return Route(
            (RouteStep("body", body.parent, "decide", clause="CORE-ROUTE"),),
            "Et rådgivende organ indstiller til det organ, det hører under.",
            "CORE-ROUTE",
        )
    return Route((), "Organet behandler selv forslaget.", "CORE-ROUTE")


@hookimpl(trylast=True)
def proposal_origin_allowed(body, proposer, takes_part):
    if proposer.roles or proposer.on_behalf_of == "secretariat":
        return rule.allow(
            "CORE-ORIGIN",
            f"Medlemmer af {body.name} og sekretariatet kan rejse forslag i organet.",
            f"Members of {body.name} and the secretariat may raise proposals in it.",
        )
    return rule.refuse(
        "CORE-ORIGIN",
        f"Kun medlemmer af {body.name} kan rejse et forslag i organet.",
        f"Only members of {body.name} may raise a proposal in it.",
    )


@hookimpl(trylast=True)
def follow_ups(body, matter, passed):
    return []


@hookimpl(trylast=True)
def validate_body(body):
    return []


@hookimpl(trylast=True)
def pending_for_user(user_id, tenant):
    return []


_COMPETENCE = {
    "decides": ("{name} træffer beslutninger inden for sit kommissorium.",
                "{name} takes decisions within its terms of reference."),
    "advises": ("{name} er rådgivende og træffer ikke beslutninger; det indstiller til andre organer.",
                "{name} is advisory and takes no decisions; it recommends to other bodies."),
    "limited": ("{name} træffer kun beslutninger inden for et afgrænset område.",
                "{name} decides only within a limited remit."),
}
_APPROVAL = {
    "email": ("Medlemmerne godkender referatet pr. e-mail", "Members approve the minutes by e-mail"),
    "next_meeting": ("Referatet godkendes på det næste møde", "The minutes are approved at the next meeting"),
    "board": ("Referatet godkendes af organet", "The minutes are approved by the body"),
    "tacit": ("Referatet er godkendt, når intet medlem har gjort indsigelse",
              "The minutes are approved when no member has objected"),
}


@hookimpl(trylast=True)
def describe_rules(body):
    # The tenant file's facts, each with the clause [bodies.sources] gives it.
    tenant_file = f"tenants/{body.tenant}.toml"

    def fact(name, text, text_en):
        return RuleDescription(body.sources.get(name) or f"CORE-{name.upper().replace('_', '-')}",
                               text, text_en, tenant_file)

    da, en = _COMPETENCE.get(body.competence, _COMPETENCE["decides"])
    out = [RuleDescription(body.sources.get("competence") or "CORE-COMPETENCE",
                           da.format(name=body.name), en.format(name=body.name), "core")]
    if body.meetings_per_year:
        out.append(fact("meetings_per_year", f"Organet holder mindst {body.meetings_per_year} møder om året.",
                        f"The body meets at least {body.meetings_per_year} times a year."))
    if body.notice_days is not None:
        out.append(fact("notice_days", f"Dagsorden og materiale udsendes senest {body.notice_days} dage før mødet.",
                        f"Agenda and material go out at least {body.notice_days} days before the meeting."))
    if body.submission_deadline_days is not None:
        n = body.submission_deadline_days
        out.append(fact("submission_deadline_days",
                        f"Medlemmer kan få et punkt på dagsordenen ved at bede sekretariatet om det senest {n} dage før mødet.",
                        f"Members may add an item by asking the secretariat at least {n} days before the meeting."))
    if body.minutes_due_days is not None:
        out.append(fact("minutes_due_days", f"Referatet udsendes senest {body.minutes_due_days} dage efter mødet.",
                        f"The minutes go out at most {body.minutes_due_days} days after the meeting."))
    if body.approval_mode in _APPROVAL:
        da, en = _APPROVAL[body.approval_mode]
        if body.approval_mode == "tacit":  # the days count from sending the minutes
            da += f" inden {body.approval_due_days} dage efter, at det er udsendt"
            en += f" within {body.approval_due_days} days of its being sent"
        elif body.approval_due_days is not None:
            da += f" senest {body.approval_due_days} dage efter mødet"
            en += f" at most {body.approval_due_days} days after the meeting"
        out.append(fact("approval_mode", da + ".", en + "."))
    if body.information_recipients:
        names = ", ".join(body.information_recipients)
        out.append(fact("information_recipients",
                        f"Dagsordener og referater sendes til orientering til {names}.",
                        f"Agendas and minutes go to {names} for information."))
    return out


@hookimpl(trylast=True)
def decision_taken(tenant, body, decision):
    return []
