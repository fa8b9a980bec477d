"""The OpenAPI document tells what the API really does (docs/decisions/0020-openapi-tells-the-truth.md).

* :class:`ErrorSchema` is the one error envelope (core/errors.py) with every field it sends:
  a rule's refusal names its ``rule`` and ``clause`` and says it in English (``reason_en``).
* :class:`Api` documents, for every operation at once, the error statuses its kind of route
  answers (:func:`error_statuses`), gives each operation its endpoint name as
  ``operationId``, and declares the links between operations (:data:`LINKS`): what a client
  (or a stateful test) can do next with the id a response returns.
* :class:`Blueprint` refuses a request without the JSON body its operation requires (422),
  where webargs would otherwise read the missing body as ``{}``; :class:`Boolean` takes
  only a JSON boolean; :func:`file_response` and :func:`redirect_response` document the
  answers that are not JSON.
"""

from __future__ import annotations

import flask_smorest
from apispec import BasePlugin
from marshmallow import Schema, ValidationError, fields
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser


class ErrorSchema(Schema):
    """Every API error: ``{"code": 404, "status": "Not Found", "message": "…"}``."""

    class Meta:
        ordered = True

    code = fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    status = fields.String(required=True, metadata={"description": "The status's name."})
    message = fields.String(required=True, metadata={
        "description": "What went wrong (Danish where a rule or an operation refused)."})
    errors = fields.Dict(metadata={
        "description": "Invalid input (422): {location: {field: [messages]}}."})
    rule = fields.String(allow_none=True, metadata={
        "description": "The rule (decision point) that refused, e.g. substitute_allowed."})
    clause = fields.String(allow_none=True, metadata={
        "description": "The kommissorium clause the refusal comes from, e.g. CORE-QUORUM or the tenant's own clause."})
    reason_en = fields.String(allow_none=True, metadata={
        "description": "The refusal in English, where message is the Danish members read."})
    retry_after = fields.Integer(metadata={
        "description": "Throttled (429): seconds to wait before trying again, as the "
                       "Retry-After header says."})


class Boolean(fields.Boolean):
    """A JSON boolean, as the document says: ``true`` or ``false``, not ``1``, ``"yes"`` or
    ``"on"`` (marshmallow's own Boolean takes those too). The pages turn a ticked box into
    ``True`` before they load the API's schema."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class _BodyRequiredParser(FlaskParser):
    """A missing (or non-JSON) body is refused, not read as ``{}``: every JSON body the API
    declares is required, so a request without one names the body in a 422."""

    def load_json(self, req, schema):
        data = super().load_json(req, schema)
        if data is webargs_core.missing:
            raise ValidationError(["A JSON body (Content-Type: application/json) is required."])
        return data


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = _BodyRequiredParser()


#: What a response lets a client do next: ``{endpoint: {status: {link name: (endpoint,
#: {parameter: runtime expression})}}}``. ``$response.body#/id`` is the id the response
#: returns; the tenant is the request's own.
_TENANT = {"tenant": "$request.path.tenant"}
_MEETING = {**_TENANT, "meeting_id": "$response.body#/id"}
_SAME_MEETING = {**_TENANT, "meeting_id": "$request.path.meeting_id"}
_ITEM = {**_TENANT, "meeting_id": "$request.path.meeting_id", "item_id": "$response.body#/id"}
_SAME_ITEM = {**_SAME_MEETING, "item_id": "$request.path.item_id"}
_MOTION = {**_TENANT, "motion_id": "$response.body#/id"}
_PROPOSAL = {**_TENANT, "proposal_id": "$response.body#/id"}

LINKS: dict[str, dict[str, dict[str, tuple[str, dict[str, str]]]]] = {
    "meetings.create_meeting": {"201": {
        "GetMeeting": ("meetings.get_meeting", _MEETING),
        "UpdateMeeting": ("meetings.update_meeting", _MEETING),
        "AddItem": ("meetings.add_item", _MEETING),
        "PublishAgenda": ("meetings.publish_agenda", _MEETING),
        "OpenSession": ("meetings.open_session", _MEETING),
        "RecordHeld": ("meetings.record_held", _MEETING),
        "CancelMeeting": ("meetings.cancel_meeting", _MEETING),
        "RecordAttendance": ("meetings.record_attendance", _MEETING),
        "GetMinutes": ("meetings.get_minutes", _MEETING),
        "PublicMeeting": ("public.public_meeting", _MEETING),
    }},
    "meetings.publish_agenda": {"200": {
        "AddItem": ("meetings.add_item", _MEETING),
        "OpenSession": ("meetings.open_session", _MEETING),
        "RecordAttendance": ("meetings.record_attendance", _MEETING),
    }},
    "meetings.open_session": {"200": {
        "RecordAttendance": ("meetings.record_attendance", _MEETING),
        "RecordHeld": ("meetings.record_held", _MEETING),
    }},
    "meetings.record_held": {"200": {
        "GetMinutes": ("meetings.get_minutes", _MEETING),
        "SendMinutes": ("meetings.send_minutes", _MEETING),
    }},
    "meetings.send_minutes": {"200": {
        "ApproveAsMember": ("meetings.approve_as_member", _MEETING),
        "ApproveByBody": ("meetings.approve_by_body", _MEETING),
        "CorrectMinutes": ("meetings.correct_minutes", _MEETING),
    }},
    "meetings.add_item": {"201": {
        "UpdateItem": ("meetings.update_item", _ITEM),
        "RemoveItem": ("meetings.remove_item", _ITEM),
        "AddAttachment": ("meetings.add_attachment", _ITEM),
        "WriteMinutes": ("meetings.write_minutes_entry", _ITEM),
        "RecordDissent": ("meetings.record_dissent", _ITEM),
        "PublishAgenda": ("meetings.publish_agenda", _SAME_MEETING),
        "OpenMotion": ("decisions.open_motion", {**_TENANT, "item_id": "$response.body#/id"}),
        "GetItemMotion": ("decisions.get_item_motion", {**_TENANT, "item_id": "$response.body#/id"}),
        "ListNotes": ("annotations.list_notes", _ITEM),
        "AddNote": ("annotations.add_note", _ITEM),
        "ListComments": ("annotations.list_comments", _ITEM),
        "AddComment": ("annotations.add_comment", _ITEM),
    }},
    "meetings.add_attachment": {"201": {
        "DownloadAttachment": ("meetings.download_attachment",
                               {**_TENANT, "attachment_id": "$response.body#/id"}),
        "ReplaceAttachment": ("meetings.replace_attachment", {**_SAME_ITEM, "attachment_id": "$response.body#/id"}),
    }},
    "annotations.add_note": {"201": {
        "UpdateNote": ("annotations.update_note", {**_SAME_ITEM, "note_id": "$response.body#/id"}),
        "RemoveNote": ("annotations.remove_note", {**_SAME_ITEM, "note_id": "$response.body#/id"}),
    }},
    "annotations.add_comment": {"201": {
        "RemoveComment": ("annotations.remove_comment", {**_SAME_ITEM, "comment_id": "$response.body#/id"}),
        "ListComments": ("annotations.list_comments", _SAME_ITEM),
    }},
    "decisions.open_motion": {"201": {
        "GetMotion": ("decisions.get_motion", _MOTION),
        "GetOutcome": ("decisions.get_outcome", _MOTION),
        "OpenVoting": ("decisions.open_voting", _MOTION),
        "CastVote": ("decisions.cast_vote", _MOTION),
        "RecordVotes": ("decisions.record_votes", _MOTION),
        "ChangeVote": ("decisions.change_vote", _MOTION),
        "ObjectTo": ("decisions.object_to", _MOTION),
        "RecordDissent": ("decisions.record_dissent", _MOTION),
        "CloseMotion": ("decisions.close_motion", _MOTION),
    }},
    "decisions.open_voting": {"200": {
        "CastVote": ("decisions.cast_vote", _MOTION),
        "RecordVotes": ("decisions.record_votes", _MOTION),
        "CloseMotion": ("decisions.close_motion", _MOTION),
    }},
    "proposals.start": {"201": {
        "GetProposal": ("proposals.get_proposal", _PROPOSAL),
        "Decide": ("proposals.decide", _PROPOSAL),
        "Place": ("proposals.place", _PROPOSAL),
        "OpenHearing": ("proposals.open_hearing", _PROPOSAL),
        "Respond": ("proposals.respond", _PROPOSAL),
        "CloseHearing": ("proposals.close_hearing", _PROPOSAL),
        "Attach": ("proposals.attach", _PROPOSAL),
    }},
    "proposals.attach": {"201": {
        "Download": ("proposals.download", {
            **_TENANT, "proposal_id": "$request.path.proposal_id",
            "attachment_id": "$response.body#/id"}),
    }},
    "identity.create_token": {"201": {
        "RevokeToken": ("identity.revoke_token", {"api_token_id": "$response.body#/id"}),
    }},
}

_BODY_METHODS = ("post", "put", "patch")


def error_statuses(method: str, path: str, role, has_body: bool) -> list[int]:
    """The error statuses an operation of this kind answers, beside its own (and 500).

    Any request may be throttled (429) or meet a database that does not answer (503); a
    route needing a login answers 401 without one and 403 to a role too small or a read-only
    token writing; a resource named in the path, or a tenant where the caller has no role,
    is 404; a body is refused as malformed JSON (400), too large (413) or invalid (422); a
    write under a tenant may conflict with the state of what it changes (409)."""
    from core.identity.roles import Role

    statuses = {429, 503}
    if role is not None and role > Role.PUBLIC:
        statuses |= {401, 403}
    if "{" in path:
        statuses.add(404)
    if has_body:
        statuses |= {400, 413, 422}
    if method in (*_BODY_METHODS, "delete") and "{tenant}" in path:
        statuses.add(409)
    if method == "post" and role is not None and role > Role.PUBLIC:
        statuses |= {400, 409, 422}  # an Idempotency-Key malformed, at once, or reused
    return sorted(statuses)


#: The header any logged-in POST honours (core/transactions.py).
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Repeat a POST safely: the first answer to the key is stored with its "
                   "write and replayed to a repeat of the same request "
                   "(Idempotent-Replayed: true); a different request with the key is a 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]{1,255}$"},
}


class _TruthPlugin(BasePlugin):
    """Adds to each operation what its view and the route table say (see the module doc)."""

    def __init__(self, app):
        self.app = app

    def operation_helper(self, path=None, operations=None, rule=None, **kwargs):
        if rule is None or not operations:
            return
        view = self.app.view_functions.get(rule.endpoint)
        role = getattr(view, "access_role", None)
        from core.identity.roles import Role

        for method, operation in operations.items():
            operation.setdefault("operationId", rule.endpoint)
            # flask-smorest keys the responses by int or str; one key per status from here
            responses = {str(code): value for code, value in operation.get("responses", {}).items()}
            operation["responses"] = responses
            if method == "post" and role is not None and role > Role.PUBLIC:
                operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
            for status in error_statuses(method, path, role, "requestBody" in operation):
                # a response the route documents itself (a login's 401) stays as it is
                responses.setdefault(str(status), _status_name(status))
            for status, links in LINKS.get(rule.endpoint, {}).items():
                response = responses.get(status)
                if isinstance(response, dict):
                    response["links"] = {
                        name: {"operationId": target, "parameters": dict(parameters)}
                        for name, (target, parameters) in links.items()
                    }


def _status_name(status: int) -> str:
    """The response component flask-smorest registers for a status (``NOT_FOUND``)."""
    from http import HTTPStatus

    return HTTPStatus(status).name


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app, *, spec_kwargs=None):
        spec_kwargs = dict(spec_kwargs or {})
        spec_kwargs["extra_plugins"] = [*spec_kwargs.get("extra_plugins", ()), _TruthPlugin(app)]
        super().init_app(app, spec_kwargs=spec_kwargs)
        # marshmallow's Url is an absolute URI; "url" is no OpenAPI format
        self.register_field(fields.Url, "string", "uri")


def file_response(media_type: str, description: str) -> dict:
    """``@blp.doc(**file_response(…))``: the operation answers 200 with a file, not JSON."""
    return {"responses": {"200": {
        "description": description,
        "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
    }}}


def redirect_response(description: str, *also: int) -> dict:
    """``@blp.doc(**redirect_response(…))``: the operation answers 302 to ``Location``; ``also``
    names the error statuses it answers beside the usual ones (:func:`error_statuses`)."""
    from http import HTTPStatus

    responses = {"302": {
        "description": description,
        "headers": {"Location": {"description": "Where to go next.", "schema": {"type": "string"}}},
    }}
    responses.update({str(status): HTTPStatus(status).name for status in also})
    return {"responses": responses}
