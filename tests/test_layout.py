"""The test tree itself: modules pytest can collect together, in any order.

Test folders have no `__init__.py`, so two modules with one basename cannot be
collected in one run, and `conftest` names several modules: helpers live in
`cli_support`, `sdk_support`, `stub_support`, ... and are imported from there.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_two_test_modules_share_a_basename():
    names = Counter(p.name for p in TESTS.rglob("*.py") if p.name != "conftest.py")
    assert [name for name, count in names.items() if count > 1] == []


def test_no_module_imports_from_a_conftest():
    importing = [
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("*.py")
        if re.search(r"^\s*(from conftest import|import conftest)", p.read_text("utf-8"), re.M)
    ]
    assert importing == []
