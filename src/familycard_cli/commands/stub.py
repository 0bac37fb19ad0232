"""`familycard stub`: run the stub server and drive its control API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .._args import whole_number
from .._state import State

app = typer.Typer(
    help="The stub server: serve it, and control a running one (reset, clock, outbox, faults).",
    no_args_is_help=True,
)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(parser=whole_number, help="Port; 0 picks a free one.")
    ] = 8000,
    db: Annotated[str, typer.Option(help="SQLite file, or :memory:.")] = ":memory:",
    seed: Annotated[str | None, typer.Option(help="Load demo data: demo.")] = None,
    config: Annotated[
        Path | None, typer.Option(help="Folder of tenant TOML files (a copy of the default).")
    ] = None,
) -> None:
    """Serve every portal kind on HOST:PORT until interrupted; prints the URL on one line.

    Each tenant is at URL/<tenant>: tortona, sala-baganza, jaszbereny, pagoinrete,
    energia.

    Examples (a free port and the demo data; a file that survives restarts; your own
    tenant files, copied with familycard stub init-config):

        familycard stub serve --port 0 --seed demo
        familycard stub serve --port 8000 --db stub.sqlite
        familycard stub serve --config my-tenants
    """
    import sys

    try:
        from server_stub import serve as run_server
    except ImportError:
        from familycard import InvalidInput

        raise InvalidInput(
            "the stub needs the [stub] extra: pip install 'familycard[stub]'", code="stub_missing"
        ) from None

    def ready(url: str) -> None:
        sys.stdout.write(url + "\n")
        sys.stdout.flush()

    run_server(host=host, port=port, db=db, seed=seed, config_dir=config, on_ready=ready)


@app.command("init-config")
def init_config(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="A new folder for the copy.")],
) -> None:
    """Copy the default tenant files (and stub.toml) to a folder, to change and serve.

    Then: familycard stub serve --config DIRECTORY
    """
    import shutil

    from familycard import Conflict
    from server_stub.config import DEFAULT_CONFIG_DIR

    state = State.of(ctx)
    if directory.exists():
        raise Conflict(f"{directory} exists already; give a new folder", code="already_exists")
    shutil.copytree(DEFAULT_CONFIG_DIR, directory)
    files = sorted(p.name for p in directory.glob("*.toml"))
    state.out.emit(
        {"directory": str(directory), "files": files},
        lambda r: state.out.console.print(
            f"copied {len(files)} files to {r['directory']}; serve them with "
            f"familycard stub serve --config {r['directory']}"
        ),
    )


@app.command()
def reset(
    ctx: typer.Context,
    seed: Annotated[str | None, typer.Option(help="Load a seed after emptying: demo.")] = None,
) -> None:
    """Empty every tenant of the stub at --portal, clear faults, free the clock."""
    state = State.of(ctx)
    state.control().reset(seed=seed)
    state.out.emit({"status": "reset", "seed": seed}, lambda _: state.out.note("stub reset"))


@app.command()
def clock(
    ctx: typer.Context,
    set_: Annotated[
        str | None,
        typer.Option("--set", help="Freeze at an ISO 8601 instant with offset."),
    ] = None,
    advance: Annotated[str | None, typer.Option(help="Move forward: 30m, 72h, 2d.")] = None,
) -> None:
    """Show, set or advance the stub's clock."""
    state = State.of(ctx)
    control = state.control()
    if set_ and advance:
        from familycard import InvalidInput

        raise InvalidInput("give --set or --advance, not both", code="invalid_request")
    if set_:
        result = control.set_clock(set_)
    elif advance:
        result = control.advance_clock(advance)
    else:
        result = control.clock()
    state.out.emit(
        result,
        lambda c: state.out.console.print(
            f"{c.now.isoformat()} ({'frozen' if c.frozen else 'running'})"
        ),
    )


@app.command()
def outbox(
    ctx: typer.Context,
    to: Annotated[str | None, typer.Option(help="Only e-mails to this address.")] = None,
    last: Annotated[bool, typer.Option("--last", help="Only the newest e-mail.")] = False,
) -> None:
    """List the e-mails the stub has sent (with the PINs, links and codes they carry)."""
    state = State.of(ctx)
    messages = state.control().outbox(to=to)
    result: Any = messages[-1:] if last else messages

    def human(items: list[Any]) -> None:
        from rich.markup import escape

        from .._output import flatten, human_text

        if not items:
            state.out.console.print("the outbox is empty")
        for m in items:
            state.out.console.print(
                f"[bold]#{m.id}[/] {m.sent_at:%Y-%m-%d %H:%M} {escape(m.tenant)} → "
                f"{escape(m.to)} [cyan]{escape(m.kind)}[/]: {escape(m.subject)}"
            )
            for key, value in flatten(m.data):
                state.out.console.print(f"    {key}: {human_text(value)}", markup=False)

    state.out.emit(result, human)


@app.command()
def pay(
    ctx: typer.Context,
    payment_id: Annotated[str, typer.Argument(help="The payment's id (pay_...).")],
    card: Annotated[
        str,
        typer.Option(help="Test card: 4242424242424242 succeeds, 4000000000000002 is declined."),
    ] = "4242424242424242",
) -> None:
    """Pay a checkout on the stub's card terminal, as a person would on its page."""
    state = State.of(ctx)
    result = state.control().pay(payment_id, card=card)

    def human(p: Any) -> None:
        colour = "green" if p.status == "succeeded" else "red"
        state.out.console.print(f"{p.id}: [{colour}]{p.status}[/] ({p.amount})")

    state.out.emit(result, human)
    if result.status != "succeeded":
        from .._exit import EXIT

        raise typer.Exit(EXIT["refused"])


@app.command()
def faults(
    ctx: typer.Context,
    error_rate: Annotated[
        float | None, typer.Option(help="Fraction of requests answered 503.")
    ] = None,
    latency_ms: Annotated[
        int | None, typer.Option(parser=whole_number, help="Delay added to each request.")
    ] = None,
    drop_rate: Annotated[
        float | None, typer.Option(help="Fraction of changes whose response is dropped.")
    ] = None,
    fail_next: Annotated[
        int | None, typer.Option(parser=whole_number, help="Answer the next N requests 503.")
    ] = None,
    drop_next: Annotated[
        int | None,
        typer.Option(
            parser=whole_number, help="Drop the responses of the next N changes (committed)."
        ),
    ] = None,
    retry_after: Annotated[
        int | None,
        typer.Option(parser=whole_number, help="Retry-After seconds sent with injected 503s."),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove every fault.")] = False,
) -> None:
    """Show or change the faults the stub injects into portal requests."""
    from familycard import Faults

    state = State.of(ctx)
    control = state.control()
    changes = {
        k: v
        for k, v in {
            "error_rate": error_rate,
            "latency_ms": latency_ms,
            "drop_rate": drop_rate,
            "fail_next": fail_next,
            "drop_next": drop_next,
            "retry_after": retry_after,
        }.items()
        if v is not None
    }
    if clear:
        result = control.set_faults(Faults(**changes))
    elif changes:
        result = control.set_faults(control.faults().model_copy(update=changes))
    else:
        result = control.faults()
    state.out.emit(result, lambda f: state.out.fields(f.model_dump()))
