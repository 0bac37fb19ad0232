"""Pay every due school notice of your children in one cart, from Python (docs/notices.md).

    FAMILYCARD_USERNAME=pverdi123 FAMILYCARD_PASSWORD=... \
        python docs/examples/pay_school_notices.py http://127.0.0.1:8000/pagoinrete
"""

from __future__ import annotations

import hashlib
import os
import sys

from familycard import Client, Payment


def main(portal_url: str, username: str, password: str, *, method: str = "card") -> Payment | None:
    with Client(portal_url) as client:
        client.auth.login(username, password)
        notices = client.notices.list(status="due")
        # Notices already in a checkout wait there: pay it, or let it expire.
        for payment_id in sorted({n.pending_payment_id for n in notices} - {None}):
            print(f"waiting: pay at {client.payments.get(str(payment_id)).checkout_url}")
        due = [n for n in notices if n.pending_payment_id is None]
        if not due:
            print("nothing new to pay")
            return None
        for notice in due:
            print(f"{notice.number}  {notice.member_name}: {notice.subject}, {notice.amount}")
        limit = int(client.info().policy.get("cart_max_notices", 5))
        cart = [n.number for n in due[:limit]]
        cheapest = client.notices.psps(method)[0]
        # The key names the cart: a retry after a lost answer returns the same
        # checkout, never a second payment of the same notices.
        key = "cart-" + hashlib.sha256(",".join(cart).encode()).hexdigest()[:16]
        payment = client.notices.pay(cart, method=method, psp=cheapest.id, idempotency_key=key)
        print(
            f"{len(cart)} notices, {payment.amount} with {cheapest.name}'s fee of "
            f"{cheapest.fee}: pay at {payment.checkout_url}"
        )
        return payment


if __name__ == "__main__":
    main(sys.argv[1], os.environ["FAMILYCARD_USERNAME"], os.environ["FAMILYCARD_PASSWORD"])
