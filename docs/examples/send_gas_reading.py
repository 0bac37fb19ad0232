"""Send the gas meter reading inside the supplier's window, once a month, and confirm it.

Run it from cron a few times a day while the window is open (docs/meter-readings.md);
each run does what is left to do and says what it found:

- the window is closed: nothing to do, it says when the next one opens;
- no reading in the open window yet: it sends GAS_METER (and GAS_CORRECTOR);
- this window's reading is still "to be acquired": it says when it will be;
- it was acquired: done for this month.

    # ~/.familycard-gas.env (chmod 600), updated when you read the meter:
    export FAMILYCARD_PORTAL=https://... FAMILYCARD_USERNAME=000002 FAMILYCARD_PASSWORD=...
    export GAS_PDR=00881234567890 GAS_METER=1532 GAS_CORRECTOR=1490

Exit 0 for all of the above; 1, with the portal's reason, when it refuses.
"""

from __future__ import annotations

import os
import sys

from familycard import Client, FamilycardError


def main(
    portal_url: str,
    username: str,
    password: str,
    *,
    supply_point: str,
    meter: int,
    corrector: int | None = None,
) -> str:
    """Do what is left to do in the open window; return what happened, in one line."""
    with Client(portal_url) as client:
        client.auth.login(username, password)
        windows = client.readings.windows(supply_point=supply_point)
        if windows.open is None:
            return (
                f"the window is closed; the next one opens {windows.next.opens_at:%Y-%m-%d %H:%M}"
            )
        first_day = windows.open.opens_at.date()
        readings = client.readings.list(supply_point=supply_point)
        sent = [r for r in readings if r.reading_date >= first_day]
        if not sent:
            reading = client.readings.submit(meter, corrector=corrector, supply_point=supply_point)
            return (
                f"sent meter {reading.meter} for {reading.reading_date}; "
                f"to be acquired at {reading.acquired_at:%H:%M}"
            )
        reading = sent[0]
        if reading.status == "acquired":
            return f"the reading of {reading.reading_date} (meter {reading.meter}) was acquired"
        return (
            f"the reading of {reading.reading_date} (meter {reading.meter}) is to be "
            f"acquired at {reading.acquired_at:%H:%M}"
        )


if __name__ == "__main__":
    env = os.environ
    try:
        print(
            main(
                env["FAMILYCARD_PORTAL"],
                env["FAMILYCARD_USERNAME"],
                env["FAMILYCARD_PASSWORD"],
                supply_point=env["GAS_PDR"],
                meter=int(env["GAS_METER"]),
                corrector=int(env["GAS_CORRECTOR"]) if env.get("GAS_CORRECTOR") else None,
            )
        )
    except FamilycardError as error:
        print(f"refused: {error.message} [{error.code}]", file=sys.stderr)
        sys.exit(1)
