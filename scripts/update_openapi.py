"""Write the stub's OpenAPI document to server_stub/openapi.json (checked in).

    .venv/bin/python scripts/update_openapi.py          # regenerate
    .venv/bin/python scripts/update_openapi.py --check  # exit 1 when it is stale

tests/stub/test_openapi.py fails when the checked-in file drifts from the app; run this
after changing a route or a wire model, and review the diff like code.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "server_stub" / "openapi.json"
COMMAND = ".venv/bin/python scripts/update_openapi.py"


def render() -> str:
    """The document as checked in: sorted keys, 2-space indent, UTF-8, a final newline."""
    from server_stub import create_app

    document = create_app().openapi()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when stale")
    args = parser.parse_args()
    text = render()
    current = PATH.read_text(encoding="utf-8") if PATH.exists() else None
    if args.check:
        if current != text:
            sys.stderr.write(f"{PATH} is stale: run {COMMAND}\n")
            return 1
        return 0
    if current == text:
        sys.stdout.write(f"{PATH} is up to date\n")
    else:
        PATH.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {PATH}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
