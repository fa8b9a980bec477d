"""A realistic demo year per tenant, for ``kommissorium demo``.

The year is the current calendar year. For each body a tenant's plugin names in its
``demo`` module (``plugins/<name>/demo.py``: ``MAIN_BODIES`` and ``story(year)``), the year's
meetings are planned through the HTTP API, as the secretariat would: agendas with a
decision item and a discussion item, a small text file as bilag; meetings that are over
are published, held, minuted and sent; minutes approved where the kommissorium lets the
secretariat or the members approve them, and the latest left pending. The plugin's
``story`` then adds what is particular to the tenant (a non-quorate attempt, a dissent, a
refused stand-in, a hearing …) through the same API.

Everything goes through the features' own routes and operations (a test client logged in
as each person, the demo password not needed). The platform reads the time from
``core.clock.now``; while the demo walks through a past meeting it moves that clock to the
meeting's days, so the deadlines are kept as they would have been.

Idempotent: a tenant whose main bodies already have meetings in the year is left alone.
"""

from __future__ import annotations

import importlib
import io
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, g
from flask.testing import FlaskClient

from core import clock

UTC = timezone.utc


class _PersonClient(FlaskClient):
    """A client for one person; Flask-Login's cached user on ``g`` is dropped before each
    request, since the demo's requests share the command's app context."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


class DemoError(RuntimeError):
    """A step of the demo year was refused (the message names the step and the answer)."""


@contextmanager
def at(moment: datetime):
    """The platform sees ``moment`` as now inside the block (core/clock.py)."""
    saved = clock.now
    clock.now = lambda: moment
    try:
        yield moment
    finally:
        clock.now = saved


@dataclass
class Demo:
    """The API as the tenant's people use it."""

    slug: str
    year: int
    today: datetime
    secretary: str
    clients: dict = field(default_factory=dict)
    log: list = field(default_factory=list)

    def as_(self, email: str) -> _PersonClient:
        from core.extensions import db
        from core.identity.auth import log_in_session
        from core.identity.models import User

        if email not in self.clients:
            user = db.session.scalar(sa.select(User).filter_by(email=email))
            if user is None:
                raise DemoError(f"no user {email}")
            c = _PersonClient(current_app, current_app.response_class, use_cookies=True)
            with c.session_transaction() as session:
                log_in_session(session, user)
            self.clients[email] = c
        return self.clients[email]

    def url(self, path: str) -> str:
        return path if path.startswith("/") else f"/api/v1/tenants/{self.slug}/{path}"

    def call(self, method: str, path: str, who: str | None = None, expect=(200, 201), **kw):
        resp = self.as_(who or self.secretary).open(self.url(path), method=method, **kw)
        if expect and resp.status_code not in expect:
            raise DemoError(f"{method} {path} as {who or self.secretary}: {resp.status_code} {resp.get_json()}")
        return resp

    def get(self, path, **kw):
        return self.call("GET", path, **kw).get_json()

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json=json, **kw).get_json()

    def put(self, path, json=None, **kw):
        return self.call("PUT", path, json=json, **kw).get_json()

    def body(self, key):
        return self.get(f"bodies/{key}")

    def meetings(self, key):
        return sorted(self.get(f"bodies/{key}/meetings"), key=lambda m: m["starts_at"])

    def attach(self, meeting_id, item_id, name, text):
        data = {"file": (io.BytesIO(text.encode("utf-8")), name, "text/plain")}
        return self.call("POST", f"meetings/{meeting_id}/items/{item_id}/attachments",
                         data=data, content_type="multipart/form-data").get_json()

    def attend_all(self, meeting_id, key, absent=()):
        for seat in self.body(key)["seats"]:
            if seat["holder"] is None:
                continue
            status = "absent" if seat["key"] in absent else "present"
            self.put(f"meetings/{meeting_id}/attendance/{seat['key']}", json={"status": status})


#: Danish month names, for the meetings' titles.
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
          "september", "oktober", "november", "december")


def _dates(year: int, n: int, salt: int = 0) -> list[datetime]:
    """``n`` meetings spread over the year as a secretariat plans them: the months evenly
    apart from February (none in July), each on a weekday (Tuesday to Thursday, varying by
    body through ``salt``) in the month's second or third week, at 15:00, 16:30 or 17:00
    Copenhagen time."""
    zone = ZoneInfo("Europe/Copenhagen")
    out = []
    for i in range(n):
        month = 2 + (i * 10) // n
        month = 8 if month == 7 else month  # the summer holiday
        weekday = 1 + (salt + i) % 3  # Tuesday, Wednesday, Thursday
        day = datetime(year, month, 8 + (salt % 2) * 7, tzinfo=zone)
        day += timedelta(days=(weekday - day.weekday()) % 7)
        hour, minute = ((15, 0), (16, 30), (17, 0))[(salt + i) % 3]
        out.append(day.replace(hour=hour, minute=minute).astimezone(UTC))
    return out


def _plan_body(demo: Demo, key: str) -> list[dict]:
    body = demo.body(key)
    n = body["kommissorium"]["meetings_per_year"] or 4
    salt = sum(map(ord, f"{demo.slug}/{key}"))
    zone = ZoneInfo("Europe/Copenhagen")
    with at(datetime(demo.year, 1, 2, 9, tzinfo=UTC)):
        planned = demo.post(f"bodies/{key}/plan", json={
            "year": demo.year,
            "meetings": [{
                "starts_at": d.isoformat(), "location": "Mødelokalet",
                "title": f"{body['name']}, {MONTHS[d.astimezone(zone).month - 1]}",
            } for d in _dates(demo.year, n, salt)],
        })
    for number, meeting in enumerate(planned, start=1):
        item = demo.post(f"meetings/{meeting['id']}/items", json={
            "kind": "B", "title": f"Aktivitetsplan, {number}. kvartal" if n == 4 else f"Aktivitetsplan, møde {number}",
            "case_text": f"Sekretariatet har samlet aktiviteterne for perioden i bilaget. ({body['name']})",
            "recommendation": "Sekretariatet indstiller, at aktivitetsplanen godkendes.",
        })
        demo.attach(meeting["id"], item["id"], f"aktivitetsplan-{number}.txt",
                    f"Aktivitetsplan {demo.year}, møde {number}\n{body['name']}\n\n"
                    "1. Lektiecafé\n2. Beboerrådgivning\n3. Fritidsjob\n")
        demo.post(f"meetings/{meeting['id']}/items", json={
            "kind": "D", "title": "Drøftelse: status på indsatsen",
            "case_text": "Projektlederne fortæller om indsatsen siden sidste møde."})
    return planned


def hold(demo: Demo, key: str, meeting: dict, *, during=None, approve=True) -> None:
    """Publish the agenda, open the meeting on its day, record who came, let the plugin's
    story act while it sits (motions, votes: CORE-SESSION), record it held, minute it, send
    the minutes and (if ``approve``) have them approved — each step in the order a real
    meeting allows, on its own day around the meeting."""
    starts = datetime.fromisoformat(meeting["starts_at"])
    mid = meeting["id"]
    with at(starts - timedelta(days=8)):
        demo.post(f"meetings/{mid}/publish-agenda")
    with at(starts):
        demo.post(f"meetings/{mid}/session")
    with at(starts + timedelta(minutes=5)):
        demo.attend_all(mid, key)
    with at(starts + timedelta(minutes=30)):
        if during is not None:
            during(mid)
    with at(starts + timedelta(hours=2)):
        demo.post(f"meetings/{mid}/held")
        for item in demo.get(f"meetings/{mid}")["items"]:
            if item["kind"] != "B":
                continue
            motion = demo.call("GET", f"items/{item['id']}/motion", expect=None)
            if motion.status_code == 200:  # decided through a motion: minute its outcome
                outcome = demo.get(f"motions/{motion.get_json()['id']}/outcome")
                body = {"decision": outcome["explanation"]["da"]}
            else:
                body = {"decision": f"Indstillingen til punkt {item['position']} blev godkendt."}
            if item["is_confidential"]:
                body["public_decision"] = "Organet traf beslutning i sagen."
            demo.put(f"meetings/{mid}/items/{item['id']}/minutes", json=body)
    with at(starts + timedelta(days=4)):
        demo.post(f"meetings/{mid}/send-minutes")
    if approve:
        with at(starts + timedelta(days=7)):
            _approve(demo, key, mid)


def _approve(demo: Demo, key: str, mid: int) -> None:
    mode = demo.body(key)["kommissorium"]["approval_mode"]
    if mode == "board":
        demo.post(f"meetings/{mid}/minutes/approve", json={})
    elif mode == "email":
        from core.extensions import db
        from core.identity.models import User

        for seat in demo.body(key)["seats"]:
            if seat["holder"] is None or seat["role"] == "secretary":
                continue
            email = db.session.scalar(sa.select(User.email).filter_by(name=seat["holder"]))
            demo.call("POST", f"meetings/{mid}/minutes/approvals", who=email, expect=None)


def _plugin_demo(plugins: list[str]):
    for name in plugins:
        try:
            return importlib.import_module(f"plugins.{name}.demo")
        except ModuleNotFoundError:
            continue
    return None


def seed_demo_year(today: datetime | None = None) -> dict[str, str]:
    """Give every tenant whose plugin has a ``demo`` module its demo year; returns what was
    done per tenant slug ("seeded", "already there", or "no demo story")."""
    from core.bodies.models import Body
    from core.extensions import db
    from core.meetings.models import Meeting
    from core.tenancy import all_tenants, tenant_scope
    from core.identity.models import User
    from core.tenants.models import Tenant, TenantAdmin

    today = today or clock.now()
    year = today.year
    with all_tenants():
        tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.slug)).all()
        admins = {t.id: db.session.scalar(
            sa.select(User.email).join(TenantAdmin, TenantAdmin.user_id == User.id)
            .where(TenantAdmin.tenant_id == t.id).order_by(User.email).limit(1)) for t in tenants}
    done = {}
    for tenant in tenants:
        module = _plugin_demo(list(tenant.plugins or []))
        admin = admins.get(tenant.id)
        if module is None or admin is None:
            done[tenant.slug] = "no demo story"
            continue
        with tenant_scope(tenant.id):
            already = db.session.scalar(
                sa.select(sa.func.count()).select_from(Meeting).join(Body)
                .where(Body.tenant_id == tenant.id, Body.key.in_(module.MAIN_BODIES),
                       Meeting.starts_at >= datetime(year, 1, 1, tzinfo=UTC),
                       Meeting.starts_at < datetime(year + 1, 1, 1, tzinfo=UTC)))
        if already:
            done[tenant.slug] = "already there"
            continue
        demo = Demo(tenant.slug, year, today, admin)
        for key in module.MAIN_BODIES:
            meetings = _plan_body(demo, key)
            past = [m for m in meetings if datetime.fromisoformat(m["starts_at"]) + timedelta(days=10) < today]
            for i, meeting in enumerate(past):
                hold(demo, key, meeting, during=module.during(demo, key, meeting, i) if hasattr(module, "during") else None,
                     approve=i < len(past) - 1)
        if hasattr(module, "story"):
            module.story(demo)
        done[tenant.slug] = "seeded"
    return done
