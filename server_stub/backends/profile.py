"""The user's own data and notification settings (R3.6-R3.7, R5.5-R5.6)."""

from __future__ import annotations

import json
import sqlite3

from familycard import Account, Ack, NotificationSettings
from familycard.models.accounts import ProfileUpdate
from familycard.rules.accounts import check_notification_settings, check_profile_update

from ..state import Portal
from .accounts import account_model, default_notifications

__all__ = ["delete", "notifications", "restore_notifications", "set_notifications", "update"]


def update(portal: Portal, account: sqlite3.Row, changes: ProfileUpdate) -> Account:
    """Change what the portal lets the user change."""
    changes = check_profile_update(portal.tenant.kind, changes)
    values = changes.model_dump(exclude_none=True)
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    portal.store.execute(
        f"UPDATE accounts SET {assignments} WHERE id = :id", {**values, "id": account["id"]}
    )
    row = portal.store.one("SELECT * FROM accounts WHERE id = ?", (account["id"],))
    assert row is not None
    return account_model(portal, row)


def delete(portal: Portal, account: sqlite3.Row) -> Ack:
    """Delete one's own profile (R3.6); sessions and links go with it."""
    portal.require("profile_delete")
    portal.store.execute("DELETE FROM accounts WHERE id = ?", (account["id"],))
    return Ack(message=f"the profile {account['username']} was deleted")


def _settings(portal: Portal, events: dict[str, bool]) -> NotificationSettings:
    locked = list(portal.tenant.policy.get("notification_locked", []))
    return NotificationSettings(events=events, locked=locked)


def notifications(portal: Portal, account: sqlite3.Row) -> NotificationSettings:
    """Which events send e-mails."""
    portal.require("notifications")
    stored = account["notifications"]
    events = json.loads(stored) if stored else default_notifications(portal)
    return _settings(portal, events)


def set_notifications(
    portal: Portal, account: sqlite3.Row, events: dict[str, bool]
) -> NotificationSettings:
    """Switch events on or off; locked ones (payments) stay on."""
    current = notifications(portal, account)
    merged = check_notification_settings(events, current)
    portal.store.execute(
        "UPDATE accounts SET notifications = ? WHERE id = ?", (json.dumps(merged), account["id"])
    )
    return _settings(portal, merged)


def restore_notifications(portal: Portal, account: sqlite3.Row) -> NotificationSettings:
    """Back to the recommended settings."""
    portal.require("notifications")
    defaults = default_notifications(portal)
    portal.store.execute(
        "UPDATE accounts SET notifications = ? WHERE id = ?", (json.dumps(defaults), account["id"])
    )
    return _settings(portal, defaults)
