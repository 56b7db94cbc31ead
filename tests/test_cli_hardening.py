"""The command line keeps secrets out of argv and never sends control characters to the terminal (issue 8)."""

from __future__ import annotations

import getpass
import io
import json
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reflect.cli import build_parser, main
from reflect.domain.display import shown
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


def test_write_in_a_folder_nobody_set_up_says_so_before_the_words_are_typed(tmp_path, capsys, monkeypatch):
    """Found by a newcomer: the note came only once the words were on disk."""
    data = str(tmp_path / "fresh")
    code, out, err = run(["write", "--data-dir", data], capsys, monkeypatch, "typed words\n", terminal=True)
    assert code == 0 and "Saved." in out
    assert "nobody is set up here yet" in err and "Ctrl+D" in err
    assert err.index("nobody is set up here yet") < err.index("Ctrl+D")  # before reflect reads the words
    assert err.count("nobody is set up") == 1
    # Given as an argument, the words are saved at once: the note follows.
    code, out, err = run(["write", "--data-dir", data, "as an argument"], capsys, monkeypatch, "")
    assert code == 0 and "nobody is set up here yet, so this was saved without a passphrase" in err


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


# Finding 7: control characters in user data never reach the terminal.

HOSTILE = "title\x1b]0;pwned\x07 colour\x1b[31m csi\x9b2J bell\x07 del\x7f nel\x85 cr\rend\ttab"


def unsafe_in(text: str) -> list[str]:
    return [hex(ord(c)) for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


def test_the_display_rule_replaces_every_control_but_newline_and_tab():
    from reflect.domain.display import PLACEHOLDER, shown

    every = "".join(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)))
    assert shown(every) == PLACEHOLDER * 9 + "\t\n" + PLACEHOLDER * (len(every) - 11)
    assert shown("a line\r\nnext") == "a line\nnext"
    assert shown("[b]not markup[/b] 😀 é") == "[b]not markup[/b] 😀 é"


def test_the_display_rule_replaces_the_bidirectional_controls():
    """A right-to-left override in a tag or a name cannot show the rest of a line reversed."""
    from reflect.domain.display import PLACEHOLDER, shown

    bidi = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
    for code in bidi:
        assert shown(f"a{chr(code)}b") == f"a{PLACEHOLDER}b", hex(code)
    assert shown("evil‮gnp.exe") == f"evil{PLACEHOLDER}gnp.exe"
    # The letters of right-to-left scripts themselves are kept.
    assert shown("שלום مرحبا") == "שלום مرحبا"


_SHOWN_ALPHABET = "ab \n\t\r\x00\x1b\x1f\x7f\x85\x9b\u00ad\u200d\u2028\u202e\u2066\u200e\u061cé😀ש"


@given(st.text(alphabet=st.sampled_from(list(_SHOWN_ALPHABET)), max_size=30))
def test_the_display_rule_answers_as_its_table_does_on_every_text(text):
    """``shown``'s quick answers (ASCII checked as bytes, other text with
    newline and tab taken out) are the table's answer, on text of every kind."""
    from reflect.domain import display

    assert display.shown(text) == text.replace("\r\n", "\n").translate(display._REPLACEMENTS)


def test_list_shows_hostile_text_and_tags_safely_and_keeps_them_as_typed(alex, capsys, monkeypatch):
    assert run(
        ["write", "--data-dir", alex, "--tag", "t\x1b[5mag", "--prompt", ""],
        capsys,
        monkeypatch,
        f"{PASS_A}\n{HOSTILE}",
    )[0] == 0
    code, out, err = run(["list", "--data-dir", alex], capsys, monkeypatch, f"{PASS_A}\n")
    assert code == 0 and "\ufffd" in out
    assert unsafe_in(out + err) == []
    code, out, err = run(["list", "--data-dir", alex, "--json"], capsys, monkeypatch, f"{PASS_A}\n")
    assert unsafe_in(out + err) == []
    [record] = json.loads(out)
    assert record["text"] == HOSTILE  # stored and exported exactly as typed
    code, out, err = run(["export", "--data-dir", alex, "--format", "json"], capsys, monkeypatch, f"{PASS_A}\n")
    assert unsafe_in(out) == [] and json.loads(out)["entries"][0]["text"] == HOSTILE


def test_a_markdown_export_to_a_file_is_safe_to_cat(alex, capsys, monkeypatch, tmp_path):
    """A Markdown file is read with `cat`: it gets the display rule; JSON stays exact."""
    run(["write", "--data-dir", alex], capsys, monkeypatch, f"{PASS_A}\n{HOSTILE}")
    target = tmp_path / "out.md"
    assert run(["export", "--data-dir", alex, "--format", "md", "-o", str(target)], capsys, monkeypatch, f"{PASS_A}\n")[0] == 0
    assert shown(HOSTILE) in target.read_bytes().decode("utf-8")
    kept = tmp_path / "out.json"
    assert run(["export", "--data-dir", alex, "--format", "json", "-o", str(kept)], capsys, monkeypatch, f"{PASS_A}\n")[0] == 0
    assert json.loads(kept.read_text())["entries"][0]["text"] == HOSTILE


def test_an_export_printed_on_a_terminal_is_shown_safely(alex, capsys, monkeypatch):
    run(["write", "--data-dir", alex], capsys, monkeypatch, f"{PASS_A}\n{HOSTILE}")
    run(["checkin", "--data-dir", alex, "--note", "-"], capsys, monkeypatch, f"{PASS_A}\nnote\x1b[2J here\n")
    for form in ("md", "csv"):
        screen = TerminalInput()  # a terminal on standard output
        with monkeypatch.context() as patch:
            patch.setattr(sys, "stdin", io.StringIO(f"{PASS_A}\n"))
            patch.setattr(sys, "stdout", screen)
            assert main(["export", "--data-dir", alex, "--format", form]) == 0
        printed = screen.getvalue()
        assert printed and unsafe_in(printed) == [], form


def test_names_and_notes_never_reach_the_terminal_raw(tmp_path, capsys, monkeypatch):
    data = str(tmp_path / "d")
    name = "Al\x1b]0;pwned\x07ex\x9b"
    code, out, err = run(["profiles", "add", name, "--role", "hurt", "--data-dir", data], capsys, monkeypatch, f"{PASS_A}\n")
    assert code == 0 and unsafe_in(out + err) == []
    code, out, err = run(["profiles", "list", "--data-dir", data], capsys, monkeypatch)
    assert "Al\ufffd]0;pwned\ufffdex\ufffd" in out and unsafe_in(out + err) == []
    code, out, err = run(["write", "--data-dir", data, "--profile", "nobody", "x"], capsys, monkeypatch, f"{PASS_A}\n")
    assert code == 1 and "Al\ufffd" in err and unsafe_in(out + err) == []
    code, out, err = run(
        ["checkin", "--data-dir", data, "--note", "-"], capsys, monkeypatch, f"{PASS_A}\nnote\x1b[2J here\n", terminal=True
    )
    assert code == 0 and unsafe_in(out + err) == []


def test_a_passphrase_prompt_never_carries_a_raw_name(tmp_path, capsys, monkeypatch):
    data = str(tmp_path / "d")
    run(["profiles", "add", "Sa\x1b[8mm", "--role", "hurt", "--data-dir", data], capsys, monkeypatch, f"{PASS_A}\n")
    prompts = []
    source = TerminalInput(f"{PASS_A}\n")
    monkeypatch.setattr(sys, "stdin", source)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": (prompts.append(prompt), source.readline().rstrip("\n"))[1])
    assert main(["list", "--data-dir", data]) == 0
    assert prompts and unsafe_in("".join(prompts)) == []
