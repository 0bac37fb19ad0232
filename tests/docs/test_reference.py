r"""docs/reference.md is generated from the Typer app; this test fails when it is stale.

Refresh it from the repository root (no make needed):

    .venv/bin/typer familycard_cli.main utils docs --name familycard \
        --title 'CLI reference' --output docs/reference.md

The test regenerates the page in memory with the same command (typer's `utils docs`)
and compares.
"""

from __future__ import annotations

import difflib
import shlex
from pathlib import Path

import typer.cli
from typer.core import TyperGroup
from typer.testing import CliRunner

from familycard_cli.main import app

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference.md"
DOCS_ARGS = [
    "familycard_cli.main",
    "utils",
    "docs",
    "--name",
    "familycard",
    "--title",
    "CLI reference",
]
REFRESH = ".venv/bin/typer " + shlex.join([*DOCS_ARGS, "--output", "docs/reference.md"])


def generate() -> str:
    """The reference as `typer ... utils docs` writes it with `--output`."""
    result = CliRunner().invoke(typer.cli.app, DOCS_ARGS, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # Without --output, typer echoes the page, which adds one newline to it.
    return result.stdout.removesuffix("\n")


def test_reference_is_up_to_date():
    expected = generate()
    actual = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
    if actual != expected:
        diff = difflib.unified_diff(
            actual.splitlines(),
            expected.splitlines(),
            "docs/reference.md",
            "generated from the Typer app",
            lineterm="",
            n=1,
        )
        shown = "\n".join(list(diff)[:60])
        raise AssertionError(
            f"docs/reference.md is stale; refresh it from the repository root with\n"
            f"    {REFRESH}\n\n{shown}"
        )


def test_the_refresh_command_in_the_docstring_is_the_one_the_test_runs():
    assert __doc__ is not None
    documented = " ".join(__doc__.replace("\\\n", " ").split())
    assert REFRESH in documented


def test_the_reference_documents_every_command():
    text = REFERENCE.read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    for name in root.list_commands(ctx):
        command = root.get_command(ctx, name)
        assert f"## `familycard {name}`" in text, name
        if isinstance(command, TyperGroup):
            for sub in command.list_commands(ctx):
                assert f"### `familycard {name} {sub}`" in text, f"{name} {sub}"
