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
# returns the same recharge and the same checkout, never a second one.
familycard recharge create --service "$SERVICE" --top-up-to "$TARGET" \
    --idempotency-key "topup-$(date +%Y-%m)"
