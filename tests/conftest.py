"""Shared fixtures: an in-memory keyring, and the CLI run against the stub over HTTP.

The stub itself comes from familycard's pytest plugin (`familycard_stub`, server_stub/testing.py);
the helpers the tests import are in `cli_support`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from cli_support import SECRET_ENV, CliFn, MemoryKeyring, Outcome
from typer.testing import CliRunner

from familycard_cli.main import app


def _share_default_tls_context() -> None:
    """Tests talk plain HTTP to a stub on loopback with raw httpx calls, each of which
    would load the CA bundle again (~20 ms): they share one default context instead.
    The SDK's own clients already share theirs (`familycard._http`)."""
    import functools

    import httpx._transports.default as transports

    default = transports.create_ssl_context
    shared = functools.lru_cache(maxsize=1)(lambda: default())

    def create(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
        if verify is True and cert is None and trust_env:
            return shared()
        return default(verify=verify, cert=cert, trust_env=trust_env)

    transports.create_ssl_context = create  # type: ignore[assignment]


_share_default_tls_context()


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
