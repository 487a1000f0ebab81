"""Delete into the trash, restore, rename, purge and remove the sample data (issue 9).

Expected values come from what was stored before the delete, read back through the services
and, for the counts, by direct SQL on the tables.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import text

from cxmaturity import errors, services
from cxmaturity.access import READ_ONLY, AccessDenied, User
from cxmaturity.services import demo
from cxmaturity.survey import read_survey

ADMIN = User("root@example.com", "admin")
ANALYST_A = User("ann@example.com", "analyst", frozenset({"A"}))
VIEWER_A = User("vic@example.com", "viewer", frozenset({"A"}))


def _survey(make_survey_csv, name: str, seed: int = 0, shift: float = 0.0):
    return read_survey(make_survey_csv(name, seed=seed, shift=shift), filename=name)


def _snapshot(org: str, engine) -> tuple:
    """Everything an organisation shows, for before/after comparisons (no timestamps)."""
    history = [h.to_dict() for h in services.history(org, engine=engine)]
    scores, answers = {}, {}
    for a in services.list_assessments(org, engine=engine):
        s = services.get_scores(org, a.id, engine=engine)
        s.pop("scored_at")
        scores[a.id] = s
        frame, people = services.get_assessment_answers(org, a.id, engine=engine)
        answers[a.id] = (frame.to_json(), people.to_json())
    targets = [(t.model, t.competency, t.horizon_months, t.level) for t in services.list_targets(org, engine=engine)]
    return history, scores, answers, targets


@pytest.fixture
def two_orgs(engine, make_survey_csv):
    a1 = services.import_assessment(_survey(make_survey_csv, "a1.csv", 1), "A", "2025-01-15", engine=engine).assessment_id
    a2 = services.import_assessment(_survey(make_survey_csv, "a2.csv", 2, 0.8), "A", "2025-07-15", engine=engine).assessment_id
    a3 = services.import_assessment(_survey(make_survey_csv, "a3.csv", 3), "A", "2026-01-15", engine=engine).assessment_id
    b1 = services.import_assessment(_survey(make_survey_csv, "b1.csv", 4), "B", "2025-03-15", engine=engine).assessment_id
    services.set_target("A", "gartner", "metrics", 12, 3, engine=engine)
    return {"a": [a1, a2, a3], "b1": b1}


def test_delete_then_restore_gives_back_the_same_scores_and_history(engine, two_orgs, counts, db_url):
    before = _snapshot("A", engine)
    rows_before = counts(db_url)
    a2 = two_orgs["a"][1]

    assert services.delete_assessment("A", a2, engine=engine)
    assert [h.id for h in services.history("A", engine=engine)] == [two_orgs["a"][0], two_orgs["a"][2]]
    with pytest.raises(errors.UnknownAssessment):
        services.get_scores("A", a2, engine=engine)
    # nothing left the tables: it is in the trash, not gone
    assert counts(db_url)["respondents"] == rows_before["respondents"]
    assert [(i.kind, i.id, i.organisation) for i in services.list_trash(engine=engine)] == [("assessment", a2, "A")]

    assert services.restore_assessment(a2, engine=engine) == "A"
    assert _snapshot("A", engine) == before
    assert services.list_trash(engine=engine) == []


def test_comparison_skips_a_trashed_wave_at_once(engine, two_orgs):
    a1, a2, a3 = two_orgs["a"]
    assert (services.comparison("A", "gartner", engine=engine).from_id, services.comparison("A", "gartner", engine=engine).to_id) == (a2, a3)
    services.delete_assessment("A", a2, engine=engine)
    result = services.comparison("A", "gartner", engine=engine)
    assert (result.from_id, result.to_id) == (a1, a3)


def test_peer_figures_ignore_trashed_organisations_and_assessments(engine, make_survey_csv):
    for i in range(6):
        services.import_assessment(_survey(make_survey_csv, f"p{i}.csv", 10 + i), f"Peer {i}", "2025-05-15", engine=engine)
    own = services.import_assessment(_survey(make_survey_csv, "own.csv", 99), "Own", "2025-05-15", engine=engine)
    assert len(services.peer_competency_scores("gartner", exclude_org="Own", engine=engine)) == 6
    services.delete_organisation("Peer 0", engine=engine)
    # 5 peers left: still enough to show
    assert len(services.peer_competency_scores("gartner", exclude_org="Own", engine=engine)) == 5
    peer1 = services.list_assessments("Peer 1", engine=engine)[0].id
    services.delete_assessment("Peer 1", peer1, engine=engine)
    # 4 peers: below the anonymity threshold, so nothing is shown
    assert services.peer_competency_scores("gartner", exclude_org="Own", engine=engine) == []
    services.restore_assessment(peer1, engine=engine)
    assert len(services.peer_competency_scores("gartner", exclude_org="Own", engine=engine)) == 5
    assert own.created


def test_an_organisation_deleted_and_restored_comes_back_whole(engine, two_orgs):
    before = _snapshot("A", engine)
    assert services.delete_organisation("A", engine=engine)
    assert [o.name for o in services.list_organisations(engine=engine)] == ["B"]
    with pytest.raises(errors.UnknownOrganisation):
        services.history("A", engine=engine)
    # its name is not silently reused by an import while it is in the trash
    trash = services.list_trash(engine=engine)
    assert [(i.kind, i.organisation) for i in trash] == [("organisation", "A")]
    services.restore_organisation("A", engine=engine)
    assert _snapshot("A", engine) == before


def test_importing_into_a_trashed_organisation_name_or_a_trashed_file_is_refused(engine, two_orgs, make_survey_csv):
    services.delete_organisation("A", engine=engine)
    with pytest.raises(errors.InvalidInput, match="'A' is in the trash"):
        services.import_assessment(_survey(make_survey_csv, "new.csv", 50), "A", "2026-02-01", engine=engine)
    services.restore_organisation("A", engine=engine)
    a1 = two_orgs["a"][0]
    services.delete_assessment("A", a1, engine=engine)
    with pytest.raises(errors.InvalidInput, match=f"in the trash as assessment #{a1}"):
        services.import_assessment(_survey(make_survey_csv, "a1.csv", 1), "A", "2025-01-15", engine=engine)


def test_targets_go_to_the_trash_and_come_back(engine, two_orgs):
    assert services.delete_target("A", "gartner", "metrics", 12, engine=engine)
    assert services.list_targets("A", engine=engine) == []
    (item,) = services.list_trash(engine=engine)
    assert item.kind == "target" and "metrics" in item.description
    services.restore_target(item.id, engine=engine)
    assert [(t.competency, t.horizon_months, t.level) for t in services.list_targets("A", engine=engine)] == [("metrics", 12, 3)]


def test_rename_keeps_history_and_access(engine, two_orgs):
    before = _snapshot("A", engine)
    services.add_user("ann@example.com", "analyst", ["A"], "a good password", engine=engine)
    services.rename_organisation("A", "Acme Bank", engine=engine)
    assert _snapshot("Acme Bank", engine)[1:] == before[1:]
    assert [h.id for h in services.history("Acme Bank", engine=engine)] == [h["id"] for h in before[0]]
    # the account follows the organisation (it is linked by id, not by name)
    assert services.get_user("ann@example.com", engine=engine).organisations == frozenset({"Acme Bank"})
    with pytest.raises(errors.InvalidInput, match="exists already"):
        services.rename_organisation("Acme Bank", "B", engine=engine)


def test_who_may_delete_restore_and_rename(engine, two_orgs):
    a1 = two_orgs["a"][0]
    # a viewer changes nothing; an analyst deletes in their own organisation only
    with pytest.raises(AccessDenied, match=READ_ONLY):
        services.delete_assessment("A", a1, user=VIEWER_A, engine=engine)
    with pytest.raises(AccessDenied):
        services.delete_assessment("B", two_orgs["b1"], user=ANALYST_A, engine=engine)
    with pytest.raises(errors.UnknownAssessment) as other:
        services.delete_assessment_by_id(two_orgs["b1"], user=ANALYST_A, engine=engine)
    with pytest.raises(errors.UnknownAssessment) as missing:
        services.delete_assessment_by_id(99999, user=ANALYST_A, engine=engine)
    assert str(other.value).replace(str(two_orgs["b1"]), "N") == str(missing.value).replace("99999", "N")
    assert services.delete_assessment("A", a1, user=ANALYST_A, engine=engine)
    # restoring, deleting organisations, renaming and purging are for administrators
    for call in (
        lambda u: services.restore_assessment(a1, user=u, engine=engine),
        lambda u: services.delete_organisation("A", user=u, engine=engine),
        lambda u: services.rename_organisation("A", "A2", user=u, engine=engine),
        lambda u: services.list_trash(user=u, engine=engine),
        lambda u: services.purge(user=u, engine=engine),
        lambda u: services.remove_demo(user=u, engine=engine),
    ):
        for user in (VIEWER_A, ANALYST_A):
            with pytest.raises(AccessDenied):
                call(user)
    assert services.restore_assessment(a1, user=ADMIN, engine=engine) == "A"
    actions = [e.action for e in services.list_audit(engine=engine)][:2]
    assert actions == ["restore_assessment", "delete_assessment"]


def test_purge_on_demand_and_after_the_trash_period(engine, two_orgs, db_url, counts):
    a1, a2, _ = two_orgs["a"]
    services.delete_assessment("A", a1, engine=engine)
    services.delete_assessment("A", a2, engine=engine)
    # a1 was deleted 31 days ago, a2 10 days ago
    with engine.begin() as conn:
        for aid, days in ((a1, 31), (a2, 10)):
            when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
            conn.execute(text("UPDATE assessments SET deleted_at = :t WHERE id = :id"), {"t": when, "id": aid})
    respondents = counts(db_url)["respondents"]
    # listing the trash purges what is older than the trash period first
    assert [i.id for i in services.list_trash(engine=engine)] == [a2]
    assert counts(db_url)["respondents"] == respondents - 40
    assert services.purge(older_than_days=11, engine=engine)["assessments"] == []
    assert services.purge(older_than_days=9, engine=engine)["assessments"] == [a2]
    assert counts(db_url)["respondents"] == respondents - 80
    with pytest.raises(errors.UnknownAssessment):
        services.restore_assessment(a2, engine=engine)


def test_removing_the_sample_data_is_one_restorable_step(db_url, engine):
    assert demo.load_demo(db_url)
    demo_names = {o.name for o in services.list_organisations(engine=engine) if o.is_demo}
    assert len(demo_names) == 15
    removed = services.remove_demo(engine=engine)
    assert set(removed) == demo_names
    assert services.list_organisations(engine=engine) == []
    # never loaded again by itself, even on an empty installation
    assert not demo.ensure_demo_if_empty(db_url)
    services.restore_organisation(demo.DEMO_ORG, engine=engine)
    assert [o.name for o in services.list_organisations(engine=engine)] == [demo.DEMO_ORG]
    assert len(services.history(demo.DEMO_ORG, "gartner", engine=engine)) == 3


def test_cli_delete_restore_trash_purge_rename(run_cli, engine, two_orgs):
    a1 = two_orgs["a"][0]
    deleted = run_cli("delete", "--assessment", str(a1))
    assert deleted.returncode == 0, deleted.stderr
    listed = json.loads(run_cli("trash", "--json").stdout)
    assert [(i["kind"], i["id"], i["organisation"]) for i in listed] == [("assessment", a1, "A")]
    assert dt.datetime.fromisoformat(listed[0]["purge_after"]) - dt.datetime.fromisoformat(listed[0]["deleted_at"]) == dt.timedelta(days=30)
    assert run_cli("restore", "--assessment", str(a1)).returncode == 0
    assert [h.id for h in services.history("A", engine=engine)][0] == a1

    # something that does not exist: one clear line, exit 2
    for args, line in (
        (("delete", "--assessment", "9999"), "there is no assessment #9999 you can change"),
        (("restore", "--assessment", str(a1)), f"there is no assessment #{a1} you can change"),
        (("delete", "--org", "Nobody"), "there is no organisation called 'Nobody' you can change"),
        (("restore", "--org", "Nobody"), "there is no organisation called 'Nobody' you can change"),
        (("org", "rename", "Nobody", "X"), "there is no organisation called 'Nobody' you can change"),
    ):
        result = run_cli(*args)
        assert (result.returncode, result.stderr.strip()) == (2, line), args

    assert run_cli("org", "rename", "B", "Beta Ltd").returncode == 0
    assert run_cli("delete", "--org", "Beta Ltd").returncode == 0
    assert run_cli("purge", "--older-than", "5").stdout.startswith("Purged for good: 0 organisation(s)")
    assert json.loads(run_cli("purge", "--json").stdout)["organisations"] == ["Beta Ltd"]
    assert run_cli("trash").stdout.strip() == "The trash is empty."


# --- crash safety and concurrency ----------------------------------------------------------------

_FLIP = """
import sys
from cxmaturity import services
org, aid = sys.argv[1], int(sys.argv[2])
print("ready", flush=True)
while True:
    services.delete_assessment(org, aid)
    services.restore_assessment(aid)
"""


def test_a_delete_or_restore_killed_at_any_moment_leaves_the_data_whole(db_url, engine, two_orgs, counts, helpers, tmp_path):
    a2 = two_orgs["a"][1]
    whole = _snapshot("A", engine)
    rows = counts(db_url)
    rng = random.Random(9)
    for _ in range(2):
        proc = subprocess.Popen(
            [sys.executable, "-c", _FLIP, "A", str(a2)], env=helpers.cli_env(db_url), cwd=tmp_path,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        # either in the trash or in place, never in between; nothing lost either way
        assert counts(db_url)["respondents"] == rows["respondents"]
        assert counts(db_url)["assessment_scores"] == rows["assessment_scores"]
        if any(i.id == a2 for i in services.list_trash(engine=engine)):
            services.restore_assessment(a2, engine=engine)
        assert _snapshot("A", engine)[1:3] == whole[1:3]


def test_deleting_and_uploading_at_once_never_corrupt_a_history(engine, two_orgs, make_survey_csv):
    a2 = two_orgs["a"][1]
    surveys = [_survey(make_survey_csv, f"c{i}.csv", 200 + i) for i in range(6)]
    failures: list[BaseException] = []

    def flip():
        try:
            for _ in range(6):
                services.delete_assessment("A", a2, engine=engine)
                services.restore_assessment(a2, engine=engine)
        except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
            failures.append(exc)

    def upload():
        try:
            for i, survey in enumerate(surveys):
                services.import_assessment(survey, "A", dt.date(2026, 2, 1 + i), engine=engine)
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    threads = [threading.Thread(target=flip), threading.Thread(target=upload)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert failures == []
    history = services.history("A", engine=engine)
    assert len(history) == 3 + 6
    assert all(h.overall["score"] is not None and h.respondents == 40 for h in history)


def test_every_kind_in_the_trash_comes_back_through_one_restore(engine, two_orgs):
    """The Manage page restores any trash entry: an initiative or an executive must not be taken for a
    target with the same id (they are numbered apart, so the ids collide)."""
    services.set_target("A", "gartner", "vision", 6, 2, engine=engine)  # a live target, id likely 2
    initiative = services.add_initiative("A", "gartner", "metrics", "Build a CX dashboard", "Ann", "2026-06-30", engine=engine)
    executive = services.add_executive("A", "CEO", engine=engine)
    services.remove_initiative(initiative.id, engine=engine)
    services.remove_executive(executive, engine=engine)
    assert services.delete_target("A", "gartner", "metrics", 12, engine=engine)
    trash = services.list_trash(engine=engine)
    assert sorted(i.kind for i in trash) == ["executive", "initiative", "target"]
    targets_before = sorted((t.competency, t.horizon_months) for t in services.list_targets("A", engine=engine))
    for item in trash:
        services.restore_item(item, engine=engine)
    assert services.list_trash(engine=engine) == []
    assert [i.title for i in services.list_initiatives("A", "gartner", engine=engine)] == ["Build a CX dashboard"]
    assert [e.name for e in services.tracker("A", engine=engine)] == ["CEO"]
    assert sorted((t.competency, t.horizon_months) for t in services.list_targets("A", engine=engine)) == sorted(
        [*targets_before, ("metrics", 12)]
    )
