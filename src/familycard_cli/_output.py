"""Everything the CLI prints goes through `Output`: one JSON document, or rich text.

`--json` prints exactly one JSON document on stdout, the model dump of what the SDK
returned.  Human output uses rich (colours off with NO_COLOR or when not a TTY) and
never shows a Python repr: lists are comma-separated, money is `EUR 141.30`, nested
data is one `dotted.key  value` line per leaf (`human_text`, `flatten`).

Tables (`Output.table`), the one way a command prints rows:

- stdout not a terminal (a pipe, a file): one line per row, tab-separated, after a
  header line, every value whole (as `gh` does when piped); a title goes to stderr.
- on a terminal: a rich table.  Ids, amounts, dates and every other column never wrap
  or shorten; only the columns a command marks `free` (names, subjects, messages,
  titles, addresses) wrap when the terminal is narrower than the table.
  `TTY_COMPATIBLE=1` (rich's variable) forces the terminal layout, `=0` the piped one.

A cell is a value (`str` is plain text, never rich markup) or a `rich.text.Text`
for a styled one.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.table import Table

__all__ = ["Output", "flatten", "human_text", "jsonable", "stdout_is_terminal"]

#: The narrowest a free-text column gets before the table grows wider than the terminal;
#: wider for a longer word, up to FREE_MAX_WORD (a longer word is folded).
FREE_MIN_WIDTH = 10
FREE_MAX_WORD = 20


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


def stdout_is_terminal() -> bool:
    """Whether stdout is a terminal (`TTY_COMPATIBLE=1`/`0` decides, as for rich).

    FORCE_COLOR, which CI systems set for colours, does not change the layout: a pipe
    still gets tab-separated rows.
    """
    forced = os.environ.get("TTY_COMPATIBLE", "")
    if forced in ("0", "1"):
        return forced == "1"
    try:
        return sys.stdout.isatty()
    except ValueError:  # closed
        return False


def _is_money(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"value", "currency"}


def human_text(value: Any) -> str:
    """One value as a person reads it: never a Python repr.

    Money `EUR 141.30` (a model or its JSON form), lists comma-separated, yes/no,
    dates and times in ISO 8601, decimals in plain notation, a mapping as
    `key: value; key: value`.
    """
    from datetime import date, datetime, time
    from decimal import Decimal
    from enum import Enum

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, Enum):
        return human_text(value.value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if _is_money(value):
        from familycard import Money

        return str(Money.model_validate(value))
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {human_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(human_text(v) for v in value)
    if hasattr(value, "model_dump"):  # a model: money as such, others as their data
        from familycard import Money

        return str(value) if isinstance(value, Money) else human_text(value.model_dump(mode="json"))
    return str(value)


def _labels(items: Sequence[Any]) -> list[str] | None:
    """The items' unique ids, when each item is a mapping with one."""
    ids = [item.get("id") if isinstance(item, Mapping) else None for item in items]
    if all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids):
        return [str(i) for i in ids]
    return None


def flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Nested data as (`dotted.key`, leaf) pairs: `meal_prices.primary.lunch`, HUF 650.

    Money and lists of plain values are leaves; a list of mappings is keyed by each
    item's `id` (`psps.paydemo.name`), else by its position from 1.
    """
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and not _is_money(value):
            yield from flatten(value, name + ".")
        elif (
            isinstance(value, list | tuple)
            and value
            and all(isinstance(v, Mapping) and not _is_money(v) for v in value)
        ):
            labels = _labels(value)
            for number, item in enumerate(value, start=1):
                if labels is None:
                    yield from flatten(item, f"{name}.{number}.")
                else:
                    rest = {k: v for k, v in item.items() if k != "id"}
                    yield from flatten(rest, f"{name}.{labels[number - 1]}.")
        else:
            yield name, value


def _plain(cell: Any) -> str:
    """A cell as one whole TSV field: plain text, no tab or line break in it."""
    from rich.text import Text

    text = cell.plain if isinstance(cell, Text) else human_text(cell)
    return " ".join(text.replace("\t", " ").splitlines()) if text else ""


class Output:
    """Where a command's result and messages go."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self._console: Console | None = None
        self._err: Console | None = None
        self._tsv_tables = 0

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

    @property
    def piped(self) -> bool:
        """Whether stdout is not a terminal: tables print as tab-separated lines."""
        return not stdout_is_terminal()

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

    def say(self, text: str, *, style: str | None = None) -> None:
        """A line of plain text for a person; `style` colours it on a terminal only.

        Piped, it is written as it is, without loading rich (start-up time).
        """
        if self.piped and not self.as_json:
            sys.stdout.write(text + "\n")
        else:
            self.console.print(text, style=style, markup=False, highlight=False)

    def fields(self, data: Any, *, title: str | None = None) -> None:
        """A mapping as `key  value` lines; nested data as `dotted.key  value` lines."""
        if not isinstance(data, Mapping):
            self.say(human_text(data))
            return
        if title:
            self.say(title, style="bold")
        lines = [
            (key.replace("_", " "), human_text(value))
            for key, value in flatten(data)
            if value not in (None, [], {}, "")
        ]
        width = max((len(k) for k, _ in lines), default=0)
        for key, text in lines:
            self.say(f"{key:<{width}}  {text}")

    def table(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        title: str = "",
        free: Collection[str] = (),
    ) -> None:
        """Rows as a table: tab-separated lines when piped, a rich table on a terminal.

        `free` names the free-text columns, the only ones that may wrap on a narrow
        terminal (see the module's docstring).
        """
        if not self.piped:
            self.console.print(self.make_table(columns, rows, title=title, free=free))
            return
        if title:
            self.err.print(title, markup=False)
        lines = ["\t".join(_plain(c) for c in columns)]
        lines += ["\t".join(_plain(c) for c in row) for row in rows]
        # Tables printed one after another are told apart by a blank line.
        sys.stdout.write(("\n" if self._tsv_tables else "") + "\n".join(lines) + "\n")
        sys.stdout.flush()
        self._tsv_tables += 1

    @staticmethod
    def make_table(
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        title: str = "",
        free: Collection[str] = (),
    ) -> Table:
        """The rich table `table` prints on a terminal: only `free` columns may wrap.

        Every other column is as wide as its widest value (ids, amounts and dates stay
        whole, even when the table is then wider than the terminal).
        """
        from rich.cells import cell_len
        from rich.text import Text

        unknown = set(free) - set(columns)
        if unknown:
            raise ValueError(f"free columns not in the table: {sorted(unknown)}")
        cells = [[c if isinstance(c, Text) else Text(human_text(c)) for c in row] for row in rows]
        table = _whole_table()(title=title or None, show_edge=False, header_style="bold")
        for index, column in enumerate(columns):
            widest = max((row[index].cell_len for row in cells), default=0)
            if column in free:
                words = (cell_len(w) for row in cells for w in row[index].plain.split())
                narrowest = max(FREE_MIN_WIDTH, min(max(words, default=0), FREE_MAX_WORD))
                table.add_column(column, overflow="fold", min_width=min(widest, narrowest))
            else:
                table.add_column(column, no_wrap=True, min_width=max(widest, len(column)))
        for row in cells:
            table.add_row(*row)
        return table


@functools.cache
def _whole_table() -> type[Table]:
    """rich's Table, grown wider than the console rather than squeeze a column below its
    `min_width`: rich shrinks a wrapping column to nothing, and cuts the others, when the
    table does not fit (rich is imported here, when a table is printed)."""
    from rich.table import Table

    class WholeTable(Table):
        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            padding = self.padding[1] + self.padding[3]
            rules = (len(self.columns) - 1 + 2 * self.show_edge) if self.box else 0
            need = sum((c.min_width or 0) + padding for c in self.columns) + rules
            if self.width is not None or need <= options.max_width:
                yield from super().__rich_console__(console, options)
                return
            self.width = need  # as narrow as the columns allow; the terminal wraps the lines
            try:
                yield from super().__rich_console__(console, options)
            finally:
                self.width = None

    return WholeTable
