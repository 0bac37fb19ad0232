"""`familycard`: the app, composed of one module per command group.

Importing this module stays cheap (`--version` and `--help` must be fast): the
SDK, httpx, pydantic, keyring, rich tables and the stub load only inside commands,
and a command group is imported and built only when it runs (`COMMANDS`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import TyperException

from ._exit import EXIT

if TYPE_CHECKING:
    from typer._click import Command, Context, HelpFormatter

__all__ = ["COMMANDS", "app", "run"]

#: The commands of `familycard`, in the order of `familycard --help`: name ->
#: (`module:attribute` in familycard_cli.commands, the line `familycard --help` shows).
#: The attribute is a Typer app (a group) or a function (a command).  Each is imported
#: and built only when it runs, so that `--version` and `--help` stay as fast as any
#: Typer app (bench/cli_startup.py); the line must be the first paragraph of the
#: command's own help (a test checks).  Add a new group here.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo:demo", "Tell the main story on an embedded stub, no setup needed."),
    "completion": (
        "completion:completion",
        "Print the completion script for a shell; add it to the shell's startup file.",
    ),
    "portal": (
        "portal:app",
        "What the portal is: kind, policy, features, and the days it works.",
    ),
    "auth": ("auth:app", "Accounts: registration, login, credential recovery."),
    "profile": ("profile:app", "Your data on the portal, and which e-mails it sends."),
    "services": (
        "services:app",
        "A child's active services (school canteen, Casa dei bambini), with their detail.",
    ),
    "tokens": ("tokens:app", "Canteen tokens: the balance per service, and the days attended."),
    "recharge": (
        "recharge:app",
        "Recharges: buy canteen tokens by card, in multiples of five; never twice.",
    ),
    "notices": (
        "notices:app",
        "pagoPA payment notices: check and decode offline, list, show, pay a cart via a PSP.",
    ),
    "members": (
        "members:app",
        "Members: the children whose meals you manage, their age group and meal offer.",
    ),
    "meals": ("meals:app", "Meals: order, cancel, finalise, consumed."),
    "balances": (
        "balances:app",
        "Balances: each member's running account: 0 settled, negative debt, positive overpayment.",
    ),
    "inbox": (
        "inbox:app",
        "Inbox: what the portal told you (cancellations, orders, payments), with unread counts.",
    ),
    "board": (
        "board:app",
        "Message board: messages for everyone, your institutions or your children; "
        "the price list and menus as PDFs.",
    ),
    "payments": ("payments:app", "Payments made, and their receipt PDFs."),
    "supplies": (
        "supplies:app",
        "Supply points: electricity PODs and gas PDRs; select the one later commands use.",
    ),
    "readings": (
        "readings:app",
        "Meter self-readings: the windows, your readings, send one, delete one.",
    ),
    "invoices": ("invoices:app", "Invoices since 2014, and their PDFs."),
    "documents": (
        "documents:app",
        "Documents: your own, and general documentation, forms, regulations, news.",
    ),
    "consumption": (
        "consumption:app",
        "Billed consumption: energy and power per month of a year.",
    ),
    "measures": (
        "measures:app",
        "Electricity measures: hourly figures of an interval, as CSV.",
    ),
    "clerk": (
        "clerk:app",
        "The clerk's office: enrol families, regenerate credentials, elevation codes. "
        "Needs FAMILYCARD_CLERK_KEY.",
    ),
    "stub": (
        "stub:app",
        "The stub server: serve it, and control a running one (reset, clock, outbox, faults).",
    ),
}


def load_command(name: str) -> Command:
    """Import and build one of `COMMANDS`, exactly as `app.add_typer`/`app.command` would,
    its help reflowed for the terminal (`_reflow`)."""
    import importlib

    module_name, _, attribute = COMMANDS[name][0].partition(":")
    target = getattr(importlib.import_module(f"familycard_cli.commands.{module_name}"), attribute)
    holder = typer.Typer()
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    command = typer.main.get_group(holder).commands[name]
    _reflow_help(command)
    return command


def _reflow(text: str) -> str:
    """A docstring as `--help` should wrap it: each paragraph one line, rewrapped to the
    terminal's width, as click does.

    typer's rich help keeps a docstring's line breaks, so a paragraph wrapped at 88
    columns in the source breaks badly on a narrower terminal.  Kept as written: an
    indented line (an example command; after a blank line, a code block in
    docs/reference.md too), and a paragraph that starts with a `\\b` line (click's
    marker, removed here).  typer dedents the paragraphs after the first as one
    docstring, whose own first line does not count: one more line break after the
    first paragraph keeps the examples indented when the rest has one prose line only.
    """
    import inspect

    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines = paragraph.splitlines()
        if lines and lines[0] == "\b":
            paragraphs.append("\n".join(lines[1:]))
            continue
        kept: list[str] = []
        for line in lines:
            if kept and not line.startswith(" ") and not kept[-1].startswith(" "):
                kept[-1] += " " + line.strip()
            else:
                kept.append(line.rstrip())
        paragraphs.append("\n".join(kept))
    first, *rest = paragraphs
    indented = any(line.startswith(" ") for p in rest for line in p.splitlines())
    return first + ("\n\n\n" if indented else "\n\n") + "\n\n".join(rest) if rest else first


def _reflow_help(command: Command) -> None:
    """`_reflow` the help of a command and of every command below it."""
    if command.help:
        command.help = _reflow(command.help)
    for sub in getattr(command, "commands", {}).values():
        _reflow_help(sub)


class _LazyCommands(MutableMapping[str, "Command"]):
    """The root's commands: those of `COMMANDS` are built on first access."""

    def __init__(self, built: MutableMapping[str, Command]) -> None:
        self._built = dict(built)

    def is_built(self, name: str) -> bool:
        return name in self._built

    def __getitem__(self, name: str) -> Command:
        if name not in self._built and name in COMMANDS:
            self._built[name] = load_command(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __contains__(self, name: object) -> bool:
        return name in self._built or name in COMMANDS

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self._built if name not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS.keys() | self._built.keys())


class FamilycardGroup(TyperGroup):
    """The root group: commands built on demand; every error is reported here, once."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._lazy = _LazyCommands(self.commands)
        self.commands = self._lazy
        self._listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if self._listing and cmd_name in COMMANDS and not self._lazy.is_built(cmd_name):
            # `familycard --help` lists the commands without importing them.
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][1])
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        as_json = "--json" in args  # parsing consumes `args`
        from ._exit import argv_error

        refused = argv_error(args) if parent is None else None
        if refused is not None:
            from ._exit import report_error

            raise typer.Exit(report_error(refused, as_json=as_json))
        try:
            return super().make_context(info_name, args, parent, **extra)
        except TyperException as exc:
            raise _usage_error(exc, as_json=as_json) from None

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        from ._state import State  # here, not at the top: --version and --help never get here

        try:
            return super().invoke(ctx)
        except typer.Exit:
            raise
        except typer.Abort as exc:
            # A prompt turns Ctrl-C (and end of input) into Abort: exit as interrupted.
            if isinstance(exc.__context__, EOFError):
                from familycard import InvalidInput

                from ._exit import report_error

                missing = InvalidInput("no input where a prompt asked for it", code="no_input")
                as_json = bool(getattr(ctx.obj, "as_json", False))
                raise typer.Exit(report_error(missing, as_json=as_json)) from None
            raise typer.Exit(EXIT["interrupted"]) from None
        except TyperException as exc:
            raise _usage_error(exc, as_json=bool(ctx.params.get("as_json"))) from None
        except KeyboardInterrupt:
            raise typer.Exit(EXIT["interrupted"]) from None
        except BrokenPipeError:
            raise  # the reader went away (`| head`): run() ends quietly
        except Exception as exc:
            from familycard import FamilycardError

            from ._exit import input_error, report_error, report_unexpected

            state = ctx.obj if isinstance(ctx.obj, State) else None
            as_json = state.as_json if state else False
            known = exc if isinstance(exc, FamilycardError) else input_error(exc)
            if known is not None:
                code = report_error(known, as_json=as_json)
            else:
                code = report_unexpected(
                    exc, as_json=as_json, verbose=bool(state and state.verbose)
                )
            raise typer.Exit(code) from None
        finally:
            if isinstance(ctx.obj, State):
                ctx.obj.close()


def _usage_error(exc: TyperException, *, as_json: bool) -> Exception:
    """With --json a usage error is one JSON document on stderr too (exit 2)."""
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    if not as_json or not isinstance(exc, UsageError) or isinstance(exc, NoArgsIsHelpError):
        return exc  # typer shows it, or the help
    message = exc.format_message()
    if exc.ctx is not None:
        message += f" (see '{exc.ctx.command_path} --help')"
    body = {"error": {"code": "invalid_usage", "message": message}}
    sys.stderr.write(json.dumps(body, ensure_ascii=False) + "\n")
    return typer.Exit(EXIT["invalid"])


def _flags_show_no_type() -> None:
    """No `<bool>` after a flag in `--help`: a flag takes no value.

    typer 0.29's rich help asks every option for its type, flags included
    (`TyperOption.display_type_rich`), where its plain help and `typer ... utils docs`
    leave flags and counters out (`get_help_record`).  Do the same in the rich help,
    for every command at once (`--help` itself included).
    """
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "_familycard", False):
        return

    def display_type_rich(self: TyperOption, ctx: Context) -> str | None:
        return None if self.is_flag or self.count else shown(self, ctx)

    display_type_rich._familycard = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_show_no_type()

app = typer.Typer(
    cls=FamilycardGroup,
    name="familycard",
    help="Family-services portals from the command line: accounts, canteen tokens, "
    "meals, pagoPA notices, meter readings, and a stub server for offline use.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _sdk_version() -> str:
    """familycard/_version.py's version, read without running familycard/__init__.py.

    Importing `familycard._version` would import the whole SDK (httpx, pydantic) first.
    """
    sdk = sys.modules.get("familycard")
    if sdk is not None and hasattr(sdk, "__version__"):
        return str(sdk.__version__)
    import importlib.util
    from pathlib import Path

    package = importlib.util.find_spec("familycard")
    for location in package.submodule_search_locations or [] if package else []:
        path = Path(location) / "_version.py"
        spec = importlib.util.spec_from_file_location("_familycard_version", path)
        if path.is_file() and spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return str(module.__version__)
    from familycard._version import __version__  # the slow way, always right

    return __version__


def _version(value: bool) -> None:
    if value:
        typer.echo(f"familycard {_sdk_version()}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    portal: Annotated[
        str | None,
        typer.Option(
            "--portal",
            envvar="FAMILYCARD_PORTAL",
            help="The portal's URL, e.g. http://127.0.0.1:8000/tortona.",
            show_envvar=True,
        ),
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            envvar="FAMILYCARD_PROFILE",
            help="Settings profile in the user config dir.",
        ),
    ] = "default",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print exactly one JSON document on stdout.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Log requests and retries to stderr.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Family-services portals from the command line."""
    from ._state import State

    ctx.obj = State(portal=portal, profile=profile, as_json=as_json, verbose=verbose)
    if verbose:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
        # Never log request bodies or headers: they carry passwords and tokens.
        logging.getLogger("httpcore").setLevel(logging.WARNING)


def run() -> None:
    """The console script."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    # The first model built would otherwise read the entry points of every installed
    # distribution, looking for pydantic plugins (~10 ms a command); typer turns them
    # off for its own parameters too.  PYDANTIC_DISABLE_PLUGINS= (empty) turns them on.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app(prog_name="familycard")
    except BrokenPipeError:
        # `familycard ... | head`: the reader closed the pipe; stop without a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT["unexpected"])
    except KeyboardInterrupt:
        # Ctrl-C before a command runs (while parsing, importing): interrupted too.
        sys.exit(EXIT["interrupted"])
