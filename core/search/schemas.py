"""The search's query and its answer."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.fields import Text
from core.search.models import Kind
from core.search.operations import MAX_PER_PAGE

KINDS = [k.value for k in Kind]
#: What a query parameter may hold, as the document says it: no NUL (refused for every text,
#: core/inputs.py; a lone surrogate cannot arrive in a URL's query, which is UTF-8). Written
#: without a surrogate range, which the schema's regular-expression dialect cannot carry.
STORABLE = validate.Regexp(r"^[^\x00]*$", error="Teksten indeholder et tegn, der ikke kan gemmes.")


class SearchQuerySchema(Schema):
    """``?q=budget&tenant=testby&body=bestyrelse&year=2026&kind=minutes&page=1``."""

    q = Text(required=True, validate=[validate.Length(min=1, max=200), STORABLE], metadata={
        "description": "The words to find; each must occur, in any of its forms (Danish "
                       "stems) or as the start of a longer word. Small words (og, i, at …) and "
                       "punctuation are not searched: a query of nothing else finds nothing."})
    tenant = Text(load_default=None, validate=[validate.Length(min=1, max=64), STORABLE], metadata={
        "description": "Only this tenant's material (its slug)."})
    body = Text(load_default=None, validate=[validate.Length(min=1, max=64), STORABLE], metadata={
        "description": "Only this body's material (its key; with ``tenant``, that tenant's body)."})
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100), metadata={
        "description": "Only material of this year (a meeting's date, a proposal's start)."})
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS), metadata={
        "description": "Only hits of this kind."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))



class PublicSearchQuerySchema(SearchQuerySchema):
    """The public search of one tenant: no tenant filter (the path names it)."""

    class Meta:
        exclude = ("tenant",)


class SearchHitSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS), metadata={
        "description": "meeting, item, minutes, proposal, hearing_answer, attachment or comment."})
    title = fields.String(required=True)
    snippet = fields.String(required=True, metadata={
        "description": "Words around the first match, HTML-escaped, each match in <mark>…</mark>; "
                       "cut from what the caller may read only."})
    tenant = fields.String(required=True)
    tenant_name = fields.String(required=True)
    body = fields.String(required=True)
    body_name = fields.String(required=True)
    year = fields.Integer(required=True)
    date = fields.DateTime(required=True)
    is_confidential = fields.Boolean(required=True, metadata={
        "description": "A closed item (lukket punkt, forvaltningsloven § 27): its content, "
                       "found by the body's members only, or its public title and decision."})
    meeting_id = fields.Integer(allow_none=True)
    item_id = fields.Integer(allow_none=True)
    proposal_id = fields.Integer(allow_none=True)
    attachment_id = fields.Integer(allow_none=True)
    url = fields.String(required=True, metadata={"description": "The page of the hit."})


class SearchPageSchema(Schema):
    query = fields.String(required=True)
    total = fields.Integer(required=True, metadata={"description": "Hits in all."})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    results = fields.List(fields.Nested(SearchHitSchema), required=True)
