"""`/{tenant}/v1/profile`: the user's own data and notification settings."""

from __future__ import annotations

from fastapi import APIRouter

from familycard import Account, Ack, NotificationSettings
from familycard.models.accounts import NotificationChange, ProfileUpdate

from ..backends import accounts, profile
from ..deps import PortalDep, UserDep
from ..transactions import TxRoute

router = APIRouter(prefix="/profile", route_class=TxRoute, tags=["profile"])


@router.get("")
def show(portal: PortalDep, account: UserDep) -> Account:
    """The user's data."""
    return accounts.account_model(portal, account)


@router.patch("")
def update(portal: PortalDep, account: UserDep, changes: ProfileUpdate) -> Account:
    """Change the editable fields."""
    return profile.update(portal, account, changes)


@router.delete("")
def delete(portal: PortalDep, account: UserDep) -> Ack:
    """Delete one's own profile."""
    return profile.delete(portal, account)


@router.get("/notifications")
def notifications(portal: PortalDep, account: UserDep) -> NotificationSettings:
    """Which events send e-mails."""
    return profile.notifications(portal, account)


@router.patch("/notifications")
def set_notifications(
    portal: PortalDep, account: UserDep, body: NotificationChange
) -> NotificationSettings:
    """Switch events on or off."""
    return profile.set_notifications(portal, account, body.events)


@router.post("/notifications/restore-defaults")
def restore_defaults(portal: PortalDep, account: UserDep) -> NotificationSettings:
    """Back to the recommended settings."""
    return profile.restore_notifications(portal, account)
