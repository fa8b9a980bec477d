"""Mail over TLS (core/mail.py, notifications and password resets alike): implicit TLS (MAIL_USE_SSL) and STARTTLS (MAIL_USE_TLS) to a real
SMTP server with a certificate of its own; the certificate and the server's name are
verified (MAIL_SSL_CAFILE names a private authority), so an unverifiable server gets no
mail. MAIL_BACKEND=console prints instead of sending."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from email.message import EmailMessage

import pytest

from core.mail import send as send_email
from tests.fixtures.mail import Recorder, free_port
from tests.fixtures.testby import SECRETARY


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail relay for tests")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def tls_server(app, monkeypatch, certificate):
    """``tls_server(implicit)``: a started SMTP server speaking implicit TLS (or requiring
    STARTTLS); the app's MAIL_* settings point at it. Yields the received messages."""
    from aiosmtpd.controller import Controller

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    started = []

    def _start(implicit: bool) -> Recorder:
        recorder, port = Recorder(), free_port()
        if implicit:
            controller = Controller(recorder, hostname="127.0.0.1", port=port, ssl_context=context)
        else:
            controller = Controller(recorder, hostname="127.0.0.1", port=port,
                                    tls_context=context, require_starttls=True)
        controller.start()
        started.append(controller)
        monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
        monkeypatch.setitem(app.config, "MAIL_USE_SSL", implicit)
        monkeypatch.setitem(app.config, "MAIL_USE_TLS", not implicit)
        return recorder

    yield _start
    for controller in started:
        controller.stop()


def _mail() -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = "Dagsorden: Bestyrelsen 2026-12-01"
    msg["From"] = "kommissorium@localhost"
    msg["To"] = "bent@testby.example"
    msg.set_content("Punkt 1. Godkendelse af dagsorden")
    return msg


@pytest.mark.parametrize("implicit", [True, False], ids=["MAIL_USE_SSL", "MAIL_USE_TLS"])
def test_a_verified_tls_server_gets_the_mail(app, tls_server, certificate, monkeypatch, implicit):
    server = tls_server(implicit)
    monkeypatch.setitem(app.config, "MAIL_SSL_CAFILE", str(certificate[0]))
    send_email(_mail())
    (received,) = server.messages
    assert received["Subject"] == "Dagsorden: Bestyrelsen 2026-12-01"


@pytest.mark.parametrize("implicit", [True, False], ids=["MAIL_USE_SSL", "MAIL_USE_TLS"])
def test_a_server_whose_certificate_cannot_be_verified_gets_nothing(app, tls_server, monkeypatch, implicit):
    server = tls_server(implicit)
    monkeypatch.setitem(app.config, "MAIL_SSL_CAFILE", None)  # the system's authorities
    with pytest.raises(ssl.SSLCertVerificationError):
        send_email(_mail())
    assert server.messages == []


def test_the_console_backend_prints_and_connects_to_nothing(app, monkeypatch, capsys):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    send_email(_mail())
    out = capsys.readouterr().out
    assert "Subject: Dagsorden: Bestyrelsen 2026-12-01" in out and "Godkendelse af dagsorden" in out


def test_an_unknown_backend_is_refused_by_name(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "locmem")
    with pytest.raises(ValueError, match="MAIL_BACKEND='locmem'"):
        send_email(_mail())


def test_the_password_reset_mail_takes_the_same_verified_transport(
    app, client, testby, tls_server, certificate, monkeypatch
):
    server = tls_server(False)  # STARTTLS
    monkeypatch.setitem(app.config, "MAIL_SSL_CAFILE", str(certificate[0]))
    resp = client.post("/api/v1/auth/password-reset", json={"email": SECRETARY})
    assert resp.status_code < 300
    (mail,) = server.messages
    assert mail["To"] == SECRETARY and "/adgangskode/" in mail.get_content()
