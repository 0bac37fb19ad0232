"""Pure rules of the portals, shared by the SDK (checked before sending) and the stub.

Each function is the one source of its rule: the stub enforces it, the SDK calls
the same function to fail early with the same error code.  Nothing here does I/O.
The names below are those of `accounts`, imported on first access: importing one
rule module (`familycard.rules.calendar`) does not import the others.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .accounts import (
        EDITABLE_PROFILE_FIELDS,
        ENROLMENT_COLUMNS,
        PREVIEW_FIELDS,
        RECOVERY_FIELDS,
        REGISTRATION_FIELDS,
        check_enrolment_row,
        check_new_password,
        check_notification_settings,
        check_profile_update,
        check_recovery,
        check_registration,
        enrolment_key,
    )

__all__ = [
    "EDITABLE_PROFILE_FIELDS",
    "ENROLMENT_COLUMNS",
    "PREVIEW_FIELDS",
    "RECOVERY_FIELDS",
    "REGISTRATION_FIELDS",
    "check_enrolment_row",
    "check_new_password",
    "check_notification_settings",
    "check_profile_update",
    "check_recovery",
    "check_registration",
    "enrolment_key",
]

if not TYPE_CHECKING:  # for mypy, the import above defines every name

    def __getattr__(name: str) -> Any:
        """Import `accounts` on first access to one of its names, then keep the name."""
        if name not in __all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from . import accounts

        value = getattr(accounts, name)
        globals()[name] = value
        return value
