"""`familycard clerk enroll` under faults: a batch whose answer is lost for good is `unknown`.

The stub commits the first batch, then loses its answer and the replayed answers to
every retry (`drop_next` = the attempts of one batch): the portal holds the batch, the
CLI cannot know it.  Its rows are `unknown` (never `failed`), with the batch's key;
running the same file again settles them: `exists` for each row the portal holds.
"""

from __future__ import annotations

from pathlib import Path

from cli_support import CliFn, clerk_env
from enroll_support import enrolments, families, report, statuses, write_table

from familycard import Faults
from familycard import _constants as C

#: Every attempt the CLI makes for one batch (its default retry policy).
ATTEMPTS = C.MAX_RETRIES + 1


def enrol(cli: CliFn, path: Path, report_path: Path, *, json: bool = True):
    args = ["clerk", "enroll", str(path), "--batch-size", "25", "--concurrency", "1"]
    return cli(*args, "--report", str(report_path), env=clerk_env(), json=json)


def test_a_committed_batch_whose_answer_is_lost_is_unknown_and_the_re_run_says_exists(
    cli, stub, tmp_path
):
    path = write_table(tmp_path / "f.csv", families(100))
    stub.control.set_faults(Faults(drop_next=ATTEMPTS))
    first = enrol(cli, path, tmp_path / "first.csv")
    assert stub.control.faults().drop_next == 0  # every attempt of the batch lost its answer
    stub.control.set_faults(Faults())
    assert first.exit_code == 75, first.stderr
    rows = first.json()
    assert statuses(rows) == {"unknown": 25, "failed": 75}
    unknown, not_sent = rows[:25], rows[25:]
    assert {r["status"] for r in unknown} == {"unknown"}
    assert {r["error"]["code"] for r in unknown} == {"outcome_unknown"}
    [batch_key] = {r["error"]["details"]["idempotency_key"] for r in unknown}
    assert batch_key.endswith("-0")  # the run key and the batch's number: retry with it
    assert all(r["error"]["message"].startswith("not sent") for r in not_sent)
    lines = report(tmp_path / "first.csv")
    assert [line["outcome"] for line in lines] == ["unknown"] * 25 + ["failed"] * 75
    assert {line["code"] for line in lines[:25]} == {"outcome_unknown"}
    # The portal holds exactly the rows reported unknown.
    held = {e.key for e in enrolments(stub)}
    assert held == {r["key"] for r in unknown}

    again = enrol(cli, path, tmp_path / "again.csv")
    assert again.exit_code == 0, again.stderr
    settled = again.json()
    assert statuses(settled) == {"exists": 25, "created": 75}
    assert [r["status"] for r in settled[:25]] == ["exists"] * 25
    listed = enrolments(stub)
    assert len(listed) == 100
    assert {e.key for e in listed} == {r["key"] for r in settled}
    # What the two runs say adds up to what the portal holds, each row once.
    created_first = statuses(rows).get("created", 0)
    assert created_first + statuses(settled)["created"] + len(held) == len(listed)


def test_the_summary_counts_unknown_rows_and_says_to_run_the_file_again(cli, stub, tmp_path):
    path = write_table(tmp_path / "f.csv", families(30))
    stub.control.set_faults(Faults(drop_next=ATTEMPTS))
    result = enrol(cli, path, tmp_path / "r.csv", json=False)
    stub.control.set_faults(Faults())
    assert result.exit_code == 75, result.stderr
    assert "unknown\t25" in result.stdout
    assert "failed\t5" in result.stdout
    assert "25 rows are 'unknown'" in result.stderr
    assert "Run the same file again" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert len(enrolments(stub)) == 25
