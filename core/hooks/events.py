"""The core's events: hooks the core's features implement for each other, apart from the
rule hooks of core/hooks/specs.py (the contract with a municipality's plugin).

A feature implements them in its own ``core/<feature>/hooks.py`` (registered for every
tenant by the host); a plugin may implement them too — add to what waits for a user, or
react to a decision — but a kommissorium's rules are never here. Collecting hooks: every
implementation's answer is gathered.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.hooks import hookspec
from core.rules.types import BodyFacts, DecisionTaken, PendingItem, TenantFacts


# ---------------------------------------------------------------------------------------
# People: what waits for a user
# ---------------------------------------------------------------------------------------


@hookspec
def pending_for_user(user_id: int, tenant: TenantFacts) -> Sequence[PendingItem]:
    """What waits for a user in one tenant: agendas to read, votes to cast, minutes to
    approve or write, hearing answers due.

    Called once per tenant where the user sits or administers, inside that tenant's scope,
    to fill ``/api/v1/me`` and the dashboard. Features (meetings, votes, proposals) implement
    it for their own kind of work; a municipality's plugin may add to it.

    :param user_id: the user's id.
    :param tenant: the tenant asked about.
    :return: a list of :class:`~core.rules.types.PendingItem`. Collected from every plugin,
        without duplicates. Core default: nothing pending (an empty list). An item's
        ``page_url`` is the page where the work is done; without one the dashboard links
        ``url`` if it is a page, else the body's or the tenant's page.
    """


# ---------------------------------------------------------------------------------------
# Events: what happened, for the features above to react to
# ---------------------------------------------------------------------------------------


@hookspec
def decision_taken(tenant: TenantFacts, body: BodyFacts, decision: DecisionTaken) -> Sequence[str]:
    """A body's motion on an agenda item has closed with a stored, explained outcome.

    Called by the decisions feature inside the closing request's transaction, after the
    outcome is stored, so a feature built on decisions (proposals: the step placed on that
    item moves on through ``record_decision``) can react without decisions knowing it. An
    implementation only flushes; it must not commit, and it must not refuse the close (a
    decision taken is taken): where it cannot act, it leaves things as they are.

    :param tenant: the tenant.
    :param body: the deciding body.
    :param decision: the motion's outcome (:class:`~core.rules.types.DecisionTaken`):
        ``item_id``, ``result``, ``passed``, ``text``, the explanation and the full outcome.
    :return: short notes on what each implementation did (for the log), collected from
        every plugin. Core default: nothing (an empty list).
    """
