"""A new tenant from an uploaded tenant file: previewed as the list of changes ``tenants
sync`` would make, then applied, all or nothing (issue #18, item 4;
docs/decisions/0048-onboarding-in-the-browser.md).

The preview runs the sync itself (the file's checks, core/tenants/filespec.py, the checks
of the organisations and people shared with other tenants, and the changes) and rolls it
back: what is shown is what applying would do, and nothing is written before it is
applied. Applying runs the sync again in the request's one transaction: any problem, and
nothing is kept. A file may only create a tenant: a tenant that exists already is kept in
step with its file by ``kommissorium tenants sync``, which reports what was changed in the
browser since (item 5 of the issue); an upload here is refused (409, ``slug``).
"""

from __future__ import annotations

import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from werkzeug.utils import secure_filename

from core.errors import refuse
from core.extensions import db
from core.rules.types import Problem
from core.tenancy import all_tenants
from core.tenants.filespec import TenantFileError
from core.tenants.models import Tenant

#: The largest tenant file taken (the bundled ones are under 60 kB).
MAX_BYTES = 1_000_000


@dataclass
class FilePreview:
    """What a tenant file would do: its slug, the changes and, where it cannot be applied,
    every problem (each with its entry, field and clause)."""

    filename: str
    slug: str | None = None
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"filename": self.filename, "slug": self.slug, "ok": self.ok, "changes": self.changes,
                "problems": [{"entry": p.entry, "field": p.field or None, "message": p.message,
                              "clause": p.clause or None} for p in self.problems]}


def _name(filename: str | None) -> str:
    name = secure_filename(filename or "") or "kommune.toml"
    return name if name.endswith(".toml") else name + ".toml"


def _invalid(field_name: str, message: str, status: int = 422):
    refuse(status, message=("The input conflicts with what exists" if status == 409 else "The input is invalid")
           + "; see errors for each field.", errors={"json": {field_name: [message]}})


def _slug_of(content: str) -> str | None:
    try:
        slug = tomllib.loads(content).get("tenant", {}).get("slug")
    except (tomllib.TOMLDecodeError, AttributeError):
        return None
    return slug if isinstance(slug, str) else None


def _run(content: str, filename: str, host) -> tuple[FilePreview, object | None]:
    """The sync of the file, in the current transaction; ``(preview, report)``."""
    from core.tenants.operations import sync_tenant_file

    if not content.strip():
        _invalid("content", "Filen er tom.")
    if len(content.encode("utf-8")) > MAX_BYTES:
        _invalid("content", f"Filen er større end {MAX_BYTES // 1000} kB.", 413)
    preview = FilePreview(_name(filename), _slug_of(content))
    if preview.slug is not None:
        with all_tenants():
            if db.session.scalar(sa.select(Tenant.id).filter_by(slug=preview.slug)) is not None:
                _invalid("slug", f"Kommunen «{preview.slug}» findes allerede; den holdes i trit med sin "
                                 "datafil med «kommissorium tenants sync».", 409)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / preview.filename
        path.write_text(content, encoding="utf-8")
        try:
            report = sync_tenant_file(path, host)
        except TenantFileError as exc:
            preview.problems = list(exc.problems)
            return preview, None
    preview.changes = list(report.changes)
    return preview, report


def preview_file(content: str, filename: str, host) -> FilePreview:
    """What applying the file would change, or its problems; nothing is kept."""
    try:
        preview, _report = _run(content, filename, host)
    finally:
        db.session.rollback()
    return preview


def apply_file(content: str, filename: str, host) -> FilePreview:
    """The file applied in the current transaction (the caller commits); any problem is a
    422 listing each one by its entry and field, with its clause, and nothing is kept."""
    preview, report = _run(content, filename, host)
    if report is None:
        db.session.rollback()
        refuse(422, message="The tenant file has problems; nothing was changed.",
               errors={"json": {"content": [sentence(p) for p in preview.problems]}})
    return preview


def sentence(problem: Problem) -> str:
    """A problem as one line: where (entry and field), what, and the clause."""
    where = f"{problem.entry}.{problem.field}" if problem.field else problem.entry
    clause = f" ({problem.clause})" if problem.clause else ""
    return f"{where}: {problem.message}{clause}"
