"""Offline helpers: identifiers checked and normalised without a portal.

python docs/examples/offline_checks.py
"""

from __future__ import annotations

from familycard import InvalidInput
from familycard import identifiers as ids


def main() -> dict[str, object]:
    checked: dict[str, object] = {}
    # Spaces and case as people type them; the normalised form comes back.
    checked["tax code"] = ids.validate_tax_code(" rssmra15c45l304i ")
    checked["VAT number"] = ids.validate_vat_number("01234560041")
    checked["IBAN"] = ids.validate_iban("IT51 N076 0112 7000 0001 6338 436")

    # A pagoPA notice number: its last two digits check the first 16 (R2.4).
    notice = ids.parse_notice_number("001019100083901286")
    checked["notice check digits"] = notice.check_digits

    try:
        ids.validate_tax_code("RSSMRA15C45L304X")
    except InvalidInput as exc:
        checked["bad tax code"] = exc.code  # invalid_tax_code, nothing was sent
    return checked


if __name__ == "__main__":
    for what, value in main().items():
        print(f"{what}: {value}")
