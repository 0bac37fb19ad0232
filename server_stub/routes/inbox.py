"""`/{tenant}/v1/inbox`, `/board` and the clerk's publishing (etelka, R3.17-R3.18)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from familycard.models.meals import BoardDocument, Inbox, Message, MessageRequest, Notification
from familycard.rules.bounds import check_id

from ..backends import inbox
from ..deps import ClerkDep, PortalDep, UserDep
from ..transactions import TxRoute

router = APIRouter(route_class=TxRoute, tags=["inbox"])


@router.get("/inbox")
def list_inbox(portal: PortalDep, account: UserDep, unread: bool = False) -> Inbox:
    """The notifications, with the total and unread counts (R3.17)."""
    return inbox.inbox(portal, account, unread=unread)


@router.post("/inbox/{notification_id}/read")
def read_notification(portal: PortalDep, account: UserDep, notification_id: int) -> Notification:
    """One notification, marked read."""
    return inbox.read(portal, account, check_id(notification_id, "the notification id"))


@router.get("/board")
def list_board(
    portal: PortalDep,
    account: UserDep,
    since: Annotated[date | None, Query(alias="from")] = None,
    until: Annotated[date | None, Query(alias="to")] = None,
    recipient: str | None = None,
    search: str | None = None,
    sort: Literal["asc", "desc"] = "desc",
) -> list[Message]:
    """The messages for the account: filter by period, recipient, keywords (R3.18)."""
    return inbox.messages(
        portal, account, since=since, until=until, recipient=recipient, search=search, sort=sort
    )


@router.get("/board/latest")
def latest_message(portal: PortalDep, account: UserDep) -> Message | None:
    """The latest message for the account, as the home page shows it (R3.18)."""
    return inbox.latest(portal, account)


@router.get("/board/documents")
def list_documents(portal: PortalDep, account: UserDep) -> list[BoardDocument]:
    """The documents the board offers: the price list and the menus (R3.18)."""
    return inbox.documents(portal)


@router.get(
    "/board/documents/{document_id}",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def download_document(portal: PortalDep, account: UserDep, document_id: str) -> Response:
    """One of the board's documents as a PDF (R3.18)."""
    document, pdf = inbox.document_pdf(portal, document_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{document.file_name}"'},
    )


@router.post("/clerk/board")
def publish(portal: ClerkDep, body: MessageRequest) -> Message:
    """Publish a message for everyone, some institutions, or one member (R3.18)."""
    return inbox.publish(portal, body)
