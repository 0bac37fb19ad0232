"""The stub's OpenAPI document is checked in (server_stub/openapi.json) and must not drift."""

from __future__ import annotations

import difflib
import json
import runpy
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "update_openapi.py"


@pytest.fixture(scope="module")
def script() -> dict[str, Any]:
    """scripts/update_openapi.py's names: `render`, `PATH`, `COMMAND`."""
    return runpy.run_path(str(SCRIPT))


def test_the_checked_in_openapi_document_matches_the_stub(script: dict[str, Any]) -> None:
    path: Path = script["PATH"]
    command: str = script["COMMAND"]
    assert path.exists(), f"{path} is missing: generate it with {command}"
    checked_in = path.read_text(encoding="utf-8")
    current = script["render"]()
    if checked_in != current:
        diff = "".join(
            difflib.unified_diff(
                checked_in.splitlines(keepends=True),
                current.splitlines(keepends=True),
                "server_stub/openapi.json (checked in)",
                "create_app().openapi() (now)",
                n=2,
            )
        )
        if len(diff) > 4000:
            diff = diff[:4000] + "\n[... diff cut ...]\n"
        pytest.fail(
            "the stub's OpenAPI document drifted from server_stub/openapi.json; "
            f"regenerate it with `{command}` and review the diff:\n{diff}",
            pytrace=False,
        )


def test_the_document_is_pretty_sorted_json_with_a_final_newline(script: dict[str, Any]) -> None:
    text = Path(script["PATH"]).read_text(encoding="utf-8")
    document = json.loads(text)
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    # It is the stub's: portal routes under /{tenant}/v1, the control API under /_stub.
    assert "/{tenant}/v1/portal" in document["paths"]
    assert "/_stub/clock" in document["paths"]
    assert document["info"]["title"] == "familycard stub"
