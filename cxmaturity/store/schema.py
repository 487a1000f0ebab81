"""The storage schema as SQLAlchemy Core tables (used by the store modules for queries and by
Alembic autogenerate to diff against the migrations).

The migrations in ``cxmaturity/migrations/versions`` create these tables; they never import
this module (a migration must stay as it was written). A test checks both agree.

Answers are stored one row per respondent, as a JSON list aligned with the assessment's
``item_ids``: measured roughly 10x faster to write and read than one row per answer, and an
assessment can still be re-scored with any later version of its model.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# explicit constraint names: Alembic can drop/alter them later, identically on every database
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("industry", String(100)),
    Column("size_band", String(50)),
    Column("region", String(100)),
    Column("is_demo", Boolean(create_constraint=False), nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # in the trash since deleted_at (by deleted_by) until purged; NULL: not deleted (migration 0003)
    Column("deleted_at", DateTime(timezone=True)),
    Column("deleted_by", String(254)),
    UniqueConstraint("name"),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("model_id", String(64), nullable=False),
    Column("model_version", Integer, nullable=False),
    Column("assessment_date", Date, nullable=False),
    Column("label", String(200)),
    Column("source_file", String(255)),
    Column("content_hash", String(64), nullable=False),
    Column("encoding", String(32)),
    Column("export_format", String(32)),
    # the answer columns in stored order; respondents.answers lists values in this order
    Column("item_ids", JSON, nullable=False),
    Column("respondent_count", Integer, nullable=False),
    Column("imported_by", String(200)),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    # in the trash since deleted_at (by deleted_by) until purged; NULL: not deleted (migration 0003)
    Column("deleted_at", DateTime(timezone=True)),
    Column("deleted_by", String(254)),
    # the same file imported twice for one organisation and model is one assessment
    UniqueConstraint("organisation_id", "model_id", "content_hash", name="uq_assessments_org_model_hash"),
    Index("ix_assessments_org_model_date", "organisation_id", "model_id", "assessment_date"),
)

respondents = Table(
    "respondents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),  # row order in the file
    Column("respondent_key", String(255), nullable=False),  # the respondent id from the file
    Column("department", Text),
    Column("role", Text),
    Column("submitted_at", String(64)),
    Column("attributes", JSON),  # extra columns of the file: {column: value}
    Column("answers", JSON, nullable=False),  # [value or null, ...] aligned with assessments.item_ids
    # also the index for "all respondents of an assessment"
    UniqueConstraint("assessment_id", "respondent_key", name="uq_respondents_assessment_key"),
)

assessment_scores = Table(
    "assessment_scores",
    metadata,
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    Column("model_version", Integer, nullable=False),
    Column("scored_at", DateTime(timezone=True), nullable=False),
    Column("group_by", String(64)),
    Column("min_group_size", Integer, nullable=False),
    Column("overall_score", Float),
    Column("overall_level", Integer),
    Column("result", JSON, nullable=False),  # AssessmentScore.to_dict(), groups included
)

# one row per competency, so peer views can filter and aggregate in SQL
competency_scores = Table(
    "competency_scores",
    metadata,
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", String(64), primary_key=True),
    Column("score", Float),
    Column("level", Integer),
    Column("n", Integer, nullable=False),
)

targets = Table(
    "targets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("model_id", String(64), nullable=False),
    Column("competency_id", String(64), nullable=False),
    Column("horizon_months", Integer, nullable=False),
    Column("level", Integer, nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
    # in the trash since deleted_at (by deleted_by) until purged; NULL: not deleted (migration 0003)
    Column("deleted_at", DateTime(timezone=True)),
    Column("deleted_by", String(254)),
    UniqueConstraint("organisation_id", "model_id", "competency_id", "horizon_months", name="uq_targets_org_model_competency_horizon"),
    CheckConstraint("horizon_months IN (6, 12, 24)", name="horizon"),
    CheckConstraint("level >= 1", name="level_positive"),
)

# --- accounts (migration 0002; used when CXMATURITY_AUTH is set, see cxmaturity.access) -------

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False),  # trimmed and lower-cased
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255)),  # argon2id; NULL: signs in through the identity provider only
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True)),
    UniqueConstraint("email"),
    CheckConstraint("role IN ('admin', 'analyst', 'viewer')", name="role"),
)

# the organisations an analyst or viewer may see (an admin sees all and has no rows here)
user_organisations = Table(
    "user_organisations",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)

# failed sign-ins per email (known or not, so a lockout never tells whether an account exists)
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("email", String(254), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_failure_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
)

# who did what, when; organisation by name (not a key) so entries outlive a deleted organisation
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(254), nullable=False),  # account email, or "local" (single-user mode, CLI)
    Column("action", String(32), nullable=False),
    Column("organisation", String(200)),
    Column("detail", Text),
    Index("ix_audit_log_at", "at"),
)

# --- the action plan and the executive-commitment tracker (migration 0004) ---------------------

initiatives = Table(
    "initiatives",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("model_id", String(64), nullable=False),
    Column("competency_id", String(64), nullable=False),
    Column("title", String(200), nullable=False),
    Column("owner", String(200), nullable=False),  # a name or a role
    Column("due_date", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("note", Text),
    Column("recommendation_id", String(64)),  # made from this recommendation (data/recommendations.yaml)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", Date),  # the day it was marked done
    Column("deleted_at", DateTime(timezone=True)),
    Column("deleted_by", String(254)),
    CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name="status"),
    Index("ix_initiatives_org_model", "organisation_id", "model_id"),
)

executives = Table(
    "executives",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),  # a name or a role: personal data
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("deleted_at", DateTime(timezone=True)),
    Column("deleted_by", String(254)),
)

commitment_ratings = Table(
    "commitment_ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("executive_id", Integer, ForeignKey("executives.id", ondelete="CASCADE"), nullable=False),
    Column("review_date", Date, nullable=False),
    Column("level", Integer, nullable=False),
    Column("rated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("level >= 1 AND level <= 5", name="level"),
    UniqueConstraint("executive_id", "review_date", name="uq_commitment_ratings_executive_review"),
)

TABLES = (
    "organisations",
    "assessments",
    "respondents",
    "assessment_scores",
    "competency_scores",
    "targets",
    "users",
    "user_organisations",
    "login_attempts",
    "audit_log",
    "app_settings",
    "initiatives",
    "executives",
    "commitment_ratings",
)

# --- settings of the installation (migration 0003) ---------------------------------------------

app_settings = Table(
    "app_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text),
)

# --- survey waves (issue 12): answers collected in the app --------------------------------------------
# A wave's responses carry no code, no account, no address and no time of day: nothing ties an
# answer to a person or to a single-use code (codes are a separate table, marked used without a time).

survey_waves = Table(
    "survey_waves",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("model_id", String(64), nullable=False),
    Column("title", String(200), nullable=False),
    Column("token", String(64), nullable=False, unique=True),  # the unguessable part of the link
    Column("opens_on", Date, nullable=False),
    Column("closes_on", Date),
    Column("departments", Text, nullable=False),  # JSON: [{"name": ..., "headcount": n | null}]
    Column("roles", Text, nullable=False),  # JSON: ["..."]
    Column("min_group_size", Integer, nullable=False),
    Column("codes_required", Boolean, nullable=False),
    Column("status", String(16), nullable=False),  # open | closing | closed
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="SET NULL")),
    Column("created_by", String(254), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("language", String(8), nullable=False, server_default="en"),  # the questionnaire's language
    CheckConstraint("status IN ('open', 'closing', 'closed')", name="status"),
)

wave_codes = Table(
    "wave_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("wave_id", Integer, ForeignKey("survey_waves.id", ondelete="CASCADE"), nullable=False),
    Column("code_hash", String(64), nullable=False),  # sha256 of the code: the code itself is never stored
    Column("used", Boolean, nullable=False),
    UniqueConstraint("wave_id", "code_hash", name="uq_wave_codes_wave_hash"),
)

wave_responses = Table(
    "wave_responses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("wave_id", Integer, ForeignKey("survey_waves.id", ondelete="CASCADE"), nullable=False),
    Column("submitted_on", Date, nullable=False),  # the day only
    Column("department", String(200)),
    Column("role", String(200)),
    Column("answers", Text, nullable=False),  # JSON: {item id: value or null}
    Index("ix_wave_responses_wave", "wave_id"),
)
