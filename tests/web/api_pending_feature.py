"""A stand-in plugin whose ``pending_for_user`` answers as an older plugin does: an API path
in ``url`` and no ``page_url`` (tests/web/test_proposal_actions.py checks the fallback)."""

from core import hookimpl
from core.rules.types import PendingItem


@hookimpl
def pending_for_user(user_id, tenant):
    return [
        PendingItem(kind="report_to_read", title="Læs årsrapporten", title_en="Read the annual report",
                    body="bestyrelse", url=f"/api/v1/tenants/{tenant.slug}/reports/1"),
        PendingItem(kind="survey", title="Besvar undersøgelsen", title_en="Answer the survey",
                    url=f"/api/v1/tenants/{tenant.slug}/surveys/1"),
    ]
