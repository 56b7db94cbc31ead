"""``reflect list -n N`` from the head of the journal (issue 12).

A lone person's ``list -n N`` (no other filter) reads the head part of their
journal and its change log only; anything the head cannot answer for sure, and
any surprise, goes the usual way (the whole unlock), which says what is wrong
in its usual words.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.helpers import copy_data_folder, run_cli
from reflect.domain.entries import new_entry
from reflect.domain.profiles import Role
from reflect.storage import records
from reflect.storage.errors import WRONG_PASSPHRASE
from reflect.storage.sealed import KdfParams
from reflect.storage.space_store import SpaceStore
from reflect.usecases.session import Session
from reflect.usecases.workspace import NewPerson, Workspace

PASS = "robin's list passphrase"
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
COUNT = records.HEAD_MIN_ENTRIES + 120
FIXTURES = Path(__file__).parent / "fixtures" / "before-quick-append"


def make_folder(root: Path, kind: str, count: int = COUNT) -> tuple[str, str, Path]:
    """A folder for Robin alone with ``count`` entries, compacted: (data dir, stdin, space file)."""
    passphrase = PASS if kind == "sealed" else None
    ws = Workspace.open(root, pack_dirs=(), kdf=KdfParams.TEST)
    [robin] = ws.set_up([NewPerson("Robin", Role.INDIVIDUAL, passphrase)])
    ws.unlock(robin, passphrase)
    store = ws.session.stores[robin.space]
    store.add_many(
        new_entry(f"Reflection {i}, honest and short.", space=robin.space, now=T0 + timedelta(hours=i))
        for i in range(count)
    )
    store.compact()
    path = ws.space_path(robin.space)
    ws.close()
    return str(root), (f"{PASS}\n" if passphrase else ""), path


def texts(out: str) -> list[str]:
    return [record["text"] for record in json.loads(out)]


@pytest.mark.parametrize("kind", ["plain", "sealed"])
def test_list_n_reads_only_the_head(tmp_path, capsys, monkeypatch, kind):
    data, stdin, _path = make_folder(tmp_path / "data", kind)
    code, out, err = run_cli(["list", "--json", "--data-dir", data], capsys, monkeypatch, stdin)
    assert code == 0, err
    everything = texts(out)
    assert len(everything) == COUNT

    with monkeypatch.context() as patch:
        _refuse_whole(patch)
        code, out, err = run_cli(["list", "-n", "10", "--json", "--data-dir", data], capsys, monkeypatch, stdin)
        assert code == 0, err
        assert texts(out) == everything[:10]
        code, out, err = run_cli(["list", "-n", "3", "--data-dir", data], capsys, monkeypatch, stdin)
        assert code == 0, err
        assert "Reflection %d," % (COUNT - 1) in out and "Reflection %d," % (COUNT - 4) not in out


def _refuse_whole(patch) -> None:
    """Fail if the usual unlock, or a load of the older entries, happens."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the whole journal was opened")

    patch.setattr(Session, "unlock", refuse)
    patch.setattr(SpaceStore, "read_older", refuse)


@pytest.mark.parametrize("kind", ["plain", "sealed"])
def test_what_the_head_cannot_answer_goes_the_usual_way(tmp_path, capsys, monkeypatch, kind):
    data, stdin, _path = make_folder(tmp_path / "data", kind)
    code, out, err = run_cli(["list", "-n", str(COUNT + 5), "--json", "--data-dir", data], capsys, monkeypatch, stdin)
    assert code == 0, err
    assert len(texts(out)) == COUNT
    code, out, err = run_cli(
        ["list", "-n", "2", "--contains", "Reflection 3,", "--json", "--data-dir", data], capsys, monkeypatch, stdin
    )
    assert code == 0, err
    assert texts(out) == ["Reflection 3, honest and short."]


def test_a_wrong_passphrase_says_so_once(tmp_path, capsys, monkeypatch):
    data, _stdin, _path = make_folder(tmp_path / "data", "sealed")
    code, out, err = run_cli(["list", "-n", "5", "--data-dir", data], capsys, monkeypatch, "not it at all\n")
    assert code == 1
    assert WRONG_PASSPHRASE in err
    assert out == "" or "Reflection" not in out


@pytest.mark.parametrize("where", ["header", "head", "older"])
def test_damage_is_told_as_damage_never_as_a_wrong_passphrase(tmp_path, capsys, monkeypatch, where):
    data, stdin, path = make_folder(tmp_path / "data", "sealed")
    blob = bytearray(path.read_bytes())
    spot = {"header": 40, "head": len(blob) // 100 + 300, "older": len(blob) - 100}[where]
    blob[spot] ^= 0x10
    path.write_bytes(bytes(blob))
    code, out, err = run_cli(["list", "-n", "5", "--data-dir", data], capsys, monkeypatch, stdin)
    if where == "older":
        # The head still answers; the older part's damage is told by the next whole open.
        assert code == 0, err
        code, out, err = run_cli(["list", "--data-dir", data], capsys, monkeypatch, stdin)
    assert code == 1
    assert WRONG_PASSPHRASE not in err
    assert "damaged" in err or "changed outside reflect" in err or "could not be read" in err


def test_a_journal_in_the_older_layout_is_listed_the_usual_way(tmp_path, capsys, monkeypatch):
    for kind, stdin in (("plain", ""), ("sealed", "robin's test passphrase\n")):
        data = copy_data_folder(FIXTURES / kind, tmp_path / kind)
        before = {p.name: p.read_bytes() for p in (data / "spaces").iterdir()}
        code, out, err = run_cli(["list", "-n", "2", "--json", "--data-dir", str(data)], capsys, monkeypatch, stdin)
        assert code == 0, err
        assert len(texts(out)) == 2
        assert {p.name: p.read_bytes() for p in (data / "spaces").iterdir()} == before, "listing writes nothing"
