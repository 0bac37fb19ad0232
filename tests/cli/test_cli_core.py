"""The CLI contract of DESIGN.md, through the CLI against the stub over HTTP.

Start-up (no SDK for --help), --version, one JSON error document with --json, a one-line
error without it, the exit codes 0/1/2/3/4/5/75, the portal setting, no prompt without a
TTY, the keyring (missing, hanging, beaten by the environment), secrets never printed,
shell completion.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest
from cli_support import CliFn, Outcome, clerk_env, write_csv
from keyring.backend import KeyringBackend

import familycard
from familycard import Faults
from familycard import _constants as retry_numbers
from familycard_cli.main import COMMANDS, load_command

MARIA = "RSSMRA15C45L304I"
BAD_TAX_CODE = "RSSMRA15C45L304X"  # wrong check character
EMAIL = "core.rossi@example.it"
USERNAME = "core.maria"
PASSWORD = "Core-Secret-Pass-7391"
CLOSED_PORT_PORTAL = "http://127.0.0.1:9/tortona"

#: The longest the SDK's retries may wait in all (backoff with jitter, no Retry-After).
RETRY_BOUND = sum(
    min(retry_numbers.MAX_RETRY_DELAY, retry_numbers.INITIAL_RETRY_DELAY * 2**attempt)
    for attempt in range(retry_numbers.MAX_RETRIES)
)

#: What `familycard --help` and `--version` must never import: the SDK and its network.
HEAVY = ("httpx", "pydantic", "keyring", "server_stub", "familycard._client", "fastapi")

#: Runs the console script's function in a fresh interpreter: `python -c LAUNCH ARGS`.
LAUNCH = "from familycard_cli.main import run; run()"


@dataclass
class Account:
    """A registered tortona account (citycard: password and PIN)."""

    username: str
    password: str
    pin: str

    def env(self, **overrides: str) -> dict[str, str]:
        """FAMILYCARD_USERNAME/PASSWORD/PIN of this account."""
        return {
            "FAMILYCARD_USERNAME": self.username,
            "FAMILYCARD_PASSWORD": self.password,
            "FAMILYCARD_PIN": self.pin,
            **overrides,
        }


@pytest.fixture
def account(cli: CliFn, stub: Any, tmp_path: Path) -> Account:
    """A child enrolled by the clerk on tortona, and its parent registered."""
    rows = f"child_tax_code;child_name;guardian_email;service\n{MARIA};Maria Rossi;{EMAIL};mensa\n"
    enrolled = cli("clerk", "enroll", str(write_csv(tmp_path / "f.csv", rows)), env=clerk_env())
    assert enrolled.exit_code == 0, enrolled.stderr
    registered = register(cli, MARIA)
    assert registered.exit_code == 0, registered.stderr
    pin = stub.control.last_email(EMAIL, kind="pin").data["pin"]
    return Account(USERNAME, PASSWORD, pin)


def register(cli: CliFn, tax_code: str, *, username: str = USERNAME, json: bool = True) -> Outcome:
    return cli(
        "auth",
        "register",
        "--tax-code",
        tax_code,
        "--email",
        EMAIL,
        "--username",
        username,
        env={"FAMILYCARD_PASSWORD": PASSWORD},
        json=json,
    )


def login(cli: CliFn, account: Account, **kwargs: Any) -> Outcome:
    env = {"FAMILYCARD_PASSWORD": account.password, "FAMILYCARD_PIN": account.pin}
    return cli("auth", "login", "--username", account.username, env=env, **kwargs)


def assert_json_error(result: Outcome, exit_code: int, code: str) -> dict[str, Any]:
    """Exactly one JSON document `{"error": {"code", "message"}}` on stderr, nothing on stdout."""
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    document = json.loads(result.stderr)  # the whole of stderr: one document
    assert list(document) == ["error"]
    body: dict[str, Any] = document["error"]
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"code", "message", "details"}
    return body


def assert_human_error(result: Outcome, exit_code: int, code: str) -> str:
    """One line `error: MESSAGE [code]` on stderr (and maybe a hint), nothing on stdout."""
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    first, *rest = result.stderr.splitlines()
    assert re.fullmatch(rf"error: .+ \[{re.escape(code)}\]", first), result.stderr
    assert all(line.startswith("hint: ") for line in rest), result.stderr
    return first


def fresh_python(*args: str, env: dict[str, str], input: str | None = None) -> Outcome:
    """`familycard ARGS` in a fresh interpreter, stdin not a TTY, bounded in time."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH, *args],
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


# Start-up -----------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--help"], ["--version"]], ids=["help", "version"])
def test_help_and_version_import_neither_the_sdk_nor_the_stub(argv: list[str]) -> None:
    code = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from familycard_cli.main import app\n"
        f"result = CliRunner().invoke(app, {argv!r})\n"
        "assert result.exit_code == 0, result.output\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith("
        f"{HEAVY!r}) or m.startswith('familycard_cli.commands.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    # Neither the SDK's dependencies nor any command module (they load when they run).
    assert json.loads(done.stdout) == []


def test_help_lists_every_command(cli: CliFn) -> None:
    result = cli("--help", json=False)
    assert result.exit_code == 0
    for name, (_, line) in COMMANDS.items():
        assert re.search(rf"^\W*{re.escape(name)}\s", result.stdout, re.MULTILINE), name
        assert line.split()[0] in result.stdout


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_help_line_of_each_command_is_its_own_first_paragraph(name: str) -> None:
    command = load_command(name)
    first_paragraph = " ".join((command.help or "").split("\n\n")[0].split())
    assert COMMANDS[name][1] == first_paragraph, (
        f"main.COMMANDS[{name!r}] must repeat the first paragraph of the command's help"
    )


def test_version_prints_the_sdk_version(cli: CliFn) -> None:
    result = cli("--version", json=False)
    assert result.exit_code == 0
    assert result.stdout == f"familycard {familycard.__version__}\n"
    assert result.stderr == ""


def test_version_of_the_installed_console_script() -> None:
    result = fresh_python("--version", env=dict(os.environ))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"familycard {familycard.__version__}\n"


# Errors: one function maps each to a message, a JSON document and an exit code -------------


def _invalid_tax_code(cli: CliFn, json: bool, **_: Any) -> Outcome:
    return register(cli, BAD_TAX_CODE, json=json)


def _wrong_password(cli: CliFn, json: bool, account: Account, **_: Any) -> Outcome:
    env = {"FAMILYCARD_PASSWORD": "Not-The-Password-1", "FAMILYCARD_PIN": account.pin}
    return cli("auth", "login", "--username", account.username, env=env, json=json)


def _registered_twice(cli: CliFn, json: bool, account: Account, **_: Any) -> Outcome:
    return register(cli, MARIA, username="core.maria.again", json=json)


def _unknown_tenant(cli: CliFn, json: bool, stub: Any, **_: Any) -> Outcome:
    return cli("portal", "info", env={"FAMILYCARD_PORTAL": f"{stub.url}/nosuch"}, json=json)


def _closed_port(cli: CliFn, json: bool, **_: Any) -> Outcome:
    return cli("portal", "info", env={"FAMILYCARD_PORTAL": CLOSED_PORT_PORTAL}, json=json)


def _failing_portal(cli: CliFn, json: bool, stub: Any, **_: Any) -> Outcome:
    stub.control.set_faults(Faults(fail_next=10))
    return cli("portal", "info", json=json)


def _no_portal(cli: CliFn, json: bool, **_: Any) -> Outcome:
    return cli("portal", "info", env={"FAMILYCARD_PORTAL": None}, json=json)


def _no_password_no_tty(cli: CliFn, json: bool, **_: Any) -> Outcome:
    return cli("auth", "login", "--username", "x", json=json)


def _not_logged_in(cli: CliFn, json: bool, **_: Any) -> Outcome:
    return cli("auth", "whoami", json=json)


def _unknown_shell(cli: CliFn, json: bool, **_: Any) -> Outcome:
    return cli("completion", "nosuch", json=json)


Case = Callable[..., Outcome]

ERRORS = [
    pytest.param(_invalid_tax_code, 2, "invalid_tax_code", id="2-invalid-input"),
    pytest.param(_no_portal, 2, "no_portal", id="2-no-portal"),
    pytest.param(_no_password_no_tty, 2, "missing_secret", id="2-no-prompt-without-tty"),
    pytest.param(_unknown_shell, 2, "invalid_shell", id="2-unknown-shell"),
    pytest.param(_wrong_password, 3, "authentication_failed", id="3-auth"),
    pytest.param(_not_logged_in, 3, "not_logged_in", id="3-not-logged-in"),
    pytest.param(_registered_twice, 4, "already_registered", id="4-rule-refusal"),
    pytest.param(_unknown_tenant, 2, "unknown_portal", id="2-unknown-portal"),
    pytest.param(_closed_port, 75, "portal_unreachable", id="75-closed-port"),
    pytest.param(_failing_portal, 75, "fault_injected", id="75-portal-failing"),
]


@pytest.mark.parametrize(("case", "exit_code", "code"), ERRORS)
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "human"])
def test_every_error_is_one_message_and_its_exit_code(
    request: pytest.FixtureRequest,
    cli: CliFn,
    stub: Any,
    case: Case,
    exit_code: int,
    code: str,
    as_json: bool,
) -> None:
    needs_account = case in (_wrong_password, _registered_twice)
    account = request.getfixturevalue("account") if needs_account else None
    start = time.monotonic()
    result = case(cli, json=as_json, stub=stub, account=account)
    # An unavailable portal is retried within the bounds of the retry policy, then given up.
    assert time.monotonic() - start < RETRY_BOUND + 5
    if as_json:
        assert_json_error(result, exit_code, code)
    else:
        assert_human_error(result, exit_code, code)


def test_the_portal_unavailable_error_says_how_often_it_tried(cli: CliFn) -> None:
    result = cli("portal", "info", env={"FAMILYCARD_PORTAL": CLOSED_PORT_PORTAL})
    body = assert_json_error(result, 75, "portal_unreachable")
    assert body["details"]["attempts"] == 4
    assert "127.0.0.1:9" in body["message"]


def test_a_usage_error_with_json_is_a_json_error_too(cli: CliFn) -> None:
    body = assert_json_error(cli("auth", "login", "--no-such-option"), 2, "invalid_usage")
    assert "--no-such-option" in body["message"]
    assert_json_error(cli("no-such-command"), 2, "invalid_usage")
    assert_json_error(cli("--no-such-global-option", "portal", "info"), 2, "invalid_usage")
    human = cli("auth", "login", "--no-such-option", json=False)
    assert human.exit_code == 2
    assert "No such option" in human.stderr


def test_an_unexpected_error_is_exit_1_without_a_traceback(
    cli: CliFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    from familycard_cli._state import State

    def broken(self: State, **_: Any) -> None:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(State, "client", broken)
    body = assert_json_error(cli("portal", "info"), 1, "unexpected")
    assert "something nobody expected" in body["message"]
    human = cli("portal", "info", json=False)
    assert human.exit_code == 1
    assert human.stderr == "unexpected error: RuntimeError: something nobody expected\n"


def test_a_no_tty_login_fails_at_once_instead_of_prompting(stub: Any) -> None:
    env = {**os.environ, "FAMILYCARD_PORTAL": stub.portal_url("tortona")}
    start = time.monotonic()
    result = fresh_python("--json", "auth", "login", "--username", "x", env=env)
    assert time.monotonic() - start < 30
    assert_json_error(result, 2, "missing_secret")


# The portal setting ---------------------------------------------------------------------


def test_the_portal_flag_beats_the_environment(cli: CliFn, stub: Any) -> None:
    flag = stub.portal_url("sala-baganza")
    result = cli("--portal", flag, "portal", "info", env={"FAMILYCARD_PORTAL": CLOSED_PORT_PORTAL})
    assert result.exit_code == 0, result.stderr
    assert result.json()["tenant"] == "sala-baganza"


def test_the_environment_names_the_portal(cli: CliFn) -> None:
    result = cli("portal", "info")
    assert result.exit_code == 0, result.stderr
    assert result.json()["tenant"] == "tortona"


# The keyring ----------------------------------------------------------------------------


@pytest.fixture
def no_keyring() -> None:
    """No usable keyring backend (the autouse `memory_keyring` restores the real one)."""
    keyring.set_keyring(keyring.backends.fail.Keyring())


def test_without_a_keyring_login_fails_at_once_with_the_environment_hint(
    cli: CliFn, account: Account, no_keyring: None
):
    body = assert_json_error(login(cli, account), 3, "keyring_unavailable")
    assert "FAMILYCARD_USERNAME" in body["message"]
    assert "FAMILYCARD_PASSWORD" in body["message"]
    # Nothing half-done: no username saved in the profile for the next command.
    nobody = assert_json_error(cli("auth", "whoami"), 3, "not_logged_in")
    assert "auth login" in nobody["message"]


def test_without_a_keyring_login_no_save_logs_in_without_storing(
    cli: CliFn, account: Account, no_keyring: None
):
    env = {"FAMILYCARD_PASSWORD": account.password, "FAMILYCARD_PIN": account.pin}
    result = cli("auth", "login", "--username", account.username, "--no-save", env=env)
    assert result.exit_code == 0, result.stderr
    assert result.json()["username"] == account.username
    assert "Traceback" not in result.stderr


def test_without_a_keyring_a_session_command_says_what_to_do(
    cli: CliFn, account: Account, no_keyring: None
) -> None:
    # A username but no password in the environment: the session would be in the keyring.
    env = {"FAMILYCARD_USERNAME": account.username}
    body = assert_json_error(cli("auth", "whoami", env=env), 3, "keyring_unavailable")
    assert "FAMILYCARD_PASSWORD" in body["message"]


def test_without_a_keyring_environment_credentials_are_enough(
    cli: CliFn, account: Account, no_keyring: None
) -> None:
    result = cli("auth", "whoami", env=account.env())
    assert result.exit_code == 0, result.stderr
    assert result.json()["username"] == account.username


class HangingKeyring(KeyringBackend):
    """A keyring that does not answer (a locked desktop keyring over D-Bus)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(30)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(30)


def test_a_hanging_keyring_is_given_up_on_quickly(cli: CliFn) -> None:
    backend = HangingKeyring()
    keyring.set_keyring(backend)
    try:
        start = time.monotonic()
        result = cli(
            "auth",
            "whoami",
            env={"FAMILYCARD_USERNAME": "someone", "FAMILYCARD_KEYRING_TIMEOUT": "0.5"},
        )
        elapsed = time.monotonic() - start
    finally:
        backend.release.set()  # let the abandoned keyring thread end
    body = assert_json_error(result, 3, "keyring_unavailable")
    assert "0.5s" in body["message"]
    assert elapsed < 5


def _keyring_entry(memory_keyring: Any, name: str) -> tuple[str, str]:
    (key,) = [k for k in memory_keyring.items if k[1].endswith(f"|{name}")]
    return key


def test_environment_credentials_beat_the_keyring(
    cli: CliFn, account: Account, memory_keyring: Any
) -> None:
    assert login(cli, account).exit_code == 0
    assert cli("auth", "whoami").exit_code == 0  # the keyring's session works
    # A wrong password in the environment is used, although the keyring's session is valid.
    wrong = cli("auth", "whoami", env=account.env(FAMILYCARD_PASSWORD="Not-The-Password-1"))
    assert_json_error(wrong, 3, "authentication_failed")
    # And right ones are used although the keyring holds garbage.
    memory_keyring.items[_keyring_entry(memory_keyring, "session")] = "garbage-token"
    memory_keyring.items[_keyring_entry(memory_keyring, "password")] = "garbage-password"
    right = cli("auth", "whoami", env=account.env())
    assert right.exit_code == 0, right.stderr
    assert right.json()["username"] == account.username


# Secrets --------------------------------------------------------------------------------

FILE_KEYRING = '''
"""A keyring in a JSON file, so that the test can read what a subprocess stored."""
import json
import os

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1

    def _load(self):
        try:
            with open(os.environ["FAMILYCARD_TEST_KEYRING"], encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def _save(self, data):
        with open(os.environ["FAMILYCARD_TEST_KEYRING"], "w", encoding="utf-8") as f:
            json.dump(data, f)

    def get_password(self, service, username):
        return self._load().get(service + "|" + username)

    def set_password(self, service, username, password):
        data = self._load()
        data[service + "|" + username] = password
        self._save(data)

    def delete_password(self, service, username):
        data = self._load()
        if data.pop(service + "|" + username, None) is None:
            raise PasswordDeleteError(username)
        self._save(data)
'''


def test_secrets_never_appear_in_any_output_even_verbose(
    stub: Any, account: Account, tmp_path: Path
) -> None:
    (tmp_path / "file_keyring.py").write_text(FILE_KEYRING, encoding="utf-8")
    keyring_file = tmp_path / "keyring.json"
    env = {
        **os.environ,
        "FAMILYCARD_PORTAL": stub.portal_url("tortona"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
        "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
        "FAMILYCARD_TEST_KEYRING": str(keyring_file),
        "NO_COLOR": "1",
    }
    secrets_in = f"{account.password}\n{account.pin}\n"
    runs = [
        fresh_python("-v", "auth", "login", "--username", USERNAME, "--password-stdin",
                     env=env, input=secrets_in),
    ]  # fmt: skip
    assert runs[0].exit_code == 0, runs[0].stderr
    stored = json.loads(keyring_file.read_text(encoding="utf-8"))
    (token,) = [v for k, v in stored.items() if k.endswith("|session")]
    runs += [
        fresh_python("-v", "auth", "whoami", env=env),
        fresh_python("-v", "--json", "auth", "whoami", env=env),
        fresh_python("-v", "auth", "login", "--username", USERNAME, "--password-stdin",
                     env=env, input=f"Not-The-Password-1\n{account.pin}\n"),
        fresh_python("-v", "--json", "auth", "whoami",
                     env={**env, **account.env()}),
        fresh_python("-v", "auth", "logout", env=env),
    ]  # fmt: skip
    assert [r.exit_code for r in runs] == [0, 0, 0, 3, 0, 0], [r.stderr for r in runs]
    # -v really logged the requests: the test looks where the secrets could leak.
    assert "HTTP Request: GET" in runs[1].stderr, runs[1].stderr
    for run in runs:
        output = run.stdout + run.stderr
        assert "Traceback" not in output
        for secret in (account.password, account.pin, token):
            assert secret not in output, f"a secret leaked: {output}"


def test_secrets_never_appear_in_the_output_of_the_account_commands(
    cli: CliFn, account: Account, memory_keyring: Any
) -> None:
    results = [login(cli, account, json=False)]
    tokens = [memory_keyring.items[_keyring_entry(memory_keyring, "session")]]
    results.append(login(cli, account))
    tokens.append(memory_keyring.items[_keyring_entry(memory_keyring, "session")])
    results += [
        cli("auth", "whoami", json=False),
        cli("auth", "whoami"),
        cli("auth", "logout"),
        register(cli, MARIA, username="core.maria.again", json=False),
    ]
    assert [r.exit_code for r in results] == [0, 0, 0, 0, 0, 4]
    assert not any(k[1].endswith("|session") for k in memory_keyring.items)  # logged out
    for result in results:
        output = result.stdout + result.stderr
        for secret in (account.password, account.pin, *tokens):
            assert secret not in output


# Completion -----------------------------------------------------------------------------


def test_completion_prints_a_bash_script(cli: CliFn) -> None:
    result = cli("completion", "bash", json=False)
    assert result.exit_code == 0, result.stderr
    assert "_FAMILYCARD_COMPLETE=complete_bash" in result.stdout
    assert "complete -o default -F" in result.stdout
