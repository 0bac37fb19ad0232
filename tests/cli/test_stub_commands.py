"""`familycard stub ...`: serving the stub in a real process, and driving a running one.

`stub serve` runs as a subprocess (always stopped, every wait bounded); the control
commands run through the `cli` fixture against the test session's stub, which they find
from FAMILYCARD_PORTAL (a tenant's URL on it).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_support import CliFn, clerk_env, write_csv

from familycard import Faults

LAUNCH = "from familycard_cli.main import run; run()"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

MARIA = "RSSMRA15C45L304I"
EMAIL = "stub.rossi@example.it"
ROWS = f"child_tax_code;child_name;guardian_email;service\n{MARIA};Maria Rossi;{EMAIL};mensa\n"


@dataclass
class Served:
    """A `familycard stub serve` process."""

    process: subprocess.Popen[str]
    url: str
    stderr_file: Path

    rest: str | None = None

    def stop(self) -> str:
        """Stop it (SIGTERM, then SIGKILL); the rest of its stdout.  Stopping twice is fine."""
        if self.rest is None:
            if self.process.poll() is None:
                self.process.terminate()
            try:
                rest, _ = self.process.communicate(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                rest, _ = self.process.communicate(timeout=STOP_TIMEOUT)
            self.rest = rest or ""
        return self.rest

    @property
    def stderr(self) -> str:
        return self.stderr_file.read_text(encoding="utf-8", errors="replace")


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The first line the process prints, waiting at most `timeout` seconds."""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError(f"`stub serve` printed nothing in {timeout:g}s") from None


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start `familycard stub serve --port 0 --db DB`; every process is stopped at the end."""
    started: list[Served] = []

    def start(db: Path) -> Served:
        stderr_file = tmp_path / f"serve-{len(started)}.err"
        with stderr_file.open("w", encoding="utf-8") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-c", LAUNCH, "stub", "serve", "--port", "0", "--db", str(db)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env=dict(os.environ),
            )
        served = Served(process, "", stderr_file)
        started.append(served)
        line = _first_line(process, STARTUP_TIMEOUT)
        assert line.endswith("\n"), f"no URL; stderr: {served.stderr}"
        served.url = line.strip()
        return served

    try:
        yield start
    finally:
        for served in started:
            served.stop()


def test_serve_prints_the_url_on_one_line_and_serves_every_tenant(
    serve: Callable[..., Served], tmp_path: Path
) -> None:
    served = serve(tmp_path / "stub.sqlite3")
    assert served.url.startswith("http://127.0.0.1:")
    response = httpx.get(f"{served.url}/tortona/v1/portal", timeout=10)
    assert response.status_code == 200
    assert response.json()["tenant"] == "tortona"
    assert httpx.get(f"{served.url}/jaszbereny/v1/portal", timeout=10).json()["kind"] == "etelka"
    assert served.stop() == ""  # nothing after the URL line
    assert "Traceback" not in served.stderr


def test_a_file_database_keeps_the_data_across_a_restart(
    serve: Callable[..., Served], cli: CliFn, tmp_path: Path
) -> None:
    db = tmp_path / "stub.sqlite3"
    csv_file = write_csv(tmp_path / "families.csv", ROWS)

    def enrol(url: str) -> str:
        env = {**clerk_env(), "FAMILYCARD_PORTAL": f"{url}/tortona"}
        result = cli("clerk", "enroll", str(csv_file), env=env)
        assert result.exit_code == 0, result.stderr
        (row,) = result.json()
        return str(row["status"])

    first = serve(db)
    assert enrol(first.url) == "created"
    first.stop()
    second = serve(db)
    assert enrol(second.url) == "exists"


# Control commands on a running stub -------------------------------------------------------


def test_reset_empties_the_stub_and_frees_clock_and_faults(cli: CliFn, stub: Any) -> None:
    stub.control.set_clock("2026-01-12T08:59:00+01:00")
    stub.control.set_faults(Faults(latency_ms=1, retry_after=3))
    result = cli("stub", "reset")
    assert result.exit_code == 0, result.stderr
    assert result.json() == {"status": "reset", "seed": None}
    assert stub.control.clock().frozen is False
    assert stub.control.faults() == Faults()
    human = cli("stub", "reset", json=False)
    assert human.exit_code == 0
    assert human.stdout == "stub reset\n"


def test_clock_shows_sets_and_advances(cli: CliFn) -> None:
    shown = cli("stub", "clock")
    assert shown.exit_code == 0, shown.stderr
    assert set(shown.json()) == {"now", "frozen"}
    assert shown.json()["frozen"] is False

    instant = datetime.fromisoformat("2026-01-12T08:59:00+01:00")
    frozen = cli("stub", "clock", "--set", "2026-01-12T08:59:00+01:00")
    assert frozen.exit_code == 0, frozen.stderr
    assert frozen.json()["frozen"] is True
    assert datetime.fromisoformat(frozen.json()["now"]) == instant

    advanced = cli("stub", "clock", "--advance", "72h")
    assert advanced.exit_code == 0, advanced.stderr
    assert advanced.json()["frozen"] is True
    assert datetime.fromisoformat(advanced.json()["now"]) == instant + timedelta(hours=72)

    still = cli("stub", "clock")
    assert datetime.fromisoformat(still.json()["now"]) == instant + timedelta(hours=72)
    human = cli("stub", "clock", json=False)
    assert human.exit_code == 0
    assert "(frozen)" in human.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["--advance", "3x"], "invalid_duration", id="advance-3x"),
        pytest.param(["--advance", "soon"], "invalid_duration", id="advance-soon"),
        pytest.param(["--set", "2026-01-12T08:59:00"], "invalid_datetime", id="set-naive"),
    ],
)
def test_clock_refuses_bad_values_with_exit_2(
    cli: CliFn, stub: Any, args: list[str], code: str
) -> None:
    before = stub.control.clock()
    result = cli("stub", "clock", *args)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert json.loads(result.stderr)["error"]["code"] == code
    assert stub.control.clock().frozen == before.frozen


def test_clock_set_and_advance_together_is_invalid(cli: CliFn) -> None:
    result = cli("stub", "clock", "--set", "2026-01-12T08:59:00+01:00", "--advance", "1h")
    assert result.exit_code == 2
    assert result.error()["code"] == "invalid_request"


def test_outbox_lists_the_emails_to_an_address(cli: CliFn, tmp_path: Path) -> None:
    enrolled = cli("clerk", "enroll", str(write_csv(tmp_path / "f.csv", ROWS)), env=clerk_env())
    assert enrolled.exit_code == 0, enrolled.stderr
    registered = cli(
        "auth",
        "register",
        "--tax-code",
        MARIA,
        "--email",
        EMAIL,
        "--username",
        "stub.maria",
        env={"FAMILYCARD_PASSWORD": "Stub-Pass-2468"},
    )
    assert registered.exit_code == 0, registered.stderr

    result = cli("stub", "outbox", "--to", EMAIL)
    assert result.exit_code == 0, result.stderr
    messages = result.json()
    assert isinstance(messages, list) and messages
    for message in messages:
        assert {"to", "subject", "kind", "body", "data"} <= set(message)
        assert message["to"] == EMAIL
        assert message["subject"] and message["body"]
    pins = [m for m in messages if m["kind"] == "pin"]
    assert pins and pins[-1]["data"]["username"] == "stub.maria"
    assert pins[-1]["data"]["pin"]

    last = cli("stub", "outbox", "--to", EMAIL, "--last")
    assert last.json() == messages[-1:]
    nobody = cli("stub", "outbox", "--to", "nobody@example.it")
    assert nobody.exit_code == 0
    assert nobody.json() == []


def test_faults_are_set_consumed_and_cleared(cli: CliFn, stub: Any) -> None:
    result = cli("stub", "faults", "--fail-next", "1", "--retry-after", "1")
    assert result.exit_code == 0, result.stderr
    assert result.json()["fail_next"] == 1
    assert result.json()["retry_after"] == 1
    assert stub.control.faults().fail_next == 1

    # The portal answers 503 once, with Retry-After: 1; the SDK waits and retries.
    info = cli("portal", "info")
    assert info.exit_code == 0, info.stderr
    shown = cli("stub", "faults")
    assert shown.json()["fail_next"] == 0
    assert shown.json()["retry_after"] == 1

    cleared = cli("stub", "faults", "--clear")
    assert cleared.exit_code == 0, cleared.stderr
    assert cleared.json() == Faults().model_dump(mode="json")
    assert stub.control.faults() == Faults()


def test_control_commands_on_a_closed_port_exit_75(cli: CliFn) -> None:
    result = cli("stub", "clock", env={"FAMILYCARD_PORTAL": "http://127.0.0.1:9/tortona"})
    assert result.exit_code == 75
    assert result.stdout == ""
    assert result.error()["code"] == "portal_unreachable"
