"""`client.profile`: the user's own data and notification settings (R3.6-R3.7, R5.5-R5.6)."""

from __future__ import annotations

from ..models.accounts import Account, Ack, NotificationSettings, ProfileUpdate
from ..rules.accounts import check_profile_update
from ._base import Resource


class ProfileResource(Resource):
    """The logged-in user's profile."""

    def show(self) -> Account:
        """The user's data as the portal keeps it."""
        return self._call(Account, "GET", "/profile")

    def update(
        self,
        *,
        full_name: str | None = None,
        phone: str | None = None,
        fax: str | None = None,
        email: str | None = None,
    ) -> Account:
        """Change the fields this portal lets a user change; others are refused before sending."""
        info = self._client.info()
        update = check_profile_update(
            info.kind, ProfileUpdate(full_name=full_name, phone=phone, fax=fax, email=email)
        )
        return self._call(
            Account, "PATCH", "/profile", json=update.model_dump(mode="json", exclude_none=True)
        )

    def delete(self) -> Ack:
        """Delete one's own profile (R3.6); the session ends."""
        ack = self._call(Ack, "DELETE", "/profile")
        self._client.session_token = None
        return ack

    def notifications(self) -> NotificationSettings:
        """Which events send e-mails."""
        return self._call(NotificationSettings, "GET", "/profile/notifications")

    def set_notifications(self, events: dict[str, bool]) -> NotificationSettings:
        """Switch events on or off; payment notifications cannot be switched off.

        Checked before sending against the portal's published policy (its events and
        the locked ones), with no request of the current settings.
        """
        from ..rules.accounts import check_notification_settings

        policy = self._client.require("notifications").policy
        published = NotificationSettings(
            events=dict(policy.get("notification_defaults", {})),
            locked=list(policy.get("notification_locked", [])),
        )
        check_notification_settings(events, published)
        return self._call(
            NotificationSettings, "PATCH", "/profile/notifications", json={"events": events}
        )

    def restore_default_notifications(self) -> NotificationSettings:
        """Back to the portal's recommended settings."""
        return self._call(NotificationSettings, "POST", "/profile/notifications/restore-defaults")
