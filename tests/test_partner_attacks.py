"""Alex, with his own passphrase and write access to the data folder, tries to read Sam.

Every attack here once worked (issue 8). Each must leave Sam's text unreadable
to Alex and tell Sam plainly that something is wrong — never "wrong passphrase".
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import struct
import sys
from pathlib import Path

import orjson
import pytest

from tests.helpers import keep_copy_of_space, put_back_space, space_bytes

from reflect.domain.profiles import Role
from reflect.storage import records
from reflect.storage.errors import StoreError, WrongPassphrase
from reflect.storage.sealed import KdfParams, SealedSpace
from reflect.usecases.workspace import NewPerson, Workspace
from tests.helpers import DEFAULT_PACKS

PASS_ALEX = "alex's long passphrase"
PASS_SAM = "sam's other passphrase"
SECRET = "SAM-SECRET-what I never told anyone"


def open_ws(data_dir, clock) -> Workspace:
    return Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)


@pytest.fixture
def couple(data_dir, clock):
    ws = open_ws(data_dir, clock)
    alex, sam = ws.set_up(
        [NewPerson("Alex", Role.HURT, PASS_ALEX), NewPerson("Sam", Role.INVOLVED, PASS_SAM)]
    )
    ws.unlock(sam, PASS_SAM)
    ws.add_recovery_key(current=PASS_SAM)
    ws.lock()
    yield ws, alex, sam
    ws.close()


def space_file(ws: Workspace, space: str) -> Path:
    return ws.layout.space_file(space, sealed=True)


# Raw edits of a sealed file, the way someone with a hex editor would make them:
# the header is JSON after a 13-byte prefix, and the last 32 bytes are an
# unkeyed checksum anyone can recompute.


def split(blob: bytes) -> tuple[bytes, dict, bytes]:
    magic, version, length = struct.unpack_from(">8sBI", blob)
    return blob[:13], json.loads(blob[13 : 13 + length]), blob[13 + length : -32]


def join(prefix: bytes, header: dict, rest: bytes) -> bytes:
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    content = prefix[:9] + struct.pack(">I", len(raw)) + raw + rest
    return content + hashlib.blake2b(content, digest_size=32).digest()


def edit_slots(path: Path, change) -> None:
    prefix, header, rest = split(path.read_bytes())
    header["slots"] = change(header["slots"])
    path.write_bytes(join(prefix, header, rest))


def alex_reads(blob: bytes) -> bytes | None:
    """What Alex gets out of ``blob`` with his passphrase, if anything."""
    try:
        return SealedSpace.unlock(blob, None, PASS_ALEX)[1]
    except StoreError:
        return None


def assert_told_plainly(error: BaseException) -> None:
    assert isinstance(error, StoreError)
    assert not isinstance(error, WrongPassphrase), error.user_message
    message = error.user_message
    assert "passphrase" not in message.lower() or "changed" in message.lower()
    assert "outside reflect" in message or "older copy" in message, message


def sam_writes(ws: Workspace, sam, text: str = SECRET) -> None:
    ws.unlock(sam, PASS_SAM)
    ws.write(text)
    ws.lock()


@pytest.mark.parametrize("forgery", ["shared file as it is", "copied slot", "own slot named for Sam"])
def test_key_substitution_with_the_shared_key_is_refused(couple, clock, forgery):
    """Finding 1: Alex seals a fresh 'private' file for Sam with the shared key."""
    ws, alex, sam = couple
    shared_blob = space_file(ws, "shared").read_bytes()
    shared_seal, _ = SealedSpace.unlock(shared_blob, alex.slot_id, PASS_ALEX)
    fake_body = orjson.dumps(records.new_space_tables(sam.space, clock()))
    space_file(ws, sam.space).write_bytes(forge_private(shared_seal, sam, fake_body, forgery))

    with pytest.raises(StoreError) as caught:
        sam_writes(ws, sam)
    assert_told_plainly(caught.value)
    assert not ws.is_unlocked
    assert SECRET.encode() not in (alex_reads(space_file(ws, sam.space).read_bytes()) or b"")


def forge_private(shared_seal: SealedSpace, sam, body: bytes, forgery: str) -> bytes:
    """The strongest forgeries Alex can make with the shared key (he reads code too)."""
    if forgery == "shared file as it is":
        return shared_seal.seal(body)
    from reflect.storage.sealed import SpaceIdentity

    identity = SpaceIdentity.private(sam.space, sam.id)
    if forgery == "copied slot":
        slots = [s for s in shared_seal._slots.values() if s.slot_id == sam.id]
        forged = SealedSpace(shared_seal._space_id, shared_seal._data_key, slots, identity=identity)
    else:
        forged = SealedSpace(shared_seal._space_id, shared_seal._data_key, [], identity=identity)
        forged.add_slot(sam.id, PASS_ALEX, KdfParams.TEST)
    return forged.seal(body)


@pytest.mark.parametrize(
    "edit", ["Sam alone, no passphrase", "as a fresh journal", "no profiles.json", "every sealed file gone"]
)
def test_downgrade_through_profiles_json_never_stores_the_passphrase(couple, capsys, monkeypatch, edit):
    """Finding 2: profiles.json says Sam is alone and unprotected; a plain file waits."""
    from reflect.cli import main

    ws, alex, sam = couple
    ws.close()
    root = ws.layout.root
    household = json.loads((root / "profiles.json").read_text())
    household["profiles"] = [dict(p, protected=False) for p in household["profiles"] if p["id"] == sam.id]
    space = sam.space
    if edit == "as a fresh journal":
        # Sam's space renamed to the one of a folder made before profiles,
        # and the shared space (with its backups) out of the way.
        space = household["profiles"][0]["space"] = "journal"
        for path in [*(root / "spaces").glob("shared*"), *(root / "backups").glob("shared*")]:
            path.unlink()
    if edit == "every sealed file gone":
        # Only seen.json still says that sealed spaces were here.
        for path in [*(root / "spaces").glob("*.sealed"), *(root / "backups").glob("*.sealed")]:
            path.unlink()
    (root / "profiles.json").write_text(json.dumps(household))
    argv = ["--data-dir", str(root), "write", "--profile", "Sam"]
    if edit == "no profiles.json":
        (root / "profiles.json").unlink()
        space, argv = "journal", argv[:-2]
    plain = root / "spaces" / f"{space}.json"
    plain.write_bytes(orjson.dumps(records.new_space_tables(space, ws.now())))

    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{PASS_SAM}\nsome text\n"))
    code = main(argv)
    out, err = capsys.readouterr()
    assert code != 0
    assert "Saved." not in out
    assert "outside reflect" in err
    for path in root.rglob("*"):
        if path.is_file():
            assert PASS_SAM.encode() not in path.read_bytes(), path


def test_an_old_passphrase_opens_nothing_after_a_change(couple, clock):
    """Finding 3: the old passphrase and a backup must not lead to anything written later."""
    ws, alex, sam = couple
    sam_writes(ws, sam, "before the change")
    copied_before = space_file(ws, sam.space).read_bytes()  # someone kept a copy
    ws.unlock(sam, PASS_SAM)
    change = ws.change_passphrase("a brand new passphrase", current=PASS_SAM)
    ws.write(SECRET)
    ws.lock()

    root = ws.layout.root
    for path in [p for p in root.rglob("*") if p.is_file()]:
        with pytest.raises(StoreError):  # nothing in the folder opens with it
            SealedSpace.unlock(path.read_bytes(), sam.slot_id, PASS_SAM)
    # The copy kept from before opens with the old passphrase, but its key
    # opens nothing written since: the journal has a new data key.
    old_seal, old_body = SealedSpace.unlock(copied_before, sam.slot_id, PASS_SAM)
    assert SECRET.encode() not in old_body
    with pytest.raises(StoreError):
        old_seal.open(space_file(ws, sam.space).read_bytes())
    assert "old one no longer opens anything in this folder" in change.message
    assert "shared space keeps its key" in change.message
    assert "recovery key stopped working" in change.message
    ws.unlock(sam, "a brand new passphrase")
    assert {e.text for e in ws.journal.entries()} == {SECRET, "before the change"}


def test_a_space_put_back_to_an_older_copy_is_noticed(couple, tmp_path):
    """Finding 4: rolling back one space loses later entries silently."""
    ws, alex, sam = couple
    sam_writes(ws, sam, "first")
    kept = tmp_path / "old-copy"
    keep_copy_of_space(space_file(ws, sam.space), kept)
    sam_writes(ws, sam, "second")
    put_back_space(kept, space_file(ws, sam.space))

    before = space_bytes(space_file(ws, sam.space))
    with pytest.raises(StoreError) as caught:
        ws.unlock(sam, PASS_SAM)
    assert_told_plainly(caught.value)
    assert "backup" in caught.value.user_message
    assert space_bytes(space_file(ws, sam.space)) == before  # never overwritten
    assert not ws.is_unlocked


@pytest.mark.parametrize("strip", ["recovery", "own"])
def test_stripping_a_slot_is_noticed_not_a_wrong_passphrase(couple, strip):
    """Finding 4: a removed slot must not pass as 'wrong passphrase' or go unseen."""
    ws, alex, sam = couple
    path = space_file(ws, sam.space)
    keep = (lambda s: not s["id"].startswith("recovery")) if strip == "recovery" else (lambda s: s["id"] != sam.id)
    edit_slots(path, lambda slots: [s for s in slots if keep(s)])
    with pytest.raises(StoreError) as caught:
        ws.unlock(sam, PASS_SAM)
    assert_told_plainly(caught.value)


def test_adding_a_slot_to_a_private_space_is_refused(couple):
    """Alex copies his own slot from the shared file into Sam's private file."""
    ws, alex, sam = couple
    _, shared_header, _ = split(space_file(ws, "shared").read_bytes())
    alex_slot = next(s for s in shared_header["slots"] if s["id"] == alex.id)
    edit_slots(space_file(ws, sam.space), lambda slots: [*slots, alex_slot])
    with pytest.raises(StoreError) as caught:
        ws.unlock(sam, PASS_SAM)
    assert_told_plainly(caught.value)
    assert alex_reads(space_file(ws, sam.space).read_bytes()) is None


def test_stripping_sams_slot_from_the_shared_space_says_so(couple):
    ws, alex, sam = couple
    edit_slots(space_file(ws, "shared"), lambda slots: [s for s in slots if s["id"] != sam.id])
    ws.unlock(sam, PASS_SAM)  # her own journal still opens
    assert "outside reflect" in ws.unavailable["shared"]
    ws.lock()


def test_a_recovery_slot_stripped_from_the_journal_is_not_called_missing(couple):
    """Sam forgot her passphrase; Alex removed her recovery slot from her journal only."""
    ws, alex, sam = couple
    ws.unlock(sam, PASS_SAM)
    key = ws.add_recovery_key(current=PASS_SAM)
    ws.lock()
    edit_slots(space_file(ws, sam.space), lambda slots: [s for s in slots if not s["id"].startswith("recovery")])
    with pytest.raises(StoreError) as caught:
        ws.unlock_with_recovery(sam, key, "sam's new passphrase")
    assert_told_plainly(caught.value)
    assert not ws.is_unlocked


def test_the_shared_space_put_back_to_before_a_passphrase_change_is_not_a_wrong_passphrase(couple, tmp_path):
    ws, alex, sam = couple
    shutil.copy(space_file(ws, "shared"), tmp_path / "shared-before")
    ws.unlock(sam, PASS_SAM)
    ws.change_passphrase("sam's newer passphrase", current=PASS_SAM)
    ws.lock()
    shutil.copy(tmp_path / "shared-before", space_file(ws, "shared"))
    # From Sam's side this looks exactly like her journal put back to an older
    # copy that her old passphrase opened: so nothing opens, and she is told.
    with pytest.raises(StoreError) as caught:
        ws.unlock(sam, "sam's newer passphrase")
    assert_told_plainly(caught.value)
    assert not ws.is_unlocked
    ws.close()


def test_a_third_way_into_the_shared_space_is_reported(couple):
    """Alex, who holds the shared key, lets one more passphrase into the shared space."""
    ws, alex, sam = couple
    path = space_file(ws, "shared")
    shared_seal, body = SealedSpace.unlock(path.read_bytes(), alex.slot_id, PASS_ALEX)
    shared_seal.add_slot("someone-else", "a stranger's passphrase", KdfParams.TEST)
    path.write_bytes(shared_seal.seal(body))
    ws.unlock(sam, PASS_SAM)
    assert "profiles.json" in ws.unavailable["shared"]
    assert "outside reflect" in ws.unavailable["shared"]
    assert ws.open_spaces == [sam.space]
    ws.close()


# --- follow-up review: Alex at the keyboard, a full disk, an old copy with an old passphrase ---


def every_file(ws: Workspace) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in ws.layout.root.rglob("*") if p.is_file()}


def test_a_new_recovery_key_or_passphrase_needs_the_current_passphrase(couple):
    """Alex, handed the keyboard while Sam's journal is open, cannot make himself a way in."""
    from reflect.domain.profiles import ProfileError

    ws, alex, sam = couple
    ws.unlock(sam, PASS_SAM)
    before = every_file(ws)
    for typed in ["", PASS_ALEX, "a guess"]:
        with pytest.raises(ProfileError) as caught:
            ws.change_recovery_key(current=typed)
        assert "nothing was changed" in str(caught.value).lower()
        with pytest.raises(ProfileError):
            ws.add_recovery_key(current=typed)
        with pytest.raises(ProfileError):
            ws.change_passphrase("alex chose this one", current=typed)
    with pytest.raises(TypeError):  # the use cases themselves require it
        ws.change_passphrase("alex chose this one")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ws.change_recovery_key()  # type: ignore[call-arg]
    assert every_file(ws) == before
    ws.change_passphrase("sam's brand new one", current=PASS_SAM)
    ws.lock()
    ws.unlock(sam, "sam's brand new one")
    ws.close()


def test_a_full_disk_during_a_save_does_not_lock_sam_out(couple, monkeypatch):
    """One failed save must not make the next unlock cry 'older copy'."""
    from reflect.storage import atomic, changelog
    from reflect.storage.errors import SaveFailed
    from tests.helpers import OsWithFailure

    ws, alex, sam = couple
    ws.unlock(sam, PASS_SAM)
    ws.write("kept")
    with monkeypatch.context() as patched:
        # A save appends to the change log, or (when it is folded in) writes a whole file.
        patched.setattr(atomic, "os", OsWithFailure("fsync"))
        patched.setattr(changelog, "os", OsWithFailure("fsync"))
        with pytest.raises(SaveFailed):
            ws.write("not saved: the disk is full")
    ws.lock()
    ws.unlock(sam, PASS_SAM)
    assert [e.text for e in ws.journal.entries()] == ["kept"]
    assert ws.unavailable == {}
    ws.write("after the disk had room again")
    ws.lock()
    ws.unlock(sam, PASS_SAM)
    assert {e.text for e in ws.journal.entries()} == {"kept", "after the disk had room again"}
    ws.close()


def put_back_sams_journal_from_before_her_change(ws: Workspace, sam) -> None:
    """Alex keeps a copy of Sam's journal; she changes her passphrase and writes SECRET;
    he puts the copy back (file and change log) and removes its line from seen.json."""
    sam_writes(ws, sam, "before the change")
    keep_copy_of_space(space_file(ws, sam.space), ws.layout.root.parent / "alex-kept")
    ws.unlock(sam, PASS_SAM)
    ws.change_passphrase("sam's newer passphrase", current=PASS_SAM)
    ws.write(SECRET)
    ws.lock()
    put_back_space(ws.layout.root.parent / "alex-kept", space_file(ws, sam.space))
    seen = orjson.loads(ws.layout.seen_file.read_bytes())
    del seen["spaces"][sam.space]
    ws.layout.seen_file.write_bytes(orjson.dumps(seen))


def test_an_old_copy_put_back_does_not_open_with_the_old_passphrase(couple):
    """Alex kept Sam's journal and knows her old passphrase; she changed it since.
    He puts the old file back and removes its line from seen.json."""
    ws, alex, sam = couple
    put_back_sams_journal_from_before_her_change(ws, sam)

    with pytest.raises(StoreError) as caught:
        ws.unlock(sam, "sam's newer passphrase")
    assert_told_plainly(caught.value)
    before = every_file(ws)
    with pytest.raises(StoreError) as caught:
        ws.unlock(sam, PASS_SAM)
    assert_told_plainly(caught.value)
    assert "outside reflect" in caught.value.user_message
    assert not ws.is_unlocked
    assert every_file(ws) == before  # nothing written, not even a backup or seen.json
    ws.close()


@pytest.mark.parametrize("shared_gone", ["removed", "damaged"])
def test_an_old_copy_with_the_shared_space_broken_does_not_open(couple, shared_gone):
    """As above, and Alex also breaks the shared space, so it cannot be checked against:
    without the record of the journal's last save, nothing opens and nothing is written."""
    ws, alex, sam = couple
    put_back_sams_journal_from_before_her_change(ws, sam)
    shared = space_file(ws, "shared")
    if shared_gone == "removed":
        for path in shared.parent.glob("shared.sealed*"):
            path.unlink()
    else:
        blob = bytearray(shared.read_bytes())
        blob[200:204] = b"\xff\xfe\xfd\xfc"
        shared.write_bytes(bytes(blob))

    before = every_file(ws)
    with pytest.raises(StoreError) as caught:
        ws.unlock(sam, PASS_SAM)
    assert "cannot tell whether your journal is the one you last used" in caught.value.user_message
    assert not ws.is_unlocked
    assert every_file(ws) == before
    ws.close()


def test_a_broken_shared_space_alone_still_leaves_the_journal_open(couple):
    """Damage to the shared space is not a reason to refuse someone their own journal."""
    ws, alex, sam = couple
    sam_writes(ws, sam, "mine")
    for path in space_file(ws, "shared").parent.glob("shared.sealed*"):
        path.unlink()
    ws.unlock(sam, PASS_SAM)
    assert [e.text for e in ws.journal.entries()] == ["mine"]
    assert "shared" in ws.unavailable
    ws.close()


@pytest.mark.parametrize("replacement", ["link to /dev/zero", "pipe"])
def test_a_change_log_that_is_not_a_plain_file_is_refused_at_once(couple, replacement):
    import os

    from reflect.storage.changelog import log_path

    ws, alex, sam = couple
    sam_writes(ws, sam, "mine")
    log = log_path(space_file(ws, sam.space))
    log.unlink(missing_ok=True)
    if replacement == "pipe":
        os.mkfifo(log)
    else:
        log.symlink_to("/dev/zero")
    with pytest.raises(StoreError) as caught:
        ws.unlock(sam, PASS_SAM)
    assert "not a plain file" in caught.value.user_message or "link" in caught.value.user_message
    assert not ws.is_unlocked
    ws.close()
