"""docs/rules.md holds every rule the project cites, each with its anchor.

The pages, the tests' names (`test_r3_9_...` is R3.9) and the SDK's docstrings cite
rules by number; a reader with only the repository finds each on "The rules" page,
at `rules.md#r3-9` (`rules.md#x4` for a cross-cutting rule).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from familycard.kinds import PortalKind

ROOT = Path(__file__).resolve().parents[2]
RULES_PAGE = ROOT / "docs" / "rules.md"

#: The rules each portal kind has (P1 citycard ... P5 utility), and the cross-cutting ones.
RULES_PER_KIND = {"citycard": 9, "entranext": 5, "etelka": 18, "pagoinrete": 5, "utility": 14}
CROSS_CUTTING = 5

_ID = r"(?:R\d+\.\d+|X\d+)"
_CITED = re.compile(rf"\b({_ID})(?:\s*[-–]\s*({_ID}))?\b")
_TEST_NAME = re.compile(r"^test_(?:r(\d+)_(\d+)|x(\d+))(?:_|$)")
_ENTRY = re.compile(r'^- <a id="([a-z0-9-]+)" href="#\1">\*\*(' + _ID + r")\*\*</a> (\S.*)$")


def anchor(rule: str) -> str:
    """The anchor of a rule on the page: R3.9 -> r3-9, X4 -> x4."""
    return rule.lower().replace(".", "-")


def expand(first: str, last: str | None) -> list[str]:
    """The rules a citation names: `R1.1-R1.3` is R1.1, R1.2 and R1.3."""
    if last is None:
        return [first]
    if first[0] == "X" and last[0] == "X":
        return [f"X{n}" for n in range(int(first[1:]), int(last[1:]) + 1)]
    (kind, start), (kind_last, end) = first[1:].split("."), last[1:].split(".")
    if first[0] != "R" or last[0] != "R" or kind != kind_last:
        return [first, last]
    return [f"R{kind}.{n}" for n in range(int(start), int(end) + 1)]


def cited_in(text: str) -> set[str]:
    return {rule for m in _CITED.finditer(text) for rule in expand(m[1], m[2])}


def page_rules() -> dict[str, str]:
    """The rules the page lists, by id, with their text (an entry runs on indented lines)."""
    rules: dict[str, str] = {}
    current: str | None = None
    for line in RULES_PAGE.read_text(encoding="utf-8").splitlines():
        entry = _ENTRY.match(line)
        if entry is not None:
            found, rule, text = entry.groups()
            assert found == anchor(rule), f"docs/rules.md: {rule} has the anchor #{found}"
            assert rule not in rules, f"docs/rules.md lists {rule} twice"
            rules[rule] = text
            current = rule
        elif current is not None and line.startswith("  ") and line.strip():
            rules[current] += " " + line.strip()
        else:
            current = None
    return rules


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def rules_in_docs() -> dict[str, set[str]]:
    return {
        f"docs/{p.name}": cited_in(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "docs").glob("*.md"))
        if p != RULES_PAGE
    }


def rules_in_test_names() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in python_files("tests"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                m = _TEST_NAME.match(node.name)
                if m is not None:
                    rule = f"X{m[3]}" if m[3] else f"R{m[1]}.{m[2]}"
                    found.setdefault(f"{path.relative_to(ROOT)}::{node.name}", set()).add(rule)
    return found


def rules_in_src_docstrings() -> dict[str, set[str]]:
    """Rules the docstrings of src/ cite: modules, classes, functions, and fields' own."""
    found: dict[str, set[str]] = {}
    for path in python_files("src"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                rules = cited_in(node.value.value)
                if rules:
                    found.setdefault(f"{path.relative_to(ROOT)}:{node.lineno}", set()).update(rules)
    return found


@pytest.mark.parametrize(
    "citations",
    [
        pytest.param(rules_in_docs, id="docs-pages"),
        pytest.param(rules_in_test_names, id="test-names"),
        pytest.param(rules_in_src_docstrings, id="src-docstrings"),
    ],
)
def test_every_cited_rule_is_on_the_rules_page(
    citations: Callable[[], dict[str, set[str]]],
) -> None:
    listed = page_rules()
    cited = citations()
    assert cited, "nothing cites a rule here? the scan is broken"
    missing = {
        where: sorted(rules - set(listed)) for where, rules in cited.items() if rules - set(listed)
    }
    assert not missing, f"rules cited but not on docs/rules.md: {missing}"


def test_the_page_lists_every_rule_of_the_five_portal_kinds() -> None:
    listed = page_rules()
    assert tuple(RULES_PER_KIND) == tuple(PortalKind), "a portal kind was added or renamed"
    expected = [f"X{n}" for n in range(1, CROSS_CUTTING + 1)] + [
        f"R{kind}.{n}"
        for kind, count in enumerate(RULES_PER_KIND.values(), start=1)
        for n in range(1, count + 1)
    ]
    assert list(listed) == expected
    for rule, text in listed.items():
        assert len(text) > 10, f"{rule} has no text: {text!r}"


def test_each_portal_kind_has_its_section_in_order() -> None:
    text = RULES_PAGE.read_text(encoding="utf-8")
    headings = re.findall(r"^## P(\d) `([a-z]+)`", text, flags=re.MULTILINE)
    assert headings == [(str(n), kind) for n, kind in enumerate(PortalKind, start=1)]
    for n, kind in enumerate(PortalKind, start=1):
        section = text.split(f"## P{n} `{kind}`", 1)[1].split("\n## ", 1)[0]
        assert set(re.findall(r"\*\*(R\d+)\.\d+\*\*", section)) == {f"R{n}"}, kind


def test_the_readme_and_the_nav_point_to_the_page_not_outside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/rules.md)" in readme
    assert "../shared" not in readme
    assert "- The rules: rules.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_a_citation_range_names_every_rule_in_it() -> None:
    assert cited_in("Rules: R1.1-R1.3, R4.5 and X1–X2.") == {
        "R1.1",
        "R1.2",
        "R1.3",
        "R4.5",
        "X1",
        "X2",
    }
    assert cited_in("a POD like IT001E and rule R3.13") == {"R3.13"}
