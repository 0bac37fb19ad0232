"""Pure rules of the portals, shared by the SDK (checked before sending) and the stub.

Each function is the one source of its rule: the stub enforces it, the SDK calls
the same function to fail early with the same error code.  Nothing here does I/O.
"""

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
