"""The permission matrix in docs/permissions.md names every role of the code."""

from core.config import PROJECT_ROOT
from core.identity.permissions import Role

DOC = (PROJECT_ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")


def test_every_role_is_in_the_permission_matrix():
    for role in Role:
        assert f"`{role.name}`" in DOC, f"docs/permissions.md does not describe {role.name}"
    header = next(line for line in DOC.splitlines() if line.startswith("| action |"))
    assert header.count("|") - 2 == len(Role), "one matrix column per role"
