"""`client.inbox`: the notifications inbox of an etelka account (R3.17)."""

from __future__ import annotations

from ..models.meals import Inbox, Notification
from ..rules.bounds import parse_id
from ._base import Resource


class InboxResource(Resource):
    """Cancellation, order and payment outcomes the portal kept, with the unread count."""

    def list(self, *, unread: bool = False) -> Inbox:
        """The total and unread counts and the notifications (only unread ones if asked)."""
        self._client.require("inbox")
        return self._call(Inbox, "GET", "/inbox", params={"unread": unread})

    def read(self, notification_id: int) -> Notification:
        """One notification; it is marked read."""
        self._client.require("inbox")
        number = parse_id(notification_id, "the notification id")
        return self._call(Notification, "POST", f"/inbox/{number}/read")
