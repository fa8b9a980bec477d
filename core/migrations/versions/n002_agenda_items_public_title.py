"""a closed agenda item's public title: what mails, calendars and the public pages call it

Existing closed items get the default of their § 27 reason ("Personalesag" …).

Revision ID: n002
Revises: n001
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "n002"
down_revision = "n001"
branch_labels = None
depends_on = None

_DEFAULTS = {
    "personal_matters": "Personsag",
    "personnel": "Personalesag",
    "property_transaction": "Ejendomshandel",
    "tender": "Udbud",
    "business_secrets": "Forretningsforhold",
}


def upgrade():
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_title", sa.String(length=300), nullable=False,
                                      server_default=""))
    items = sa.table("agenda_items", sa.column("is_confidential", sa.Boolean),
                     sa.column("confidentiality_reason", sa.String),
                     sa.column("public_title", sa.String))
    for reason, title in _DEFAULTS.items():
        op.execute(items.update().where(items.c.is_confidential.is_(True),
                                        items.c.confidentiality_reason == reason)
                   .values(public_title=title))
    op.execute(items.update().where(items.c.is_confidential.is_(True), items.c.public_title == "")
               .values(public_title="Lukket punkt"))


def downgrade():
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_column("public_title")
