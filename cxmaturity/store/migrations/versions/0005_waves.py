"""Survey waves collected in the app: waves with a share link, single-use codes kept apart from
the answers, and the responses (no code, no account, the day only).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_waves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("departments", sa.Text(), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("codes_required", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closing', 'closed')", name="ck_survey_waves_status"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_survey_waves_organisation_id_organisations", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name="fk_survey_waves_assessment_id_assessments", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_survey_waves"),
        sa.UniqueConstraint("token", name="uq_survey_waves_token"),
    )
    op.create_table(
        "wave_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["survey_waves.id"], name="fk_wave_codes_wave_id_survey_waves", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_wave_codes"),
        sa.UniqueConstraint("wave_id", "code_hash", name="uq_wave_codes_wave_hash"),
    )
    op.create_table(
        "wave_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("department", sa.String(200), nullable=True),
        sa.Column("role", sa.String(200), nullable=True),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["survey_waves.id"], name="fk_wave_responses_wave_id_survey_waves", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_wave_responses"),
    )
    op.create_index("ix_wave_responses_wave", "wave_responses", ["wave_id"])


def downgrade() -> None:
    op.drop_index("ix_wave_responses_wave", table_name="wave_responses")
    op.drop_table("wave_responses")
    op.drop_table("wave_codes")
    op.drop_table("survey_waves")
