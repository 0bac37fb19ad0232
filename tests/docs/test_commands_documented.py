"""Every command has help and a mention in the docs; every command line in the docs exists.

Walks the Typer app (`typer.main.get_command(app)`, recursing into groups), then reads
the ```console and ```bash blocks of docs/*.md: each `familycard ...` invocation in them
(also after `VAR=value`, a pipe or `$(`) must name an existing command, with options it
has and the arguments it takes.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup

from familycard_cli.main import app

DOCS = Path(__file__).resolve().parents[2] / "docs"
REFERENCE = DOCS / "reference.md"
HELP_FLAGS = ("-h", "--help")

ROOT = typer.main.get_command(app)
CTX = typer.Context(ROOT)


def walk(command=ROOT, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], object]]:
    """(path, command) for every group and command below `command`."""
    yield path, command
    if isinstance(command, TyperGroup):
        for name in command.list_commands(CTX):
            sub = command.get_command(CTX, name)
            assert sub is not None, f"familycard {' '.join((*path, name))} is listed but missing"
            yield from walk(sub, (*path, name))


COMMANDS = [(path, command) for path, command in walk() if path]
COMMAND_IDS = [" ".join(path) for path, _ in COMMANDS]


def pages(*, generated: bool) -> dict[str, str]:
    """The docs pages' text, by file name (with or without the generated reference)."""
    return {
        page.name: page.read_text(encoding="utf-8")
        for page in sorted(DOCS.glob("*.md"))
        if generated or page != REFERENCE
    }


# Help ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=COMMAND_IDS)
def test_every_command_and_option_has_help(path, command):
    name = "familycard " + " ".join(path)
    assert (command.help or "").strip(), f"{name} has no help text (its docstring)"
    for param in command.get_params(CTX):
        if param.name == "help":
            continue
        assert (getattr(param, "help", None) or "").strip(), f"{name}: {param.name} has no help"


# Mentions -----------------------------------------------------------------------------


def mentioned(path: tuple[str, ...], text: str) -> bool:
    words = r"\s+".join(re.escape(word) for word in ("familycard", *path))
    return re.search(rf"{words}(?![\w-])", text) is not None


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=COMMAND_IDS)
def test_every_command_is_mentioned_in_the_docs(path, command):
    text = "\n".join(pages(generated=True).values())
    assert mentioned(path, text), (
        f"'familycard {' '.join(path)}' is in no page of docs/: mention it in the page of its "
        "job, and refresh docs/reference.md (see tests/docs/test_reference.py)"
    )


# Command lines in the docs ------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One `familycard ...` invocation found in a shell block of a page."""

    page: str
    number: int
    args: tuple[str, ...]
    error: str | None = None

    def __str__(self) -> str:
        return f"{self.page}:{self.number}: familycard {shlex.join(self.args)}"


FENCE = re.compile(r"^```(\w*)\s*$")
SHELL_LANGUAGES = {"console": True, "bash": False, "sh": False, "shell": False}
STOP = {"|", "||", "&&", ";", "&", "(", ")", "$(", ">", ">>", "<", "2>", "2>&1"}
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def shell_commands(text: str) -> Iterator[tuple[int, str]]:
    """(line number, command) in ```console (lines after `$ `) and ```bash blocks."""
    language: str | None = None
    pending = ""
    for number, line in enumerate(text.splitlines(), start=1):
        fence = FENCE.match(line.strip())
        if fence:
            language = None if language is not None else fence.group(1)
            continue
        if language not in SHELL_LANGUAGES:
            continue
        if SHELL_LANGUAGES[language]:
            if not (line.startswith("$ ") or pending):
                continue
            line = line.removeprefix("$ ")
        if line.lstrip().startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield number, pending + line
        pending = ""


def invocations(command: str) -> Iterator[tuple[str, ...]]:
    """The arguments of each `familycard` in a shell command line."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars="|&;()<>")
    lexer.whitespace_split = True
    segment: list[str] = []
    for token in [*lexer, ";"]:
        if token in STOP or set(token) <= set("|&;()<>"):
            words = segment
            while words and ASSIGNMENT.match(words[0]):
                words = words[1:]
            if words and words[0].removeprefix("$") == "familycard":
                yield tuple(words[1:])
            segment = []
        else:
            segment.append(token)


def doc_lines() -> list[Line]:
    found = []
    for name, text in pages(generated=False).items():
        for number, command in shell_commands(text):
            try:
                calls = list(invocations(command.replace("$(", " $( ")))
            except ValueError as exc:  # unbalanced quotes
                found.append(Line(name, number, (command,), error=f"not a shell line: {exc}"))
                continue
            found.extend(Line(name, number, args) for args in calls)
    return found


def problems_with(args: tuple[str, ...]) -> str | None:
    """Why `familycard ARGS` would not parse, or None."""
    command, path, positionals = ROOT, ["familycard"], []
    index = 0
    while index < len(args):
        token = args[index]
        index += 1
        if token.startswith("-") and token != "-":
            if token in HELP_FLAGS:
                return None
            flag = token.split("=", 1)[0]
            options = [p for p in command.get_params(CTX) if p.param_type_name == "option"]
            match = [p for p in options if flag in (*p.opts, *p.secondary_opts)]
            if not match:
                return f"{' '.join(path)} has no option {flag}"
            if not match[0].is_flag and not match[0].count and "=" not in token:
                index += match[0].nargs
            continue
        if isinstance(command, TyperGroup) and not positionals:
            sub = command.get_command(CTX, token)
            if sub is None:
                return f"{' '.join(path)} has no command {token!r}"
            command, path = sub, [*path, token]
            continue
        positionals.append(token)
    if isinstance(command, TyperGroup):
        return f"{' '.join(path)} is a group: name one of its commands"
    arguments = [p for p in command.get_params(CTX) if p.param_type_name == "argument"]
    least = sum(p.nargs if p.nargs > 0 else 1 for p in arguments if p.required)
    most = None if any(p.nargs < 0 for p in arguments) else sum(p.nargs for p in arguments)
    if len(positionals) < least or (most is not None and len(positionals) > most):
        names = " ".join(p.name.upper() for p in arguments) or "no arguments"
        return f"{' '.join(path)} takes {names}, got {positionals}"
    return None


LINES = doc_lines()


def test_the_docs_show_many_command_lines():
    # Guards the parser: a change that finds none would make the next test vacuous.
    assert len(LINES) > 50
    assert {line.page for line in LINES} >= {
        "getting-started.md",
        "accounts.md",
        "clerk.md",
        "stub.md",
    }


@pytest.mark.parametrize("line", LINES, ids=str)
def test_every_command_line_in_the_docs_exists(line):
    problem = line.error or problems_with(line.args)
    assert problem is None, f"{line}\n    {problem}"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        pytest.param("familycard auth whoami", [("auth", "whoami")], id="plain"),
        pytest.param(
            "FAMILYCARD_CLERK_KEY=k familycard clerk enroll f.csv",
            [("clerk", "enroll", "f.csv")],
            id="after-assignment",
        ),
        pytest.param(
            "printf '%s\\n' \"$P\" | familycard auth login --password-stdin",
            [("auth", "login", "--password-stdin")],
            id="after-pipe",
        ),
        pytest.param(
            'PIN=$(familycard --json stub outbox --to "a b" --last | jq -r .pin)',
            [("--json", "stub", "outbox", "--to", "a b", "--last")],
            id="substitution",
        ),
        pytest.param(
            "familycard stub serve --port 0 > stub.url &",
            [("stub", "serve", "--port", "0")],
            id="redirect",
        ),
        pytest.param("pip install 'familycard[stub]'", [], id="not-a-call"),
    ],
)
def test_invocations_are_found_in_shell_lines(command, expected):
    assert list(invocations(command.replace("$(", " $( "))) == expected


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        pytest.param(("auth", "registr"), "has no command 'registr'", id="typo-command"),
        pytest.param(("auth", "register", "--pasword", "x"), "no option --pasword", id="typo"),
        pytest.param(("auth", "whoami", "--json"), "no option --json", id="global-after"),
        pytest.param(("auth", "activate"), "takes LINK", id="missing-argument"),
        pytest.param(("portal", "info", "extra"), "takes no arguments", id="extra-argument"),
        pytest.param(("auth",), "is a group", id="group-only"),
    ],
)
def test_a_wrong_command_line_is_caught(args, problem):
    found = problems_with(args)
    assert found is not None and problem in found


def test_a_right_command_line_passes():
    assert problems_with(("--json", "--portal", "URL", "auth", "login", "--no-save")) is None
    assert problems_with(("stub", "clock", "--set", "2026-09-14T08:00:00+02:00")) is None
