"""The command-line contract: names, exit codes, plain messages, no tracebacks."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from reflect import __version__
from reflect.cli import main
from tests.helpers import DEFAULT_PACKS, PROJECT_ROOT


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def reflect_process(*args: str, stdin: str | None = None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reflect", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
    )


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_packs_validate_the_default_pack(capsys):
    code, out, _ = run(["packs", "validate", str(DEFAULT_PACKS / "after-betrayal")], capsys)
    assert code == 0
    assert out.startswith("ok: 8 sections, ")


def test_packs_validate_a_broken_pack_names_file_and_line(tmp_path, capsys):
    pack = tmp_path / "broken"
    pack.mkdir()
    (pack / "pack.md").write_text("---\nid: broken\ntitle: Broken\n---\n", encoding="utf-8")
    (pack / "01.md").write_text("---\nid: s\ntitle: S\norder: x\n---\nreading\n", encoding="utf-8")
    code, out, _ = run(["packs", "validate", str(pack)], capsys)
    assert code == 1
    assert f"{pack / '01.md'}:4:" in out


def test_packs_validate_missing_path_is_a_plain_message(tmp_path, capsys):
    code, out, err = run(["packs", "validate", str(tmp_path / "nope")], capsys)
    assert code == 1
    assert "Traceback" not in out + err


def test_write_then_list(tmp_path, capsys):
    data = str(tmp_path / "d")
    assert run(["write", "--data-dir", data, "--tag", "Evening", "[b]as typed[/b]"], capsys)[0] == 0
    code, out, _ = run(["list", "--data-dir", data], capsys)
    assert code == 0
    assert "[b]as typed[/b]" in out and "#evening" in out
    code, out, _ = run(["list", "--data-dir", data, "--json"], capsys)
    [record] = json.loads(out)
    assert record["text"] == "[b]as typed[/b]"
    assert record["tags"] == ["evening"]


def test_write_reads_standard_input_and_answers_a_prompt(tmp_path):
    data = str(tmp_path / "d")
    done = reflect_process("write", "--data-dir", data, "--prompt", "body-now", stdin="from a pipe\n")
    assert done.returncode == 0, done.stderr
    listed = reflect_process("list", "--data-dir", data, "--json")
    [record] = json.loads(listed.stdout)
    assert record["text"] == "from a pipe\n"
    assert record["prompt_id"] == "body-now"
    assert record["prompt_text"]


def test_write_with_unknown_prompt_or_no_text_says_so(tmp_path, capsys):
    data = str(tmp_path / "d")
    code, _, err = run(["write", "--data-dir", data, "--prompt", "no-such", "x"], capsys)
    assert code == 1 and "no-such" in err
    code, _, err = run(["write", "--data-dir", data, "   "], capsys)
    assert code == 1 and "no text" in err.lower()


def test_list_filters(tmp_path, capsys):
    data = str(tmp_path / "d")
    for text, tag in [("river walk", "outside"), ("dinner", "evening"), ("river again", "evening")]:
        run(["write", "--data-dir", data, "--tag", tag, text], capsys)
    code, out, _ = run(["list", "--data-dir", data, "--contains", "RIVER", "--tag", "evening", "--json"], capsys)
    assert [r["text"] for r in json.loads(out)] == ["river again"]
    code, out, _ = run(["list", "--data-dir", data, "-n", "1", "--json"], capsys)
    assert [r["text"] for r in json.loads(out)] == ["river again"]
    code, _, err = run(["list", "--data-dir", data, "-n", "0"], capsys)
    assert code == 2 and err


def test_data_dir_from_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REFLECT_HOME", str(tmp_path / "env-home"))
    assert run(["write", "hello"], capsys)[0] == 0
    assert (tmp_path / "env-home" / "spaces").is_dir()


def test_a_damaged_journal_is_a_plain_message_and_left_alone(tmp_path, capsys):
    data = tmp_path / "d"
    run(["write", "--data-dir", str(data), "precious"], capsys)
    space = data / "spaces" / "journal.json"
    damaged = space.read_bytes()[:-7]
    space.write_bytes(damaged)
    for argv in (["list"], ["write", "more"]):
        code, out, err = run([*argv, "--data-dir", str(data)], capsys)
        assert code == 1
        assert "Traceback" not in out + err and err.strip()
    assert space.read_bytes() == damaged


def test_a_second_writer_is_told_plainly(tmp_path, capsys):
    from reflect.usecases.workspace import Workspace

    data = tmp_path / "d"
    with Workspace.open(data, pack_dirs=()):
        code, out, err = run(["write", "--data-dir", str(data), "while open"], capsys)
    assert code == 1
    assert "Traceback" not in err and err.strip()
    code, out, _ = run(["list", "--data-dir", str(data)], capsys)
    assert "while open" not in out


def test_opening_the_app_without_a_terminal_says_so(tmp_path):
    done = reflect_process("--data-dir", str(tmp_path / "d"), stdin="")
    assert done.returncode == 1
    assert "terminal" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_killed_writers_never_lose_a_returned_entry(tmp_path):
    """Kill `reflect write` at random moments; every write that returned is there."""
    data = tmp_path / "d"
    rng = random.Random(20261123)
    returned: list[str] = []
    env = dict(os.environ)
    # Kill moments are spread over what one write takes here (0.4 s fixed once
    # stopped interrupting enough of them when the command line started quicker).
    started = time.monotonic()
    assert reflect_process("write", "--data-dir", str(data), "a first entry").returncode == 0
    returned.append("a first entry")
    took = time.monotonic() - started
    kills = 0
    for i in range(60):
        text = f"entry number {i}"
        child = subprocess.Popen(
            [sys.executable, "-m", "reflect", "write", "--data-dir", str(data), text],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.0, 1.5 * took))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        if child.wait() == 0:
            returned.append(text)
    assert kills >= 10, "the test must actually interrupt writers"
    assert len(returned) > 1, "some of the writes must have finished"
    listed = reflect_process("list", "--data-dir", str(data), "--json")
    assert listed.returncode == 0, listed.stderr
    found = {r["text"] for r in json.loads(listed.stdout)}
    assert set(returned) <= found
    # the next writer sweeps away temp files that killed writers left behind
    assert reflect_process("write", "--data-dir", str(data), "last one").returncode == 0
    # (the journal file, and the change log of what was written since it was last folded in)
    assert sorted(p.name for p in (data / "spaces").iterdir()) in (["journal.json"], ["journal.json", "journal.json.log"])


def test_an_empty_data_dir_is_refused_not_replaced_by_the_default(capsys):
    code, _, err = run(["list", "--data-dir", ""], capsys)
    assert code == 2 and "--data-dir" in err


def test_an_existing_shared_folder_keeps_its_permissions(tmp_path, capsys):
    import stat

    shared = tmp_path / "like-tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    assert run(["write", "--data-dir", str(shared), "hello"], capsys)[0] == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE((shared / "spaces").stat().st_mode) == 0o700


def test_reading_commands_work_in_a_read_only_folder_and_create_nothing(tmp_path, capsys):
    data = tmp_path / "d"
    run(["write", "--data-dir", str(data), "kept"], capsys)
    data.chmod(0o500)
    try:
        code, out, err = run(["list", "--data-dir", str(data)], capsys)
        assert code == 0 and "kept" in out
    finally:
        data.chmod(0o700)
    empty = tmp_path / "never-made"
    code, out, _ = run(["list", "--data-dir", str(empty)], capsys)
    assert code == 0 and not empty.exists()


def test_writing_with_standard_input_closed_says_there_is_no_text(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    code, _, err = run(["write", "--data-dir", str(tmp_path / "d")], capsys)
    assert code == 1 and "no text" in err.lower()


def test_a_data_dir_that_is_a_file_is_a_plain_message(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, _, err = run(["write", "--data-dir", str(blocker), "x"], capsys)
    assert code == 1 and "Traceback" not in err and "is a file, not a folder" in err


def test_an_entry_is_printed_as_it_always_was_and_early_years_in_four_digits():
    """One line saying when (by whom, starred, tags, id), the prompt, the text
    indented, a blank line. A year before 1000 (an imported journal) is written
    in four digits, as ISO 8601 and the JSON export write it."""
    from dataclasses import replace
    from datetime import datetime, timedelta, timezone

    from reflect.cli.commands import _format_entry
    from reflect.domain.entries import new_entry

    when = datetime(2025, 6, 1, 20, 5, 59, tzinfo=timezone(timedelta(hours=2)))
    entry = new_entry("first line\nsecond\r\nthird", space="me", now=when, prompt_text="Why?", tags=["calm", "hard"])
    entry = replace(entry, starred=True)
    assert _format_entry(entry, "Sam") == (
        f"2025-06-01 20:05  by Sam *  #calm #hard  ({entry.id[:8]})\n"
        "  > Why?\n  first line\n  second\n  third\n"
    )
    early = replace(entry, created=when.replace(year=999), text="", prompt_text="", tags=(), starred=False)
    assert _format_entry(early) == f"0999-06-01 20:05  ({entry.id[:8]})\n"
