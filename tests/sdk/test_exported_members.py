"""`familycard/__init__.py` is the one public door: its `__all__` and its names agree.

After httpx's `tests/test_exported_members.py`.
"""

from __future__ import annotations

import inspect
import types

import familycard


def _defined_in_familycard(value: object) -> bool:
    module = getattr(value, "__module__", None) or ""
    return module == "familycard" or module.startswith("familycard.")


def test_all_is_sorted_without_duplicates():
    assert familycard.__all__ == sorted(set(familycard.__all__))


def test_every_name_in_all_exists():
    missing = [name for name in familycard.__all__ if not hasattr(familycard, name)]
    assert missing == []


def test_every_public_class_and_function_of_the_package_is_in_all():
    public = {
        name
        for name, value in vars(familycard).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and (inspect.isclass(value) or inspect.isfunction(value))
        and _defined_in_familycard(value)
    }
    assert sorted(public - set(familycard.__all__)) == []


def test_all_lists_no_submodule():
    modules = [
        name
        for name in familycard.__all__
        if isinstance(getattr(familycard, name, None), types.ModuleType)
    ]
    assert modules == []


def test_version_is_exported_as_a_string():
    assert "__version__" in familycard.__all__
    assert isinstance(familycard.__version__, str)
    assert familycard.__version__
