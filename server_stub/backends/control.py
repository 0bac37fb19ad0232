"""The control API's work: reset, seeds, outbox."""

from __future__ import annotations

import json

from familycard import Faults, OutboxMessage

from ..state import Portal, StubState
from . import accounts

__all__ = ["outbox", "reset", "start"]


def portals(stub: StubState, root_url: str) -> list[Portal]:
    """Every tenant, as seen from the server's root URL."""
    return [
        Portal(tenant=tenant, state=stub, url=f"{root_url.rstrip('/')}/{tenant.slug}")
        for tenant in stub.config.tenants.values()
    ]


def start(stub: StubState, seed: str | None, root_url: str) -> None:
    """What a fresh stub holds: accounts of other services, and a seed if asked."""
    for portal in portals(stub, root_url):
        accounts.create_preexisting_accounts(portal)
    if seed:
        from ..seeds import load_seed

        load_seed(portals(stub, root_url), seed)


def reset(stub: StubState, seed: str | None, root_url: str) -> None:
    """Empty everything and start again (inside the request's transaction).

    The seed is checked first: the clock and the faults live outside the transaction,
    so a refused reset must refuse before touching them.
    """
    if seed:
        from ..seeds import check_seed

        check_seed(seed)
    stub.store.execute("PRAGMA defer_foreign_keys = ON")
    tables = stub.store.all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    for table in tables:
        stub.store.execute(f"DELETE FROM {table['name']}")
    stub.clock.reset()
    stub.faults.replace(Faults())
    start(stub, seed or None, root_url)


def outbox(stub: StubState, *, to: str | None, tenant: str | None) -> list[OutboxMessage]:
    """E-mails, oldest first, optionally to one address or from one tenant."""
    sql = "SELECT * FROM outbox WHERE 1 = 1"
    params: list[str] = []
    if to:
        sql += " AND lower(to_addr) = lower(?)"
        params.append(to)
    if tenant:
        sql += " AND tenant = ?"
        params.append(tenant)
    rows = stub.store.all(sql + " ORDER BY id", params)
    return [
        OutboxMessage(
            id=r["id"],
            tenant=r["tenant"],
            to=r["to_addr"],
            subject=r["subject"],
            kind=r["kind"],
            body=r["body"],
            data=json.loads(r["data"]),
            sent_at=r["sent_at"],
        )
        for r in rows
    ]
