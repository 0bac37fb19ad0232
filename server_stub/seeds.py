"""Seed data: the `demo` seed enrols the sample families of every tenant."""

from __future__ import annotations

import csv
from importlib.resources import files

from familycard import InvalidInput
from familycard.rules.bounds import excerpt

from .backends import clerk, meals, notices, tokens
from .state import Portal

__all__ = ["SEEDS", "check_seed", "load_seed", "sample_rows"]

SEEDS = ("demo",)


def sample_rows(tenant: str) -> list[dict[str, str]]:
    """The sample enrolment file of a tenant (`samples/<tenant>.csv`), as rows; none if absent."""
    sample = files("server_stub").joinpath("samples", f"{tenant}.csv")
    if not sample.is_file():
        return []  # a tenant a user added to a copied config has no sample families
    text = sample.read_text(encoding="utf-8")
    lines = text.splitlines()
    # Clerks' files use ',' or ';' (sala-baganza.csv has ';'), as `clerk enroll` accepts.
    delimiter = ";" if lines and lines[0].count(";") > lines[0].count(",") else ","
    return list(csv.DictReader(lines, delimiter=delimiter))


def check_seed(name: str) -> str:
    """A seed this stub knows (`demo`); else `unknown_seed`."""
    if name not in SEEDS:
        raise InvalidInput(
            f"unknown seed {excerpt(name)} (known: {', '.join(SEEDS)})", code="unknown_seed"
        )
    return name


def load_seed(portals: list[Portal], name: str) -> None:
    """Load a seed into every tenant, inside the current transaction."""
    check_seed(name)
    for portal in portals:
        rows = sample_rows(portal.tenant.slug)
        clerk.enroll(portal, enumerate(rows, start=1))
        tokens.seed_demo(portal)
        notices.seed_demo(portal)
        meals.seed_demo(portal)
