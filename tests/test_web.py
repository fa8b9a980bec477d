"""The server-rendered pages: tenants, a tenant's bodies, a body's seats and kommissorium."""


def test_pages_show_tenants_bodies_and_seats(testby, client):
    home = client.get("/").get_data(as_text=True)
    assert 'lang="da"' in home and "Testby Kommune" in home
    tenant = client.get("/testby/").get_data(as_text=True)
    assert "Bestyrelsen" in tenant and "Rådgivende" in tenant
    body = client.get("/testby/organer/bestyrelse").get_data(as_text=True)
    assert "Dagsorden udsendes senest 5 dage før mødet (TST-5)" in body
    seats, history = body.split('id="historik"')
    assert seats.count("<tr>") == 7  # header + 6 seats
    assert history.count("<tr>") == 7  # header + who held each of the 6 seats (since it began)
    assert "Formand (Boligselskabet A)" in body and "Observatør" in body


def test_unknown_tenant_page_is_404(client):
    assert client.get("/nowhere/").status_code == 404
