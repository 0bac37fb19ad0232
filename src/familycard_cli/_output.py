"""Everything the CLI prints goes through `Output`: one JSON document, or rich text.

`--json` prints exactly one JSON document on stdout, the model dump of what the SDK
returned.  Human output uses rich (colours off with NO_COLOR or when not a TTY).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

__all__ = ["Output", "jsonable"]


def jsonable(value: Any) -> Any:
    """A model, a list of models, or plain data, as JSON-ready data."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


class Output:
    """Where a command's result and messages go."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self._console: Console | None = None
        self._err: Console | None = None

    @property
    def console(self) -> Console:
        """Rich console on stdout, for human output."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False, soft_wrap=True)
        return self._console

    @property
    def err(self) -> Console:
        """Rich console on stderr, for notes and progress."""
        if self._err is None:
            from rich.console import Console

            self._err = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._err

    def emit(self, result: Any, human: Callable[[Any], None] | None = None) -> None:
        """The command's result: JSON with --json, else `human(result)` or a plain dump."""
        if self.as_json:
            sys.stdout.write(json.dumps(jsonable(result), ensure_ascii=False, indent=2) + "\n")
            sys.stdout.flush()
        elif human is not None:
            human(result)
        else:
            self.fields(jsonable(result))

    def note(self, text: str) -> None:
        """A line for a person (stderr with --json so stdout stays one document)."""
        (self.err if self.as_json else self.console).print(text)

    def warn(self, text: str) -> None:
        """A warning on stderr."""
        self.err.print(f"[yellow]warning:[/] {text}")

    def fields(self, data: Any, *, title: str | None = None) -> None:
        """A mapping as `key: value` lines."""
        if not isinstance(data, dict):
            self.console.print(data)
            return
        if title:
            self.console.print(f"[bold]{title}[/]")
        width = max((len(k) for k in data), default=0)
        for key, value in data.items():
            if value in (None, [], {}, ""):
                continue
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            self.console.print(f"{key.replace('_', ' '):<{width}}  {value}", markup=False)

    def table(
        self, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str = ""
    ) -> None:
        """Rows as a rich table."""
        self.console.print(self.make_table(columns, rows, title=title))

    @staticmethod
    def make_table(
        columns: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str = ""
    ) -> Table:
        """A rich table (for callers that style cells)."""
        from rich.table import Table

        table = Table(title=title or None, show_edge=False, header_style="bold")
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        return table
