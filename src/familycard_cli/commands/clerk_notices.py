"""`familycard clerk issue-notice` and `clerk meals-consumed`: the office's pagoPA side.

These commands decorate the clerk group's `app` (imported at the end of `clerk.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .._exit import EXIT, report_error
from .._state import State
from .clerk import app


def _problems(state: State, items: list[Any], ok: tuple[str, ...]) -> None:
    counts: dict[str, int] = {}
    for r in items:
        counts[r.status] = counts.get(r.status, 0) + 1
    state.out.table(["outcome", "rows"], sorted(counts.items()))
    problems = [r for r in items if r.status not in ok]
    if problems:
        state.out.table(
            ["row", "outcome", "code", "message"],
            [(r.row, r.status, r.error["code"], r.error["message"]) for r in problems[:20]],
            title="Problems",
            free={"message"},
        )


@app.command("issue-notice")
def issue_notice(
    ctx: typer.Context,
    tax_code: Annotated[
        str | None,
        typer.Option(help="The child's tax code, or the guardian's for a family notice."),
    ] = None,
    subject: Annotated[
        str | None, typer.Option(help="What the notice is for (at most 140 characters).")
    ] = None,
    amount: Annotated[str | None, typer.Option(help="The amount, e.g. 140.40.")] = None,
    due: Annotated[str | None, typer.Option(help="The due date, YYYY-MM-DD.")] = None,
    expires: Annotated[
        str | None,
        typer.Option(
            help="The last day it can be paid, YYYY-MM-DD (default: the portal's "
            "notice_expiry_days after the due date)."
        ),
    ] = None,
    institution: Annotated[
        str | None,
        typer.Option(help="pagoinrete: the issuing school (when the child attends several)."),
    ] = None,
    reference: Annotated[
        str | None,
        typer.Option(help="The office's own reference; issuing it again adds nothing."),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="Issue every row of a CSV file instead (',' or ';', UTF-8 with or without "
            "BOM): tax_code, subject, amount, due_on [, expires_on, institution, reference].",
        ),
    ] = None,
) -> None:
    """Issue payment notices with valid notice numbers to enrolled children or families.

    One notice from the options, or one per row with --file; every notice is
    e-mailed to the families that see it (R4.4).  Re-issuing the same row (same
    reference, or same tax code, subject, amount and due date) adds nothing.  One
    notice: exit 2 when invalid, 4 when refused; --file: exit 4 when some rows were
    not issued, each row with its own outcome.
    """
    from familycard import InvalidInput, RuleViolation

    from .._tables import read_rows

    state = State.of(ctx)
    single = {"--tax-code": tax_code, "--subject": subject, "--amount": amount, "--due": due}
    client = state.client(clerk=True)
    if file is not None:
        given = [flag for flag, value in single.items() if value is not None]
        if given or expires or institution or reference:
            raise InvalidInput(
                "give --file, or the notice's options, not both", code="invalid_request"
            )
        from familycard.rules.notices import NOTICE_COLUMNS

        rows = read_rows(file, required=list(NOTICE_COLUMNS))
        results = client.notices.issue_many(rows)
        state.out.emit(results, lambda items: _problems(state, items, ("created", "exists")))
        if any(r.status not in ("created", "exists") for r in results):
            raise typer.Exit(EXIT["refused"])
        return
    missing = [flag for flag, value in single.items() if value is None]
    if missing:
        raise InvalidInput(
            f"issuing a notice needs {', '.join(missing)} (or --file FILE)",
            code="missing_field",
        )
    assert tax_code and subject and amount and due
    result = client.notices.issue(
        tax_code=tax_code,
        subject=subject,
        amount=amount,
        due_on=due,
        expires_on=expires,
        institution=institution,
        reference=reference,
    )
    if result.error is not None:
        error_class = InvalidInput if result.status == "invalid" else RuleViolation
        report_error(
            error_class(result.error["message"], code=result.error["code"]),
            as_json=state.as_json,
        )
        raise typer.Exit(EXIT["invalid"] if result.status == "invalid" else EXIT["refused"])

    def human(r: Any) -> None:
        verb = "issued" if r.status == "created" else "issued before"
        state.out.console.print(f"notice {r.number} {verb} to {r.tax_code}: {r.amount}")

    state.out.emit(result, human)


@app.command("meals-consumed")
def meals_consumed(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV file: child_tax_code, day (YYYY-MM-DD), service [, meals (default 1)]."
        ),
    ],
) -> None:
    """Record the meals children consumed (entranext, R2.3); families see them.

    Recording a day again replaces its count, so re-running a file adds nothing.
    Exit 4 when some rows were not recorded, each row with its own outcome.
    """
    from familycard.rules.notices import MEAL_COLUMNS

    from .._tables import read_rows

    state = State.of(ctx)
    rows = read_rows(file, required=list(MEAL_COLUMNS))
    results = state.client(clerk=True).meals_consumed.record(rows)
    state.out.emit(results, lambda items: _problems(state, items, ("created", "updated")))
    if any(r.status not in ("created", "updated") for r in results):
        raise typer.Exit(EXIT["refused"])
