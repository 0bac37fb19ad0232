#!/bin/sh
# Check once a month that no school notice is left unpaid (docs/notices.md).
#
#   # m h dom mon dow  command
#   0 8 1 * *  . "$HOME/.familycard-school.env" && "$HOME/bin/check_unpaid.sh"
#
# where ~/.familycard-school.env (chmod 600) exports FAMILYCARD_PORTAL,
# FAMILYCARD_USERNAME and FAMILYCARD_PASSWORD. Cron mails what the script prints.
set -eu

# Exit 0: nothing is due; 4: something is (the list says what); else: a problem.
status=0
familycard notices list --status due --fail-if-any || status=$?
if [ "$status" -eq 4 ]; then
    echo "Pay them in one cart: familycard notices pay NUMBER... --method card --psp ID"
fi
exit "$status"
