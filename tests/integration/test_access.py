"""Access control in the repository: roles, isolation between organisations (the same refusal
for another organisation and for one that does not exist), anonymous peer figures over at
least five organisations, and the audit trail of changes."""

from __future__ import annotations

import inspect

import pytest

from cxmaturity import errors, services
from cxmaturity.access import ADMIN_ONLY, NO_ACCESS, READ_ONLY, AccessDenied, User
from cxmaturity.errors import StoreError, SurveyValidationError
from cxmaturity.survey import read_survey

VIEWER_A = User("vic@example.com", "viewer", frozenset({"A"}))
ANALYST_A = User("ann@example.com", "analyst", frozenset({"A"}))
ADMIN = User("root@example.com", "admin")
COMPETENCIES = {"vision", "strategy", "metrics", "governance", "organization", "processes", "technology"}


def _survey(make_survey_csv, name: str, seed: int = 0):
    return read_survey(make_survey_csv(name, seed=seed), filename=name)


@pytest.fixture
def store(engine, make_survey_csv):
    """Organisations A and B, each with two assessments and a target."""
    a1 = services.import_assessment(_survey(make_survey_csv, "a1.csv", 1), "A", "2025-01-15", engine=engine)
    a2 = services.import_assessment(_survey(make_survey_csv, "a2.csv", 2), "A", "2025-07-15", engine=engine)
    b1 = services.import_assessment(_survey(make_survey_csv, "b1.csv", 3), "B", "2025-03-15", engine=engine)
    services.import_assessment(_survey(make_survey_csv, "b2.csv", 4), "B", "2025-09-15", engine=engine)
    services.set_target("A", "gartner", "metrics", 12, 3, engine=engine)
    services.set_target("B", "gartner", "metrics", 12, 4, engine=engine)
    b_hash = services.get_assessment("B", b1.assessment_id, engine=engine).content_hash
    return {"engine": engine, "a1": a1.assessment_id, "a2": a2.assessment_id, "b1": b1.assessment_id, "b_hash": b_hash}


def _reads(store, org: str, assessment_id: int):
    """Every repository read of an organisation's data, as (name, call(user))."""
    e = store["engine"]
    return [
        ("get_organisation", lambda u: services.get_organisation(org, user=u, engine=e)),
        ("list_assessments", lambda u: services.list_assessments(org, user=u, engine=e)),
        ("get_assessment", lambda u: services.get_assessment(org, assessment_id, user=u, engine=e)),
        ("get_assessment_answers", lambda u: services.get_assessment_answers(org, assessment_id, user=u, engine=e)),
        ("get_scores", lambda u: services.get_scores(org, assessment_id, user=u, engine=e)),
        ("history", lambda u: services.history(org, user=u, engine=e)),
        ("comparison", lambda u: services.comparison(org, "gartner", user=u, engine=e)),
        ("list_targets", lambda u: services.list_targets(org, user=u, engine=e)),
        ("find_assessment_by_hash", lambda u: services.find_assessment_by_hash(org, "gartner", store["b_hash"], user=u, engine=e)),
        ("peer_competency_scores", lambda u: services.peer_competency_scores("gartner", exclude_org=org, user=u, engine=e)),
        ("peer_filter_options", lambda u: services.peer_filter_options("gartner", exclude_org=org, user=u, engine=e)),
    ]


def _writes(store, org: str, assessment_id: int, make_survey_csv):
    e = store["engine"]
    return [
        ("import_assessment", lambda u: services.import_assessment(_survey(make_survey_csv, "new.csv", 42), org, "2025-12-01", user=u, engine=e)),
        ("set_target", lambda u: services.set_target(org, "gartner", "vision", 6, 2, user=u, engine=e)),
        ("delete_target", lambda u: services.delete_target(org, "gartner", "metrics", 12, user=u, engine=e)),
        ("delete_assessment", lambda u: services.delete_assessment(org, assessment_id, user=u, engine=e)),
        ("create_organisation", lambda u: services.create_organisation(org, industry="Banking", user=u, engine=e)),
        ("delete_organisation", lambda u: services.delete_organisation(org, user=u, engine=e)),
        ("rescore", lambda u: services.rescore(org, user=u, engine=e)),
    ]


# --- every function takes the user -----------------------------------------------------------


def test_every_service_on_organisation_data_takes_the_user():
    org_params = {"org", "name", "exclude_org"}
    checked = []
    for name in services.__all__:
        fn = getattr(services, name)
        if not inspect.isfunction(fn):
            continue
        params = inspect.signature(fn).parameters
        if org_params & set(params) or name in ("list_organisations", "has_organisations"):
            assert "user" in params, name
            assert params["user"].kind is inspect.Parameter.KEYWORD_ONLY and params["user"].default is None, name
            checked.append(name)
    assert set(checked) >= {
        "list_organisations", "has_organisations", "get_organisation", "create_organisation", "delete_organisation",
        "list_assessments", "get_assessment", "get_assessment_answers", "get_scores", "delete_assessment",
        "find_assessment_by_hash", "import_assessment", "rescore", "history", "comparison",
        "set_target", "list_targets", "delete_target", "peer_competency_scores", "peer_filter_options",
    }
    assert issubclass(AccessDenied, StoreError)


# --- isolation -------------------------------------------------------------------------------


@pytest.mark.parametrize("user", [VIEWER_A, ANALYST_A], ids=["viewer", "analyst"])
def test_another_organisation_is_refused_like_a_missing_one(store, user, db_url, counts, make_survey_csv):
    before = counts(db_url)
    for org in ("B", "Nobody"):
        for name, call in _reads(store, org, store["b1"]) + _writes(store, org, store["b1"], make_survey_csv):
            with pytest.raises(AccessDenied) as refused:
                call(user)
            assert str(refused.value) == NO_ACCESS, (org, name)
    assert counts(db_url) == before  # nothing was written (not even to the audit log)
    assert services.get_organisation("Nobody", engine=store["engine"]) is None  # really absent


def test_an_own_organisation_never_reaches_another_ones_assessment(store):
    for call in (services.get_scores, services.get_assessment_answers, services.get_assessment):
        with pytest.raises(errors.UnknownAssessment) as missing:
            call("A", store["b1"], user=VIEWER_A, engine=store["engine"])
        assert "B" not in str(missing.value)


def test_list_organisations_shows_only_the_users_own(store):
    e = store["engine"]
    services.create_organisation("C", engine=e)
    assert [o.name for o in services.list_organisations(user=VIEWER_A, engine=e)] == ["A"]
    two = User("two@example.com", "analyst", {"A", "C", "Deleted meanwhile"})
    assert [o.name for o in services.list_organisations(user=two, engine=e)] == ["A", "C"]
    nothing = User("new@example.com", "viewer", frozenset())
    assert services.list_organisations(user=nothing, engine=e) == []
    assert services.has_organisations(user=nothing, engine=e) is False
    assert services.has_organisations(user=VIEWER_A, engine=e) is True
    assert [o.name for o in services.list_organisations(user=ADMIN, engine=e)] == ["A", "B", "C"]
    assert [o.name for o in services.list_organisations(engine=e)] == ["A", "B", "C"]  # local mode


# --- roles -----------------------------------------------------------------------------------


def test_a_viewer_reads_its_organisation_and_changes_nothing(store, db_url, counts, make_survey_csv):
    for _name, call in _reads(store, "A", store["a2"]):
        call(VIEWER_A)  # no exception
    assert [a.id for a in services.history("A", user=VIEWER_A, engine=store["engine"])] == [store["a1"], store["a2"]]
    before = counts(db_url)
    for name, call in _writes(store, "A", store["a1"], make_survey_csv):
        with pytest.raises(AccessDenied) as refused:
            call(VIEWER_A)
        expected = ADMIN_ONLY if name == "delete_organisation" else READ_ONLY
        assert str(refused.value) == expected, name
    assert counts(db_url) == before


def test_an_analyst_changes_its_organisation_only(store, make_survey_csv):
    e = store["engine"]
    created = services.import_assessment(_survey(make_survey_csv, "a3.csv", 7), "A", "2025-12-01", user=ANALYST_A, engine=e)
    assert created.created
    assert services.get_assessment("A", created.assessment_id, engine=e).imported_by == "ann@example.com"
    services.set_target("A", "gartner", "vision", 6, 2, user=ANALYST_A, engine=e)
    assert services.delete_target("A", "gartner", "metrics", 12, user=ANALYST_A, engine=e)
    assert services.delete_assessment("A", store["a1"], user=ANALYST_A, engine=e)
    assert services.create_organisation("A", industry="Banking", user=ANALYST_A, engine=e).industry == "Banking"
    assert services.rescore("A", user=ANALYST_A, engine=e)["rescored"]
    for refused_call, message in (
        (lambda: services.delete_organisation("A", user=ANALYST_A, engine=e), ADMIN_ONLY),
        (lambda: services.rescore(user=ANALYST_A, engine=e), ADMIN_ONLY),
        # a new organisation is not one of theirs: only an administrator creates organisations
        (lambda: services.create_organisation("Brand new", user=ANALYST_A, engine=e), NO_ACCESS),
        (lambda: services.import_assessment(_survey(make_survey_csv, "n.csv", 8), "Brand new", "2025-12-01", user=ANALYST_A, engine=e), NO_ACCESS),
        (lambda: services.set_target("B", "gartner", "vision", 6, 2, user=ANALYST_A, engine=e), NO_ACCESS),
    ):
        with pytest.raises(AccessDenied) as refused:
            refused_call()
        assert str(refused.value) == message
    assert services.get_organisation("Brand new", engine=e) is None
    assert [t.level for t in services.list_targets("B", engine=e)] == [4]


def test_an_admin_does_everything(store, make_survey_csv):
    e = store["engine"]
    for org, assessment_id in (("A", store["a2"]), ("B", store["b1"])):
        for _name, call in _reads(store, org, assessment_id):
            call(ADMIN)
    created = services.import_assessment(_survey(make_survey_csv, "c.csv", 9), "C", "2025-12-01", user=ADMIN, engine=e)
    assert created.created
    assert services.delete_assessment("B", store["b1"], user=ADMIN, engine=e)
    assert services.rescore(user=ADMIN, engine=e)["rescored"]
    assert services.delete_organisation("C", user=ADMIN, engine=e)


def test_accounts_from_the_database_are_enforced(store):
    e = store["engine"]
    services.add_user("vic@example.com", "viewer", ["A"], "a long password", engine=e)
    signed_in = services.authenticate("vic@example.com", "a long password", engine=e).user
    assert signed_in == VIEWER_A
    assert [o.name for o in services.list_organisations(user=signed_in, engine=e)] == ["A"]
    with pytest.raises(AccessDenied):
        services.history("B", user=signed_in, engine=e)
    with pytest.raises(AccessDenied):
        services.set_target("A", "gartner", "vision", 6, 2, user=signed_in, engine=e)


# --- peers -----------------------------------------------------------------------------------


def _add_peers(engine, make_survey_csv, count: int, industry: str = "Banking", start: int = 0) -> None:
    for i in range(start, start + count):
        region = "Europe" if i % 2 == 0 else "Asia-Pacific"
        services.import_assessment(
            _survey(make_survey_csv, f"peer{i}.csv", 100 + i),
            f"Peer {i} Holding",
            "2025-06-01",
            org_attributes={"industry": industry, "size_band": "5,000+", "region": region},
            engine=engine,
        )


def test_peer_rows_are_anonymous_and_need_five_organisations(store, make_survey_csv):
    e = store["engine"]
    # A's peers: B only, then B + 3 more: still fewer than five, so nothing
    assert services.peer_competency_scores("gartner", exclude_org="A", user=VIEWER_A, engine=e) == []
    _add_peers(e, make_survey_csv, 3)
    assert services.peer_competency_scores("gartner", exclude_org="A", user=VIEWER_A, engine=e) == []
    assert services.peer_filter_options("gartner", exclude_org="A", user=VIEWER_A, engine=e) == {"industry": [], "size": [], "region": []}
    _add_peers(e, make_survey_csv, 2, start=3)
    rows = services.peer_competency_scores("gartner", exclude_org="A", user=VIEWER_A, engine=e)
    assert len(rows) == 6  # B and five peers
    for row in rows:
        assert set(row) == COMPETENCIES
        assert all(v is None or isinstance(v, float) for v in row.values())  # scores only: no name, no id
    assert len(services.peer_competency_scores("gartner", exclude_org="A", industry="Banking", user=VIEWER_A, engine=e)) == 5
    # a filter down to three organisations (Europe: peers 0, 2, 4) gives nothing
    assert services.peer_competency_scores("gartner", exclude_org="A", region="Europe", user=VIEWER_A, engine=e) == []
    options = services.peer_filter_options("gartner", exclude_org="A", user=VIEWER_A, engine=e)
    assert options == {"industry": ["Banking"], "size": ["5,000+"], "region": []}
    names = {o.name for o in services.list_organisations(engine=e)}
    assert not names & {v for values in options.values() for v in values}
    # open to any signed-in user, without naming an organisation of their own
    assert len(services.peer_competency_scores("gartner", user=User("n@example.com", "viewer", frozenset()), engine=e)) == 7


# --- audit -----------------------------------------------------------------------------------


def test_changes_are_audited_with_who_and_which_organisation(store, make_survey_csv):
    e = store["engine"]
    start = max(x.id for x in services.list_audit(engine=e))
    created = services.import_assessment(
        _survey(make_survey_csv, "a3.csv", 7), "A", "2025-12-01", source_file="a3.csv", user=ANALYST_A, engine=e
    )
    services.import_assessment(_survey(make_survey_csv, "a3.csv", 7), "A", "2025-12-01", user=ANALYST_A, engine=e)  # same file: nothing
    services.set_target("A", "gartner", "vision", 6, 2, user=ANALYST_A, engine=e)
    services.delete_target("A", "gartner", "vision", 6, user=ANALYST_A, engine=e)
    services.delete_assessment("A", created.assessment_id, user=ANALYST_A, engine=e)
    services.delete_assessment("A", created.assessment_id, user=ANALYST_A, engine=e)  # gone already: nothing
    services.delete_organisation("B", user=ADMIN, engine=e)
    broken = _survey(make_survey_csv, "broken.csv", 5)
    broken.answers.iloc[0, 0] = 99
    with pytest.raises(SurveyValidationError):
        services.import_assessment(broken, "A", "2025-12-02", user=ANALYST_A, engine=e)
    with pytest.raises(AccessDenied):
        services.list_audit(ANALYST_A, engine=e)
    with pytest.raises(AccessDenied):
        services.list_audit(VIEWER_A, engine=e)
    entries = [x for x in reversed(services.list_audit(ADMIN, engine=e)) if x.id > start]
    assert [(x.actor, x.action, x.organisation) for x in entries] == [
        ("ann@example.com", "import", "A"),
        ("ann@example.com", "set_target", "A"),
        ("ann@example.com", "delete_target", "A"),
        ("ann@example.com", "delete_assessment", "A"),
        ("root@example.com", "delete_organisation", "B"),
    ]
    assert f"assessment #{created.assessment_id}" in entries[0].detail and "a3.csv" in entries[0].detail
    assert f"assessment #{created.assessment_id}" in entries[3].detail
    # local mode is audited too, as "local"
    assert {x.actor for x in services.list_audit(engine=e) if x.id <= start} == {"local"}


def test_data_version_is_opaque(store):
    version = services.data_version(engine=store["engine"])
    assert "|" not in version and len(version) == 20
