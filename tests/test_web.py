"""The server-rendered pages: tenants, a tenant's bodies, a body's seats and kommissorium."""


def test_pages_show_tenants_bodies_and_seats(sync_tenant, client):
    sync_tenant("albertslund")
    home = client.get("/").get_data(as_text=True)
    assert 'lang="da"' in home and "Albertslund Kommune" in home
    tenant = client.get("/albertslund/").get_data(as_text=True)
    assert "Bestyrelsen" in tenant and "Rådgivende" in tenant
    body = client.get("/albertslund/organer/bestyrelse").get_data(as_text=True)
    assert "Dagsorden udsendes senest 5 dage før mødet (ALB-B8)" in body
    assert body.count("<tr>") == 12  # header + 11 seats (ALB-B1)
    assert "Mødeleder" in body


def test_unknown_tenant_page_is_404(client):
    assert client.get("/nowhere/").status_code == 404
