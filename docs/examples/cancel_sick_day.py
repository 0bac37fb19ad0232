"""Cancel a sick child's meals, and be sure it counted (etelka, R3.8-R3.9).

    FAMILYCARD_USERNAME=eva FAMILYCARD_PASSWORD=... \\
        python docs/examples/cancel_sick_day.py PORTAL_URL MEMBER DAY [DAY ...]

Each day is cancelled or refused on its own; the deadline is the working day before
the meal day at the portal's cut-off (09:00 on Jászberény).  Exit status 0 when every
day was cancelled, 4 when any was refused: a script can tell, and try nothing twice.
"""

from __future__ import annotations

import os
import sys
from datetime import date

import familycard


def main(
    portal_url: str, username: str, password: str, member: str, days: list[date]
) -> familycard.Cancellation:
    """Log in, cancel the days, print one line per day; return the `Cancellation`."""
    with familycard.Client(portal_url) as client:
        client.auth.login(username, password)
        result = client.meals.cancel(days, member=member)
        for outcome in result.outcomes:
            deadline = f"{outcome.deadline:%a %d %b %H:%M}" if outcome.deadline else "-"
            why = f" ({outcome.code})" if outcome.code else ""
            print(f"{outcome.day} {outcome.status}{why}, deadline {deadline}")
        if result.credit.value:
            print(f"credited to {result.member}'s account: {result.credit}")
        return result


if __name__ == "__main__":
    url, who, *wanted = sys.argv[1:]
    outcome = main(
        url,
        os.environ["FAMILYCARD_USERNAME"],
        os.environ["FAMILYCARD_PASSWORD"],
        who,
        [date.fromisoformat(d) for d in wanted],
    )
    sys.exit(4 if outcome.refused else 0)
