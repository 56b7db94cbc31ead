"""The command line keeps secrets out of argv and never sends control characters to the terminal (issue 8)."""

from __future__ import annotations

import getpass
import io
import json
import sys

import pytest

from reflect.cli import build_parser, main
from reflect.storage.sealed import KdfParams

PASS_A = "alex passphrase here"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(KdfParams, "REAL", KdfParams.TEST)


class TerminalInput(io.StringIO):
    """Standard input as a terminal looks to reflect: a tty whose lines a person types."""

    def isatty(self) -> bool:
        return True


def run(argv, capsys, monkeypatch, stdin: str = "", *, terminal: bool = False):
    source = TerminalInput(stdin) if terminal else io.StringIO(stdin)
    monkeypatch.setattr(sys, "stdin", source)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": source.readline().rstrip("\n"))
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def alex(tmp_path, capsys, monkeypatch):
    data = str(tmp_path / "d")
    assert run(["profiles", "add", "Alex", "--role", "hurt", "--data-dir", data], capsys, monkeypatch, f"{PASS_A}\n")[0] == 0
    return data


def help_of(*command: str) -> str:
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices[command[0]]
    return " ".join(sub.format_help().split())


# Finding 6: text in argv is visible to other programs and kept in shell history.


def test_help_warns_that_text_in_arguments_is_visible_and_kept():
    assert "shell history" in help_of("write")
    assert "standard input" in help_of("write")
    assert "shell history" in help_of("list")  # --contains
    assert "shell history" in help_of("checkin")  # --note


def test_write_on_a_terminal_asks_for_the_text_after_the_passphrase(alex, capsys, monkeypatch):
    code, out, err = run(
        ["write", "--data-dir", alex, "--profile", "Alex"],
        capsys,
        monkeypatch,
        f"{PASS_A}\nfirst line\nsecond line\n",
        terminal=True,
    )
    assert code == 0 and "Saved." in out
    assert "Ctrl+D" in err
    code, out, _ = run(["list", "--data-dir", alex, "--json"], capsys, monkeypatch, f"{PASS_A}\n")
    assert [r["text"] for r in json.loads(out)] == ["first line\nsecond line\n"]


def test_write_from_a_pipe_says_nothing_extra_and_the_argument_form_still_works(alex, capsys, monkeypatch):
    code, out, err = run(["write", "--data-dir", alex], capsys, monkeypatch, f"{PASS_A}\npiped\n")
    assert (code, out, err) == (0, "Saved.\n", "")
    assert run(["write", "--data-dir", alex, "as an argument"], capsys, monkeypatch, f"{PASS_A}\n")[0] == 0
    code, out, _ = run(["list", "--data-dir", alex, "--json"], capsys, monkeypatch, f"{PASS_A}\n")
    assert sorted(r["text"] for r in json.loads(out)) == ["as an argument", "piped\n"]


def checkin_notes(data, capsys, monkeypatch) -> list[str]:
    code, out, _ = run(["export", "--data-dir", data, "--format", "json"], capsys, monkeypatch, f"{PASS_A}\n")
    assert code == 0
    return [c["note"] for c in json.loads(out)["checkins"]]


def test_a_checkin_note_can_come_from_standard_input(alex, capsys, monkeypatch):
    code, out, err = run(
        ["checkin", "--data-dir", alex, "--connection", "2", "--note", "-"],
        capsys,
        monkeypatch,
        f"{PASS_A}\na quiet walk together\n",
    )
    assert code == 0, err
    assert run(["checkin", "--data-dir", alex, "--note", "kept as given"], capsys, monkeypatch, f"{PASS_A}\n")[0] == 0
    assert sorted(checkin_notes(alex, capsys, monkeypatch)) == ["a quiet walk together", "kept as given"]
