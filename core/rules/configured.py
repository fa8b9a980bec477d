"""The building blocks a tenant file chooses for a body's rules (``[bodies.rules]``).

A kommissorium's common rules need no plugin: the tenant file names a block, its parameters
and the clause it comes from, e.g. ::

    [bodies.rules.vote_units]
    clause = "<the kommissorium's clause>"
    per = "organisation"

The blocks (docs/tenant-files.md, "Rules in the tenant file"):

``vote_units``        ``per`` = "seat" | "organisation"; ``organisations`` (the voting ones);
                      ``weights`` (organisation → votes)
``quorum``            ``all_units`` = true, or ``share`` ("majority" = more than half, or a
                      fraction such as "2/3" = at least) or ``count`` (at least n units);
                      ``required`` organisations ("municipality" is the tenant's own)
``procedure``         ``kind`` = "vote" | "consensus_then_majority" | "no_objection"
``majority``          ``share`` = "simple" | "two_thirds" | "3/4" …; ``for_topics`` (topic →
                      share, e.g. budget = "two_thirds"); ``casting_vote`` = "chair"
``substitutes``       ``allowed``; ``same_organisation``; ``before_meeting`` (the power of
                      attorney is registered before the meeting starts)
``delegation``        ``allowed``; ``max_years`` or ``max_days``; ``to`` = "organisation" |
                      "person"; ``before_meeting``
``written_procedure`` ``roles`` who may start one (chair, meeting_leader, secretary,
                      secretariat)

Every block has ``clause`` (required), and may have ``text``/``text_en`` (the rule's own
words in its answers) and ``description``/``description_en`` (the kommissorium page). The
minutes' approval mode is a body fact already (``approval_mode`` with its clause in
``[bodies.sources]``). This module reads and checks the blocks; core/hooks/configured.py
answers the hooks with them, after the tenant's plugins and before the core's defaults.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction

from core.rules.types import BodyFacts, Problem, Procedure

#: The named majorities a ``majority`` block may choose, beside a fraction ("3/4").
NAMED_SHARES = {"simple": Fraction(1, 2), "two_thirds": Fraction(2, 3)}
ROLES = ("chair", "meeting_leader", "secretary", "secretariat", "member")
COMMON = {"clause", "text", "text_en", "description", "description_en"}

#: Each block's own fields, beside the common ones.
BLOCKS: dict[str, set[str]] = {
    "vote_units": {"per", "organisations", "weights"},
    "quorum": {"all_units", "share", "count", "required"},
    "procedure": {"kind"},
    "majority": {"share", "for_topics", "casting_vote"},
    "substitutes": {"allowed", "same_organisation", "before_meeting"},
    "delegation": {"allowed", "max_years", "max_days", "to", "before_meeting"},
    "written_procedure": {"roles"},
}

_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_CLAUSE = re.compile(r"^[A-Za-zÆØÅæøå0-9][\w.§ -]{0,31}$")


def block(body: BodyFacts, name: str) -> Mapping | None:
    """The body's ``name`` block from its tenant file, or None."""
    found = (body.rules or {}).get(name)
    return found if isinstance(found, Mapping) else None


def source(body: BodyFacts) -> str:
    """The provenance of an answer from a block: the tenant file."""
    return f"tenants/{body.tenant}.toml"


def parse_share(value) -> Fraction | None:
    """"simple" → 1/2, "two_thirds" → 2/3, "3/4" → 3/4; anything else None."""
    if isinstance(value, str) and value in NAMED_SHARES:
        return NAMED_SHARES[value]
    match = _FRACTION.match(value) if isinstance(value, str) else None
    if match and 0 < int(match[1]) <= int(match[2]):
        return Fraction(int(match[1]), int(match[2]))
    return None


def share_words(value: str) -> tuple[str, str]:
    """A share in words, Danish and English."""
    if value == "simple":
        return "simpelt flertal", "a simple majority"
    if value == "two_thirds":
        return "kvalificeret flertal (2/3)", "a two-thirds majority"
    share = parse_share(value)
    return f"kvalificeret flertal ({share})", f"a qualified majority ({share})"


def required_organisations(body: BodyFacts, names) -> list[str]:
    """A quorum's ``required`` list with "municipality" read as the tenant's own."""
    return [body.municipality if n == "municipality" else n for n in names or ()
            if n != "municipality" or body.municipality]


def problems(body: BodyFacts) -> list[Problem]:
    """What is wrong with the body's ``[bodies.rules]``: each problem names the block, the
    field and, where the block has one, its clause (the ``validate_body`` hook reports them,
    so ``tenants check`` does)."""
    rules = body.rules or {}
    out: list[Problem] = []
    entry = "rules"

    def bad(name, field, message, clause=None):
        out.append(Problem(f"{entry}.{name}", field, message, clause, source(body)))

    if not isinstance(rules, Mapping):
        return [Problem(entry, "", "reglerne skal være en tabel af byggesten", None, source(body))]
    for name, fields in rules.items():
        if name not in BLOCKS:
            own = fields.get("clause") if isinstance(fields, Mapping) else None
            bad(name, "", f"ukendt byggesten {name!r}; byggestenene er {', '.join(BLOCKS)}",
                own if isinstance(own, str) else None)
            continue
        if not isinstance(fields, Mapping):
            bad(name, "", "en byggesten er en tabel af felter")
            continue
        clause = fields.get("clause")
        if not isinstance(clause, str) or not _CLAUSE.match(clause):
            bad(name, "clause", "hver byggesten skal nævne det punkt i kommissoriet, den kommer fra (fx \"XYZ-4\")")
            clause = None
        for field in sorted(set(fields) - BLOCKS[name] - COMMON):
            bad(name, field, f"ukendt felt; {name} har {', '.join(sorted(BLOCKS[name] | COMMON))}",
                clause)
        for field in sorted(COMMON - {"clause"}):
            if field in fields and not isinstance(fields[field], str):
                bad(name, field, "skal være en tekst", clause)
        for field, message in _CHECKS[name](body, fields):
            bad(name, field, message, clause)
    return out


def unknown_organisations(body: BodyFacts, organisations) -> list[Problem]:
    """The organisation codes the body's blocks name that the tenant file does not know."""
    out = []
    for name, field in (("vote_units", "organisations"), ("vote_units", "weights"),
                        ("quorum", "required")):
        f = block(body, name) or {}
        values = f.get(field)
        if isinstance(values, (list, Mapping)):
            unknown = [v for v in values if isinstance(v, str) and v != "municipality"
                       and v not in organisations]
            if unknown:
                out.append(Problem(f"rules.{name}", field,
                                   f"ukendt organisation: {', '.join(unknown)}",
                                   f.get("clause"), source(body)))
    return out


def _check_vote_units(body, f):
    if f.get("per") not in ("seat", "organisation"):
        yield "per", "skal være \"seat\" (plads) eller \"organisation\""
    orgs = f.get("organisations")
    if orgs is not None:
        if not isinstance(orgs, list) or not all(isinstance(o, str) for o in orgs):
            yield "organisations", "skal være en liste af organisationskoder"
    weights = f.get("weights")
    if weights is not None:
        if not isinstance(weights, Mapping) or not all(
                isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= 10_000
                for w in weights.values()):
            yield "weights", "skal give hver organisationskode et helt tal fra 1 til 10000"
        if f.get("per") == "seat" and weights:
            yield "weights", "vægte gælder pr. organisation: brug per = \"organisation\""


def _check_quorum(body, f):
    ways = [k for k in ("all_units", "share", "count") if k in f]
    if len(ways) > 1:
        yield ways[1], f"vælg én af all_units, share og count (ikke {' og '.join(ways)})"
    if "all_units" in f and f["all_units"] is not True:
        yield "all_units", "skal være true (udelad den ellers)"
    if "share" in f and f["share"] != "majority" and parse_share(f["share"]) is None:
        yield "share", "skal være \"majority\" (mere end halvdelen) eller en brøk som \"2/3\""
    if "count" in f and not (isinstance(f["count"], int) and not isinstance(f["count"], bool)
                             and 1 <= f["count"] <= 1000):
        yield "count", "skal være et helt tal fra 1 til 1000"
    required = f.get("required")
    if required is not None:
        if not isinstance(required, list) or not all(isinstance(o, str) for o in required):
            yield "required", "skal være en liste af organisationskoder (eller \"municipality\")"
        elif "municipality" in required and not body.municipality:
            yield "required", "kommunen er ikke angivet ([tenant] organisation)"
    if not ways and not required:
        yield "", "angiv, hvornår organet er beslutningsdygtigt: all_units, share, count eller required"


def _check_procedure(body, f):
    kinds = [p.value for p in Procedure]
    if f.get("kind") not in kinds:
        yield "kind", f"skal være en af {', '.join(kinds)}"


def _check_majority(body, f):
    if "share" in f and parse_share(f["share"]) is None:
        yield "share", "skal være \"simple\", \"two_thirds\" eller en brøk som \"3/4\""
    topics = f.get("for_topics")
    if topics is not None:
        if not isinstance(topics, Mapping):
            yield "for_topics", "skal give emner en andel, fx budget = \"two_thirds\""
        else:
            for topic, share in topics.items():
                if parse_share(share) is None:
                    yield "for_topics", f"{topic}: skal være \"simple\", \"two_thirds\" eller en brøk"
    if "casting_vote" in f and f["casting_vote"] not in ("chair", False):
        yield "casting_vote", "skal være \"chair\" (eller false)"
    if f.get("casting_vote") == "chair" and not any(s.role == "chair" for s in body.seats):
        yield "casting_vote", "organet har ingen formandsplads"


def _check_flags(f, names):
    for name in names:
        if name in f and not isinstance(f[name], bool):
            yield name, "skal være true eller false"


def _check_substitutes(body, f):
    yield from _check_flags(f, ("allowed", "same_organisation", "before_meeting"))
    if "allowed" not in f:
        yield "allowed", "angiv, om suppleanter er tilladt (true eller false)"


def _check_delegation(body, f):
    yield from _check_flags(f, ("allowed", "before_meeting"))
    if "allowed" not in f:
        yield "allowed", "angiv, om et mandat kan lægges hos en anden (true eller false)"
    if "max_years" in f and "max_days" in f:
        yield "max_days", "vælg max_years eller max_days"
    for name, top in (("max_years", 10), ("max_days", 3660)):
        if name in f and not (isinstance(f[name], int) and not isinstance(f[name], bool)
                              and 1 <= f[name] <= top):
            yield name, f"skal være et helt tal fra 1 til {top}"
    if "to" in f and f["to"] not in ("organisation", "person"):
        yield "to", "skal være \"organisation\" eller \"person\""


def _check_written_procedure(body, f):
    roles = f.get("roles")
    if not isinstance(roles, list) or not roles or not all(r in ROLES for r in roles):
        yield "roles", f"skal nævne, hvem der kan starte en: {', '.join(ROLES)}"


_CHECKS = {
    "vote_units": _check_vote_units,
    "quorum": _check_quorum,
    "procedure": _check_procedure,
    "majority": _check_majority,
    "substitutes": _check_substitutes,
    "delegation": _check_delegation,
    "written_procedure": _check_written_procedure,
}
