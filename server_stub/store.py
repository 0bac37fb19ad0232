"""SQLite storage: one connection, one transaction per request, serialised.

Requests are serialised by an asyncio lock held from the first statement to the
commit, so a request sees and leaves a consistent state.  A refused request rolls
back everything it did, unless the rule asked to keep it (`keep_on_error`: a failed
login is counted even though the login is refused).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

__all__ = ["Store"]


class Store:
    """The stub's database."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
        schema = files("server_stub").joinpath("schema")
        for part in sorted(schema.iterdir(), key=lambda p: p.name):
            if part.name.endswith(".sql"):
                self.conn.executescript(part.read_text(encoding="utf-8"))
        self.lock = asyncio.Lock()
        self.keep_on_error = False

    # Transactions -------------------------------------------------------------------

    def begin(self) -> None:
        """Start the request's transaction."""
        self.keep_on_error = False
        self.conn.execute("BEGIN IMMEDIATE")

    def end(self, *, ok: bool) -> None:
        """Commit when the request succeeded (or asked to keep its changes), else roll back."""
        if ok or self.keep_on_error:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
        self.keep_on_error = False

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction outside a request (start-up, seeding)."""
        self.begin()
        try:
            yield
        except BaseException:
            self.end(ok=False)
            raise
        self.end(ok=True)

    # Statements ---------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        """Run one statement."""
        return self.conn.execute(sql, params)

    def one(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Row | None:
        """The first row of a query, or None."""
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        """Every row of a query."""
        return self.conn.execute(sql, params).fetchall()

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """Insert a row; return its id."""
        columns = ", ".join(values)
        marks = ", ".join(f":{c}" for c in values)
        cursor = self.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        return int(cursor.lastrowid or 0)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
