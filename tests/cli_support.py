"""What the CLI tests share: the outcome of a run, an in-memory keyring, CSV files.

Fixtures (`cli`, `stub`, `memory_keyring`) are in tests/conftest.py; test modules
import these helpers from here, never from a conftest (several modules are named so).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

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


def clerk_env() -> dict[str, str]:
    return {"FAMILYCARD_CLERK_KEY": CLERK_KEY}


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
