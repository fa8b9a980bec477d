"""Access decisions kept beside the documents: whether the logged-in user may read a
meeting today, and as which audience, stored under the same generations
(docs/decisions/0009-cached-access-decision.md)."""

from __future__ import annotations

import logging

from core.meetings.cache.store import (
    PLATFORM, Cached, Generations, _decision_gens, _doc_key, _gen_key, _gen_keys, _prefix, _stamp,
    _store, _today, _touched, early_generations, page_suffix, shared_suffix)

log = logging.getLogger("core.meetings.cache")

# ------------------------------------------------------------------- access decisions
#
# Whether the logged-in user U may read meeting M of the tenant named S on day D, and as
# which audience, is a function of rows in users, affiliations, tenants, tenant_admins,
# seats (with their validity: hence the day) and body_recipients. A write to any of them
# bumps the platform's or the tenant's generation like any other, so the decision is kept
# under the same two generations as the documents
# (docs/decisions/0009-cached-access-decision.md).


def _decision_key(slug: str, login: str, meeting_id: int, day) -> str:
    # The day: a seat's validity ends with a day, not with a write.
    return f"{_prefix()}:access:{slug}:{login}:{meeting_id}:{day.isoformat()}"


def remember_decision(slug: str, login: str, cached: Cached, tenant_id: int,
                      meeting_id: int, audience: str) -> None:
    """Keep the decision the request has just made, stamped with the generations ``cached``
    read before the rows it was made from (see :func:`lookup`). ``login`` is the session's
    user and session version (core.identity.auth.session_login): a session ended by its
    version never meets a decision made for a later session of the same user. It names the keys of the
    tenant's generation and of the document, so one round trip reads everything."""
    if cached.storable and cached._decision_stamp is not None:
        tenant_key, meeting_key, _platform, row_key = _gen_keys(tenant_id, meeting_id)
        decision = (f"{tenant_key}\n{meeting_key}\n{row_key}\n"
                    f"{_doc_key(tenant_id, meeting_id, audience)}")
        try:
            cached._store.store(_decision_key(slug, login, meeting_id, cached.day),
                                cached._decision_stamp + decision.encode())
        except Exception:  # noqa: BLE001
            log.warning("meeting document cache: storing a decision failed", exc_info=True)


#: Decision key -> the keys of the generations and the document it named when last read
#: here: a guess at what to read in the same ``MGET`` as the decision (checked against it).
_named: dict[str, tuple[str, str, str, str]] = {}


def _names(decision: bytes) -> tuple[str, str, str, str]:
    lines = decision.decode().split("\n")
    if len(lines) != 5:  # stored before the meeting's row had a generation of its own: a miss
        return ("", "", "", "")
    _stamp_line, tenant_key, meeting_key, row_key, doc_key = lines
    return tenant_key, meeting_key, row_key, doc_key


def decided_document(slug: str, login: str, meeting_id: int, suffix: str = "") -> bytes | None:
    """The document (or with ``suffix`` the page, :func:`page_suffix`) for a caller whose
    decision is stored and fresh, without the database: one ``MGET`` of the decision, the
    generations and the document it names (two when this process has not read the
    decision before). ``None`` (decide in full) on any miss."""
    store = _store()
    if store is None or _touched.get():
        return None
    key = _decision_key(slug, login, meeting_id, _today())
    named = _named.get(key)
    try:
        if named is None:
            _, (decision,) = store.read([], key)
            if decision is None:
                return None
            named = _names(decision)
        for _ in range(2):
            if not named[0]:
                return None
            gens, (decision, doc) = store.read(
                [named[0], named[1], _gen_key(PLATFORM), named[2]], key, named[3] + suffix)
            if decision is None:
                return None
            if _names(decision) == named:
                break
            named = _names(decision)  # it names other keys than when last read here
        else:
            return None
    except Exception:  # noqa: BLE001
        log.warning("meeting document cache: reading a decision failed", exc_info=True)
        return None
    if len(_named) > 10_000:
        _named.clear()
    _named[key] = named
    if not decision.startswith(_stamp(_decision_gens(gens))):
        return None  # decided before a write that may change it
    found = Cached(store, named[3] + suffix, gens, doc)
    if found.doc is None and ":shared:" in suffix:
        # still allowed, the page changed: while another request renders it for everyone
        # of this audience, wait for that one (Cached.render_once) rather than decide again
        return found.rendered_by_another()
    if found.doc is None:
        _note_fresh_decision(named[3], gens, meeting_id)
    return found.doc


def _note_fresh_decision(doc_key: str, gens: list[int], meeting_id: int) -> None:
    """Keep for :func:`answer_from_decision` what a fresh decision whose document is stale
    decided: the role (the audience's first word) and the generations read with it."""
    from flask import g

    from core.identity.permissions import Role

    tenant_id, _meeting, audience_name = doc_key.rsplit(":", 3)[1:]
    role = Role.__members__.get(audience_name.split("-", 1)[0])
    if role is not None and tenant_id.isdigit():
        g.fresh_decision = (role, Generations(_store(), int(tenant_id), meeting_id, gens, _today()))


def decided_role(gens) -> object | None:
    """The role a fresh kept decision gave the caller of a request let through on it
    (:func:`answer_from_decision` with ``render``): the meeting is rendered for that role
    without deciding the access again. ``None`` (decide in full) unless the request's
    tenant is the one decided for and its login still finds the person."""
    from flask import g

    from core.identity.permissions import current_person
    from core.tenancy import current_tenant

    role = g.pop("decided_role", None)
    if role is None or gens is None or gens.tenant_id != current_tenant().id:
        return None
    return role if current_person() is not None else None


def answer_from_decision(values: dict, language: str | None = None,
                         shared: str | None = None, render: bool = False) -> bytes | None:
    """For a ``url_value_preprocessor`` ahead of the tenant's binding: the document (with
    ``language``, the reader's page; with ``shared`` too, the page of that name every reader
    of the audience shares) for a caller logged in by the session whose access decision is
    stored and fresh, the declared access marked as checked and the tenant left unbound;
    else ``None``, with the generations read for a request decided in full
    (:func:`early_generations`). With ``render``, a fresh decision whose document is stale
    lets the request through as decided (its role for :func:`decided_role`, the declared
    access marked as checked, the generations read with the decision): the document is
    rendered without deciding the access again (decision 0049)."""
    from flask import g

    from core.identity.auth import forget_login, session_login, session_user_id
    from core.identity.permissions import Role

    user_id = session_user_id()
    login = session_login(user_id) if user_id else None
    suffix = ""
    if login and language:
        suffix = shared_suffix(shared, language) if shared else page_suffix(login, language)
    g.pop("fresh_decision", None)
    found = login and decided_document(values["tenant"], login, values["meeting_id"], suffix)
    if found is None:
        forget_login()
        fresh = g.pop("fresh_decision", None)
        if render and fresh is not None:
            g.decided_role, g.meeting_generations = fresh
            g.access_checked = Role.INFORMATION_RECIPIENT  # the routes' declared role: decided
            return None
        # Decided in full, once: the generations first, then every row it is decided from.
        g.meeting_generations = early_generations(values["tenant"], values["meeting_id"])
        return None
    values.pop("tenant")  # the tenant is not loaded (bind_tenant skips it)
    g.access_checked = Role.INFORMATION_RECIPIENT  # the routes' declared role: decided
    return found


def audience(role, hidden: frozenset[int]) -> str:
    """The audience a meeting's document or shared fragment is kept for: the role, and for a
    member disqualified on closed items those items (theirs shows them redacted,
    CORE-DISQUALIFIED)."""
    return role.name if not hidden else f"{role.name}-without-" + "-".join(map(str, sorted(hidden)))


def keep_decision(cached: Cached, meeting, role, audience: str | None = None) -> None:
    """Keep the access decision the request made, read after the generations ``cached`` is
    stamped with, for a caller logged in by the session whose row still allows it; the
    document it names is ``audience``'s (default: the role's)."""
    from core.identity.auth import logged_in_by_session, session_login
    from core.identity.permissions import current_person
    from core.tenancy import current_tenant

    if not cached.storable or not logged_in_by_session():
        return
    user = current_person()
    login = session_login(user.id, user) if user is not None and user.is_enabled else None
    if login is not None:
        remember_decision(current_tenant().slug, login, cached, meeting.tenant_id, meeting.id,
                          audience or role.name)
