"""Profiles in the user config dir: `config.toml`, one table per profile.

    [profiles.default]
    portal = "http://127.0.0.1:8000/tortona"
    username = "gallo"

Secrets never go here: they live in the OS keyring (or the environment).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["config_path", "load_profile", "save_profile"]


def config_path() -> Path:
    """Where the config file is (`FAMILYCARD_CONFIG` overrides)."""
    override = os.environ.get("FAMILYCARD_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("familycard")) / "config.toml"


def _load_all() -> dict[str, Any]:
    path = config_path()
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        from familycard import InvalidInput

        raise InvalidInput(f"{path} is not valid TOML: {exc}", code="invalid_config") from exc


def load_profile(name: str) -> dict[str, Any]:
    """A profile's settings (empty when it does not exist)."""
    profiles = _load_all().get("profiles", {})
    profile: dict[str, Any] = dict(profiles.get(name, {}))
    return profile


def save_profile(name: str, **values: str | None) -> None:
    """Update a profile's settings (None removes a setting)."""
    import tomli_w

    data = _load_all()
    profile = data.setdefault("profiles", {}).setdefault(name, {})
    for key, value in values.items():
        if value is None:
            profile.pop(key, None)
        else:
            profile[key] = value
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
    tmp.replace(path)
