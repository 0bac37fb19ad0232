"""Fail when requirements/lock.txt and pyproject.toml disagree.

Every requirement of the project (runtime, the `[stub]` and `[dev]` extras, the build
backend in requirements/build.in) must be pinned in the lock, at a version its
specifier admits, with hashes.  Offline and deterministic: it resolves nothing, so it
gives the same answer on any day; `make lock` writes the lock anew.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
BUILD = ROOT / "requirements" / "build.in"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def declared() -> list[tuple[str, Requirement]]:
    """Each requirement of the project, with where it is declared."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [("dependencies", Requirement(r)) for r in project["dependencies"]]
    for extra, items in project.get("optional-dependencies", {}).items():
        found += [(f"[{extra}]", Requirement(r)) for r in items]
    for line in BUILD.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            found.append((BUILD.name, Requirement(line)))
    return found


def pinned() -> dict[str, list[Version]]:
    """The versions the lock pins, by canonical name; refuses a pin without hashes."""
    versions: dict[str, list[Version]] = {}
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        match = _PIN.match(line)
        if not match:
            continue
        following = lines[n + 1] if n + 1 < len(lines) else ""
        if "--hash=sha256:" not in line + following:
            raise SystemExit(f"{LOCK.name}:{n + 1}: {match.group(1)} is pinned without hashes")
        name = canonicalize_name(match.group(1))
        versions.setdefault(name, []).append(Version(match.group(2)))
    return versions


def main() -> int:
    locked = pinned()
    problems = []
    for where, requirement in declared():
        versions = locked.get(canonicalize_name(requirement.name))
        if not versions:
            problems.append(f"{requirement} ({where}) is not in the lock")
        elif not any(requirement.specifier.contains(v, prereleases=True) for v in versions):
            pins = ", ".join(str(v) for v in versions)
            problems.append(f"{requirement} ({where}) but the lock pins {pins}")
    if problems:
        for problem in problems:
            print(f"lock out of date: {problem}", file=sys.stderr)
        print("run `make lock` and commit requirements/lock.txt", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
