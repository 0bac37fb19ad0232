"""Top up a child's canteen tokens once a month, from Python (docs/recharges.md).

    FAMILYCARD_USERNAME=anna.maria FAMILYCARD_PASSWORD=... FAMILYCARD_PIN=... \
        python docs/examples/monthly_topup.py http://127.0.0.1:8000/tortona
"""

from __future__ import annotations

import os
import sys
from datetime import date

from familycard import Client, Recharge

SERVICE = "mensa"
LOW = 5  # act when the balance is under this many tokens...
TARGET = 20  # ...and buy the fewest (a multiple of 5) that reach this many


def main(
    portal_url: str, username: str, password: str, pin: str, *, today: date | None = None
) -> Recharge | None:
    month = (today or date.today()).strftime("%Y-%m")
    with Client(portal_url) as client:
        client.auth.login(username, password, pin=pin)
        [balance] = client.tokens.balances(service=SERVICE)
        if balance.balance >= LOW:
            print(f"{balance.member_name}: {balance.balance} tokens, nothing to buy")
            return None
        # One key per month: running this again this month returns the same
        # recharge and the same checkout (as it stands now), never a second one.
        recharge = client.recharges.create(
            service=SERVICE, top_up_to=TARGET, idempotency_key=f"topup-{month}"
        )
        if recharge.status == "awaiting_payment":
            print(
                f"{balance.member_name}: {balance.balance} tokens. Pay {recharge.amount} "
                f"for {recharge.tokens} tokens at {recharge.checkout_url}"
            )
        else:
            print(f"{balance.member_name}: recharge {recharge.id} {recharge.status}")
        return recharge


if __name__ == "__main__":
    main(
        sys.argv[1],
        os.environ["FAMILYCARD_USERNAME"],
        os.environ["FAMILYCARD_PASSWORD"],
        os.environ["FAMILYCARD_PIN"],
    )
