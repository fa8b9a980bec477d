"""A user who takes no part in a tenant is told its proposals do not exist: 404, as
docs/permissions.md says for a tenant-level route that needs more than a login (issue 14,
item 8); one who takes part gets the list."""


def test_proposals_of_a_tenant_where_the_caller_has_no_role_answer_404(sync_tenant, member):
    sync_tenant("albertslund")
    sync_tenant("vejle")
    outsider = member("vibeke.vestergaard@va.example")  # VA sits in Albertslund only
    for path in ("proposals", "proposals/follow-ups"):
        resp = outsider.get(f"/api/v1/tenants/vejle/{path}")
        assert resp.status_code == 404, (path, resp.get_json())
        assert resp.get_json()["code"] == 404
    assert outsider.get("/api/v1/tenants/albertslund/proposals").status_code == 200
    insider = member("aase.albaek@aab.example")  # acts for AAB, which takes part in BolivVejle
    assert insider.get("/api/v1/tenants/vejle/proposals").status_code == 200
