"""The proposals API's refusals and helpers from the pages, as a browser without JavaScript
does it (the ``submit`` fixture), on Testby: a start with a missing field names it and
changes nothing, a start where the core's rule refuses shows its clause (CORE-ORIGIN), a
file attached later (a bad type refused, someone else refused), the follow-ups page closed
to someone without a role in the tenant, and a plugin's pending work without a page falls
back to a page. Vejle's and Albertslund's proposals from the pages are tested in
tests/plugins/vejle/test_proposal_pages.py and tests/plugins/albertslund/."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from core.extensions import db
from core.proposals.models import Proposal, ProposalAttachment
from tests.fixtures.testby import BENT, GROUP_MEMBER, NABO_CHAIR, OUTSIDER
from tests.web.refused import error_text, field_message, problems

V = "/api/v1/tenants/testby/proposals"
GROUP = "gruppe"
PDF = b"%PDF-1.4\n% principper\n"
PROPOSAL = {"body": GROUP, "title": "Fælles principper for anvisning", "text": "Udkast til principper.",
            "decision_sought": "Bestyrelsen vedtager principperne.", "topics": ["principper"]}


def _count(in_tenant, model) -> int:
    with in_tenant("testby"):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _started(member) -> int:
    resp = member(GROUP_MEMBER).post(V, json=PROPOSAL)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def _flash_error(html: str) -> str:
    return error_text(html) if problems(html) else ""


def test_start_with_a_missing_field_names_it_and_changes_nothing(testby, member, submit, in_tenant):
    before = _count(in_tenant, Proposal)
    resp = submit(member(GROUP_MEMBER), "/testby/forslag", "/testby/forslag", body=GROUP, title="  ",
                  text="Udkast.", decision_sought="Bestyrelsen vedtager.", topics="principper, FF",
                  plan="Helhedsplan Øst", file=(io.BytesIO(PDF), "principper.pdf"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert _flash_error(html) == "Titel: skal udfyldes."
    assert field_message(html, "start-proposal-title") == "Titel: skal udfyldes."
    # what was typed is still there; the file cannot be kept, and the page says so
    assert ">Udkast.</textarea>" in html and ">Bestyrelsen vedtager.</textarea>" in html
    assert 'value="principper, FF"' in html and 'value="Helhedsplan Øst"' in html
    assert f'<option value="{GROUP}" selected>' in html
    assert "Filen blev ikke gemt, fordi formularen blev afvist. Vælg den igen." in html
    assert _count(in_tenant, Proposal) == before
    assert _count(in_tenant, ProposalAttachment) == 0


def test_start_where_the_rules_refuse_shows_the_clause_CORE_ORIGIN(testby, member, submit, in_tenant):
    """The follow group's member holds no seat on the board: the core's rule refuses, with
    its clause."""
    before = _count(in_tenant, Proposal)
    html = submit(member(GROUP_MEMBER), "/testby/forslag", "/testby/forslag", body="bestyrelse",
                  title="Forslag", text="Tekst.", decision_sought="Bestyrelsen beslutter.").get_data(as_text=True)
    assert "Kun medlemmer af" in _flash_error(html) and _flash_error(html).endswith("(CORE-ORIGIN)")
    assert _count(in_tenant, Proposal) == before


def test_attach_a_file_later_bad_type_refused_and_others_may_not(testby, member, submit, in_tenant):
    pid = _started(member)
    page = f"/testby/forslag/{pid}"
    html = submit(member(GROUP_MEMBER), page, f"{page}/bilag",
                  file=(io.BytesIO(PDF), "bilag.pdf")).get_data(as_text=True)
    assert "Bilaget er vedhæftet." in html and ">bilag.pdf</a>" in html
    before = _count(in_tenant, ProposalAttachment)
    html = submit(member(GROUP_MEMBER), page, f"{page}/bilag",
                  file=(io.BytesIO(b"\x00\x01\x02binary"), "x.exe")).get_data(as_text=True)
    assert _flash_error(html).startswith("Bilag: Filtypen accepteres ikke")
    html = submit(member(GROUP_MEMBER), page, f"{page}/bilag").get_data(as_text=True)
    assert _flash_error(html) == "Bilag: vælg en fil."
    # neither someone acting for Boligselskab B without a seat nor a board member attaches
    for other in (OUTSIDER, BENT):
        assert submit(member(other), "/", f"{page}/bilag", follow=False,
                      file=(io.BytesIO(PDF), "andet.pdf")).status_code in (403, 404)
    assert _count(in_tenant, ProposalAttachment) == before


def test_follow_ups_page_is_404_for_someone_without_a_role_in_the_tenant(testby, naboby, member):
    assert member(NABO_CHAIR).get("/testby/forslag/opfoelgninger").status_code == 404
    assert member(None).get("/testby/forslag/opfoelgninger").status_code == 401


# --------------------------------------------------------------------------- dashboard


def _pending_links(html: str) -> list[str]:
    waits = html.split("Venter på dig", 1)[1].split("Mine pladser", 1)[0]
    return re.findall(r'<li><a href="([^"]+)"', waits)


def _is_page(client, link: str) -> bool:
    resp = client.get(link.split("#", 1)[0])
    return resp.status_code == 200 and resp.mimetype == "text/html"


def test_a_plugins_pending_work_without_a_page_falls_back_to_a_page(
        app, sync_tenant, member, kommissorium_plugins):
    from core.hooks.host import PluginHost
    from tests.fixtures.testby import TESTBY

    app.extensions["kommissorium.host"] = PluginHost(
        features=("tests.web.api_pending_feature",), plugins=kommissorium_plugins)
    sync_tenant(TESTBY)
    bent = member(BENT)
    links = _pending_links(bent.get("/").get_data(as_text=True))
    assert links == ["/testby/organer/bestyrelse", "/testby/"]
    assert all(_is_page(bent, link) for link in links)
    me = bent.get("/api/v1/me").get_json()
    (t,) = [t for t in me["tenants"] if t["slug"] == "testby"]
    assert [(i["url"], i["page_url"]) for i in t["pending"]] == [
        ("/api/v1/tenants/testby/reports/1", "/testby/organer/bestyrelse"),
        ("/api/v1/tenants/testby/surveys/1", "/testby/"),
    ]
