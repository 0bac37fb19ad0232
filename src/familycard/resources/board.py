"""`client.board`: the message board of an etelka portal (R3.18)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import date
from typing import Literal

from pydantic import TypeAdapter

from .._errors import InvalidInput
from ..models.meals import BoardDocument, Message, MessageRequest
from ..rules.meals import check_message
from ._base import Resource, segment


class BoardResource(Resource):
    """Messages for everyone, some institutions or one member; the clerk publishes them."""

    def list(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        recipient: str | None = None,
        search: str | None = None,
        sort: Literal["asc", "desc"] = "desc",
    ) -> builtins.list[Message]:
        """The messages the account sees, by date; filter by period, recipient, keywords.

        `recipient` is `everyone`, an institution of the account's members, or a member.
        """
        self._client.require("board")
        if sort not in ("asc", "desc"):
            raise InvalidInput("sort is asc or desc", code="invalid_sort")
        params = {
            "from": since.isoformat() if since else None,
            "to": until.isoformat() if until else None,
            "recipient": recipient,
            "search": search,
            "sort": sort,
        }
        return self._call_list(Message, "GET", "/board", params=params)

    def latest(self) -> Message | None:
        """The latest message for the account (the home page's panel), if any."""
        self._client.require("board")
        response = self._client._core.request("GET", "/board/latest")
        return TypeAdapter(Message | None).validate_json(response.content)

    def documents(self) -> builtins.list[BoardDocument]:
        """The documents the board offers: the price list and the menus (R3.18)."""
        self._client.require("board")
        return self._call_list(BoardDocument, "GET", "/board/documents")

    def download(self, document_id: str) -> bytes:
        """One of the board's documents as a PDF (`not_found` for an unknown id)."""
        self._client.require("board")
        response = self._client._core.request(
            "GET", f"/board/documents/{segment(document_id, 'document id')}"
        )
        return response.content

    def publish(
        self,
        title: str,
        body: str,
        *,
        institutions: Iterable[str] = (),
        member: str | None = None,
        idempotency_key: str | None = None,
    ) -> Message:
        """Publish a message (clerk): for everyone, some institutions, or one member."""
        info = self._client.require("board")
        request = check_message(
            MessageRequest(title=title, body=body, institutions=list(institutions), member=member),
            info.policy.get("institutions", []),
        )
        return self._call(
            Message,
            "POST",
            "/clerk/board",
            json=request.model_dump(exclude_none=True),
            idempotency_key=idempotency_key,
        )
