#!/bin/sh
# Top up a child's canteen tokens once a month, from cron (docs/recharges.md).
#
#   # m h dom mon dow  command
#   0 7 1 * *  . "$HOME/.familycard-maria.env" && "$HOME/bin/monthly_topup.sh"
#
# where ~/.familycard-maria.env (chmod 600) exports FAMILYCARD_PORTAL,
# FAMILYCARD_USERNAME, FAMILYCARD_PASSWORD and FAMILYCARD_PIN of one child's
# registration. Cron mails what the script prints: the link to pay, when needed.
set -eu

SERVICE="${SERVICE:-mensa}"
LOW="${LOW:-5}"       # act when the balance is under this many tokens...
TARGET="${TARGET:-20}" # ...and buy the fewest (a multiple of 5) that reach this many

# Exit 0: the balance is at least LOW; 4: it is under LOW; anything else: a problem.
status=0
familycard tokens balance --service "$SERVICE" --below "$LOW" || status=$?
if [ "$status" -eq 0 ]; then
    exit 0
elif [ "$status" -ne 4 ]; then
    exit "$status"
fi

# One key per month: if cron (or you) runs this again this month, the portal
# returns the same recharge and the same checkout, never a second one.  A card
# declined (or a checkout left to expire) spends the key: the portal says
# recharge_ended_unpaid (exit 4), and the next key of the month tries again.
month="$(date +%Y-%m)"
errors="$(mktemp)"
trap 'rm -f "$errors"' EXIT
for attempt in 1 2 3 4 5; do
    key="topup-$month"
    [ "$attempt" -eq 1 ] || key="$key-$attempt"
    status=0
    familycard recharge create --service "$SERVICE" --top-up-to "$TARGET" \
        --idempotency-key "$key" 2>"$errors" || status=$?
    if [ "$status" -eq 4 ] && grep -q recharge_ended_unpaid "$errors"; then
        continue
    fi
    cat "$errors" >&2
    exit "$status"
done
echo "five recharges of $month ended unpaid: pay one, or try again next month" >&2
exit 4
