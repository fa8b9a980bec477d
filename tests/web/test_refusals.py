"""A refused page says why, in the reader's language (core/errors.py): who may (from the
role the route or the handler requires, core.identity.permissions.refuse), an operation's
or a rule's own reason and clause, or that one must log in, with a link back to the page.
Another tenant's resource stays a plain 404, and the API keeps its envelope."""

from __future__ import annotations

import html as htmllib
import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.identity.models import User
from core.testing import TEST_PASSWORD
from tests.fixtures.testby import BENT, GROUP_MEMBER, NABO_CHAIR, SECRETARY

T = "testby"
MEMBER = BENT  # member of Bestyrelsen
OUTSIDER = GROUP_MEMBER  # seats elsewhere, none in Bestyrelsen


@pytest.fixture
def board(testby):
    return testby


def _reason(resp) -> str:
    found = re.search(r'<p class="reason">(.*?)</p>', resp.get_data(as_text=True), flags=re.S)
    assert found, resp.get_data(as_text=True)
    return htmllib.unescape(found.group(1)).strip()


def _english(client):
    with client.session_transaction() as session:
        session["lang"] = "en"
    from flask_babel import refresh

    refresh()  # the tests' app context spans requests; a new request would choose afresh


def _user_id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).filter_by(email=email))


def _cases(meeting: int) -> list[tuple[str, str, str, str]]:
    """(who, page, Danish reason, English reason): one page refused at each role level."""
    return [
        # INFORMATION_RECIPIENT: a body's meetings
        (OUTSIDER, f"/{T}/organer/bestyrelse/moeder",
         "Kun medlemmer af Bestyrelsen og de organisationer, der modtager organets materiale, "
         "kan se denne side.",
         "Only the members of Bestyrelsen and the organisations that receive the body's material "
         "can see this page."),
        # MEMBER: the body's compliance page
        (OUTSIDER, f"/{T}/organer/bestyrelse/overholdelse",
         "Kun medlemmer af Bestyrelsen kan se denne side.",
         "Only the members of Bestyrelsen can see this page."),
        # BODY_SECRETARY: editing a meeting
        (MEMBER, f"/{T}/moeder/{meeting}/rediger",
         "Kun sekretæren for Bestyrelsen og sekretariatet kan se denne side.",
         "Only the secretary of Bestyrelsen and the secretariat can see this page."),
        # TENANT_ADMIN: the secretariat's overview
        (MEMBER, f"/{T}/sekretariat", "Kun sekretariatet kan se denne side.",
         "Only the secretariat can see this page."),
        # PLATFORM_ADMIN: a person's data
        (SECRETARY, f"/{T}/personer/{_user_id(MEMBER)}/persondata",
         "Kun platformens administratorer kan se denne side.",
         "Only the platform's administrators can see this page."),
    ]


@pytest.mark.parametrize("level", range(5), ids=[
    "information_recipient", "member", "body_secretary", "tenant_admin", "platform_admin"])
def test_a_403_page_says_which_role_may_in_danish_and_english(board, member, create_meeting, level):
    meeting = create_meeting(T, "bestyrelse")
    who, page, danish, english = _cases(meeting)[level]
    client = member(who)
    resp = client.get(page)
    assert resp.status_code == 403 and resp.mimetype == "text/html"
    assert "Du har ikke adgang til dette" in resp.get_data(as_text=True)
    assert _reason(resp) == danish
    _english(client)
    resp = client.get(page)
    assert resp.status_code == 403 and '<html lang="en">' in resp.get_data(as_text=True)
    assert _reason(resp) == english


def test_a_refused_action_says_who_may_do_it(board, member, create_meeting):
    meeting = create_meeting(T, "bestyrelse")
    resp = member(OUTSIDER).post(f"/{T}/organer/bestyrelse/aarsplan", data={"year": "2030"})
    assert resp.status_code == 403
    assert _reason(resp) == "Kun sekretæren for Bestyrelsen og sekretariatet kan gøre dette."
    resp = member(MEMBER).post(f"/{T}/moeder/{meeting}/aflys", data={})
    assert resp.status_code == 403
    assert _reason(resp) == "Kun sekretæren for Bestyrelsen og sekretariatet kan gøre dette."
    _english(member(MEMBER))
    resp = member(MEMBER).post(f"/{T}/moeder/{meeting}/aflys", data={})
    assert _reason(resp) == "Only the secretary of Bestyrelsen and the secretariat can do this."


def test_an_operations_own_reason_is_shown_in_the_readers_language(board, member, submit):
    """A member may see the meetings page but only the secretariat plans ordinary meetings:
    the operation's reason, Danish or English."""
    page = f"/{T}/organer/bestyrelse/moeder"
    bent = member(MEMBER)
    resp = submit(bent, page, page, follow=False, kind="ordinary", date="2030-11-12", time="17:00")
    assert resp.status_code == 403 and _reason(resp) == "Kun sekretariatet planlægger ordinære møder."
    _english(bent)
    resp = submit(bent, page, page, follow=False, kind="ordinary", date="2030-11-12", time="17:00")
    assert resp.status_code == 403 and _reason(resp) == "Only the secretariat plans ordinary meetings."


def test_a_rules_refusal_shows_its_reason_and_clause(app):
    """A rule's 403 (``proposal_origin_allowed``) that reaches the error page shows the rule's
    reason and its clause, in English where the rule gave one."""
    from flask_babel import force_locale

    from core.errors import refusal_reason

    data = {"message": "Kun temagruppens medlemmer kan rejse et emne.", "clause": "VEJ-5",
            "rule": "proposal_origin_allowed", "reason_en": "Only the theme group's members may raise a topic."}
    with app.test_request_context("/testby/forslag/nyt"):
        with force_locale("da"):
            assert refusal_reason(403, data) == "Kun temagruppens medlemmer kan rejse et emne. (VEJ-5)"
        with force_locale("en"):
            assert refusal_reason(403, data) == "Only the theme group's members may raise a topic. (VEJ-5)"
            assert refusal_reason(403, {**data, "reason_en": None}) == (
                "Kun temagruppens medlemmer kan rejse et emne. (VEJ-5)")
        assert refusal_reason(404, data) == ""  # a 404 says nothing


def test_the_anonymous_get_a_401_page_with_a_login_link_back_to_the_page(board, member, create_meeting, client):
    meeting = create_meeting(T, "bestyrelse")
    page = f"/{T}/moeder/{meeting}"
    resp = member(None).get(page)
    assert resp.status_code == 401 and "Du skal logge ind" in resp.get_data(as_text=True)
    assert _reason(resp) == "Du skal være logget ind for at se denne side."
    main = resp.get_data(as_text=True).split("<main", 1)[1]
    link = re.search(r'<a href="([^"]+)">Log ind</a>', main).group(1)
    assert htmllib.unescape(link) == f"/log-ind?next=/{T}/moeder/{meeting}"

    # The login page keeps ``next`` in its form, and logging in returns to the page.
    from tests.web.conftest import csrf_token
    from core.identity.passwords import hash_password

    user = db.session.scalar(sa.select(User).filter_by(email=MEMBER))
    user.password_hash = hash_password(TEST_PASSWORD)
    db.session.commit()
    login_page = htmllib.unescape(link)
    form = client.get(login_page).get_data(as_text=True)
    action = re.search(r'<form method="post" action="(/log-ind[^"]*)"', form).group(1)
    assert htmllib.unescape(action) == f"/log-ind?next=/{T}/moeder/{meeting}"
    resp = client.post(login_page, data={"csrf_token": csrf_token(client, login_page),
                                         "email": MEMBER, "password": TEST_PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == page
    assert client.get(page).status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_returns_to_another_site(board, client, target):
    from tests.web.conftest import csrf_token
    from core.identity.passwords import hash_password

    user = db.session.scalar(sa.select(User).filter_by(email=MEMBER))
    user.password_hash = hash_password(TEST_PASSWORD)
    db.session.commit()
    page = "/log-ind?" + __import__("urllib.parse").parse.urlencode({"next": target})
    resp = client.post(page, data={"csrf_token": csrf_token(client, page), "email": MEMBER,
                                   "password": TEST_PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_a_refused_form_post_by_the_anonymous_links_back_to_the_form(board, member, create_meeting):
    meeting = create_meeting(T, "bestyrelse")
    resp = member(None).post(f"/{T}/moeder/{meeting}/aflys", data={},
                             headers={"Referer": f"http://localhost/{T}/moeder/{meeting}"})
    assert resp.status_code == 401  # who may call comes before the form's CSRF token
    assert _reason(resp) == "Du skal være logget ind for at gøre dette."
    main = resp.get_data(as_text=True).split("<main", 1)[1]
    assert f'href="/log-ind?next=/{T}/moeder/{meeting}"' in main


def test_another_tenants_resource_is_still_a_plain_404(board, naboby, member, create_meeting):
    meeting = create_meeting(T, "bestyrelse")
    resp = member(NABO_CHAIR).get(f"/{T}/moeder/{meeting}/rediger")
    assert resp.status_code == 404
    assert 'class="reason"' not in resp.get_data(as_text=True)
    assert "Bestyrelsen" not in resp.get_data(as_text=True)


def test_the_api_403_names_the_role_in_its_message_and_keeps_its_envelope(board, member, create_meeting):
    meeting = create_meeting(T, "bestyrelse")
    resp = member(MEMBER).post(f"/api/v1/tenants/{T}/meetings/{meeting}/cancel", json={"reason": "x"})
    assert resp.status_code == 403
    body = resp.get_json()
    assert set(body) == {"code", "status", "message"}
    assert body == {"code": 403, "status": "Forbidden",
                    "message": "Only the secretary of Bestyrelsen and the tenant's secretariat may do this."}
