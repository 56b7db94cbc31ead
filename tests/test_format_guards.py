"""Sealed format 2: upgrade from format 1, backups that name no dates, and the
safety code that once could be removed without any test noticing (issue 8)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import orjson
import pytest

from tests.helpers import copy_data_folder, keep_copy_of_space, put_back_space, space_bytes

from reflect.storage import atomic, records
from reflect.storage.atomic import atomic_write_bytes, atomic_write_many
from reflect.storage.backups import backups_of, make_backup
from reflect.storage.errors import SpaceDamaged, StoreError
from reflect.storage.sealed import KdfParams, SealedSpace, SealedTampered, SpaceIdentity
from reflect.storage.space_store import SpaceStore
from reflect.usecases.workspace import Workspace
from tests.helpers import DEFAULT_PACKS

FIXTURE = Path(__file__).parent / "fixtures" / "format1-couple"
PASS_ALEX = "alex old-format passphrase"
PASS_SAM = "sam old-format passphrase"


def open_ws(data_dir, clock) -> Workspace:
    return Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)


@pytest.fixture
def old_folder(tmp_path):
    """A couple's data folder written by reflect before format 2 (made with that code)."""
    folder = tmp_path / "old"
    copy_data_folder(FIXTURE, folder)
    ids = json.loads((folder / "README-fixture.json").read_text())
    return folder, ids


def version_of(path: Path) -> int:
    return path.read_bytes()[8]


# Format 3 is format 2 with the change log's id in the header (issue 12).
CURRENT = (2, 3, 4)


# upgrading


def test_format1_spaces_are_upgraded_after_a_backup_and_keep_everything(old_folder, clock):
    folder, ids = old_folder
    sam_file = folder / "spaces" / f"private-{ids['sam']}.sealed"
    alex_file = folder / "spaces" / f"private-{ids['alex']}.sealed"
    original = sam_file.read_bytes()
    assert version_of(sam_file) == 1

    ws = open_ws(folder, clock)
    sam = ws.household.find("Sam")
    ws.unlock(sam, PASS_SAM)
    assert [e.text for e in ws.journal.entries()] == ["sam wrote this in format one"]
    assert [e.text for e in ws.store("shared").entries()] == ["written together in format one"]
    ws.lock()

    assert version_of(sam_file) in CURRENT
    assert version_of(folder / "spaces" / "shared.sealed") in CURRENT
    assert version_of(alex_file) == 1  # only its owner can upgrade it
    assert original in [b.read_bytes() for b in backups_of(sam_file, folder / "backups")]

    ws.unlock(sam, PASS_SAM)  # opens again, now as format 2
    ws.lock()
    ws.unlock_with_recovery(sam, ids["sam_recovery_key"], "sam's next passphrase")
    ws.lock()
    alex = ws.household.find("Alex")
    ws.unlock(alex, PASS_ALEX)
    assert [e.text for e in ws.journal.entries()] == ["alex wrote this in format one"]
    assert len(ws.store("shared").entries()) == 1
    ws.close()
    assert version_of(alex_file) in CURRENT
    for path in (folder / "spaces").glob("*.sealed"):  # the spaces, not the copies kept beside them
        header = json.loads(path.read_bytes()[13 : 13 + int.from_bytes(path.read_bytes()[9:13], "big")])
        assert all("bound" not in slot for slot in header["slots"]), path.name


def test_a_format1_file_after_the_upgrade_is_refused(old_folder, clock):
    """Putting the old-format copy back is a rollback, and format 1 binds less."""
    folder, ids = old_folder
    sam_file = folder / "spaces" / f"private-{ids['sam']}.sealed"
    original = sam_file.read_bytes()
    ws = open_ws(folder, clock)
    sam = ws.household.find("Sam")
    ws.unlock(sam, PASS_SAM)
    ws.lock()
    sam_file.write_bytes(original)
    with pytest.raises(StoreError) as caught:
        ws.unlock(sam, PASS_SAM)
    assert "outside reflect" in caught.value.user_message
    assert sam_file.read_bytes() == original
    ws.close()


def test_a_format1_forgery_with_the_shared_key_is_refused(old_folder, clock):
    """Before Sam upgrades, Alex forges an old-format 'private' file with the shared key."""
    folder, ids = old_folder
    shared_blob = (folder / "spaces" / "shared.sealed").read_bytes()
    # The shared file in format 1 as Alex sees it: his slot opens it, Sam's slot is there.
    shared_seal, _ = SealedSpace.unlock(shared_blob, ids["alex"], PASS_ALEX)
    sam_file = folder / "spaces" / f"private-{ids['sam']}.sealed"
    body = orjson.dumps(records.new_space_tables(f"private-{ids['sam']}", clock()))
    # Re-emit the shared file's bytes with a new body: format 1 is what Alex has.
    forged = _format1_with_body(shared_blob, shared_seal, body, ids["sam"])
    sam_file.write_bytes(forged)
    ws = open_ws(folder, clock)
    with pytest.raises(StoreError) as caught:
        ws.unlock(ws.household.find("Sam"), PASS_SAM)
    assert "outside reflect" in caught.value.user_message
    assert sam_file.read_bytes() == forged
    ws.close()


def _format1_with_body(blob: bytes, seal: SealedSpace, body: bytes, sam_id: str) -> bytes:
    import hashlib
    import struct

    import nacl.bindings
    import nacl.utils

    from reflect.storage import sealed

    header_len = struct.unpack_from(">I", blob, 9)[0]
    header = json.loads(blob[13 : 13 + header_len])
    # Only Sam's slot: a private space with anyone else's is refused outright.
    header["slots"] = [slot for slot in header["slots"] if slot["id"] == sam_id]
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    prefix_and_header = blob[:9] + struct.pack(">I", len(raw)) + raw
    space_id = seal._space_id
    nonce = nacl.utils.random(24)
    ciphertext = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        body, sealed._space_aad(1, space_id, None), nonce, seal._data_key
    )
    content = prefix_and_header + nonce + ciphertext
    return content + hashlib.blake2b(content, digest_size=32).digest()


# backups


def test_backup_names_do_not_record_days(tmp_path, clock):
    space = tmp_path / "spaces" / "private-abc.sealed"
    space.parent.mkdir()
    backups = tmp_path / "backups"
    for day in range(8):
        space.write_bytes(f"version {day}".encode())
        assert make_backup(space, backups, clock()) is not None
        assert make_backup(space, backups, clock()) is None  # once a day
        clock.advance(days=1)
    names = sorted(p.name for p in backups.iterdir())
    assert names == [f"private-abc--{n}.sealed" for n in range(1, 6)]
    assert [p.read_bytes() for p in backups_of(space, backups)] == [
        f"version {day}".encode() for day in (7, 6, 5, 4, 3)
    ]
    assert not any(str(clock().year) in name for name in names)


# mutations that once went unnoticed


class _RecordingOs:
    """``os`` as the atomic writer sees it, recording every call and its result."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, object]] = []

    def __getattr__(self, attr: str):
        real = getattr(os, attr)
        if not callable(real):
            return real

        def recorded(*args, **kwargs):
            result = real(*args, **kwargs)
            self.calls.append((attr, args, result))
            return result

        return recorded


@pytest.mark.parametrize("many", [False, True])
def test_the_folder_is_synced_after_the_replace(tmp_path, monkeypatch, many):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    recorder = _RecordingOs()
    monkeypatch.setattr(atomic, "os", recorder)
    if many:
        atomic_write_many([(first / "x.json", b"1"), (second / "y.json", b"2")])
        folders = {first, second}
    else:
        atomic_write_bytes(first / "x.json", b"1")
        folders = {first}
    monkeypatch.undo()
    names = [name for name, _, _ in recorder.calls]
    last_replace = max(i for i, name in enumerate(names) if name == "replace")
    synced = set()
    for i, (name, args, result) in enumerate(recorder.calls):
        if name == "open" and i > last_replace and args[1] & os.O_DIRECTORY:
            fd = result
            assert any(n == "fsync" and a == (fd,) for n, a, _ in recorder.calls[i:]), "folder opened, never synced"
            synced.add(Path(args[0]))
    assert synced == folders


def test_a_plain_file_must_hold_the_space_it_is_named_for(tmp_path, clock):
    other = SpaceStore.open(tmp_path / "other.json", space="other", now=clock)
    other.close()
    shutil.copy(tmp_path / "other.json", tmp_path / "journal.json")
    with pytest.raises(SpaceDamaged) as caught:
        SpaceStore.open(tmp_path / "journal.json", space="journal", create=False, now=clock)
    assert "different space" in caught.value.detail


def test_a_sealed_file_must_hold_the_space_it_is_named_for():
    mine = SealedSpace.create("sam", "sam passphrase", KdfParams.TEST, identity=SpaceIdentity.private("private-sam", "sam"))
    blob = mine.seal(b"{}")
    with pytest.raises(SealedTampered):
        SealedSpace.unlock(blob, "sam", "sam passphrase", expect=SpaceIdentity.private("private-x", "sam"))
    with pytest.raises(SealedTampered):
        SealedSpace.unlock(blob, "sam", "sam passphrase", expect=SpaceIdentity.private("private-sam", "alex"))
    with pytest.raises(SealedTampered):
        SealedSpace.unlock(blob, "sam", "sam passphrase", expect=SpaceIdentity.shared("private-sam"))
    assert SealedSpace.unlock(blob, "sam", "sam passphrase", expect=mine.identity)[1] == b"{}"


def test_a_foreign_slot_is_refused_before_any_key_derivation(monkeypatch):
    from reflect.storage import sealed

    shared = SealedSpace.create("alex", "alex passphrase", KdfParams.TEST, identity=SpaceIdentity.shared("shared"))
    with pytest.raises(ValueError):
        SealedSpace.create("alex", "x passphrase", KdfParams.TEST, identity=SpaceIdentity.private("private-sam", "sam"))
    forged = SealedSpace(shared._space_id, shared._data_key, list(shared._slots.values()))
    forged.identity = SpaceIdentity.private("private-sam", "sam")
    blob = forged.seal(b"{}")

    def no_kdf(*args, **kwargs):
        raise AssertionError("the KDF ran")

    monkeypatch.setattr(sealed, "_derive_key", no_kdf)
    with pytest.raises(SealedTampered) as caught:
        SealedSpace.unlock(blob, "sam", "sam passphrase")
    assert caught.value.user_message == sealed.FOREIGN_SLOT_MESSAGE


def test_locking_forgets_every_key(data_dir, clock):
    from reflect.domain.profiles import Role
    from reflect.usecases.workspace import NewPerson

    ws = open_ws(data_dir, clock)
    alex, sam = ws.set_up([NewPerson("Alex", Role.HURT, "alex passphrase!"), NewPerson("Sam", Role.HURT, "sam passphrase!")])
    ws.unlock(sam, "sam passphrase!")
    seals = list(ws._seals.values())
    assert len(seals) == 2 and all(seal.is_unlocked for seal in seals)
    ws.lock()
    assert not any(seal.is_unlocked for seal in seals)
    assert all(seal._wrapping == {} for seal in seals)
    opened = ws.open_for(alex, "alex passphrase!")
    seals = list(opened.seals.values())
    opened.discard()
    assert not any(seal.is_unlocked for seal in seals)
    ws.close()


def test_a_rollback_of_the_shared_space_is_noticed_and_the_journal_still_opens(data_dir, clock, tmp_path):
    from reflect.domain.profiles import Role
    from reflect.usecases.workspace import NewPerson

    ws = open_ws(data_dir, clock)
    alex, sam = ws.set_up([NewPerson("Alex", Role.HURT, "alex passphrase!"), NewPerson("Sam", Role.HURT, "sam passphrase!")])
    shared = ws.space_path("shared")
    ws.unlock(sam, "sam passphrase!")
    ws.lock()
    keep_copy_of_space(shared, tmp_path / "old")
    old = space_bytes(shared)
    ws.unlock(sam, "sam passphrase!")
    ws.write("something Alex would rather undo", space="shared")
    ws.lock()
    put_back_space(tmp_path / "old", shared)
    ws.unlock(sam, "sam passphrase!")
    assert "older copy" in ws.unavailable["shared"]
    assert ws.open_spaces == [sam.space]
    ws.close()
    assert space_bytes(shared) == old


def test_check_reports_a_swapped_file_a_foreign_slot_and_a_downgrade(data_dir, clock):
    from reflect.usecases.folder_check import check_data_folder
    from reflect.domain.profiles import Role
    from reflect.usecases.workspace import NewPerson

    ws = open_ws(data_dir, clock)
    alex, sam = ws.set_up([NewPerson("Alex", Role.HURT, "alex passphrase!"), NewPerson("Sam", Role.HURT, "sam passphrase!")])
    ws.close()
    assert check_data_folder(data_dir).sound
    sam_file, alex_file = ws.space_path(sam.space), ws.space_path(alex.space)
    sam_bytes = sam_file.read_bytes()
    shutil.copy(alex_file, sam_file)
    assert any("different space" in p and sam_file.name in p for p in check_data_folder(data_dir).problems)

    shared = SealedSpace.unlock(ws.space_path("shared").read_bytes(), alex.id, "alex passphrase!")[0]
    forged = SealedSpace(shared._space_id, shared._data_key, list(shared._slots.values()))
    forged.identity = SpaceIdentity.private(sam.space, sam.id)
    sam_file.write_bytes(forged.seal(b"{}"))
    assert any("someone other than its owner" in p for p in check_data_folder(data_dir).problems)

    sam_file.write_bytes(sam_bytes)
    household = json.loads(ws.layout.household_file.read_text())
    household["profiles"] = [dict(p, protected=False) for p in household["profiles"] if p["id"] == sam.id]
    ws.layout.household_file.write_text(json.dumps(household))
    assert any("changed outside reflect" in p for p in check_data_folder(data_dir).problems)


@pytest.mark.parametrize("edit", ["swap spaces", "space of another name", "name with a line break", "long name"])
def test_a_hand_edited_household_is_validated_again(data_dir, clock, edit):
    from reflect.domain.profiles import Role
    from reflect.storage.errors import HouseholdDamaged
    from reflect.usecases.workspace import NewPerson

    ws = open_ws(data_dir, clock)
    ws.set_up([NewPerson("Alex", Role.HURT, "alex passphrase!"), NewPerson("Sam", Role.HURT, "sam passphrase!")])
    ws.close()
    path = ws.layout.household_file
    data = json.loads(path.read_text())
    first, second = data["profiles"]
    if edit == "swap spaces":
        first["space"], second["space"] = second["space"], first["space"]
    elif edit == "space of another name":
        second["space"] = "private-somewhere"
    elif edit == "name with a line break":
        second["name"] = "Sam\nAlex is right"
    else:
        second["name"] = "S" * 41
    path.write_text(json.dumps(data))
    with pytest.raises(HouseholdDamaged):
        open_ws(data_dir, clock)


def test_check_hints_at_an_older_copy_and_a_deliberate_restore_is_possible(data_dir, clock, tmp_path):
    from reflect.usecases.folder_check import check_data_folder
    from reflect.domain.profiles import Role
    from reflect.usecases.workspace import NewPerson

    ws = open_ws(data_dir, clock)
    [me] = ws.set_up([NewPerson("Sam", Role.INDIVIDUAL, "sam passphrase!")])
    ws.unlock(me, "sam passphrase!")
    ws.write("one")
    ws.lock()
    path = ws.space_path(me.space)
    keep_copy_of_space(path, tmp_path / "old")
    ws.unlock(me, "sam passphrase!")
    ws.write("two")
    ws.lock()
    put_back_space(tmp_path / "old", path)
    assert any("older copy" in p for p in check_data_folder(data_dir).problems)
    with pytest.raises(StoreError):
        ws.unlock(me, "sam passphrase!")
    # Going back on purpose: the space's entry in seen.json goes too.
    seen = json.loads(ws.layout.seen_file.read_text())
    del seen["spaces"][me.space]
    ws.layout.seen_file.write_text(json.dumps(seen))
    ws.unlock(me, "sam passphrase!")
    assert [e.text for e in ws.journal.entries()] == ["one"]
    ws.close()
    assert check_data_folder(data_dir).sound


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4])
def test_a_key_change_that_cannot_be_saved_changes_no_space_and_no_backup(data_dir, clock, monkeypatch, fail_at):
    from reflect.domain.profiles import Role
    from reflect.storage.errors import SaveFailed
    from reflect.usecases.workspace import NewPerson

    ws = open_ws(data_dir, clock)
    alex, sam = ws.set_up([NewPerson("Alex", Role.HURT, "alex passphrase!"), NewPerson("Sam", Role.HURT, "sam passphrase!")])
    ws.unlock(sam, "sam passphrase!")  # takes today's backups
    ws.write("still mine")
    files = lambda: {p: p.read_bytes() for d in (ws.layout.spaces_dir, ws.layout.backups_dir) for p in d.iterdir()}
    before = files()
    assert len([p for p in before if p.parent == ws.layout.backups_dir]) >= 2
    real_stage, calls = atomic._stage, []

    def full_disk(path, data):
        calls.append(path)
        if len(calls) == fail_at:
            raise OSError(28, "No space left on device")
        return real_stage(path, data)

    monkeypatch.setattr(atomic, "_stage", full_disk)
    with pytest.raises(SaveFailed):
        ws.change_passphrase("a brand new passphrase", current="sam passphrase!")
    monkeypatch.undo()
    assert files() == before
    ws.write("saving still works")
    ws.lock()
    ws.unlock(sam, "sam passphrase!")
    assert {e.text for e in ws.journal.entries()} == {"still mine", "saving still works"}
    ws.close()


def test_a_reader_without_the_lock_upgrades_nothing(old_folder, clock):
    folder, ids = old_folder
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    ws = Workspace.open(folder, now=clock, pack_dirs=[DEFAULT_PACKS], take_lock=False)
    ws.unlock(ws.household.find("Sam"), PASS_SAM)
    assert [e.text for e in ws.journal.entries()] == ["sam wrote this in format one"]
    ws.close()
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_an_old_journal_is_not_upgraded_while_the_shared_space_cannot_check_it(old_folder, clock):
    folder, ids = old_folder
    (folder / "spaces" / "shared.sealed").unlink()
    sam_file = folder / "spaces" / f"private-{ids['sam']}.sealed"
    before = sam_file.read_bytes()
    ws = open_ws(folder, clock)
    with pytest.raises(SpaceDamaged) as caught:
        ws.unlock(ws.household.find("Sam"), PASS_SAM)
    assert "shared space cannot be opened" in caught.value.user_message
    assert sam_file.read_bytes() == before
    ws.close()


def test_a_slot_is_bound_to_the_name_owner_and_kind_of_its_space():
    """Sam's slot copied from the shared header into a 'private' one opens nothing,
    even with the shared key and a header MAC made with it."""
    from reflect.storage.sealed import WrongPassphrase

    shared = SealedSpace.create("alex", "alex passphrase", KdfParams.TEST, identity=SpaceIdentity.shared("shared"))
    shared.add_slot("sam", "sam passphrase", KdfParams.TEST)
    sam_slot = [s for s in shared._slots.values() if s.slot_id == "sam"]
    for identity in (
        SpaceIdentity.private("private-sam", "sam"),
        SpaceIdentity.shared("not-shared"),
    ):
        forged = SealedSpace(shared._space_id, shared._data_key, sam_slot, identity=identity)
        with pytest.raises(WrongPassphrase):
            SealedSpace.unlock(forged.seal(b"{}"), "sam", "sam passphrase", expect=identity)
    assert SealedSpace.unlock(shared.seal(b"{}"), "sam", "sam passphrase")[1] == b"{}"
