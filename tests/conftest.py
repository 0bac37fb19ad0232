"""Shared fixtures: an in-memory keyring, and the CLI run against the stub over HTTP.

The stub itself comes from familycard's pytest plugin (`familycard_stub`, server_stub/testing.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from typer.testing import CliRunner

from familycard_cli.main import app

CLERK_KEY = "stub-clerk-key"
SECRET_ENV = (
    "FAMILYCARD_PORTAL",
    "FAMILYCARD_PROFILE",
    "FAMILYCARD_USERNAME",
    "FAMILYCARD_PASSWORD",
    "FAMILYCARD_PIN",
    "FAMILYCARD_CLERK_KEY",
    "FAMILYCARD_NEW_PASSWORD",
)


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise PasswordDeleteError(username)
        del self.items[(service, username)]


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[MemoryKeyring]:
    """Every test gets an empty keyring, an empty config dir and no familycard env."""
    for name in SECRET_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FAMILYCARD_CONFIG", str(tmp_path / "config.toml"))
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@dataclass
class Outcome:
    """What a CLI run produced."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def error(self) -> dict[str, Any]:
        """The JSON error body written to stderr with --json."""
        body: dict[str, Any] = json.loads(self.stderr.strip().splitlines()[-1])["error"]
        return body


CliFn = Callable[..., Outcome]


@pytest.fixture
def cli(familycard_stub: Any) -> CliFn:
    """Run `familycard ARGS` against a tenant of the running stub.

    `cli("auth", "whoami", tenant="jaszbereny", env={...}, input="...")`; `--json`
    comes first unless `json=False`.
    """
    runner = CliRunner()

    def run(
        *args: str,
        tenant: str = "tortona",
        env: dict[str, str] | None = None,
        input: str | None = None,
        json: bool = True,
    ) -> Outcome:
        full_env = {"FAMILYCARD_PORTAL": familycard_stub.portal_url(tenant), **(env or {})}
        argv = (["--json"] if json else []) + list(args)
        result = runner.invoke(app, argv, env=full_env, input=input, catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def stub(familycard_stub: Any) -> Any:
    """The running stub (`.control`, `.portal_url(tenant)`, `.url`)."""
    return familycard_stub


def clerk_env() -> dict[str, str]:
    return {"FAMILYCARD_CLERK_KEY": CLERK_KEY}


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
