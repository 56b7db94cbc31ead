"""The import contract: each layer imports only the layers below it.

Read from the source with ``ast`` (no module is run), so a forbidden import
fails here even when it sits inside a function:

- ``reflect.ui`` and ``reflect.cli`` import only ``reflect.usecases``,
  ``reflect.domain`` and ``reflect.storage.errors`` (and themselves). The
  command line may also read ``reflect.paths`` (where the data folder is) and
  start the app (``reflect.ui.app``); ``reflect`` itself gives the version.
- ``reflect.usecases`` never imports textual or rich.
- ``reflect.storage`` never imports ``reflect.usecases``, ``reflect.content`` or ``reflect.ui``.
- ``reflect.domain`` imports the standard library only.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import reflect

PACKAGE = Path(reflect.__file__).parent

ALLOWED = {
    "reflect.ui": ("reflect.ui", "reflect.usecases", "reflect.domain", "reflect.storage.errors"),
    "reflect.cli": (
        "reflect.cli",
        "reflect.usecases",
        "reflect.domain",
        "reflect.storage.errors",
        "reflect.paths",
        "reflect.ui.app",
    ),
}
FORBIDDEN = {
    "reflect.usecases": ("textual", "rich", "reflect.ui", "reflect.cli"),
    "reflect.storage": ("reflect.usecases", "reflect.content", "reflect.ui", "reflect.cli", "textual", "rich"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, with its line (``from reflect import x`` counts as ``reflect.x``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "reflect":
                found.extend((node.lineno, f"reflect.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, node.module))
    return found


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def breaches(path: Path, module: str | None = None) -> list[str]:
    """What ``path`` (the module ``module``, by default the one it is) imports that its layer may not."""
    module = module or module_name(path)
    found = []
    for line, name in imports_of(path):
        where = f"{module}:{line} imports {name}"
        for layer, allowed in ALLOWED.items():
            if within(module, (layer,)) and name.startswith("reflect") and not within(name, allowed):
                if name != "reflect.__version__":
                    found.append(where)
        for layer, forbidden in FORBIDDEN.items():
            if within(module, (layer,)) and within(name, forbidden):
                found.append(where)
        if within(module, ("reflect.domain",)):
            top = name.split(".")[0]
            if top != "reflect" and top not in sys.stdlib_module_names:
                found.append(where)
            elif top == "reflect" and not within(name, ("reflect.domain",)):
                found.append(where)
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_the_contract_reads_every_layer():
    names = {module_name(p) for p in SOURCES}
    assert {"reflect.ui.app", "reflect.cli", "reflect.usecases.workspace", "reflect.storage.space_store"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_each_module_keeps_to_its_layer(path):
    assert breaches(path) == []


def test_a_screen_that_reaches_for_the_store_breaks_the_contract(tmp_path):
    """The check itself can fail: a screen importing SpaceStore is caught."""
    screen = PACKAGE / "ui" / "screens" / "journal.py"
    text = screen.read_text(encoding="utf-8")
    broken = text.replace(
        "from __future__ import annotations\n",
        "from __future__ import annotations\n\nfrom reflect.storage.space_store import SpaceStore\n",
        1,
    )
    assert broken != text
    fake = tmp_path / "journal.py"
    fake.write_text(broken, encoding="utf-8")
    assert breaches(screen) == []
    assert breaches(fake, "reflect.ui.screens.journal") == [
        "reflect.ui.screens.journal:5 imports reflect.storage.space_store"
    ]


def loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


@pytest.mark.parametrize(
    ("statement", "not_yet"),
    [
        ("import reflect.storage.settings", {"tinydb", "nacl", "reflect.storage.space_store"}),
        ("import reflect.storage.errors", {"tinydb", "nacl", "orjson"}),
        ("import reflect.cli", {"tinydb", "nacl", "reflect.content.packs", "reflect.usecases.workspace"}),
        ("import reflect.usecases.workspace", {"nacl", "reflect.content.packs", "reflect.storage.sealed"}),
    ],
)
def test_start_up_stays_lazy(statement, not_yet):
    """The command line starts quickly: TinyDB, the cryptography and the packs load only when needed."""
    loaded = loaded_after(statement)
    assert not {m for m in loaded if m in not_yet or m.split(".")[0] in not_yet}
