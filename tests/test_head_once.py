"""A sealed journal opened head first decrypts its head part once (issue 12): the lazy
open takes the head part ``SealedSpace.unlock_head`` read and checked, while the file
is still that one; a file changed in between is read again."""

from __future__ import annotations

from reflect.storage.sealed import SealedSpace
from reflect.storage.space_store import SpaceStore
from tests.helpers import PASSPHRASE
from tests.test_lazy_store import COUNT, IDENTITY, PASS, SLOT, SPACE, build, entry
from tests.test_older_reflections_app import TOTAL, locked, solo_folder


def counting(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = SealedSpace._open_head_part

    def spy(self, parsed):
        calls.append(1)
        return real(self, parsed)

    monkeypatch.setattr(SealedSpace, "_open_head_part", spy)
    return calls


def test_the_app_path_decrypts_the_head_part_once(data_dir, clock, monkeypatch):
    solo_folder(data_dir, clock)
    calls = counting(monkeypatch)
    ws = locked(data_dir, clock)
    ws.open_head_first()
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    assert not ws.complete
    assert len(calls) == 1  # twice before: unlock_head, then the lazy open read it again
    ws.session.read_whole()
    assert len(ws.journal.entries()) == TOTAL
    ws.close()


def test_a_head_part_read_from_a_file_changed_since_is_read_again(tmp_path, monkeypatch):
    path = tmp_path / "space"
    build(path, "sealed")
    seal, head = SealedSpace.unlock_head(path, SLOT, PASS, expect=IDENTITY)
    # Another copy of reflect adds a reflection and folds it in meanwhile.
    other = SealedSpace.unlock(path.read_bytes(), SLOT, PASS, expect=IDENTITY)[0]
    with SpaceStore.open(path, space=SPACE, codec=other, create=False) as store:
        store.add(entry(70_000, minutes=70_000))
        store.compact()
    calls = counting(monkeypatch)
    store = SpaceStore.open(path, space=SPACE, codec=seal, create=False, lazy=True, head=head, read_only=True)
    assert len(calls) == 1  # the given head was for the old file: this one was read
    assert len(store.entries()) == COUNT + 1
    store.close()
