"""The layers point one way: nothing below the UI imports textual or rich.

Each module is imported in a fresh interpreter, because an import made by an
earlier test would otherwise hide a leak.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import reflect

UI_LIBRARIES = ("textual", "rich")

HEADLESS_MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(reflect.__path__, prefix="reflect.")
    if not info.name.startswith("reflect.ui") and info.name != "reflect.__main__"
)


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_there_are_headless_modules_to_check():
    assert "reflect.domain.entries" in HEADLESS_MODULES
    assert "reflect.storage.space_store" in HEADLESS_MODULES
    assert "reflect.cli" in HEADLESS_MODULES


@pytest.mark.parametrize("module", HEADLESS_MODULES)
def test_module_imports_no_ui_library(module):
    loaded = imported_after(f"import {module}")
    leaks = sorted(m for m in loaded if m.split(".")[0] in UI_LIBRARIES)
    assert not leaks, f"{module} pulls in {leaks[:5]}"


@pytest.mark.parametrize(
    "module", [m for m in HEADLESS_MODULES if m.startswith("reflect.domain")]
)
def test_domain_imports_only_the_standard_library(module):
    loaded = imported_after(f"import {module}")
    third_party = {"tinydb", "orjson", "nacl", "platformdirs", "textual", "rich"}
    assert not {m.split(".")[0] for m in loaded} & third_party


def test_only_space_store_imports_tinydb():
    offenders = []
    for module in HEADLESS_MODULES:
        if module == "reflect.storage.space_store":
            continue
        spec = __import__("importlib.util").util.find_spec(module)
        source = open(spec.origin, encoding="utf-8").read()
        if "import tinydb" in source or "from tinydb" in source:
            offenders.append(module)
    assert offenders == []


def test_the_script_commands_never_import_textual(tmp_path):
    """`reflect write` and `reflect list` run end to end without loading the UI."""
    data = tmp_path / "d"
    code = (
        "import sys; from reflect.cli import main; "
        f"assert main(['write', '--data-dir', {str(data)!r}, 'hello']) == 0; "
        f"assert main(['list', '--data-dir', {str(data)!r}, '--contains', 'hell']) == 0; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
