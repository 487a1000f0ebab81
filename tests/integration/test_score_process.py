"""``cxmaturity score`` as a shell runs it: the process ends without the interpreter's teardown
(cli.run), so what it prints must be whole and its exit status right."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from cxmaturity.models import get_model


def _survey(tmp_path, departments: int, per_department: int) -> tuple:
    model = get_model("forrester")
    lines = [",".join(["respondent_id", "department", *model.item_ids])]
    # by hand: respondent r answers (r mod 5) + 1 to every item, so with 5 per department each
    # department's overall score is (1+2+3+4+5)/5 = 3
    for r in range(departments * per_department):
        lines.append(",".join([f"r{r}", f"Dept {r // per_department}", *[str(r % 5 + 1)] * model.item_count]))
    path = tmp_path / "survey.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, model


# stdout buffered, as in a shell (some sandboxes set PYTHONUNBUFFERED, which would hide a lost buffer)
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _score(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cxmaturity", "score", *args],
        cwd=cwd, env=BUFFERED, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )


def test_the_whole_json_reaches_a_pipe(tmp_path, run_cli):
    path, model = _survey(tmp_path, departments=400, per_department=5)
    result = _score(str(path), "--model", "forrester", "--group-by", "department", "--json", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.endswith("}\n")  # to the last byte: the end sits in the buffer until flushed
    scored = json.loads(result.stdout)  # the output of 400 groups, some 100 kB, is all there
    assert scored["respondents"] == 2000 and len(scored["groups"]) == 400
    assert {g["overall"]["score"] for g in scored["groups"]} == {3.0}
    assert scored == json.loads(run_cli("score", str(path), "--model", "forrester", "--group-by", "department", "--json").stdout)


def test_a_bad_file_exits_2_with_its_problem_and_no_traceback(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("respondent_id,research_qualitative_feedback\nr1,9\n", encoding="utf-8")
    result = _score(str(path), "--model", "forrester", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr and "bad.csv: row 2" in result.stderr


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    path, _ = _survey(tmp_path, departments=3000, per_department=1)
    shell = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m cxmaturity score "{path}" --group-by department --json | head -c 10;'
         ' echo " ${PIPESTATUS[0]}"'],
        cwd=tmp_path, env=BUFFERED, capture_output=True, text=True, timeout=120,
    )
    assert shell.stdout == '{\n  "model 0\n' and "Traceback" not in shell.stderr
