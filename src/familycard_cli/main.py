"""`familycard`: the app, composed of one module per command group.

Importing this module stays cheap (`--version` and `--help` must be fast): the
SDK, httpx, pydantic, keyring, rich tables and the stub load only inside commands.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from familycard._version import __version__

from ._exit import EXIT, report_error, report_unexpected
from ._state import State
from .commands import auth, clerk, completion, demo, payments, portal, profile, stub

__all__ = ["app", "run"]


class FamilycardGroup(TyperGroup):
    """The root group: every error of every command is reported here, once."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        from typer.exceptions import TyperException

        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except KeyboardInterrupt:
            raise typer.Exit(EXIT["interrupted"]) from None
        except Exception as exc:
            from familycard import FamilycardError

            state = ctx.obj if isinstance(ctx.obj, State) else None
            as_json = state.as_json if state else False
            if isinstance(exc, FamilycardError):
                code = report_error(exc, as_json=as_json)
            else:
                code = report_unexpected(
                    exc, as_json=as_json, verbose=bool(state and state.verbose)
                )
            raise typer.Exit(code) from None
        finally:
            if isinstance(ctx.obj, State):
                ctx.obj.close()


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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"familycard {__version__}")
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
    ctx.obj = State(portal=portal, profile=profile, as_json=as_json, verbose=verbose)
    if verbose:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
        # Never log request bodies or headers: they carry passwords and tokens.
        logging.getLogger("httpcore").setLevel(logging.WARNING)


app.add_typer(portal.app, name="portal")
app.add_typer(auth.app, name="auth")
app.add_typer(profile.app, name="profile")
app.add_typer(payments.app, name="payments")
app.add_typer(clerk.app, name="clerk")
app.add_typer(stub.app, name="stub")
app.command("demo")(demo.demo)
app.command("completion")(completion.completion)


def run() -> None:
    """The console script."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    app(prog_name="familycard")
