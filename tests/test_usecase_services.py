"""The use-case services behind Workspace: the session, the journal door, storage's readers and savers."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from reflect.domain.profiles import Role
from reflect.domain.sessions import Presence
from reflect.storage.atomic import read_space_bytes, save_private
from reflect.storage.errors import SaveFailed, SpaceDamaged, SpaceMissing
from reflect.storage.sealed import KdfParams
from reflect.usecases.journal import Journal
from reflect.usecases.session import NotUnlocked
from reflect.usecases.workspace import NewPerson, Workspace

DEFAULT_PACKS = Path(__file__).resolve().parent.parent / "prompts"
PASS_A = "alex's long passphrase"
PASS_B = "sam's other passphrase"


@pytest.fixture
def couple(data_dir, clock):
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    alex, sam = ws.set_up([NewPerson("Alex", Role.HURT, PASS_A), NewPerson("Sam", Role.INVOLVED, PASS_B)])
    yield ws, alex, sam
    ws.close()


def test_the_session_says_who_is_here_and_which_spaces_may_show(couple):
    ws, alex, sam = couple
    assert ws.session.presence is None
    assert ws.session.spaces_on_screen() == frozenset()
    ws.unlock(alex, PASS_A)
    assert ws.session.presence == Presence.alone(alex.id)
    assert ws.session.spaces_on_screen() == {alex.space, ws.household.shared_space}
    with pytest.raises(NotUnlocked):
        ws.store(sam.space)
    ws.lock()
    assert ws.session.presence is None


def test_screens_get_a_journal_never_the_store(couple):
    ws, alex, _ = couple
    ws.unlock(alex, PASS_A)
    assert type(ws.journal) is Journal
    assert type(ws.store(ws.household.shared_space)) is Journal
    entry = ws.write("kept through the journal door")
    assert [e.id for e in ws.journal.entries()] == [entry.id]
    assert ws.journal.delete(entry.id).id == entry.id
    ws.journal.restore(entry)
    assert ws.journal.get(entry.id) == entry


def test_the_reader_tells_a_missing_file_from_a_damaged_one(tmp_path):
    with pytest.raises(SpaceMissing):
        read_space_bytes(tmp_path / "nothing-here.json")
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    with pytest.raises(SpaceDamaged):
        read_space_bytes(folder)
    save_private(tmp_path / "kept.json", b"{}")
    assert read_space_bytes(tmp_path / "kept.json") == b"{}"


def test_save_private_tells_a_failure_as_save_failed(tmp_path):
    with pytest.raises(SaveFailed) as caught:
        save_private(tmp_path / "no-such-folder" / "kept.json", b"{}")
    assert caught.value.path == tmp_path / "no-such-folder" / "kept.json"
    assert caught.value.errno == errno.ENOENT
