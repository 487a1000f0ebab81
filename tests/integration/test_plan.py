"""The action plan and the executive-commitment tracker (issue 11): targets with defaults,
initiatives with owners and due dates, the CLI contract, access and personal data."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cxmaturity import errors, services
from cxmaturity.access import READ_ONLY, AccessDenied, User
from tests.surveys import all_threes as _all_threes

ADMIN = User("root@example.com", "admin")
ANALYST_A = User("ann@example.com", "analyst", frozenset({"A"}))
VIEWER_A = User("vic@example.com", "viewer", frozenset({"A"}))
ANALYST_B = User("bob@example.com", "analyst", frozenset({"B"}))


@pytest.fixture
def org_a(engine, tmp_path):
    services.import_assessment(_all_threes(tmp_path), "A", "2026-01-15", engine=engine)
    services.create_organisation("B", engine=engine)
    return engine


def test_targets_default_one_level_up_and_a_met_target_is_flagged(org_a):
    services.set_target("A", "gartner", "metrics", 12, 3, engine=org_a)  # already reached
    services.set_target("A", "gartner", "vision", 24, 5, engine=org_a)
    plan = services.plan("A", "gartner", engine=org_a)
    by = {(t.competency, t.horizon_months): t for t in plan.targets}
    assert len(plan.targets) == 7 * 3  # every competency at 6, 12 and 24 months
    assert (by["strategy", 6].level, by["strategy", 6].is_default, by["strategy", 6].current_level) == (4, True, 3)
    assert (by["metrics", 12].level, by["metrics", 12].is_default, by["metrics", 12].met) == (3, False, True)
    assert (by["vision", 24].level, by["vision", 24].met) == (5, False)
    assert plan.assessed_on == dt.date(2026, 1, 15)


def test_initiatives_add_update_overdue_and_remove(org_a):
    first = services.add_initiative("A", "gartner", "metrics", "Monthly NPS review", "Head of CX", "2026-03-01", engine=org_a)
    second = services.add_initiative("A", "gartner", "metrics", "Journey maps", "COO", dt.date(2027, 1, 1), engine=org_a)
    plan = services.plan("A", "gartner", today=dt.date(2026, 6, 1), engine=org_a)
    assert [i.id for i in plan.initiatives] == [first.id, second.id]  # by due date
    assert plan.overdue(plan.initiatives[0]) and not plan.overdue(plan.initiatives[1])
    done = services.update_initiative(first.id, status="done", engine=org_a)
    assert done.status == "done" and done.completed_on == dt.date.today()
    plan = services.plan("A", "gartner", today=dt.date(2026, 6, 1), engine=org_a)
    assert not plan.overdue(plan.initiatives[0])  # done is never overdue
    assert [i.id for i in plan.open_for("metrics")] == [second.id]
    services.remove_initiative(second.id, engine=org_a)
    assert [i.id for i in services.list_initiatives("A", engine=org_a)] == [first.id]
    assert [(i.kind, i.id) for i in services.list_trash(engine=org_a)] == [("initiative", second.id)]
    services.restore_initiative(second.id, engine=org_a)
    assert len(services.list_initiatives("A", engine=org_a)) == 2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: services.add_initiative("A", "gartner", "nope", "t", "o", "2026-01-01", engine=e), "'nope' is not a competency"),
        (lambda e: services.add_initiative("A", "gartner", "metrics", " ", "o", "2026-01-01", engine=e), "the title must not be empty"),
        (lambda e: services.add_initiative("A", "gartner", "metrics", "t", "o", "01/02/2026", engine=e), "not a date in the form YYYY-MM-DD"),
        (lambda e: services.add_initiative("A", "gartner", "metrics", "t", "o", "2026-01-01", "finished", engine=e), "status must be one of"),
        (lambda e: services.update_initiative(999, status="done", engine=e), "there is no initiative #999 you can change"),
    ],
)
def test_bad_input_is_one_clear_message(org_a, call, message):
    with pytest.raises(errors.InvalidInput, match=message):
        call(org_a)


def test_viewers_read_the_plan_and_other_organisations_see_nothing(org_a):
    item = services.add_initiative("A", "gartner", "metrics", "Review", "CX lead", "2026-05-01", engine=org_a)
    assert [i.title for i in services.list_initiatives("A", user=VIEWER_A, engine=org_a)] == ["Review"]
    with pytest.raises(AccessDenied, match=READ_ONLY):
        services.add_initiative("A", "gartner", "metrics", "x", "y", "2026-05-01", user=VIEWER_A, engine=org_a)
    with pytest.raises(errors.InvalidInput, match=f"there is no initiative #{item.id} you can change"):
        services.update_initiative(item.id, status="done", user=VIEWER_A, engine=org_a)
    with pytest.raises(errors.InvalidInput, match=f"there is no initiative #{item.id} you can change"):
        services.update_initiative(item.id, status="done", user=ANALYST_B, engine=org_a)
    for call in (lambda u: services.plan("A", "gartner", user=u, engine=org_a), lambda u: services.list_initiatives("A", user=u, engine=org_a)):
        with pytest.raises(AccessDenied):
            call(ANALYST_B)
    assert services.update_initiative(item.id, owner="COO", user=ANALYST_A, engine=org_a).owner == "COO"


def test_cli_plan_contract(run_cli, org_a):
    added = run_cli(
        "plan", "add", "--org", "A", "--model", "gartner", "--competency", "metrics", "--title", "NPS loop",
        "--owner", "Head of CX", "--due", "2026-04-30", "--json",
    )
    assert added.returncode == 0, added.stderr
    new = json.loads(added.stdout)
    assert (new["title"], new["owner"], new["due"], new["status"]) == ("NPS loop", "Head of CX", "2026-04-30", "planned")
    updated = json.loads(run_cli("plan", "update", str(new["id"]), "--status", "in_progress", "--due", "2026-05-31", "--json").stdout)
    assert (updated["status"], updated["due"]) == ("in_progress", "2026-05-31")
    shown = json.loads(run_cli("plan", "show", "--org", "A", "--model", "gartner", "--json").stdout)
    assert [i["id"] for i in shown["initiatives"]] == [new["id"]] and len(shown["targets"]) == 21
    assert run_cli("plan", "remove", str(new["id"])).returncode == 0
    for args, line in (
        (("plan", "add", "--org", "A", "--model", "gartner", "--competency", "x", "--title", "t", "--owner", "o", "--due", "2026-01-01"),
         "'x' is not a competency of the Gartner CX management maturity model"),
        (("plan", "add", "--org", "A", "--model", "gartner", "--competency", "metrics", "--title", "t", "--owner", "o", "--due", "2026-02-30"),
         "--due: '2026-02-30' is not a date in the form YYYY-MM-DD"),
        (("plan", "show", "--org", "Nobody", "--model", "gartner"), "unknown organisation 'Nobody'"),
        (("plan", "update", str(new["id"]), "--status", "done"), f"there is no initiative #{new['id']} you can change"),
    ):
        result = run_cli(*args)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
        assert result.stderr.strip().startswith(line), (args, result.stderr)


# --- executive commitment ----------------------------------------------------------------------


def test_commitment_tracker_movement_and_distribution(org_a):
    ceo = services.add_executive("A", "Chief Executive", engine=org_a)
    cfo = services.add_executive("A", "Chief Financial Officer", engine=org_a)
    services.rate_executive(ceo, "2025-06-01", 2, engine=org_a)
    services.rate_executive(cfo, "2025-06-01", 2, engine=org_a)
    services.rate_executive(ceo, "2026-01-10", 4, engine=org_a)
    services.rate_executive(cfo, "2026-01-10", 2, engine=org_a)
    services.rate_executive(cfo, "2026-01-10", 3, engine=org_a)  # the same review again: replaced
    tracks = {t.name: t for t in services.tracker("A", engine=org_a)}
    assert (tracks["Chief Executive"].latest, tracks["Chief Executive"].movement) == (4, 2)
    assert (tracks["Chief Financial Officer"].latest, tracks["Chief Financial Officer"].movement) == (3, 1)
    dist = services.distribution("A", engine=org_a)
    assert dist.reviews == [dt.date(2025, 6, 1), dt.date(2026, 1, 10)]
    assert dist.counts[dt.date(2025, 6, 1)] == {2: 2} and dist.counts[dt.date(2026, 1, 10)] == {4: 1, 3: 1}
    assert dist.levels == 5


def test_executives_names_are_for_analysts_only_and_never_audited(org_a):
    ceo = services.add_executive("A", "Jane Doe, CEO", user=ANALYST_A, engine=org_a)
    services.rate_executive(ceo, "2026-01-10", 3, user=ANALYST_A, engine=org_a)
    with pytest.raises(AccessDenied):
        services.tracker("A", user=VIEWER_A, engine=org_a)  # names: not for viewers
    assert services.distribution("A", user=VIEWER_A, engine=org_a).counts == {dt.date(2026, 1, 10): {3: 1}}
    with pytest.raises(AccessDenied):
        services.distribution("A", user=ANALYST_B, engine=org_a)
    with pytest.raises(errors.InvalidInput, match="level must be 1 to 5"):
        services.rate_executive(ceo, "2026-01-10", 6, engine=org_a)
    entries = services.list_audit(engine=org_a)
    assert entries[0].detail == f"executive #{ceo}: level 3 on 2026-01-10"
    assert all("Jane" not in (e.detail or "") for e in entries)


def test_whoever_removed_an_initiative_may_undo_it_and_nobody_else_but_an_administrator(org_a):
    ann_b = User("ann@example.com", "analyst", frozenset({"A", "B"}))
    other = User("oli@example.com", "analyst", frozenset({"A"}))
    first = services.add_initiative("A", "gartner", "metrics", "Review", "COO", "2027-01-01", engine=org_a)
    services.remove_initiative(first.id, user=ann_b, engine=org_a)
    with pytest.raises(AccessDenied):  # another analyst of A: an administrator's job
        services.restore_initiative(first.id, user=other, engine=org_a)
    with pytest.raises(errors.InvalidInput, match="is not in the trash"):  # B's analyst does not learn it exists
        services.restore_initiative(first.id, user=ANALYST_B, engine=org_a)
    assert services.restore_initiative(first.id, user=ann_b, engine=org_a) == "A"
    assert [i.id for i in services.list_initiatives("A", "gartner", engine=org_a)] == [first.id]
