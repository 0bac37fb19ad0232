"""`familycard clerk enroll FILE`: a school year's families from a spreadsheet.

This command decorates the clerk group's `app` (imported at the end of `clerk.py`).
The file is read as a stream and each result is written (report, JSON) as it comes,
so memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from .._args import whole_number
from .._exit import EXIT
from .._state import State
from .clerk import app

if TYPE_CHECKING:
    from rich.progress import Progress, Task
    from rich.text import Text

    from familycard import EnrolmentResult

#: Outcomes in the order the summary shows them.
OUTCOMES = ("created", "exists", "valid", "invalid", "failed", "unknown")
#: Problems the terminal shows (the report and --json have every row).
SHOWN_PROBLEMS = 20
REPORT_COLUMNS = ("row", "outcome", "key", "code", "message")
#: Report lines written to the file at a time.
_FLUSH_EVERY = 500


class _JsonArray:
    """Results written to stdout as one JSON array, element by element."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._count = 0

    def add(self, item: Any) -> None:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        self._out.write(("[\n  " if self._count == 0 else ",\n  ") + text)
        self._count += 1

    def close(self) -> None:
        self._out.write("[]\n" if self._count == 0 else "\n]\n")
        self._out.flush()


class _Report:
    """`--report FILE.csv`: one line per row with an outcome, written as they come."""

    def __init__(self, path: Path, source: Path, delimiter: str) -> None:
        from familycard import InvalidInput

        if path.resolve() == source.resolve():
            raise InvalidInput(
                "the report would overwrite the file being enrolled; name another file",
                code="report_is_input",
            )
        try:
            # UTF-8 with BOM, so that Excel opens it right; the separator of the input.  The
            # buffer outlasts `_FLUSH_EVERY` lines, so the file only ever gets whole lines:
            # a killed run leaves a report that ends with a complete row.
            self._file = path.open("w", encoding="utf-8-sig", newline="", buffering=1 << 20)
        except OSError as exc:
            raise InvalidInput(
                f"cannot write the report {path}: {exc.strerror}", code="report_unwritable"
            ) from None
        self._writer = csv.writer(self._file, delimiter=delimiter)
        self._writer.writerow(REPORT_COLUMNS)
        self._lines = 0

    def add(self, result: EnrolmentResult) -> None:
        error = result.error or {}
        self._writer.writerow(
            (
                result.row,
                result.status,
                result.key or "",
                error.get("code", ""),
                error.get("message", ""),
            )
        )
        self._lines += 1
        if self._lines % _FLUSH_EVERY == 0:
            self._file.flush()

    def close(self) -> None:
        self._file.close()


def _progress(state: State, total: int | None, *, dry_run: bool) -> tuple[Progress, Any] | None:
    """A progress bar on stderr with rows/s and ETA; none with --json or off a terminal."""
    if state.as_json or not state.out.err.is_terminal:
        return None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RowsPerSecond(ProgressColumn):
        def render(self, task: Task) -> Text:
            # While running, rich's recent rate; once done, the whole run's.
            elapsed = task.elapsed or 0.0
            speed = task.completed / elapsed if task.finished and elapsed else task.speed
            return Text(f"{speed:,.0f} rows/s" if speed else "", style="progress.data.speed")

    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RowsPerSecond(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=state.out.err,
    )
    progress.start()
    task = progress.add_task("checking" if dry_run else "enrolling", total=total)
    return progress, task


@app.command()
def enroll(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="The clerk's file: CSV (',' or ';'; UTF-8, Windows-1252 or Latin-2) or .xlsx."
        ),
    ],
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Write one CSV line per row (row, outcome, key, code, message) to this file.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Check every row and report; enrol nothing."),
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(help="The CSV's encoding (utf-8, cp1252, latin-1, latin-2); else detected."),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(help="The .xlsx sheet to read (default: the first)."),
    ] = None,
    batch_size: Annotated[
        int,
        typer.Option(parser=whole_number, help="Rows per request to the portal (1 to 5,000)."),
    ] = 500,
    concurrency: Annotated[
        int,
        typer.Option(parser=whole_number, help="Requests in flight at once (1 to 32)."),
    ] = 4,
) -> None:
    """Enrol every row of a CSV or .xlsx file; each row gets its own outcome.

    Columns per portal kind (see `familycard portal info`); a file with a missing or
    unknown column is refused before anything is sent (exit 2).  Each row is checked
    first; then created, exists (enrolled already: re-running a file adds nothing),
    invalid, failed or unknown (sent, the answer lost: the portal may hold it).  Exit 0
    when every row is created or exists, 4 when some were invalid or refused, 75 when
    the portal stayed unavailable or an outcome is unknown (run the same file again to
    finish: a row the portal holds is then 'exists'), 130 when interrupted.

    Examples (check the file first, then enrol it and keep the per-row report):

        familycard clerk enroll families.csv --dry-run
        familycard clerk enroll families.xlsx --sheet 2026 --report report.csv
    """
    from familycard.rules.accounts import OPTIONAL_ENROLMENT_COLUMNS

    from .._tables import open_table

    state = State.of(ctx)
    table = open_table(file, encoding=encoding, sheet=sheet)
    client = state.client(clerk=not dry_run)
    info = client.info()
    table.check_columns(info.enrolment_columns, OPTIONAL_ENROLMENT_COLUMNS.get(info.kind, ()))
    if not dry_run:
        next(client.clerk.enrolments(page_size=1), None)  # a wrong clerk key stops here
    stream = client.clerk.enroll_stream(
        table.rows(), batch_size=batch_size, concurrency=concurrency, dry_run=dry_run
    )
    writer = _Report(report, file, table.delimiter) if report is not None else None
    if not state.as_json:
        if table.format == "xlsx":
            what = f"sheet {table.sheet!r}"
        else:
            what = f"{table.encoding_name}, separated by {table.delimiter!r}"
        state.out.console.print(f"{file.name}: {table.format.upper()}, {what}", markup=False)

    counts: Counter[str] = Counter()
    problems: list[EnrolmentResult] = []
    unavailable = False
    as_json = _JsonArray(sys.stdout) if state.as_json else None
    bar = _progress(state, table.total, dry_run=dry_run)

    def record(result: EnrolmentResult) -> None:
        nonlocal unavailable
        counts[result.status] += 1
        if result.error is not None:
            unavailable = unavailable or result.error.get("code") == "portal_unavailable"
            if len(problems) < SHOWN_PROBLEMS:
                problems.append(result)
        if writer is not None:
            writer.add(result)
        if as_json is not None:
            as_json.add(result.model_dump(mode="json"))
        if bar is not None:
            bar[0].update(bar[1], completed=result.row)

    interrupted = False
    try:
        try:
            for result in stream:
                record(result)
        except KeyboardInterrupt:
            interrupted = True
            # The batches on their way are committed or not: give their outcome too.
            for result in stream.settle():
                record(result)
    finally:
        stream.close()
        if bar is not None:
            if not interrupted:  # the total was an estimate (blank lines count in it)
                done = bar[0].tasks[0].completed
                bar[0].update(bar[1], total=done, completed=done)
            bar[0].stop()
        if writer is not None:
            writer.close()
        if as_json is not None:
            as_json.close()

    if not state.as_json:
        _summary(state, counts, problems)
        if report is not None:
            state.out.console.print(f"report: {report}", markup=False)
    done_rows = sum(counts.values())
    if interrupted:
        state.out.err.print(
            f"interrupted: {done_rows} rows have an outcome; every row enrolled stays "
            "enrolled. Run the same file again to finish: those rows will be 'exists'."
        )
        raise typer.Exit(EXIT["interrupted"])
    if counts["unknown"]:
        state.out.err.print(
            f"{counts['unknown']} rows are 'unknown': sent, but the portal's answer was lost, "
            "so it may hold them. Run the same file again to know: a row it holds is "
            "'exists', the others are enrolled then.",
            markup=False,
        )
    if unavailable:
        state.out.err.print(
            "the portal was unavailable: rows 'failed' with portal_unavailable were not "
            "enrolled. Run the same file again to finish: rows enrolled will be 'exists'."
        )
    if unavailable or counts["unknown"]:
        raise typer.Exit(EXIT["unavailable"])
    if counts["invalid"] or counts["failed"]:
        raise typer.Exit(EXIT["refused"])


def _summary(state: State, counts: Counter[str], problems: list[EnrolmentResult]) -> None:
    state.out.table(["outcome", "rows"], [(o, counts[o]) for o in OUTCOMES if counts[o]])
    if not problems:
        return
    more = counts["invalid"] + counts["failed"] + counts["unknown"] > len(problems)
    state.out.table(
        ["row", "outcome", "code", "message"],
        [
            (r.row, r.status, (r.error or {}).get("code"), (r.error or {}).get("message"))
            for r in problems
        ],
        title=f"First {len(problems)} problems (every row: --report)" if more else "Problems",
        free={"message"},
    )
