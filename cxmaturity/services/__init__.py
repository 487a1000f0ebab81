"""Use cases: what the app, the CLI and the report can do with stored data.

Each use case checks access (``cxmaturity.access``) and then runs in one transaction of the
store. They take ``user=`` (None: the local administrator) and ``engine=`` (an Engine, a URL,
or None for the configured database). This module is the index; the modules hold the code.
"""

from cxmaturity.services.accounts import (
    Account,
    AuthResult,
    add_user,
    authenticate,
    get_user,
    hash_password,
    list_users,
    password_hasher,
    remove_user,
    set_password,
    set_password_hasher,
    update_user,
    user_for_email,
    verify_password,
)
from cxmaturity.services.assessments import (
    as_date,
    check_survey,
    clear_caches,
    comparison,
    delete_assessment,
    find_assessment_by_hash,
    get_assessment,
    get_assessment_answers,
    get_scores,
    history,
    import_assessment,
    list_assessments,
    rescore,
)
from cxmaturity.services.audit import list_audit, record
from cxmaturity.services.catalogue import model, models
from cxmaturity.services.organisations import (
    create_organisation,
    delete_organisation,
    get_organisation,
    has_organisations,
    list_organisations,
)
from cxmaturity.services.peers import peer_competency_scores, peer_filter_options
from cxmaturity.services.setup import data_version, database_url, prepare
from cxmaturity.services.targets import delete_target, list_targets, set_target
from cxmaturity.store.records import (
    AssessmentRecord,
    AuditEntry,
    HistoryEntry,
    ImportResult,
    Organisation,
    Target,
)

__all__ = [
    "Account",
    "AssessmentRecord",
    "AuditEntry",
    "AuthResult",
    "HistoryEntry",
    "ImportResult",
    "Organisation",
    "Target",
    "add_user",
    "as_date",
    "authenticate",
    "check_survey",
    "clear_caches",
    "comparison",
    "create_organisation",
    "data_version",
    "database_url",
    "delete_assessment",
    "delete_organisation",
    "delete_target",
    "find_assessment_by_hash",
    "get_assessment",
    "get_assessment_answers",
    "get_organisation",
    "get_scores",
    "get_user",
    "has_organisations",
    "hash_password",
    "history",
    "import_assessment",
    "list_assessments",
    "list_audit",
    "list_organisations",
    "list_targets",
    "list_users",
    "model",
    "models",
    "password_hasher",
    "peer_competency_scores",
    "peer_filter_options",
    "prepare",
    "record",
    "remove_user",
    "rescore",
    "set_password",
    "set_password_hasher",
    "set_target",
    "update_user",
    "user_for_email",
    "verify_password",
]
