"""`familycard/__init__.py` is the one public door: its `__all__` and its names agree.

After httpx's `tests/test_exported_members.py`.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import types

import pytest

import familycard
import familycard.models


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


def test_every_name_in_models_all_exists():
    """The models load on first access (`familycard.models.__getattr__`): each name resolves."""
    missing = [name for name in familycard.models.__all__ if not hasattr(familycard.models, name)]
    assert missing == []


def test_dir_lists_every_public_name():
    assert set(familycard.__all__) <= set(dir(familycard))
    assert set(familycard.models.__all__) <= set(dir(familycard.models))


@pytest.mark.parametrize("module", [familycard, familycard.models], ids=["familycard", "models"])
def test_a_name_not_exported_is_an_attribute_error(module: types.ModuleType):
    with pytest.raises(AttributeError, match="no attribute 'NoSuchModel'"):
        _ = module.NoSuchModel


def test_importing_the_package_loads_no_model_and_no_network():
    """Start-up time (bench/cli_startup.py): `import familycard` costs the errors only."""
    code = (
        "import json, sys\n"
        "from familycard import InvalidInput, __version__\n"
        "heavy = ('familycard.', 'httpx', 'pydantic', 'tenacity', 'stdnum')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(heavy))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == ["familycard._errors", "familycard._version"]
