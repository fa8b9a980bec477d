"""OpenID Connect login end to end against a real provider started in the test
(tests/fixtures/oidc_provider.py): discovery, redirect, code, token, id_token verified by
the provider's JWKS; users matched by verified e-mail and linked by (issuer, subject)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlalchemy as sa

from core.extensions import db
from core.identity.models import ExternalIdentity, IdentityProvider, User
from core.organisations.models import Organisation
from tests.fixtures.oidc_provider import ProviderUser
from tests.fixtures.testby import BOTH

DORTE = BOTH  # acts for TST-ADM, the administration company with its own provider
CALLBACK = "http://localhost/api/v1/auth/oidc/adm/callback"


@pytest.fixture
def adm_idp(testby, oidc_provider, monkeypatch):
    monkeypatch.setenv("ADM_OIDC_SECRET", "s3cret-for-the-test")
    oidc_provider.register_client("kommissorium", "s3cret-for-the-test", [CALLBACK])
    adm = db.session.scalar(sa.select(Organisation).filter_by(code="TST-ADM"))
    db.session.add(IdentityProvider(
        key="adm", name="Administrationsselskabet", issuer=oidc_provider.issuer,
        client_id="kommissorium", client_secret_env="ADM_OIDC_SECRET",
        scopes="openid email profile", organisation_id=adm.id,
    ))
    db.session.commit()
    return oidc_provider


def _oidc_login(client, provider):
    """Follow the real redirects: our app → the provider → back to our callback."""
    start = client.get("/api/v1/auth/oidc/adm/login")
    assert start.status_code == 302, start.get_data(as_text=True)
    authorize_url = start.headers["Location"]
    assert authorize_url.startswith(provider.issuer + "/authorize")
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["nonce"] and query["state"] and query["scope"] == ["openid email profile"]
    # the browser goes to the provider, which answers with a redirect carrying the code
    at_provider = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = at_provider.headers["Location"]
    assert back.startswith(CALLBACK)
    return client.get(back[len("http://localhost"):])


def test_providers_are_listed_for_the_login_page(client, adm_idp):
    providers = client.get("/api/v1/auth/providers").get_json()
    assert providers == [
        {"key": "adm", "name": "Administrationsselskabet",
         "login_url": "/api/v1/auth/oidc/adm/login"}]


def test_oidc_login_matches_a_verified_email_and_links_the_subject(client, adm_idp):
    adm_idp.next_user = ProviderUser(sub="entra-4711", email=DORTE.upper(), email_verified=True)
    done = _oidc_login(client, adm_idp)
    assert done.status_code == 302, done.get_data(as_text=True)
    me = client.get("/api/v1/me").get_json()
    assert me["email"] == DORTE
    assert adm_idp.issued_id_tokens, "an id_token was issued and verified"
    link = db.session.scalar(sa.select(ExternalIdentity))
    assert (link.issuer, link.subject, link.user.email) == (adm_idp.issuer, "entra-4711", DORTE)


def test_a_linked_subject_logs_in_even_after_the_email_changed(app, client, adm_idp):
    adm_idp.next_user = ProviderUser(sub="entra-4711", email=DORTE)
    _oidc_login(client, adm_idp)
    second = app.test_client()
    adm_idp.next_user = ProviderUser(sub="entra-4711", email="dorte.new@adm.example",
                                     email_verified=False)
    assert _oidc_login(second, adm_idp).status_code == 302
    assert second.get("/api/v1/me").get_json()["email"] == DORTE


def test_an_unverified_email_is_not_trusted(client, adm_idp):
    adm_idp.next_user = ProviderUser(sub="entra-1", email=DORTE, email_verified=False)
    assert _oidc_login(client, adm_idp).status_code == 403
    assert client.get("/api/v1/me").status_code == 401
    assert db.session.scalar(sa.select(sa.func.count(ExternalIdentity.id))) == 0


def test_an_unknown_person_is_not_logged_in_nor_created(client, adm_idp):
    users = db.session.scalar(sa.select(sa.func.count(User.id)))
    adm_idp.next_user = ProviderUser(sub="entra-2", email="stranger@adm.example")
    assert _oidc_login(client, adm_idp).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == users


def test_a_forged_callback_without_the_login_state_is_refused(client, adm_idp):
    resp = client.get("/api/v1/auth/oidc/adm/callback?code=made-up&state=made-up")
    assert resp.status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_a_provider_without_its_secret_in_the_environment_answers_503(client, adm_idp, monkeypatch):
    monkeypatch.delenv("ADM_OIDC_SECRET")
    assert client.get("/api/v1/auth/oidc/adm/login").status_code == 503


def test_idp_add_command_configures_a_provider_per_tenant(app, sync_tenant, database_url,
                                                         monkeypatch):
    from core.cli import main

    sync_tenant("testby")
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = app.test_cli_runner()
    out = runner.invoke(main, [
        "idp", "add", "tst", "--name", "Testby Kommune", "--issuer", "https://idp.example/",
        "--client-id", "kommissorium", "--secret-env", "TST_OIDC_SECRET",
        "--tenant", "testby"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    provider = db.session.scalar(sa.select(IdentityProvider).filter_by(key="tst"))
    assert (provider.issuer, provider.client_secret_env) == ("https://idp.example", "TST_OIDC_SECRET")
    assert provider.tenant_id is not None and provider.organisation_id is None
    listed = runner.invoke(main, ["idp", "list"], catch_exceptions=False).output
    assert "tst\thttps://idp.example\tkommissorium\t$TST_OIDC_SECRET\tenabled" in listed
    refused = runner.invoke(main, ["idp", "add", "x", "--name", "x", "--issuer", "https://i",
                                   "--client-id", "c", "--secret-env", "S"])
    assert refused.exit_code != 0 and "--organisation or --tenant" in refused.output
