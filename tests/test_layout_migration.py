"""Journals saved before the snapshot had a head part are brought up to date (issue 12).

The folders in ``tests/fixtures/before-head-part`` were made by the code
before this layout (see its README). They are read as they are; the first
save by a whole open keeps a whole copy of the old file, which the older
reflect opens, and writes the new layout; the older reflect's own rules call
the new file "saved by a newer reflect", never damaged.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from tests.helpers import copy_data_folder, run_cli
from reflect.storage import changelog, records, sealed
from reflect.storage.errors import SpaceTooNew
from reflect.storage.sealed import SealedDamaged, SealedSpace, SpaceIdentity
from reflect.storage.space_store import SpaceStore
from reflect.usecases.session import Session

FIXTURES = Path(__file__).parent / "fixtures" / "before-head-part"
PASS = "robin's test passphrase"
SPACES = {"sealed": "private-c8075e27423b", "plain": "private-04b3b0d1b197"}
OWNER = {"sealed": "c8075e27423b", "plain": "04b3b0d1b197"}
OLDER = {f"Older words, number {i}." for i in range(340)}
LOGGED = {f"In the change log, number {i}." for i in range(3)}


def folder(tmp_path: Path, kind: str) -> tuple[str, Path, str]:
    data = copy_data_folder(FIXTURES / kind, tmp_path / kind)
    suffix = ".sealed" if kind == "sealed" else ".json"
    return str(data), data / "spaces" / f"{SPACES[kind]}{suffix}", (f"{PASS}\n" if kind == "sealed" else "")


def listed(data: str, stdin: str, capsys, monkeypatch, *more: str) -> list[str]:
    code, out, err = run_cli(["list", "--json", *more, "--data-dir", data], capsys, monkeypatch, stdin)
    assert code == 0, err
    return [record["text"] for record in json.loads(out)]


def files(data: str) -> dict[str, bytes]:
    return {str(p.relative_to(data)): p.read_bytes() for p in Path(data).rglob("*") if p.is_file() and p.name != "reflect.lock"}


@pytest.mark.parametrize("kind", ["sealed", "plain"])
def test_an_old_journal_is_read_as_it_is_and_listing_writes_nothing(tmp_path, capsys, monkeypatch, kind):
    data, space_file, stdin = folder(tmp_path, kind)
    before = files(data)
    assert set(listed(data, stdin, capsys, monkeypatch)) == OLDER | LOGGED
    newest = listed(data, stdin, capsys, monkeypatch, "-n", "4")
    assert newest[:3] == [f"In the change log, number {i}." for i in (2, 1, 0)]
    assert newest[3] == "Older words, number 339."
    assert files(data) == before


@pytest.mark.parametrize("kind", ["sealed", "plain"])
def test_the_first_save_keeps_a_whole_copy_then_writes_the_new_layout(tmp_path, capsys, monkeypatch, kind):
    data, space_file, stdin = folder(tmp_path, kind)
    old = space_file.read_bytes()
    code, out, err = run_cli(["checkin", "--connection", "1", "--data-dir", data], capsys, monkeypatch, stdin)
    assert code == 0, err

    new = space_file.read_bytes()
    copy_path = space_file.with_name(space_file.name + ".pre-v1.bak")
    copy = copy_path.read_bytes()
    assert copy_path.stat().st_mode & 0o777 == 0o600
    assert not changelog.log_path(space_file).exists() or changelog.count_records(space_file)[0] <= 1
    identity = SpaceIdentity.private(SPACES[kind], OWNER[kind])
    if kind == "sealed":
        assert old[8] == sealed.LOG_HEADER_VERSION and new[8] == sealed.SEGMENTED_VERSION
        # The copy is in the old format (3), which the older reflect opens, its log folded in.
        assert copy[8] == sealed.LOG_HEADER_VERSION
        seal, body = SealedSpace.unlock(copy, OWNER[kind], PASS, expect=identity)
        new_seal, _ = SealedSpace.unlock(new, OWNER[kind], PASS, expect=identity)
        assert seal.counter == new_seal.counter - 1
    else:
        body = copy
        assert records.head_end_at_start(new) is not None and records.head_end_at_start(old) is None
    tables = orjson.loads(body)
    assert tables["_meta"]["space"]["schema"] == 1
    assert list(tables)[0] == "_log" and "_older" not in tables and "_layout" not in tables
    assert {r["text"] for r in tables["entries"].values()} == OLDER | LOGGED

    # The new file: a head part first, every entry still there, opened from its head.
    assert set(listed(data, stdin, capsys, monkeypatch)) == OLDER | LOGGED
    with monkeypatch.context() as patch:
        patch.setattr(Session, "unlock", _refuse)
        patch.setattr(SpaceStore, "read_older", _refuse)
        assert listed(data, stdin, capsys, monkeypatch, "-n", "3") == [
            f"In the change log, number {i}." for i in (2, 1, 0)
        ]
    code, out, err = run_cli(["check", "--data-dir", data], capsys, monkeypatch)
    assert code == 0, out + err

    # The copy opens alone, whole, with every entry (as the older reflect would open it).
    alone = tmp_path / "alone" / space_file.name
    alone.parent.mkdir()
    alone.write_bytes(copy)
    codec = {} if kind == "plain" else {"codec": SealedSpace.unlock(copy, OWNER[kind], PASS, expect=identity)[0]}
    with SpaceStore.open(alone, space=SPACES[kind], create=False, read_only=True, **codec) as store:
        assert {e.text for e in store.entries()} == OLDER | LOGGED


def _refuse(*_args, **_kwargs):
    raise AssertionError("the whole journal was opened")


@pytest.mark.parametrize("kind", ["sealed", "plain"])
def test_an_older_reflect_calls_the_new_file_newer_never_damaged(tmp_path, capsys, monkeypatch, kind):
    """The rules of the code before this change, applied to the new file: its sealed
    format check accepted versions 1 to 3 and called a higher one newer; its schema
    check (format 1) raised SpaceTooNew for a higher schema."""
    data, space_file, stdin = folder(tmp_path, kind)
    run_cli(["checkin", "--data-dir", data], capsys, monkeypatch, stdin)
    new = space_file.read_bytes()
    if kind == "sealed":
        monkeypatch.setattr(sealed, "SEGMENTED_VERSION", 99)  # as if format 4 were unknown
        monkeypatch.setattr(sealed, "NEWEST_VERSION", sealed.LOG_HEADER_VERSION)
        with pytest.raises(SealedDamaged) as caught:
            SealedSpace.unlock(new, OWNER[kind], PASS)
        assert caught.value.user_message == sealed.NEWER_VERSION_MESSAGE
    else:
        monkeypatch.setattr(records, "SCHEMA_VERSION", 1)
        monkeypatch.setattr(records, "MIGRATIONS", {})
        with pytest.raises(SpaceTooNew) as caught:
            SpaceStore.open(space_file, space=SPACES[kind], create=False, read_only=True)
        assert "newer version of reflect" in caught.value.user_message


def test_no_readable_copy_stays_when_a_migrated_plain_journal_gets_a_passphrase(tmp_path, clock):
    """A journal kept before setup (plain), migrated to the new layout (its old file
    kept as <file>.pre-v1.bak), then sealed when its owner chooses a passphrase:
    the plain copy kept before the migration is removed with the other plain copies."""
    from reflect.domain.profiles import LEGACY_SPACE, Role
    from reflect.storage.sealed import KdfParams
    from reflect.usecases.workspace import NewPerson, Workspace

    data = tmp_path / "data"
    ws = Workspace.open(data, now=clock, pack_dirs=(), kdf=KdfParams.TEST)
    ws.open_without_passphrase()
    ws.write("Written before any passphrase, in the older layout.")
    ws.close()
    plain = ws.layout.space_file(LEGACY_SPACE)
    store = SpaceStore.open(plain, space=LEGACY_SPACE, create=False)
    store.compact()
    store.close()
    tables, _layout = records.merge_layout(orjson.loads(plain.read_bytes()))
    tables["_meta"]["space"]["schema"] = 1  # as the code before the head part wrote it
    plain.write_bytes(orjson.dumps(tables))

    ws = Workspace.open(data, now=clock, pack_dirs=(), kdf=KdfParams.TEST)
    ws.open_without_passphrase()
    ws.write("The first save in the new layout.")
    ws.close()
    copy = plain.with_name(plain.name + ".pre-v1.bak")
    assert b"Written before any passphrase" in copy.read_bytes()

    ws = Workspace.open(data, now=clock, pack_dirs=(), kdf=KdfParams.TEST)
    ws.set_up([NewPerson("Robin", Role.INDIVIDUAL, PASS)])
    ws.close()
    readable = [p for p in data.rglob("*") if p.is_file() and b"Written before any passphrase" in p.read_bytes()]
    assert readable == []
