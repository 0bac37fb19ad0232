"""The notifications inbox and the message board of an etelka portal (R3.17-R3.18).

Every cancellation outcome, order finalisation and payment outcome lands in the inbox
of the account concerned, and is e-mailed when the account's notification settings
(R3.7) have the event on; payment notifications cannot be switched off.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from familycard import InvalidInput, NotFound
from familycard.models.meals import BoardDocument, Inbox, Message, MessageRequest, Notification
from familycard.rules.meals import (
    board_document,
    board_documents,
    check_message,
    fold,
    matches_search,
    menu_lines,
    price_list_lines,
    resolve_member,
)

from ..state import Portal, iso
from .accounts import default_notifications

__all__ = [
    "document_pdf",
    "documents",
    "inbox",
    "latest",
    "messages",
    "notify",
    "publish",
    "read",
]


# The inbox (R3.17) ------------------------------------------------------------------------


def _wants(portal: Portal, account: sqlite3.Row, event: str) -> bool:
    locked = set(portal.tenant.policy.get("notification_locked", []))
    if event in locked:
        return True
    stored = account["notifications"]
    settings: dict[str, bool] = json.loads(stored) if stored else default_notifications(portal)
    return bool(settings.get(event, False))


def notify(
    portal: Portal,
    account_ids: list[int],
    *,
    event: str,
    title: str,
    body: str,
    data: dict[str, Any] | None = None,
) -> list[int]:
    """Put a notification in each account's inbox; e-mail those who want the event."""
    ids = []
    for account_id in account_ids:
        account = portal.store.one("SELECT * FROM accounts WHERE id = ?", (account_id,))
        if account is None:
            continue
        ids.append(
            portal.store.insert(
                "inbox",
                {
                    "tenant": portal.tenant.slug,
                    "account_id": account_id,
                    "kind": event,
                    "title": title,
                    "body": body,
                    "data": json.dumps(data or {}),
                    "created_at": iso(portal.now()),
                },
            )
        )
        if _wants(portal, account, event):
            portal.send_email(
                account["email"],
                f"{portal.tenant.name}: {title}",
                event,
                body,
                **(data or {}),
            )
    return ids


def _notification(row: sqlite3.Row) -> Notification:
    return Notification(
        id=row["id"],
        kind=row["kind"],
        title=row["title"],
        body=row["body"],
        data=json.loads(row["data"]),
        created_at=row["created_at"],
        read=row["read_at"] is not None,
    )


def inbox(portal: Portal, account: sqlite3.Row, *, unread: bool = False) -> Inbox:
    """R3.17: the total and unread counts, and the notifications, newest first."""
    portal.require("inbox")
    rows = portal.store.all(
        "SELECT * FROM inbox WHERE tenant = ? AND account_id = ? ORDER BY id DESC",
        (portal.tenant.slug, account["id"]),
    )
    unread_rows = [r for r in rows if r["read_at"] is None]
    return Inbox(
        total=len(rows),
        unread=len(unread_rows),
        notifications=[_notification(r) for r in (unread_rows if unread else rows)],
    )


def read(portal: Portal, account: sqlite3.Row, notification_id: int) -> Notification:
    """One notification, marked read."""
    portal.require("inbox")
    row = portal.store.one(
        "SELECT * FROM inbox WHERE tenant = ? AND account_id = ? AND id = ?",
        (portal.tenant.slug, account["id"], notification_id),
    )
    if row is None:
        raise NotFound(f"no notification {notification_id} in your inbox", code="not_found")
    if row["read_at"] is None:
        portal.store.execute(
            "UPDATE inbox SET read_at = ? WHERE id = ?", (iso(portal.now()), notification_id)
        )
    return _notification(row).model_copy(update={"read": True})


# The message board (R3.18) ------------------------------------------------------------------


def _names(portal: Portal) -> dict[str, str]:
    rows = portal.store.all(
        "SELECT json_extract(data, '$.child_name') AS name, "
        "json_extract(data, '$.institution') AS institution FROM enrolments WHERE tenant = ?",
        (portal.tenant.slug,),
    )
    from familycard.rules.meals import member_id

    return {member_id(r["name"], r["institution"]): r["name"] for r in rows}


def _message(row: sqlite3.Row, names: dict[str, str]) -> Message:
    institutions = json.loads(row["institutions"])
    audience = "member" if row["member_id"] else ("institutions" if institutions else "everyone")
    return Message(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        audience=audience,
        institutions=institutions,
        member_id=row["member_id"],
        member=names.get(row["member_id"]) if row["member_id"] else None,
        published_at=row["published_at"],
    )


def _visible_to(message: Message, member_ids: set[str], institutions: set[str]) -> bool:
    if message.audience == "everyone":
        return True
    if message.audience == "institutions":
        return bool(institutions & set(message.institutions))
    return message.member_id in member_ids


def publish(portal: Portal, request: MessageRequest) -> Message:
    """The clerk publishes a message for everyone, some institutions, or one member."""
    portal.require("board")
    from . import etelka

    request = check_message(request, list(portal.tenant.policy.get("institutions", [])))
    title, body = request.title, request.body
    member = etelka.resolve_any(portal, request.member) if request.member else None
    message_id = portal.store.insert(
        "board_messages",
        {
            "tenant": portal.tenant.slug,
            "title": title,
            "body": body,
            "institutions": json.dumps(request.institutions),
            "member_id": member.id if member else None,
            "published_at": iso(portal.now()),
        },
    )
    row = portal.store.one("SELECT * FROM board_messages WHERE id = ?", (message_id,))
    assert row is not None
    message = _message(row, _names(portal))
    # E-mail the accounts that see it and asked for board messages (R3.7).
    for account in portal.store.all(
        "SELECT * FROM accounts WHERE tenant = ? AND status = 'active'", (portal.tenant.slug,)
    ):
        mine = etelka.enrolled(portal, account)
        ids = {m.id for m in mine}
        places = {m.institution for m in mine}
        if mine and _visible_to(message, ids, places) and _wants(portal, account, "board"):
            portal.send_email(
                account["email"],
                f"{portal.tenant.name}: {title}",
                "board",
                body,
                message_id=message_id,
            )
    return message


def messages(
    portal: Portal,
    account: sqlite3.Row,
    *,
    since: date | None = None,
    until: date | None = None,
    recipient: str | None = None,
    search: str | None = None,
    sort: str = "desc",
) -> list[Message]:
    """R3.18: the messages the account sees, filtered by period, recipient and keywords."""
    portal.require("board")
    from . import etelka

    mine = etelka.enrolled(portal, account)
    ids = {m.id for m in mine}
    places = {m.institution for m in mine}
    zone = ZoneInfo(portal.tenant.timezone)
    names = _names(portal)
    rows = portal.store.all(
        "SELECT * FROM board_messages WHERE tenant = ? ORDER BY published_at, id",
        (portal.tenant.slug,),
    )
    found = [m for m in (_message(r, names) for r in rows) if _visible_to(m, ids, places)]
    if recipient:
        found = _by_recipient(found, recipient, mine)
    if since or until:
        found = [
            m
            for m in found
            if (since is None or m.published_at.astimezone(zone).date() >= since)
            and (until is None or m.published_at.astimezone(zone).date() <= until)
        ]
    if search:
        found = [m for m in found if matches_search(search, m.title, m.body)]
    if sort == "desc":
        found.reverse()
    return found


def _by_recipient(found: list[Message], recipient: str, mine: list[Any]) -> list[Message]:
    clean = fold(recipient)
    if clean in ("everyone", "all"):
        return [m for m in found if m.audience == "everyone"]
    institutions = {fold(i) for m in found for i in m.institutions} | {
        fold(m.institution) for m in mine
    }
    if clean in institutions:
        return [m for m in found if clean in {fold(i) for i in m.institutions}]
    try:
        member = resolve_member(recipient, mine)
    except (NotFound, InvalidInput):
        raise InvalidInput(
            f"no recipient {recipient!r}: give everyone, an institution of your members, "
            "or a member (id or name)",
            code="unknown_recipient",
        ) from None
    return [m for m in found if m.member_id == member.id]


def latest(portal: Portal, account: sqlite3.Row) -> Message | None:
    """The latest message the account sees (the home page's "latest message")."""
    found = messages(portal, account, sort="desc")
    return found[0] if found else None


# The board's documents (R3.18) -----------------------------------------------------------------


def documents(portal: Portal) -> list[BoardDocument]:
    """R3.18: the price list and the menus the board offers for download."""
    portal.require("board")
    return board_documents(portal.tenant.policy)


def document_pdf(portal: Portal, document_id: str) -> tuple[BoardDocument, bytes]:
    """R3.18: one of the board's documents as a PDF; `not_found` for an unknown id."""
    from ..pdf import render_pdf
    from . import etelka

    portal.require("board")
    policy = portal.tenant.policy
    document = board_document(policy, document_id)
    if document.kind == "price_list":
        lines = price_list_lines(policy, etelka.currency(portal))
    else:
        assert document.period is not None
        lines = menu_lines(policy, document.period)
    return document, render_pdf(f"{portal.tenant.name}: {document.title}", lines)
