"""The page side of the body's rule blocks (``[bodies.rules]``) as the secretariat's form shows and sends
them: each block a fieldset, each field named ``rules.<block>.<field>`` so a refusal
(``rules.quorum.share: …``) stands by its field. A block is kept when its clause is filled
in; what the form does not show of a block (weights, English texts, other topics' majority)
is kept as it was."""

from __future__ import annotations

from core.web import N_

BLOCK_LABELS = {
    "vote_units": N_("Stemmer"),
    "quorum": N_("Beslutningsdygtighed"),
    "procedure": N_("Beslutningsform"),
    "majority": N_("Flertal"),
    "substitutes": N_("Suppleanter"),
    "delegation": N_("Delegation af mandat"),
    "written_procedure": N_("Skriftlig behandling"),
}
YES_NO = {"true": N_("tilladt"), "false": N_("ikke tilladt")}
SHARES = {"simple": N_("simpelt flertal"), "two_thirds": N_("to tredjedele"), "3/4": N_("tre fjerdedele")}
ROLES = {"chair": N_("formanden"), "meeting_leader": N_("mødelederen"), "secretary": N_("sekretæren"),
         "secretariat": N_("sekretariatet"), "member": N_("et medlem")}

#: Per block: (field, kind, label, choices). Kinds: text, textarea, select, number, check,
#: bool (allowed / not allowed), csv (organisation codes), municipality (a check that adds
#: "municipality" to ``required``), budget (``for_topics.budget``), chair (``casting_vote``),
#: roles (checkboxes).
FIELDS: dict[str, list[tuple]] = {
    "vote_units": [
        ("per", "select", N_("Én stemme pr."), {"organisation": N_("organisation"),
                                                 "seat": N_("stemmeberettiget plads")}),
    ],
    "quorum": [
        ("all_units", "check", N_("Alle stemmeberettigede skal være til stede"), None),
        ("share", "select", N_("Eller en andel til stede"), {"majority": N_("mere end halvdelen"),
                                                              "2/3": "2/3", "3/4": "3/4"}),
        ("count", "number", N_("Eller mindst et antal til stede"), None),
        ("municipality", "municipality", N_("Kommunen skal være til stede"), None),
        ("required", "csv", N_("Andre organisationer, der skal være til stede (koder)"), None),
    ],
    "procedure": [
        ("kind", "select", N_("Sådan træffes beslutninger"), {
            "vote": N_("ved afstemning"), "consensus_then_majority": N_("i konsensus, ellers ved flertal"),
            "no_objection": N_("uden indsigelse, ellers ved afstemning")}),
        ("text", "text", N_("Kommissoriets egne ord"), None),
    ],
    "majority": [
        ("share", "select", N_("En afstemning afgøres ved"), SHARES),
        ("budget", "budget", N_("Sager om budget kræver"), SHARES),
        ("casting_vote", "chair", N_("Formandens stemme afgør ved stemmelighed"), None),
    ],
    "substitutes": [
        ("allowed", "bool", N_("Suppleanter er"), YES_NO),
        ("same_organisation", "check", N_("Kun fra samme organisation"), None),
        ("before_meeting", "check", N_("Fuldmagten registreres, før mødet begynder"), None),
        ("text", "text", N_("Kommissoriets egne ord"), None),
    ],
    "delegation": [
        ("allowed", "bool", N_("At lægge sit mandat hos en anden er"), YES_NO),
        ("max_years", "number", N_("Højst år ad gangen"), None),
        ("max_days", "number", N_("Eller højst dage ad gangen"), None),
        ("to", "select", N_("Mandatet kan lægges hos"), {"organisation": N_("en organisation eller en person"),
                                                          "person": N_("kun en navngiven person")}),
        ("before_meeting", "check", N_("Registreret, før mødet begynder"), None),
    ],
    "written_procedure": [
        ("roles", "roles", N_("Kan sende en sag til skriftlig behandling"), ROLES),
    ],
}
#: The fields every block has on the form.
COMMON = [
    ("clause", "text", N_("Kommissoriets punkt (fx «§ 4» eller «B3»); tomt: reglen bruges ikke"), None),
    ("description", "textarea", N_("Beskrivelse på organets side (tomt: en, der følger af valgene)"), None),
]
#: The block keys each form field writes.
WRITES = {"municipality": "required", "csv": "required", "budget": "for_topics", "chair": "casting_vote"}


def name(block: str, field: str) -> str:
    return f"rules.{block}.{field}"


def labels() -> dict[str, str]:
    """Every rule field's label (``Flertal: En afstemning afgøres ved``), for the refusals."""
    out = {}
    for block, fields in FIELDS.items():
        for field, _kind, label, _choices in [*COMMON, *fields]:
            out[name(block, field)] = f"{BLOCK_LABELS[block]}: {label}"
        out[f"rules.{block}"] = BLOCK_LABELS[block]
    return out


def shown(rules: dict) -> dict:
    """The form's values for the body's blocks as they are."""
    out = {}
    for block, fields in FIELDS.items():
        b = rules.get(block) or {}
        for field, kind, _label, _choices in [*COMMON, *fields]:
            value = b.get(WRITES.get(kind, field))
            if kind == "municipality":
                value = "municipality" in (value or [])
            elif kind == "csv":
                value = ", ".join(v for v in value or [] if v != "municipality")
            elif kind == "budget":
                value = (value or {}).get("budget", "")
            elif kind == "chair":
                value = value == "chair"
            elif kind == "bool":
                value = "" if value is None else ("true" if value else "false")
            elif kind == "roles":
                value = list(value or [])
            elif kind == "check":
                value = bool(value)
            else:
                value = "" if value is None else str(value)
            out[name(block, field)] = value
    return out


def _number(raw: str):
    return int(raw) if raw.lstrip("-").isdigit() else raw  # a word: the block's check says so


def from_form(form, rules: dict) -> dict:
    """The blocks the form sends (``form``: the request's form), keeping what it does not
    show of each block from ``rules``."""
    out = {}
    for block, fields in FIELDS.items():
        get = lambda field: form.get(name(block, field), "").strip()  # noqa: B023,E731
        if not get("clause"):
            continue
        shown_keys = {WRITES.get(kind, field) for field, kind, _l, _c in [*COMMON, *fields]}
        new = {k: v for k, v in (rules.get(block) or {}).items() if k not in shown_keys}
        for field, kind, _label, _choices in [*COMMON, *fields]:
            raw = get(field)
            if kind in ("text", "textarea", "select") and raw:
                new[field] = raw
            elif kind == "number" and raw:
                new[field] = _number(raw)
            elif kind == "check" and raw:
                new[field] = True
            elif kind == "bool" and raw in ("true", "false"):
                new[field] = raw == "true"
            elif kind == "chair" and raw:
                new["casting_vote"] = "chair"
            elif kind == "roles":
                roles = [r for r in form.getlist(name(block, field)) if r]
                if roles:
                    new["roles"] = roles
            elif kind == "municipality" and raw:
                new["required"] = ["municipality", *new.get("required", [])]
            elif kind == "csv" and raw:
                codes = [c for c in raw.replace(",", " ").split() if c]
                new["required"] = [*new.get("required", []), *codes]
            elif kind == "budget":
                topics = {k: v for k, v in ((rules.get(block) or {}).get("for_topics") or {}).items()
                          if k != "budget"}
                if raw:
                    topics["budget"] = raw
                if topics:
                    new["for_topics"] = topics
        old = rules.get(block) or {}
        for danish, english in (("text", "text_en"), ("description", "description_en")):
            if new.get(danish) != old.get(danish):
                new.pop(english, None)  # the English no longer says what the Danish says
        out[block] = new
    return out
