"""Initial schema: organisations, assessments, respondents (with answers), scores, targets.

Revision ID: 0001
Revises:
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("industry", sa.String(100), nullable=True),
        sa.Column("size_band", sa.String(50), nullable=True),
        sa.Column("region", sa.String(100), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
        sa.UniqueConstraint("name", name="uq_organisations_name"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(64), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("assessment_date", sa.Date(), nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("source_file", sa.String(255), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("encoding", sa.String(32), nullable=True),
        sa.Column("export_format", sa.String(32), nullable=True),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("respondent_count", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_assessments_organisation_id_organisations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.UniqueConstraint("organisation_id", "model_id", "content_hash", name="uq_assessments_org_model_hash"),
    )
    op.create_index(
        "ix_assessments_org_model_date", "assessments", ["organisation_id", "model_id", "assessment_date"]
    )
    op.create_table(
        "respondents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("respondent_key", sa.String(255), nullable=False),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.String(64), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name="fk_respondents_assessment_id_assessments", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_respondents"),
        sa.UniqueConstraint("assessment_id", "respondent_key", name="uq_respondents_assessment_key"),
    )
    op.create_table(
        "assessment_scores",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("group_by", sa.String(64), nullable=True),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("overall_score", sa.Float(), nullable=True),
        sa.Column("overall_level", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_assessment_scores_assessment_id_assessments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", name="pk_assessment_scores"),
    )
    op.create_table(
        "competency_scores",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.String(64), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_competency_scores_assessment_id_assessments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", "competency_id", name="pk_competency_scores"),
    )
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(64), nullable=False),
        sa.Column("competency_id", sa.String(64), nullable=False),
        sa.Column("horizon_months", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("horizon_months IN (6, 12, 24)", name="ck_targets_horizon"),
        sa.CheckConstraint("level >= 1", name="ck_targets_level_positive"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_targets_organisation_id_organisations", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_targets"),
        sa.UniqueConstraint(
            "organisation_id",
            "model_id",
            "competency_id",
            "horizon_months",
            name="uq_targets_org_model_competency_horizon",
        ),
    )


def downgrade() -> None:
    op.drop_table("targets")
    op.drop_table("competency_scores")
    op.drop_table("assessment_scores")
    op.drop_table("respondents")
    op.drop_index("ix_assessments_org_model_date", table_name="assessments")
    op.drop_table("assessments")
    op.drop_table("organisations")
