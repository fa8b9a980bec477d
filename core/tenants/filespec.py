"""The tenant file format: parsing and validating ``tenants/<slug>.toml``.

A tenant file is checked in three passes, and every problem found is reported at once,
each naming the file, the entry and the field:

1. shape — keys, types and allowed values (marshmallow schemas, unknown keys refused);
2. consistency — references between entries (organisations, holders, parents, keys);
3. the kommissorium's own limits — the tenant's plugins' ``validate_body`` hooks.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from core.bodies.models import ApprovalMode, BodyKind, Competence, SeatRole
from core.organisations.models import OrganisationKind
from core.rules import configured
from core.rules.types import BodyFacts, Problem, SeatFacts

KEY = validate.Regexp(r"^[a-z0-9][a-z0-9-]*$", error="use lower-case letters, digits and '-'")
CODE = validate.Regexp(r"^[A-Z0-9][A-Z0-9-]*$", error="use upper-case letters, digits and '-'")
EMAIL = validate.Email()


def _values(enum_cls) -> validate.OneOf:
    return validate.OneOf([m.value for m in enum_cls])


class TomlDate(fields.Field):
    """A TOML date (unquoted ``2017-01-01``)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        raise ValidationError("must be a TOML date such as 2017-01-01 (unquoted)")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class TenantSection(_Strict):
    slug = fields.String(required=True, validate=KEY)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    plan = fields.String(load_default="")
    plugins = fields.List(fields.String(), required=True)
    organisation = fields.String(required=True)
    period_start = TomlDate(load_default=None)
    period_end = TomlDate(load_default=None)
    timezone = fields.String(load_default="Europe/Copenhagen")


class OrganisationEntry(_Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=_values(OrganisationKind))
    administered_by = fields.String(load_default=None)


class PersonEntry(_Strict):
    email = fields.String(required=True, validate=EMAIL)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisations = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    tenant_admin = fields.Boolean(load_default=False)


class HearingContactEntry(_Strict):
    """Where a party's hearings go in this tenant: a person or a shared address, who
    answers through a personal link without a login (docs/proposals.md)."""

    organisation = fields.String(required=True)
    email = fields.String(required=True, validate=EMAIL)
    name = fields.String(load_default="", validate=validate.Length(max=200))


class SeatEntry(_Strict):
    key = fields.String(required=True, validate=KEY)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    organisation = fields.String(required=True)
    role = fields.String(required=True, validate=_values(SeatRole))
    voting = fields.Boolean(required=True)
    holder = fields.String(load_default=None)
    valid_from = TomlDate(load_default=None)
    valid_to = TomlDate(load_default=None)


_DAYS = validate.Range(min=0, max=366)
#: Parameters whose clause a tenant file may name in ``[bodies.sources]``.
SOURCED_PARAMETERS = (
    "meetings_per_year",
    "notice_days",
    "minutes_due_days",
    "approval_mode",
    "approval_due_days",
    "submission_deadline_days",
    "meeting_duration_minutes",
    "information_recipients",
)


class BodyEntry(_Strict):
    key = fields.String(required=True, validate=KEY)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=_values(BodyKind))
    competence = fields.String(required=True, validate=_values(Competence))
    competence_note = fields.String(load_default="")
    parent = fields.String(load_default=None)
    period_start = TomlDate(load_default=None)
    period_end = TomlDate(load_default=None)
    meetings_per_year = fields.Integer(load_default=0, validate=validate.Range(min=0, max=366))
    notice_days = fields.Integer(load_default=None, validate=_DAYS)
    minutes_due_days = fields.Integer(load_default=None, validate=_DAYS)
    approval_mode = fields.String(load_default="none", validate=_values(ApprovalMode))
    approval_due_days = fields.Integer(load_default=None, validate=_DAYS)
    submission_deadline_days = fields.Integer(load_default=None, validate=_DAYS)
    meeting_duration_minutes = fields.Integer(load_default=None, validate=validate.Range(1, 1440))
    information_recipients = fields.List(fields.String(), load_default=list)
    clauses = fields.List(fields.String(), load_default=list)
    sources = fields.Dict(
        keys=fields.String(validate=validate.OneOf(SOURCED_PARAMETERS)),
        values=fields.String(validate=validate.Length(min=1, max=32)),
        load_default=dict,
    )
    extra = fields.Dict(keys=fields.String(), load_default=dict)
    #: Rules chosen from the core's building blocks; checked by the validate_body hook.
    rules = fields.Dict(keys=fields.String(), load_default=dict)
    seats = fields.List(fields.Nested(SeatEntry), load_default=list)

    @validates_schema
    def _approval(self, data, **kwargs):
        # The days count from the meeting ("email") or from sending the minutes ("tacit").
        mode = data.get("approval_mode")
        if data.get("approval_due_days") is not None and mode not in ("email", "tacit"):
            raise ValidationError("only with approval_mode = \"email\" or \"tacit\"", "approval_due_days")
        if mode == "tacit" and data.get("approval_due_days") is None:
            raise ValidationError("tacit approval needs the days members have to object", "approval_due_days")


class TenantFileSchema(_Strict):
    tenant = fields.Nested(TenantSection, required=True)
    organisations = fields.List(fields.Nested(OrganisationEntry), load_default=list)
    people = fields.List(fields.Nested(PersonEntry), load_default=list)
    hearing_contacts = fields.List(fields.Nested(HearingContactEntry), load_default=list)
    bodies = fields.List(fields.Nested(BodyEntry), load_default=list)


class TenantFileError(ValueError):
    """A tenant file that cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.path = str(path)
        self.problems = problems
        lines = [f"{self.path}: {len(problems)} problem(s); nothing was changed"]
        for p in problems:
            where = f"{p.entry}.{p.field}" if p.field else p.entry
            clause = f" ({p.clause})" if p.clause else ""
            lines.append(f"  {self.path}: {where}: {p.message}{clause}")
        super().__init__("\n".join(lines))


@dataclass
class TenantFile:
    path: Path
    data: dict

    @property
    def slug(self) -> str:
        return self.data["tenant"]["slug"]


def _flatten(messages, prefix: str, data) -> list[Problem]:
    """Turn marshmallow's nested messages into problems naming entries by their key."""
    out: list[Problem] = []
    if isinstance(messages, list):
        return [Problem(prefix or "file", "", "; ".join(map(str, messages)))]
    for name, sub in messages.items():
        if isinstance(name, int) and isinstance(data, list):
            item = data[name] if name < len(data) else {}
            ident = item.get("key") or item.get("code") or item.get("organisation") or item.get("email") or name
            entry = f"{prefix}[{ident}]"
            out += _flatten(sub, entry, item)
            continue
        child = data.get(name) if isinstance(data, dict) else None
        if isinstance(sub, dict) and isinstance(child, (list, dict)):
            out += _flatten(sub, f"{prefix}.{name}" if prefix else str(name), child)
        else:
            text = "; ".join(map(str, sub)) if isinstance(sub, list) else str(sub)
            out.append(Problem(prefix or str(name), name if prefix else "", text))
    return out


def body_facts_from_entry(tenant: str, body: dict, municipality: str | None = None) -> BodyFacts:
    return BodyFacts(
        tenant=tenant,
        key=body["key"],
        name=body["name"],
        kind=body["kind"],
        competence=body["competence"],
        parent=body["parent"],
        meetings_per_year=body["meetings_per_year"],
        notice_days=body["notice_days"],
        minutes_due_days=body["minutes_due_days"],
        approval_mode=body["approval_mode"],
        approval_due_days=body["approval_due_days"],
        submission_deadline_days=body["submission_deadline_days"],
        clauses=tuple(body["clauses"]),
        sources=dict(body["sources"]),
        information_recipients=tuple(body["information_recipients"]),
        extra=body["extra"],
        seats=tuple(
            SeatFacts(s["key"], s["title"], s["organisation"], s["role"], s["voting"], s["holder"])
            for s in body["seats"]
        ),
        period_start=body.get("period_start"),
        period_end=body.get("period_end"),
        rules=dict(body.get("rules") or {}),
        municipality=municipality,
    )


def seat_problems(seat: dict, organisations, acts_for) -> list[tuple[str, str]]:
    """The checks of one seat, as ``(field, message)`` pairs: a seat of a tenant file, and a
    seat the secretariat adds or gives a new holder in the browser (core/bodies/seats.py).

    :param seat: ``key``, ``organisation`` (code), ``role``, ``voting``, ``holder`` (e-mail
        or ``None``), ``valid_from``, ``valid_to``.
    :param organisations: the organisation codes a seat may represent.
    :param acts_for: an e-mail → the codes of the organisations the person acts for, or
        ``None`` for a person unknown here.
    """
    return [(field, message) for field, _kind, message in seat_checks(seat, organisations, acts_for)]


def seat_checks(seat: dict, organisations, acts_for) -> list[tuple[str, str, str]]:
    """:func:`seat_problems` as ``(field, kind, message)``: ``kind`` (``unknown_organisation``,
    ``cannot_vote``, ``ends_before_start``, ``unknown_person``, ``not_acting_for``) lets a
    page say the same in the reader's language."""
    problems = []
    if seat["organisation"] not in organisations:
        problems.append(("organisation", "unknown_organisation",
                         f"unknown organisation {seat['organisation']!r}"))
    if seat["voting"] and seat["role"] in ("secretary", "meeting_leader", "observer"):
        problems.append(("voting", "cannot_vote", f"a {seat['role']} seat cannot vote"))
    if seat["valid_from"] and seat["valid_to"] and seat["valid_to"] < seat["valid_from"]:
        problems.append(("valid_to", "ends_before_start", "ends before it starts"))
    holder = seat["holder"]
    if holder is not None:
        codes = acts_for(holder)
        if codes is None:
            problems.append(("holder", "unknown_person", f"unknown person {holder!r}"))
        elif seat["role"] != "secretary" and seat["organisation"] not in codes:
            problems.append(("holder", "not_acting_for",
                             f"{holder} does not act for {seat['organisation']}"))
    return problems


def body_problems(hooks, facts: BodyFacts) -> list[Problem]:
    """The kommissorium's own limits on a body (e.g. a cap on a body's seats), from the
    tenant's plugins' ``validate_body`` hooks: a tenant file's bodies, and a body whose
    seats the secretariat changes in the browser."""
    return list(hooks.collect("validate_body", body=facts))


def _consistency(data: dict) -> list[Problem]:
    problems: list[Problem] = []
    add = lambda entry, field, msg: problems.append(Problem(entry, field, msg))  # noqa: E731

    orgs: dict[str, dict] = {}
    for o in data["organisations"]:
        if o["code"] in orgs:
            add(f"organisations[{o['code']}]", "code", "defined twice")
        orgs[o["code"]] = o
    for o in data["organisations"]:
        if o["administered_by"] and o["administered_by"] not in orgs:
            add(f"organisations[{o['code']}]", "administered_by",
                f"unknown organisation {o['administered_by']!r}")
    tenant_org = data["tenant"]["organisation"]
    if tenant_org not in orgs:
        add("tenant", "organisation", f"unknown organisation {tenant_org!r}")
    if len(data["tenant"]["plugins"]) != len(set(data["tenant"]["plugins"])):
        add("tenant", "plugins", "a plugin is named twice")
    ps, pe = data["tenant"]["period_start"], data["tenant"]["period_end"]
    if ps and pe and pe < ps:
        add("tenant", "period_end", "ends before it starts")

    people: dict[str, dict] = {}
    for p in data["people"]:
        email = p["email"]
        entry = f"people[{email}]"
        if email != email.lower():
            add(entry, "email", "must be lower-case")
        if email in people:
            add(entry, "email", "defined twice")
        people[email] = p
        for code in p["organisations"]:
            if code not in orgs:
                add(entry, "organisations", f"unknown organisation {code!r}")

    contacts: set[str] = set()
    for c in data["hearing_contacts"]:
        entry = f"hearing_contacts[{c['organisation']}]"
        if c["organisation"] not in orgs:
            add(entry, "organisation", f"unknown organisation {c['organisation']!r}")
        if c["organisation"] in contacts:
            add(entry, "organisation", "one hearing contact per organisation")
        contacts.add(c["organisation"])
        if c["email"] != c["email"].lower():
            add(entry, "email", "must be lower-case")

    bodies: dict[str, dict] = {}
    for b in data["bodies"]:
        if b["key"] in bodies:
            add(f"bodies[{b['key']}]", "key", "defined twice")
        bodies[b["key"]] = b
    for b in data["bodies"]:
        entry = f"bodies[{b['key']}]"
        if b["parent"] is not None:
            if b["parent"] not in bodies:
                add(entry, "parent", f"unknown body {b['parent']!r}")
            elif b["parent"] == b["key"]:
                add(entry, "parent", "a body cannot be its own parent")
        for code in b["information_recipients"]:
            if code not in orgs:
                add(entry, "information_recipients", f"unknown organisation {code!r}")
        if b["period_start"] and b["period_end"] and b["period_end"] < b["period_start"]:
            add(entry, "period_end", "ends before it starts")
        seen: set[str] = set()
        for s in b["seats"]:
            sentry = f"{entry}.seats[{s['key']}]"
            if s["key"] in seen:
                add(sentry, "key", "duplicate seat in this body")
            seen.add(s["key"])
            for field, message in seat_problems(
                    s, orgs, lambda email: people[email]["organisations"] if email in people else None):
                add(sentry, field, message)
    # cycles in parents
    for b in data["bodies"]:
        seen_keys, cur = set(), b
        while cur is not None and cur["parent"] in bodies:
            if cur["key"] in seen_keys:
                add(f"bodies[{b['key']}]", "parent", "parents form a cycle")
                break
            seen_keys.add(cur["key"])
            cur = bodies[cur["parent"]]
    return problems


def read_tenant_file(path: Path | str, host=None) -> TenantFile:
    """Parse and check a tenant file; raise :class:`TenantFileError` listing every problem."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TenantFileError(path, [Problem("file", "", "no such file")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise TenantFileError(path, [Problem("file", "", f"not valid TOML: {exc}")]) from None
    try:
        data = TenantFileSchema().load(raw)
    except ValidationError as exc:
        raise TenantFileError(path, _flatten(exc.messages, "", raw)) from None
    problems = _consistency(data)
    if host is not None:
        try:
            host.check(data["tenant"]["plugins"])
        except LookupError as exc:
            problems.append(Problem("tenant", "plugins", str(exc)))
        else:
            hooks = host.for_tenant(data["tenant"]["plugins"])
            known = {o["code"] for o in data["organisations"]}
            for b in data["bodies"]:
                facts = body_facts_from_entry(data["tenant"]["slug"], b,
                                              data["tenant"]["organisation"])
                problems += [
                    Problem(f"bodies[{b['key']}]" + (f".{p.entry}" if p.entry else ""),
                            p.field, p.message, p.clause, p.source)
                    for p in [*body_problems(hooks, facts),
                              *configured.unknown_organisations(facts, known)]
                ]
    if problems:
        raise TenantFileError(path, problems)
    return TenantFile(path, data)


def tenant_files(directory: Path | str) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.toml") if re.match(r"^[a-z0-9-]+\.toml$", p.name))
