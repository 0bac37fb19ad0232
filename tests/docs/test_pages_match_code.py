"""The facts the pages state by hand match the code they describe.

Each test reads a table or list of a page and compares it with the code: a change in
the code that the docs do not follow fails here, with the page to edit.
"""

from __future__ import annotations

import inspect
import re
from functools import cached_property
from pathlib import Path

import pytest

import familycard
from familycard import Client, FamilycardError, RetryPolicy
from familycard.rules.accounts import (
    ENROLMENT_COLUMNS,
    OPTIONAL_ENROLMENT_COLUMNS,
    REGISTRATION_FIELDS,
)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under a `## heading`, up to the next heading of that level."""
    after = text.split(f"\n{heading}\n", 1)[1]
    return after.split("\n## ", 1)[0]


def table_row(text: str, first_cell: str) -> str:
    """The line of a Markdown table whose first cell is `first_cell`."""
    rows = [line for line in text.splitlines() if line.startswith(f"| {first_cell} |")]
    assert len(rows) == 1, f"expected one table row starting with {first_cell!r}, got {rows}"
    return rows[0]


# sdk.md --------------------------------------------------------------------------------


def test_sdk_page_lists_every_client_namespace():
    namespaces = [
        name for name, value in vars(Client).items() if isinstance(value, cached_property)
    ]
    assert namespaces, "Client has no namespaces?"
    text = page("sdk.md")
    missing = [name for name in namespaces if f"| `client.{name}` |" not in text]
    assert not missing, f"docs/sdk.md: add client.{missing} to the namespaces table"


def test_sdk_page_draws_every_error_class():
    errors = [
        name
        for name in familycard.__all__
        if inspect.isclass(getattr(familycard, name))
        and issubclass(getattr(familycard, name), FamilycardError)
    ]
    tree = section(page("sdk.md"), "## Errors")
    missing = [name for name in errors if not re.search(rf"(^|[─ ]){name}\b", tree, re.M)]
    assert not missing, f"docs/sdk.md: draw {missing} in the error tree"


def test_sdk_page_states_the_retry_numbers():
    retries = section(page("sdk.md"), "## Retries")
    policy = RetryPolicy()
    for name in ("max_retries", "initial_delay", "max_delay", "max_retry_after"):
        row = table_row(retries, f"`{name}`")
        assert row.startswith(f"| `{name}` | {getattr(policy, name)} "), row
    clients = section(page("sdk.md"), "## A client per portal")
    defaults = inspect.signature(Client).parameters
    for name in ("timeout", "max_retries"):
        row = table_row(clients, f"`{name}`")
        assert row.startswith(f"| `{name}` | `{defaults[name].default}` |"), row


def test_sdk_page_lists_the_retried_statuses():
    from familycard._constants import RETRYABLE_STATUSES  # not public: only the page says it

    statuses = sorted(RETRYABLE_STATUSES)
    said = ", ".join(str(s) for s in statuses[:-1]) + f" and {statuses[-1]}"
    assert f"HTTP {said}" in page("sdk.md")


# getting-started.md -----------------------------------------------------------------------


def test_getting_started_lists_every_exit_code():
    from familycard_cli._exit import EXIT

    text = page("getting-started.md")
    for name, code in EXIT.items():
        assert f"\n| {code} |" in text, f"docs/getting-started.md: exit {code} ({name})"


def test_getting_started_lists_every_environment_variable_the_cli_reads():
    used = {
        match
        for path in (ROOT / "src" / "familycard_cli").rglob("*.py")
        for match in re.findall(r"(?<!\w)FAMILYCARD_[A-Z_]+", path.read_text(encoding="utf-8"))
    }
    text = page("getting-started.md")
    missing = sorted(name for name in used if f"| `{name}` |" not in text)
    assert not missing, f"docs/getting-started.md: add {missing} to the environment table"


# clerk.md and accounts.md -----------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(ENROLMENT_COLUMNS))
def test_clerk_page_lists_the_enrolment_columns_of(kind):
    columns_cell = table_row(page("clerk.md"), f"`{kind}`").split("|")[2]
    named = re.findall(r"`(\w+)`", columns_cell)
    expected = [*ENROLMENT_COLUMNS[kind], *OPTIONAL_ENROLMENT_COLUMNS.get(kind, ())]
    assert named == expected, f"docs/clerk.md, the row of {kind}"


FLAGS = {"password": "a password", "accept_terms": "`--accept-terms`"}


@pytest.mark.parametrize("kind", sorted(REGISTRATION_FIELDS))
def test_accounts_page_lists_the_registration_fields_of(kind):
    row = next(line for line in page("accounts.md").splitlines() if line.startswith(f"| `{kind}`"))
    needs = row.split("|")[2]
    for field in REGISTRATION_FIELDS[kind]:
        if field == "accept_terms" and kind == "utility":
            continue
        flag = FLAGS.get(field, f"`--{field.replace('_', '-')}`")
        assert flag in needs, f"docs/accounts.md, 'At a glance', {kind}: {flag}"
