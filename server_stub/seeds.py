"""Seed data: the `demo` seed enrols the sample families of every tenant."""

from __future__ import annotations

import csv
from importlib.resources import files

from familycard import InvalidInput

from .backends import clerk
from .state import Portal

__all__ = ["SEEDS", "load_seed", "sample_rows"]

SEEDS = ("demo",)


def sample_rows(tenant: str) -> list[dict[str, str]]:
    """The sample enrolment file of a tenant (`samples/<tenant>.csv`), as rows."""
    text = files("server_stub").joinpath("samples", f"{tenant}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def load_seed(portals: list[Portal], name: str) -> None:
    """Load a seed into every tenant, inside the current transaction."""
    if name not in SEEDS:
        raise InvalidInput(
            f"unknown seed {name!r} (known: {', '.join(SEEDS)})", code="unknown_seed"
        )
    for portal in portals:
        rows = sample_rows(portal.tenant.slug)
        clerk.enroll(portal, enumerate(rows, start=1))
