"""What ``reflect write`` and ``reflect list -n`` load, for a lone person's plain journal.

Their start-up is most of what they cost (issue 12: benchmarks/README.md,
"Start-up"). Each module below was once on their way and is not needed
there: the screens, the cryptography, OpenSSL (BLAKE2b comes without it), tempfile (only a file written
whole needs it; shutil comes with argparse's help formatter), searching, the whole unlock. Checked in a
fresh interpreter, after the command ran, so none can come back unnoticed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import PROJECT_ROOT, run_cli

NEVER_ON_THE_WAY = {
    "textual",
    "rich",
    "nacl",
    "argon2",
    "_hashlib",
    "tempfile",
    "reflect.ui",
    "reflect.content",
    "reflect.usecases.workspace",
    "reflect.usecases.session",
    "reflect.storage.sealed",
    "reflect.storage.entry_search",
    "reflect.storage.seen",  # only a folder with seen.json (a sealed space) needs it
}

RUN_AND_LIST_MODULES = (
    "import sys; from reflect.cli import main; code = main(sys.argv[1:]); "
    "print('--- modules', *sorted(sys.modules), sep='\\n'); sys.exit(code)"
)


def loaded_by(*argv: str) -> set[str]:
    """The modules loaded once ``reflect ARGV`` has run in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *argv], capture_output=True, text=True, cwd=PROJECT_ROOT
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split("--- modules\n", 1)[1].split())


def among(loaded: set[str], names: set[str]) -> set[str]:
    return {m for m in loaded if any(m == n or m.startswith(n + ".") for n in names)}


@pytest.fixture
def plain_folder(tmp_path, capsys, monkeypatch) -> str:
    data = str(tmp_path / "d")
    argv = ["profiles", "add", "Sam", "--role", "individual", "--no-passphrase", "--data-dir", data]
    assert run_cli(argv, capsys, monkeypatch)[0] == 0
    for n in range(3):
        assert run_cli(["write", "--data-dir", data, f"evening {n}"], capsys, monkeypatch)[0] == 0
    return data


@pytest.mark.parametrize(
    ("argv", "quick_way"),
    [
        (["list", "-n", "2"], "reflect.usecases.quick_list"),
        (["write", "one more evening"], "reflect.usecases.quick_write"),
    ],
    ids=["list -n", "write"],
)
def test_write_and_list_n_load_only_what_they_need(plain_folder, argv, quick_way):
    loaded = loaded_by("--data-dir", plain_folder, *argv)
    assert quick_way in loaded  # the quick way was taken: the check below is about it
    assert among(loaded, NEVER_ON_THE_WAY) == set()


def test_the_check_sees_a_module_on_the_way(plain_folder):
    """The check can fail: a command that takes the usual way (the whole unlock) is caught by it."""
    loaded = loaded_by("--data-dir", plain_folder, "list", "--tag", "evening")
    assert {"reflect.usecases.workspace", "reflect.usecases.session"} <= among(loaded, NEVER_ON_THE_WAY)


def test_a_sealed_write_loads_the_cryptography_it_needs_and_not_openssl(tmp_path, capsys, monkeypatch):
    """``reflect write`` into a sealed journal: libsodium and BLAKE2b, not OpenSSL
    (``hashlib``/``hmac`` would load it: 2-3 ms of a start-up that the KDF already makes long)."""
    from reflect.storage.sealed import KdfParams

    monkeypatch.setattr(KdfParams, "REAL", KdfParams.TEST)
    data = str(tmp_path / "d")
    add = ["profiles", "add", "Sam", "--role", "individual", "--data-dir", data]
    assert run_cli(add, capsys, monkeypatch, "sam's long passphrase\n")[0] == 0
    for n in range(3):
        assert run_cli(["write", "--data-dir", data, f"evening {n}"], capsys, monkeypatch, "sam's long passphrase\n")[0] == 0
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, "--data-dir", data, "write", "one more evening"],
        input="sam's long passphrase\n", capture_output=True, text=True, cwd=PROJECT_ROOT,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split("--- modules\n", 1)[1].split())
    assert {"reflect.usecases.quick_write", "reflect.storage.sealed", "nacl"} <= loaded
    assert among(loaded, {"_hashlib", "textual", "rich", "reflect.ui", "reflect.usecases.workspace"}) == set()


def test_the_command_ends_with_mains_code_and_spares_the_last_collection(monkeypatch):
    """``run`` (the console script, ``python -m reflect``) ends the process with
    ``main``'s code, having moved what is left out of the collector's sight."""
    import gc

    from reflect.cli import commands

    monkeypatch.setattr(commands, "main", lambda: 3)
    gc.unfreeze()
    try:
        with pytest.raises(SystemExit) as ended:
            commands.run()
        assert ended.value.code == 3
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_installed_command_and_python_m_reflect_go_through_run(plain_folder, monkeypatch):
    import runpy
    import tomllib

    import reflect.cli

    scripts = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"reflect": "reflect.cli:run"}
    ran: list[str] = []
    monkeypatch.setattr(reflect.cli, "run", lambda: ran.append("run"))
    monkeypatch.delitem(sys.modules, "reflect.__main__", raising=False)
    runpy.run_module("reflect", run_name="__main__")
    assert ran == ["run"]
    wrote = subprocess.run(
        [sys.executable, "-m", "reflect", "--data-dir", plain_folder, "write", "a last evening"],
        capture_output=True, text=True, cwd=PROJECT_ROOT,
    )
    assert (wrote.returncode, wrote.stdout) == (0, "Saved.\n"), wrote.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "reflect", "--data-dir", plain_folder, "list", "-n", "1"],
        capture_output=True, text=True, cwd=PROJECT_ROOT,
    )
    assert listed.returncode == 0 and "a last evening" in listed.stdout, listed.stderr
    refused = subprocess.run(
        [sys.executable, "-m", "reflect", "--data-dir", plain_folder, "list", "-n", "0"],
        capture_output=True, text=True, cwd=PROJECT_ROOT,
    )
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
