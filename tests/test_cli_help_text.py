"""The command line's help and usage errors, word for word.

The parser builds only the command a command line names (start-up cost), so
every help text and every usage error is pinned here against the texts the
whole parser printed (tests/fixtures/cli-help/, made before that change).
Run with ``REFLECT_PIN_HELP=1`` to write the files again, on purpose only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from reflect.cli import main

PINNED = Path(__file__).parent / "fixtures" / "cli-help"

CASES = {
    "top": ["--help"],
    "version": ["--version"],
    "packs": ["packs", "--help"],
    "packs-validate": ["packs", "validate", "-h"],
    "write": ["write", "--help"],
    "list": ["list", "--help"],
    "checkin": ["checkin", "--help"],
    "export": ["export", "--help"],
    "profiles": ["profiles", "--help"],
    "profiles-add": ["profiles", "add", "--help"],
    "profiles-list": ["profiles", "list", "--help"],
    "profiles-passphrase": ["profiles", "passphrase", "--help"],
    "check": ["check", "--help"],
    "import": ["import", "--help"],
    "data-dir-before-command": ["--data-dir", "/nowhere", "write", "--help"],
    "help-after-options": ["--data-dir", "write", "list", "-n", "3", "--help"],
    "error-unknown-command": ["bogus"],
    "error-command-like-folder": ["--data-dir", "list", "bogus"],
    "error-bad-count": ["list", "-n", "x"],
    "error-unknown-option": ["write", "--bogus", "text"],
    "error-extra-argument": ["write", "one", "two"],
    "error-no-action": ["profiles"],
    "error-no-pack-action": ["packs"],
    "error-bad-demo": ["--demo", "trio"],
    "error-export-format": ["export"],
    "error-role": ["profiles", "add", "Sam", "--role", "boss"],
    "error-ambiguous-prefix": ["list", "--"],
    "error-option-before-command": ["--profile", "Sam", "list"],
}


def printed(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as done:
        main(argv)
    out, err = capsys.readouterr()
    return f"exit {done.value.code}\n--- stdout\n{out}--- stderr\n{err}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_help_and_usage_errors_read_as_pinned(name, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps to the terminal's width
    monkeypatch.setenv("LANG", "C")
    text = printed(CASES[name], capsys)
    pinned = PINNED / f"{name}.txt"
    if os.environ.get("REFLECT_PIN_HELP"):
        pinned.write_text(text, encoding="utf-8")
    assert text == pinned.read_text(encoding="utf-8")


def test_every_command_has_its_help_pinned(capsys, monkeypatch):
    """A new command gets its help pinned too."""
    monkeypatch.setenv("COLUMNS", "80")
    top = printed(["--help"], capsys)
    listed = re.findall(r"^    ([a-z]+) ", top, re.MULTILINE)
    assert "write" in listed and "import" in listed
    assert set(listed) <= set(CASES)
