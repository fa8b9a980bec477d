"""Every route declares the least role it needs (core/identity/permissions.py)."""

from core.identity.permissions import Role

#: Endpoints that serve no tenant data: static files and the OpenAPI document and viewers.
UNDECLARED_OK = {"static", "api-docs.openapi_json", "api-docs.openapi_redoc", "api-docs.openapi_swagger_ui"}


def test_every_route_declares_its_access(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDECLARED_OK:
            continue
        view = app.view_functions[rule.endpoint]
        if not isinstance(getattr(view, "access_role", None), Role):
            missing.append(f"{rule.rule} ({rule.endpoint})")
    assert not missing, "routes without @access(...): " + ", ".join(missing)
    assert len(list(app.url_map.iter_rules())) > len(UNDECLARED_OK)
