"""Profiles and private spaces: each person reads their own and the shared space, nothing else."""

from __future__ import annotations

import stat
import tempfile

import pytest

from reflect.domain.profiles import ProfileError, Role
from reflect.storage.errors import SpaceDamaged, WrongPassphrase
from reflect.storage.sealed import KdfParams, SealedSpace
from reflect.usecases.workspace import NewPerson, Workspace
from tests.helpers import DEFAULT_PACKS, PASS_A, PASS_B, files_under, forms_of



def open_ws(data_dir, clock) -> Workspace:
    return Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)


def test_each_partner_reads_their_own_and_the_shared_space_only(couple):
    ws, alex, sam = couple
    ws.unlock(alex, PASS_A)
    ws.write("alex private")
    ws.switch_space("shared")
    ws.write("written together")
    assert set(ws.open_spaces) == {alex.space, "shared"}
    ws.lock()

    ws.unlock(sam, PASS_B)
    ws.write("sam private")
    assert set(ws.open_spaces) == {sam.space, "shared"}
    assert [e.text for e in ws.store("shared").entries()] == ["written together"]
    assert [e.text for e in ws.journal.entries()] == ["sam private"]
    with pytest.raises(Exception):
        ws.store(alex.space)
    ws.lock()

    ws.unlock(alex, PASS_A)
    assert [e.text for e in ws.journal.entries()] == ["alex private"]


def test_on_disk_one_partner_cannot_open_the_others_private_space(couple):
    ws, alex, sam = couple
    blob_b = ws.space_path(sam.space).read_bytes()
    with pytest.raises(WrongPassphrase):
        SealedSpace.unlock(blob_b, None, PASS_A)
    blob_shared = ws.space_path("shared").read_bytes()
    SealedSpace.unlock(blob_shared, alex.slot_id, PASS_A)
    SealedSpace.unlock(blob_shared, sam.slot_id, PASS_B)


def test_a_wrong_passphrase_opens_nothing(couple):
    from reflect.usecases.couple_names import PartnersPassphrase

    ws, alex, _ = couple
    with pytest.raises(WrongPassphrase):
        ws.unlock(alex, "nobody's passphrase here")
    assert not ws.is_unlocked and ws.open_spaces == []
    with pytest.raises(PartnersPassphrase):  # Sam's: refused too, saying whose it is
        ws.unlock(alex, PASS_B)
    assert not ws.is_unlocked and ws.open_spaces == []


def test_canary_never_reaches_any_file(data_dir, clock, tmp_path, monkeypatch):
    marker = "CANARY-7f3a-unique-marker"
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with open_ws(data_dir, clock) as ws:
        alex, sam = ws.set_up(
            [NewPerson("Alex", Role.HURT, PASS_A), NewPerson("Sam", Role.HURT, PASS_B)]
        )
        ws.unlock(alex, PASS_A)
        ws.write(f"private {marker}", tags=["canary"])
        ws.journal.save_draft("free", f"draft {marker}")
        ws.switch_space("shared")
        ws.write(f"shared {marker}")
        ws.lock()
    files = files_under(data_dir, temp)
    assert len(files) >= 4
    for path in files:
        content = path.read_bytes()
        for form in forms_of(marker):
            assert form not in content, f"{path.name} holds the marker"


def test_sealed_files_are_private(couple):
    ws, alex, sam = couple
    for path in (ws.space_path(alex.space), ws.space_path(sam.space), ws.space_path("shared")):
        assert path.suffix == ".sealed"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(ws.layout.household_file.stat().st_mode) == 0o600


def test_a_journal_from_before_setup_is_sealed_and_the_readable_copy_removed(data_dir, clock):
    with open_ws(data_dir, clock) as ws:
        ws.write("written before any profile")
    plain = data_dir / "spaces" / "journal.json"
    assert plain.exists()
    with open_ws(data_dir, clock) as ws:
        [me] = ws.set_up([NewPerson("Robin", Role.HURT, PASS_A)])
        assert not plain.exists()
        assert b"written before" not in ws.space_path(me.space).read_bytes()
        ws.unlock(me, PASS_A)
        assert [e.text for e in ws.journal.entries()] == ["written before any profile"]


def test_recovery_key_opens_and_sets_a_new_passphrase(couple):
    ws, alex, _ = couple
    ws.unlock(alex, PASS_A)
    ws.write("kept safe")
    key = ws.add_recovery_key(current=PASS_A)
    ws.lock()
    ws.unlock_with_recovery(alex, key.lower().replace("-", " "), "a brand new passphrase")
    assert [e.text for e in ws.journal.entries()] == ["kept safe"]
    ws.lock()
    with pytest.raises(WrongPassphrase):
        ws.unlock(alex, PASS_A)
    ws.unlock(alex, "a brand new passphrase")
    assert ws.store("shared") is not None


def test_changing_a_passphrase_keeps_everything(couple):
    ws, alex, sam = couple
    ws.unlock(alex, PASS_A)
    ws.write("still here")
    ws.change_passphrase("another good passphrase", current=PASS_A)
    ws.lock()
    with pytest.raises(WrongPassphrase):
        ws.unlock(alex, PASS_A)
    ws.unlock(alex, "another good passphrase")
    assert [e.text for e in ws.journal.entries()] == ["still here"]
    ws.lock()
    ws.unlock(sam, PASS_B)  # the partner's passphrase is unaffected


def test_adding_a_partner_needs_the_first_partners_passphrase(data_dir, clock):
    with open_ws(data_dir, clock) as ws:
        ws.add_profile("Alex", Role.HURT, PASS_A)
        with pytest.raises(WrongPassphrase):
            ws.add_profile("Sam", Role.INVOLVED, PASS_B, partner_passphrase="wrong wrong")
        assert len(ws.household.profiles) == 1
        assert not ws.layout.space_file("shared", sealed=True).exists()
        ws.add_profile("Sam", Role.INVOLVED, PASS_B, partner_passphrase=PASS_A)
    with open_ws(data_dir, clock) as ws:
        assert ws.household.is_couple
        ws.unlock(ws.household.find("sam"), PASS_B)
        assert "shared" in ws.open_spaces


def test_profile_rules(data_dir, clock):
    with open_ws(data_dir, clock) as ws:
        with pytest.raises(ProfileError):
            ws.set_up([NewPerson("A", Role.HURT, "short"), NewPerson("B", Role.HURT, PASS_B)])
        with pytest.raises(ProfileError):  # a couple must both have passphrases
            ws.set_up([NewPerson("A", Role.HURT, PASS_A), NewPerson("B", Role.HURT, None)])
        with pytest.raises(ProfileError):
            ws.set_up([NewPerson("A", Role.HURT, PASS_A), NewPerson("a", Role.HURT, PASS_B)])
        assert not ws.is_set_up
        assert not ws.layout.household_file.exists()


def test_a_damaged_sealed_space_is_reported_as_damaged_not_wrong_passphrase(couple):
    ws, alex, _ = couple
    path = ws.space_path(alex.space)
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0x10
    path.write_bytes(bytes(blob))
    with pytest.raises(SpaceDamaged.__mro__[1]) as caught:  # a StoreError, and not WrongPassphrase
        ws.unlock(alex, PASS_A)
    assert not isinstance(caught.value, WrongPassphrase)
    assert "damaged" in caught.value.user_message.lower()
    assert path.read_bytes() == bytes(blob)


@pytest.mark.slow
def test_the_real_kdf_parameters_unlock(data_dir, clock):
    with Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS]) as ws:
        assert ws.kdf == KdfParams.REAL
        assert ws.kdf.opslimit >= 3 and ws.kdf.memlimit >= 64 * 1024 * 1024
        [me] = ws.set_up([NewPerson("Robin", Role.INDIVIDUAL, PASS_A)])
        ws.unlock(me, PASS_A)
        ws.write("real parameters")
        ws.lock()
        ws.unlock(me, PASS_A)
        assert [e.text for e in ws.journal.entries()] == ["real parameters"]


def test_a_passphrase_change_that_cannot_be_saved_changes_nothing(couple, monkeypatch):
    from reflect.storage import atomic
    from reflect.storage.errors import SaveFailed

    ws, alex, _ = couple
    ws.unlock(alex, PASS_A)
    ws.write("still mine")
    before = {p: p.read_bytes() for p in ws.layout.spaces_dir.iterdir()}
    real_stage, calls = atomic._stage, []

    def full_disk_on_second(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_stage(path, data)

    monkeypatch.setattr(atomic, "_stage", full_disk_on_second)
    with pytest.raises(SaveFailed):
        ws.change_passphrase("a brand new passphrase", current=PASS_A)
    monkeypatch.setattr(atomic, "_stage", real_stage)
    assert {p: p.read_bytes() for p in ws.layout.spaces_dir.iterdir()} == before
    assert [p.name for p in ws.layout.spaces_dir.iterdir() if p.name.endswith(".tmp")] == []
    ws.write("saving still works")  # memory was put back as the disk has it
    ws.lock()
    ws.unlock(alex, PASS_A)
    assert "shared" in ws.open_spaces


def test_plain_backups_go_when_the_journal_is_sealed(data_dir, clock):
    with open_ws(data_dir, clock) as ws:
        ws.write("written before any profile")  # opens the plain journal and backs it up
    backups = data_dir / "backups"
    assert any(p.name.startswith("journal--") and p.suffix == ".json" for p in backups.iterdir())
    with open_ws(data_dir, clock) as ws:
        ws.set_up([NewPerson("Robin", Role.HURT, PASS_A)])
    leftovers = [p for p in backups.iterdir() if p.suffix == ".json" and p.name.startswith("journal--")]
    assert leftovers == []
    for path in files_under(data_dir):
        assert b"written before" not in path.read_bytes()


def test_a_hand_edited_household_cannot_drop_a_partners_passphrase(couple):
    import json

    from reflect.storage.errors import HouseholdDamaged

    ws, alex, _ = couple
    ws.close()
    path = ws.layout.household_file
    data = json.loads(path.read_text())
    data["profiles"][0]["protected"] = False
    path.write_text(json.dumps(data))
    with pytest.raises(HouseholdDamaged) as caught:
        Workspace.open(ws.layout.root, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    assert "profiles.json" in caught.value.user_message
    data["profiles"][0]["protected"] = True
    data["profiles"][0]["id"] = "Bad Id!"
    path.write_text(json.dumps(data))
    with pytest.raises(HouseholdDamaged):
        Workspace.open(ws.layout.root, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)


def test_a_missing_shared_space_does_not_keep_anyone_from_their_own_journal(couple):
    from reflect.usecases.folder_check import check_data_folder

    ws, alex, _ = couple
    shared = ws.space_path("shared")
    shared.unlink()
    ws.unlock(alex, PASS_A)
    assert ws.open_spaces == [alex.space]
    assert "shared" in ws.unavailable
    report = check_data_folder(ws.layout.root)
    assert not report.sound and any("shared.sealed" in p for p in report.problems)


def test_a_recovery_that_cannot_save_the_new_passphrase_leaves_nothing_open(couple, monkeypatch):
    from reflect.storage.errors import SaveFailed

    ws, alex, _ = couple
    ws.unlock(alex, PASS_A)
    key = ws.add_recovery_key(current=PASS_A)
    ws.lock()

    def full(*args, **kwargs):
        raise SaveFailed(ws.layout.spaces_dir, 28)

    monkeypatch.setattr(ws.keys, "set_passphrase", full)
    with pytest.raises(SaveFailed):
        ws.unlock_with_recovery(alex, key, "a brand new passphrase")
    assert not ws.is_unlocked and ws.open_spaces == []


def test_no_passphrase_change_while_the_shared_space_cannot_be_opened(couple):
    ws, alex, _ = couple
    shared = ws.space_path("shared")
    saved = shared.read_bytes()
    shared.unlink()
    ws.unlock(alex, PASS_A)
    with pytest.raises(ProfileError):
        ws.change_passphrase("a brand new passphrase", current=PASS_A)
    with pytest.raises(ProfileError):
        ws.add_recovery_key(current=PASS_A)
    ws.lock()
    shared.write_bytes(saved)
    ws.unlock(alex, PASS_A)
    assert "shared" in ws.open_spaces


@pytest.mark.parametrize("edit", ["no profiles", "same id", "same space", "shared as private"])
def test_a_household_file_that_breaks_the_shape_is_damaged(couple, edit):
    import json

    from reflect.storage.errors import HouseholdDamaged

    ws, _, _ = couple
    ws.close()
    path = ws.layout.household_file
    data = json.loads(path.read_text())
    first, second = data["profiles"]
    if edit == "no profiles":
        data["profiles"] = []
    elif edit == "same id":
        second["id"] = first["id"]
    elif edit == "same space":
        second["space"] = first["space"]
    else:
        first["space"] = "shared"
    path.write_text(json.dumps(data))
    with pytest.raises(HouseholdDamaged):
        Workspace.open(ws.layout.root, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
