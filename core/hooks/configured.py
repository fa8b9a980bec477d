"""The rules a tenant file chooses from the core's building blocks (``[bodies.rules]``).

Registered ``trylast`` before the core's defaults (core/hooks/host.py): a tenant's plugin
answers first, then the body's blocks, then the core's default. A body without the block
gets ``None`` here and the next in line answers. The blocks are read and checked in
core/rules/configured.py; every answer cites the block's clause, with the tenant file as
its source.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

from core.hooks import hookimpl
from core.rules import blocks
from core.rules import configured as conf
from core.rules.types import (
    Choice,
    Procedure,
    ProcedureChoice,
    RuleDescription,
    Tally,
    Verdict,
    VoteUnit,
)

PROCEDURE_TEXTS = {
    Procedure.VOTE: ("Beslutninger træffes ved afstemning.", "Decisions are taken by a vote."),
    Procedure.CONSENSUS_THEN_MAJORITY: (
        "Beslutninger søges truffet i konsensus; hvor det ikke er muligt, ved flertal.",
        "Decisions are sought by consensus; where that fails, by majority."),
    Procedure.NO_OBJECTION: (
        "Mødelederen konkluderer; gør ingen indsigelse, er punktet afgjort. Ved indsigelse "
        "stemmes der.",
        "The meeting leader concludes; with no objection the item is decided, otherwise a vote."),
}


def _verdict(body, f, ok: bool, da: str, en: str) -> Verdict:
    """An answer in the block's own words where it has them."""
    return Verdict(ok, f.get("text") or da, f["clause"], conf.source(body),
                   f.get("text_en") or (en if not f.get("text") else f.get("text")))


# ------------------------------------------------------------------------------- votes


@hookimpl(trylast=True)
def vote_units(body, attendees, matter):
    f = conf.block(body, "vote_units")
    if f is None:
        return None
    src = conf.source(body)
    if f["per"] == "seat":
        return blocks.one_vote_per_seat(attendees, clause=f["clause"], source=src)
    weights = {org: int(w) for org, w in (f.get("weights") or {}).items()}
    voting = f.get("organisations") or (list(weights) if weights else None)
    units = blocks.one_vote_per_organisation(attendees, clause=f["clause"],
                                             voting_organisations=voting, source=src)
    if not weights:
        return units
    return [replace(u, weight=weights.get(u.label, 1),
                    reason=f"{u.label} har {weights.get(u.label, 1)} stemme(r).")
            for u in units]


def _organisation_of(body, unit: VoteUnit) -> str | None:
    kind, _, name = unit.key.partition(":")
    if kind == "org":
        return name
    if kind == "seat":
        return next((s.organisation for s in body.seats if s.key == name), None)
    return None


@hookimpl(trylast=True)
def quorum(body, units, matter):
    f = conf.block(body, "quorum")
    if f is None:
        return None
    clause, src = f["clause"], conf.source(body)
    if f.get("all_units") and not f.get("required"):
        return blocks.all_units_present(units, clause=clause, source=src)
    eligible = [u for u in units if u.eligible]
    present = [u for u in eligible if u.present]
    n, total = len(present), len(eligible)
    if f.get("all_units"):
        ok, need, need_en = n == total, "alle skal være til stede", "all must be present"
    elif "count" in f:
        ok, need, need_en = n >= f["count"], f"mindst {f['count']} kræves", f"at least {f['count']} required"
    elif f.get("share", "majority") == "majority":
        ok, need, need_en = n * 2 > total, "flertal kræves", "a majority is required"
    else:
        share = conf.parse_share(f["share"])
        ok = total > 0 and Fraction(n, total) >= share
        need, need_en = f"mindst {share} kræves", f"at least {share} required"
    there = {_organisation_of(body, u) for u in present}
    missing = [o for o in conf.required_organisations(body, f.get("required")) if o not in there]
    ok = ok and not missing
    word, word_en = ("Beslutningsdygtig", "Quorate") if ok else ("Ikke beslutningsdygtig", "Not quorate")
    da = f"{word}: {n} af {total} stemmeberettigede var til stede ({need})"
    en = f"{word_en}: {n} of {total} voting units present ({need_en})"
    if missing:
        da += f"; {', '.join(missing)} skal være til stede og var det ikke"
        en += f"; {', '.join(missing)} must be present and was not"
    da, en = da + f" ({clause}).", en + f" ({clause})."
    if f.get("text"):
        da, en = f"{da} {f['text']}", f"{en} {f.get('text_en') or f['text']}"
    return Verdict(ok, da, clause, src, en)


@hookimpl(trylast=True)
def decision_procedure(body, matter):
    f = conf.block(body, "procedure")
    if f is None:
        return None
    kind = Procedure(f["kind"])
    return ProcedureChoice(kind, f.get("text") or PROCEDURE_TEXTS[kind][0], f["clause"],
                           conf.source(body))


def _share_for(f, matter) -> str:
    """The share the block asks for this matter: a topic's own first, and never less than
    the motion's own required majority (a core option)."""
    topics = f.get("for_topics") or {}
    chosen = next((topics[t] for t in topics if t in matter.topics), f.get("share", "simple"))
    if matter.majority == "two_thirds" and conf.parse_share(chosen) < Fraction(2, 3):
        return "two_thirds"
    return chosen


@hookimpl(trylast=True)
def tally(body, matter, units, ballots):
    f = conf.block(body, "majority")
    if f is None:
        return None
    chosen = _share_for(f, matter)
    label, label_en = conf.share_words(chosen)
    share = conf.parse_share(chosen)
    counted = blocks.share_of_votes_cast(units, ballots, share=share, clause=f["clause"],
                                         source=conf.source(body), label=label, label_en=label_en)
    if f.get("casting_vote") == "chair" and share == Fraction(1, 2):
        return _casting_vote(body, f, units, ballots, counted) or counted
    return counted


def _casting_vote(body, f, units, ballots, counted: Tally) -> Tally | None:
    """On a tie the chair's vote decides. Only in an open vote: a secret ballot's units are
    anonymous (``ballot:<n>``), so no ballot is the chair's and the count stands."""
    yes, no = counted.counts.get("yes", 0), counted.counts.get("no", 0)
    if yes != no or yes == 0:
        return None
    chair = next((s for s in body.seats if s.role == "chair"), None)
    if chair is None:
        return None
    keys = {f"seat:{chair.key}", f"org:{chair.organisation}"}
    casting = next((b for b in ballots if b.unit in keys), None)
    if casting is None or casting.choice is Choice.ABSTAIN:
        return None
    passed = casting.choice is Choice.YES
    word, word_en = ("for", "for") if passed else ("imod", "against")
    clause = f["clause"]
    return Tally(
        passed, counted.counts,
        f"Stemmelighed ({yes} mod {no}): formanden ({chair.organisation}) stemte {word}, og "
        f"formandens stemme er afgørende ({clause}).", clause, conf.source(body),
        f"A tie ({yes} to {no}): the chair ({chair.organisation}) voted {word_en}, and the "
        f"chair's vote decides ({clause}).")


# ------------------------------------------------------------------ substitutes, mandates


@hookimpl(trylast=True)
def substitute_allowed(body, seat, substitute_organisations, meeting, requested_at, substitute):
    f = conf.block(body, "substitutes")
    if f is None:
        return None
    if not f["allowed"]:
        return _verdict(body, f, False, "Kommissoriet tillader ikke suppleanter.",
                        "The terms of reference allow no substitutes.")
    if f.get("same_organisation") and seat.organisation not in substitute_organisations:
        return Verdict(False, f"En suppleant skal sendes af samme organisation ({seat.organisation}).",
                       f["clause"], conf.source(body),
                       f"A substitute must be sent by the same organisation ({seat.organisation}).")
    if (f.get("before_meeting") and meeting is not None and requested_at is not None
            and requested_at >= meeting.starts_at):
        return Verdict(False, "En suppleant kan kun møde med en fuldmagt, der er registreret, før "
                              f"mødet begynder ({meeting.starts_at:%d.%m.%Y %H:%M} UTC).",
                       f["clause"], conf.source(body),
                       "A substitute may only attend with a power of attorney registered before "
                       f"the meeting starts ({meeting.starts_at:%Y-%m-%d %H:%M} UTC).")
    return _verdict(body, f, True,
                    f"{seat.organisation} kan sende en suppleant med samme mandat som det "
                    "fraværende medlem.",
                    f"{seat.organisation} may send a substitute with the absent member's mandate.")


def _latest_end(starts_on: date, f) -> date | None:
    if "max_days" in f:
        return starts_on + timedelta(days=f["max_days"] - 1)
    if "max_years" in f:
        years = f["max_years"]
        try:
            return starts_on.replace(year=starts_on.year + years) - timedelta(days=1)
        except ValueError:  # 29 February
            return starts_on.replace(year=starts_on.year + years, day=28)
    return None


@hookimpl(trylast=True)
def delegation_allowed(body, seat, delegation, meeting, requested_at):
    f = conf.block(body, "delegation")
    if f is None:
        return None
    clause, src = f["clause"], conf.source(body)
    if not f["allowed"]:
        return _verdict(body, f, False, "Kommissoriet giver ikke adgang til at uddelegere et mandat.",
                        "The terms of reference do not allow delegating a mandate.")
    if delegation.ends_on <= delegation.starts_on:
        return Verdict(False, "Delegationen slutter, før den begynder.", clause, src,
                       "The delegation ends before it starts.")
    latest = _latest_end(delegation.starts_on, f)
    if latest is not None and delegation.ends_on > latest:
        if f.get("max_years") == 1:
            da, en = "for et år ad gangen", "for one year at a time"
        elif "max_years" in f:
            da, en = f"for højst {f['max_years']} år ad gangen", f"for {f['max_years']} years at most"
        else:
            da, en = f"for højst {f['max_days']} dage ad gangen", f"for {f['max_days']} days at most"
        return Verdict(False, f"Et mandat kan kun lægges {da} (senest {latest.isoformat()}).",
                       clause, src,
                       f"A mandate may be delegated {en} (until {latest.isoformat()} at most).")
    if f.get("to") == "person" and not delegation.to_person:
        return Verdict(False, "Mandatet skal lægges hos en navngiven person.", clause, src,
                       "The mandate must be delegated to a named person.")
    if (f.get("before_meeting") and meeting is not None and delegation.registered_at is not None
            and delegation.registered_at >= meeting.starts_at):
        return Verdict(False, "Delegationen skal være registreret, før mødet begynder.", clause, src,
                       "The delegation must be registered before the meeting starts.")
    to = delegation.to_person or delegation.to_organisation
    return _verdict(
        body, f, True,
        f"{delegation.from_organisation} lægger sit mandat hos {to} fra "
        f"{delegation.starts_on.isoformat()} til {delegation.ends_on.isoformat()}.",
        f"{delegation.from_organisation} delegates its mandate to {to} from "
        f"{delegation.starts_on.isoformat()} to {delegation.ends_on.isoformat()}.")


# ---------------------------------------------------------------------- written procedure


_ROLE_WORDS = {"chair": ("formanden", "the chair"), "meeting_leader": ("mødelederen", "the meeting leader"),
               "secretary": ("sekretæren", "the secretary"), "secretariat": ("sekretariatet", "the secretariat"),
               "member": ("et medlem", "a member")}


def _who(roles) -> tuple[str, str]:
    da = [_ROLE_WORDS[r][0] for r in roles]
    en = [_ROLE_WORDS[r][1] for r in roles]
    join = lambda words, word: words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {word} {words[-1]}"  # noqa: E731
    return join(da, "eller"), join(en, "or")


@hookimpl(trylast=True)
def written_procedure_allowed(body, caller, matter):
    f = conf.block(body, "written_procedure")
    if f is None:
        return None
    da, en = _who(f["roles"])
    if caller.roles & set(f["roles"]):
        return Verdict(True, f"{da[0].upper()}{da[1:]} kan sende et forslag til skriftlig behandling.",
                       f["clause"], conf.source(body), f"{en[0].upper()}{en[1:]} may start a written procedure.")
    return Verdict(False, f"Kun {da} kan sende et forslag til skriftlig behandling.",
                   f["clause"], conf.source(body), f"Only {en} may start a written procedure.")


# -------------------------------------------------------------------- checks and the page


@hookimpl(trylast=True)
def validate_body(body):
    return conf.problems(body)


def _describe(body, name, f) -> tuple[str, str]:
    """A block in words, where its ``description`` does not say it."""
    if name == "vote_units":
        if f["per"] == "seat":
            return "Én stemme pr. stemmeberettiget plads.", "One vote per voting seat."
        weights = f.get("weights") or {}
        if weights:
            listed = ", ".join(f"{o} {w}" for o, w in weights.items())
            return f"Stemmerne vejes pr. organisation: {listed}.", f"Votes are weighted per organisation: {listed}."
        return ("Hver organisation har én stemme, uanset hvor mange medlemmer den sender.",
                "One vote per organisation, however many members it sends.")
    if name == "quorum":
        required = conf.required_organisations(body, f.get("required"))
        if f.get("all_units"):
            da, en = "alle stemmeberettigede er til stede", "every voting unit is present"
        elif "count" in f:
            da, en = f"mindst {f['count']} stemmeberettigede er til stede", f"at least {f['count']} voting units are present"
        elif f.get("share", "majority") == "majority":
            da, en = "mere end halvdelen af de stemmeberettigede er til stede", "more than half the voting units are present"
        else:
            da, en = f"mindst {f['share']} af de stemmeberettigede er til stede", f"at least {f['share']} of the voting units are present"
        if required:
            da += f", og {', '.join(required)} er til stede"
            en += f", and {', '.join(required)} present"
        return f"Organet er beslutningsdygtigt, når {da}.", f"The body is quorate when {en}."
    if name == "procedure":
        return PROCEDURE_TEXTS[Procedure(f["kind"])]
    if name == "majority":
        da, en = conf.share_words(f.get("share", "simple"))
        out_da, out_en = f"En afstemning afgøres ved {da}.", f"A vote is decided by {en}."
        for topic, share in (f.get("for_topics") or {}).items():
            t_da, t_en = conf.share_words(share)
            out_da += f" Sager om {topic} kræver {t_da}."
            out_en += f" Matters of {topic} need {t_en}."
        if f.get("casting_vote") == "chair":
            out_da += " Ved stemmelighed er formandens stemme afgørende."
            out_en += " On a tie the chair's vote decides."
        return out_da, out_en
    if name == "substitutes":
        if not f["allowed"]:
            return "Der sendes ikke suppleanter.", "No substitutes are sent."
        da, en = "Et fraværende medlem kan sende en suppleant", "An absent member may send a substitute"
        if f.get("same_organisation"):
            da, en = da + " fra samme organisation", en + " from the same organisation"
        if f.get("before_meeting"):
            da += " med en fuldmagt registreret før mødet"
            en += " with a power of attorney registered before the meeting"
        return da + ".", en + "."
    if name == "delegation":
        if not f["allowed"]:
            return "Et mandat kan ikke uddelegeres.", "A mandate cannot be delegated."
        da, en = "Et medlem kan lægge sit mandat hos en anden", "A member may delegate its mandate"
        if "max_years" in f:
            da += f" for højst {f['max_years']} år ad gangen"
            en += f" for at most {f['max_years']} year(s) at a time"
        elif "max_days" in f:
            da += f" for højst {f['max_days']} dage ad gangen"
            en += f" for at most {f['max_days']} days at a time"
        return da + ".", en + "."
    da, en = _who(f["roles"])
    return (f"{da[0].upper()}{da[1:]} kan sende forslag til skriftlig behandling mellem møderne.",
            f"{en[0].upper()}{en[1:]} may put proposals to written procedure between meetings.")


@hookimpl(trylast=True)
def describe_rules(body):
    """The blocks on the kommissorium page, one description per clause (two blocks that
    come from one clause, a procedure and its majority, are one rule)."""
    if conf.problems(body):
        return []
    by_clause: dict[str, list[tuple[str, str, bool]]] = {}
    for name, f in (body.rules or {}).items():
        own = f.get("description")
        da, en = (own, f.get("description_en") or own) if own else _describe(body, name, f)
        by_clause.setdefault(f["clause"], []).append((da, en, bool(own)))
    out = []
    for clause, texts in by_clause.items():
        own = [t for t in texts if t[2]]
        chosen = own[:1] or texts
        out.append(RuleDescription(clause, " ".join(t[0] for t in chosen),
                                   " ".join(t[1] for t in chosen), conf.source(body)))
    return out
