"""Trash: organisations, assessments and targets are deleted into a trash they can be restored
from until purged; app settings (e.g. that the sample data was removed on purpose).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TRASHABLE = ("organisations", "assessments", "targets")


def upgrade() -> None:
    for table in TRASHABLE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
            batch.add_column(sa.Column("deleted_by", sa.String(254), nullable=True))
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_app_settings"),
    )


def downgrade() -> None:
    op.drop_table("app_settings")
    for table in TRASHABLE:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("deleted_by")
            batch.drop_column("deleted_at")
