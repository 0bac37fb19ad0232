"""The stub's configuration: tenants and their policies, from plain TOML files.

`tenants/*.toml` beside this module ship one tenant per portal kind; a user can
copy the folder, change it, and start the stub with `--config DIR`.  `stub.toml`
in the same folder holds what is not per tenant (the clerk key, the anti-bot answer).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from familycard import InvalidInput
from familycard.models.portal import PortalInfo
from familycard.rules.accounts import ENROLMENT_COLUMNS, REGISTRATION_FIELDS
from familycard.rules.calendar import TenantCalendar

__all__ = ["DEFAULT_CONFIG_DIR", "StubConfig", "Tenant", "load_config"]

DEFAULT_CONFIG_DIR = Path(__file__).parent / "tenants"


@dataclass(frozen=True)
class Tenant:
    """One portal of the stub."""

    slug: str
    kind: str
    name: str
    currency: str
    timezone: str
    features: tuple[str, ...]
    policy: dict[str, Any]
    #: Accounts that already exist elsewhere (pagoinrete: the ministry's other service).
    preexisting_accounts: tuple[dict[str, str], ...] = ()
    #: The working days it applies and publishes: `[calendar]` (country, closed, worked).
    calendar: TenantCalendar = field(default_factory=TenantCalendar)

    def info(self) -> PortalInfo:
        """What `GET /v1/portal` answers."""
        return PortalInfo(
            tenant=self.slug,
            kind=self.kind,
            name=self.name,
            currency=self.currency,
            timezone=self.timezone,
            features=list(self.features),
            policy=self.policy,
            registration_fields=list(REGISTRATION_FIELDS[self.kind]),
            enrolment_columns=list(ENROLMENT_COLUMNS[self.kind]),
        )

    def number(self, name: str) -> int:
        """An integer of the policy."""
        return int(self.policy[name])


@dataclass(frozen=True)
class StubConfig:
    """Everything the stub is configured with."""

    tenants: dict[str, Tenant]
    clerk_key: str = "stub-clerk-key"
    captcha_answer: str = "stub"
    #: scrypt cost; lower it only for tests.
    scrypt_n: int = 2**14
    extra: dict[str, Any] = field(default_factory=dict)


#: The largest configuration file read.
MAX_CONFIG_BYTES = 1 << 20


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ValueError(f"larger than {MAX_CONFIG_BYTES // 1024} KiB")
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise InvalidInput(f"{path}: {exc}", code="invalid_config") from None


def load_config(directory: Path | None = None, *, scrypt_n: int | None = None) -> StubConfig:
    """Read `stub.toml` and every `*.toml` tenant file of a folder.

    A folder that is missing, holds no tenant file, or a file that is not a valid
    tenant is `InvalidInput` (`config_not_found`, `no_tenants`, `invalid_config`).
    """
    folder = directory or DEFAULT_CONFIG_DIR
    if not folder.is_dir():
        raise InvalidInput(
            f"no configuration folder {folder}: make one with 'familycard stub init-config DIR'",
            code="config_not_found",
        )
    try:
        return _load(folder, scrypt_n)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(
            f"{folder}: not a valid stub configuration: {exc}", code="invalid_config"
        ) from None


def _load(folder: Path, scrypt_n: int | None) -> StubConfig:
    tenants: dict[str, Tenant] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.name == "stub.toml":
            continue
        raw = _read_toml(path)
        missing = [k for k in ("slug", "kind", "name", "currency", "timezone") if k not in raw]
        if missing:
            raise ValueError(f"{path.name} has no {missing[0]!r}")
        tenant = Tenant(
            slug=raw["slug"],
            kind=raw["kind"],
            name=raw["name"],
            currency=raw["currency"],
            timezone=raw["timezone"],
            features=tuple(raw.get("features", [])),
            policy=dict(raw.get("policy", {})),
            preexisting_accounts=tuple(raw.get("preexisting_accounts", [])),
            calendar=TenantCalendar.from_config(
                raw.get("calendar", {}), where=f"{path.name} [calendar]"
            ),
        )
        if tenant.kind not in REGISTRATION_FIELDS:
            raise ValueError(f"{path}: unknown portal kind {tenant.kind!r}")
        if tenant.slug in tenants:
            raise ValueError(f"{path.name}: a second tenant {tenant.slug!r}")
        tenants[tenant.slug] = tenant
    if not tenants:
        raise InvalidInput(
            f"{folder} holds no tenant file (*.toml besides stub.toml): copy the defaults "
            "with 'familycard stub init-config DIR'",
            code="no_tenants",
        )
    stub_file = folder / "stub.toml"
    settings = _read_toml(stub_file) if stub_file.exists() else {}
    return StubConfig(
        tenants=tenants,
        clerk_key=str(settings.get("clerk_key", "stub-clerk-key")),
        captcha_answer=str(settings.get("captcha_answer", "stub")),
        scrypt_n=scrypt_n or int(settings.get("scrypt_n", 2**14)),
        extra=settings,
    )
