"""The action plan (initiatives with owners and due dates) and the executive-commitment
tracker (executives and their ratings per review); both restorable from the trash.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "initiatives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(64), nullable=False),
        sa.Column("competency_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recommendation_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.Date(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.String(254), nullable=True),
        sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name="ck_initiatives_status"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_initiatives_organisation_id_organisations", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_initiatives"),
    )
    op.create_index("ix_initiatives_org_model", "initiatives", ["organisation_id", "model_id"])
    op.create_table(
        "executives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.String(254), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_executives_organisation_id_organisations", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_executives"),
    )
    op.create_table(
        "commitment_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("executive_id", sa.Integer(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level >= 1 AND level <= 5", name="ck_commitment_ratings_level"),
        sa.ForeignKeyConstraint(
            ["executive_id"], ["executives.id"], name="fk_commitment_ratings_executive_id_executives", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_commitment_ratings"),
        sa.UniqueConstraint("executive_id", "review_date", name="uq_commitment_ratings_executive_review"),
    )


def downgrade() -> None:
    op.drop_table("commitment_ratings")
    op.drop_table("executives")
    op.drop_index("ix_initiatives_org_model", table_name="initiatives")
    op.drop_table("initiatives")
