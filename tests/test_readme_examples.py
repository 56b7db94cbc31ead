"""The README's command-line examples work exactly as printed, after its own set-up."""

from __future__ import annotations

import io
import re
import shlex
import shutil
import sys
import zipfile

import pytest

from reflect.cli import main
from reflect.storage.sealed import KdfParams
from tests.helpers import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
PREFIX = ".venv/bin/reflect"
ALEX, SAM = "alex passphrase here", "sam passphrase here"


def example_lines() -> list[str]:
    """The lines of every fenced block after the set-up section that run reflect."""
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"^```\n(.*?)^```", text, flags=re.S | re.M)
    lines = [line for block in blocks for line in block.splitlines() if "reflect" in line]
    assert len(lines) >= 10
    return lines


def test_no_example_uses_a_bare_reflect_that_the_set_up_never_puts_on_the_path():
    for line in example_lines():
        for command in line.split("|"):
            words = shlex.split(command, comments=True)
            if words and "reflect" in words[0]:
                assert words[0] in (PREFIX, ".venv/bin/pip", ".venv/bin/python", "python3"), line


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(KdfParams, "REAL", KdfParams.TEST)


def test_every_example_runs_as_printed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prompts").symlink_to(PROJECT_ROOT / "prompts")
    samples = PROJECT_ROOT / "tests" / "samples"
    shutil.copy(samples / "jrnl-export.json", tmp_path / "journal.json")
    with zipfile.ZipFile(tmp_path / "Export - Journal.zip", "w") as archive:
        archive.write(samples / "dayone" / "Journal.json", "Journal.json")
    # What a person types after each command starts: passphrases, then any text.
    stdin_for = {
        "profiles add Alex": f"{ALEX}\n",
        "profiles add Sam": f"{SAM}\n{ALEX}\n",
        "write": f"{ALEX}\nA walk by the canal [b]tonight[/b]\n",
        "checkin": f"{ALEX}\na good walk\n",
    }
    ran = 0
    for line in example_lines():
        words = shlex.split(line, comments=True)
        if not words or words[0] != PREFIX or "|" in line:
            continue
        argv = words[1:]
        joined = " ".join(argv)
        stdin = next((value for key, value in stdin_for.items() if joined.startswith(key)), f"{ALEX}\n")
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 0, (line, out, err)
        ran += 1
    assert ran >= 10
