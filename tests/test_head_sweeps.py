"""Bit flips and cuts across the new snapshot layout, for the head-only path and the whole open.

Every change to a sealed file (format 4) is damage, never a wrong passphrase
and never entries silently missing: a head-only read that meets it returns
nothing (``SealedSpace.unlock_head``) or falls back to the whole open (the
lazy ``SpaceStore.open``), which names the problem; a change it does not
meet (in the older part, or the checksum) is found when the older part is
read, and the whole open finds it too. A plain file has no checksum (anyone
who can read it can edit it), so there the rule is: damage, or every entry
there and both paths agreeing.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reflect.domain.entries import new_entry, newest_first
from reflect.storage import changelog, records
from reflect.storage.errors import SpaceChanged, SpaceDamaged, SpaceTooNew, StoreError, WrongPassphrase
from reflect.storage.sealed import KdfParams, SealedDamaged, SealedSpace, SpaceIdentity
from reflect.storage.space_store import SpaceStore

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=timezone.utc)
SLOT = "me"
PASS = "a passphrase for the sweeps"
SPACE = "private-me"
IDENTITY = SpaceIdentity.private(SPACE, SLOT)
KEEP = 3
COUNT = 7


@pytest.fixture(autouse=True)
def small_head(monkeypatch):
    """A head part of 3 entries, so that a file small enough to sweep has an older part."""
    monkeypatch.setattr(records, "HEAD_MIN_ENTRIES", KEEP)


def build(path: Path, kind: str, *, logged: int = 1):
    """COUNT entries compacted (KEEP in the head, the rest older), then ``logged`` more in the log."""
    codec = SealedSpace.create(SLOT, PASS, KdfParams.TEST, identity=IDENTITY) if kind == "sealed" else None
    store = SpaceStore.open(path, space=SPACE, **({"codec": codec} if codec else {}))
    added = [new_entry(f"words {i}", space=SPACE, now=T0 + timedelta(hours=i)) for i in range(COUNT + logged)]
    store.add_many(added[:COUNT])
    store.compact()
    for e in added[COUNT:]:
        store.add(e)
    store.close()
    return added, codec


def test_the_swept_files_have_an_older_part(tmp_path):
    for kind in ("plain", "sealed"):
        path = tmp_path / kind
        build(path, kind)
        if kind == "sealed":
            seal, head = SealedSpace.unlock_head(path, SLOT, PASS, expect=IDENTITY)
            store = SpaceStore.open(path, space=SPACE, codec=seal, create=False, lazy=True, read_only=True)
        else:
            store = SpaceStore.open(path, space=SPACE, create=False, lazy=True, read_only=True)
        assert not store.complete
        store.close()


def _damage(error: BaseException) -> bool:
    return isinstance(error, (SealedDamaged, SpaceDamaged)) and not isinstance(error, WrongPassphrase)


def _lazy_outcome(path: Path, seal: SealedSpace, expected_ids: set[str], newest_ids: list[str]) -> str:
    """Open lazily with the key in memory and ask for everything; 'damage' or a failure message."""
    try:
        store = SpaceStore.open(path, space=SPACE, codec=seal.clone(), create=False, lazy=True, read_only=True)
    except StoreError as error:
        return "damage" if _damage(error) else f"open raised {type(error).__name__}"
    try:
        first = store.newest(2)
        if first is not None and [e.id for e in first] != newest_ids[:2]:
            return "the head answered wrongly"
        try:
            ids = {e.id for e in store.entries()}
        except StoreError as error:
            return "damage" if _damage(error) else f"entries raised {type(error).__name__}"
        return "opened whole" if ids == expected_ids else "entries silently missing"
    finally:
        store.close()


def test_every_flipped_byte_of_a_sealed_format_4_file_is_damage_on_every_path(tmp_path):
    path = tmp_path / "space.sealed"
    added, codec = build(path, "sealed")
    whole = path.read_bytes()
    expected = {e.id for e in added}
    newest = [e.id for e in newest_first(added)]
    counter = SealedSpace.unlock(whole, SLOT, PASS, expect=IDENTITY)[0].counter
    problems = []
    for offset in range(len(whole)):
        flipped = bytearray(whole)
        flipped[offset] ^= 1 << (offset % 8)
        path.write_bytes(bytes(flipped))
        # 1. The head-only unlock: nothing at all, or a head that is exactly the original's.
        found = SealedSpace.unlock_head(path, SLOT, PASS, expect=IDENTITY)
        if found is not None:
            seal, head = found
            try:
                seal.read_rest(path, head)
            except (SealedDamaged, SpaceDamaged, SpaceChanged):
                pass
            else:
                problems.append((offset, "read_rest took a changed file"))
            seal.forget()
        # 2. The whole unlock, as the caller does when the head-only one says nothing.
        try:
            SealedSpace.unlock(bytes(flipped), SLOT, PASS, expect=IDENTITY)
            problems.append((offset, "the whole unlock opened it"))
        except WrongPassphrase:
            problems.append((offset, "called a wrong passphrase"))
        except SealedDamaged:
            pass
        # 3. The lazy store with the key in memory: damage, never missing entries.
        outcome = _lazy_outcome(path, codec, expected, newest)
        if outcome != "damage":
            problems.append((offset, outcome))
        assert path.read_bytes() == bytes(flipped), "never overwritten"
    assert problems == []
    path.write_bytes(whole)
    store = SpaceStore.open(path, space=SPACE, codec=codec.clone(), create=False, at_least=counter)
    assert {e.id for e in store.entries()} == expected


def test_every_cut_of_a_sealed_format_4_file_is_damage_on_every_path(tmp_path):
    path = tmp_path / "space.sealed"
    added, codec = build(path, "sealed")
    whole = path.read_bytes()
    expected = {e.id for e in added}
    newest = [e.id for e in newest_first(added)]
    problems = []
    for length in range(len(whole)):
        path.write_bytes(whole[:length])
        if SealedSpace.unlock_head(path, SLOT, PASS, expect=IDENTITY) is not None:
            problems.append((length, "the head-only unlock took a cut file"))
        try:
            SealedSpace.unlock(whole[:length], SLOT, PASS, expect=IDENTITY)
            problems.append((length, "opened"))
        except SealedDamaged:
            pass
        except StoreError as error:
            problems.append((length, type(error).__name__))
        outcome = _lazy_outcome(path, codec, expected, newest)
        if outcome != "damage":
            problems.append((length, outcome))
    assert problems == []


def test_a_sealed_head_read_then_a_changed_rest_is_damage_never_partial(tmp_path):
    """The file changes after the head was read (same size, same place): reading the
    older part says so, and the store stays partial, never half-merged."""
    path = tmp_path / "space.sealed"
    added, codec = build(path, "sealed")
    whole = path.read_bytes()
    seal, head = SealedSpace.unlock_head(path, SLOT, PASS, expect=IDENTITY)
    store = SpaceStore.open(path, space=SPACE, codec=seal, create=False, lazy=True, read_only=True)
    assert not store.complete
    for offset in range(len(head.plain) + 200, len(whole), 5):
        flipped = bytearray(whole)
        flipped[offset] ^= 0x04
        with open(path, "r+b") as handle:
            handle.write(bytes(flipped))
        with pytest.raises((SealedDamaged, SpaceDamaged, SpaceChanged)) as caught:
            store.read_older()
        assert not isinstance(caught.value, WrongPassphrase)
        assert not store.complete
    with open(path, "r+b") as handle:
        handle.write(whole)
    store.take_older(store.read_older())
    assert {e.id for e in store.entries()} == {e.id for e in added}
    store.close()


def _plain_outcome(path: Path, expected: set[str], newest: list[str]) -> str:
    newer = []
    try:
        lazy = SpaceStore.open(path, space=SPACE, create=False, lazy=True, read_only=True)
    except SpaceDamaged:
        lazy = None
    except SpaceTooNew:
        lazy = None
        newer.append("lazy")
    except StoreError as error:
        return f"lazy open raised {type(error).__name__}"
    try:
        whole = SpaceStore.open(path, space=SPACE, create=False, read_only=True)
    except SpaceDamaged:
        whole = None
    except SpaceTooNew:
        # A flipped format number: no checksum can tell that from a newer reflect's file.
        return "newer" if newer == ["lazy"] else "only the whole open says newer"
    except StoreError as error:
        return f"whole open raised {type(error).__name__}"
    if newer:
        return "only the lazy open says newer"
    try:
        if whole is None:
            if lazy is None:
                return "damage"
            try:
                lazy.entries()
            except SpaceDamaged:
                return "damage"
            return "the lazy open read what the whole open calls damaged"
        ids = [e.id for e in whole.entries()]
        if len(ids) != len(expected):
            return "entries silently missing"
        if lazy is not None:
            head = lazy.newest(2)
            if head is not None and [e.id for e in head] != ids[:2]:
                return "the head answered differently"
            try:
                if [e.id for e in lazy.entries()] != ids:
                    return "the two opens differ"
            except SpaceDamaged:
                return "the lazy open calls damaged what the whole open read"
        return "same"
    finally:
        for store in (lazy, whole):
            if store is not None:
                store.close()


def test_every_flipped_byte_of_a_plain_snapshot_is_damage_or_the_same_everywhere(tmp_path):
    path = tmp_path / "space.json"
    added, _codec = build(path, "plain")
    whole = path.read_bytes()
    expected = {e.id for e in added}
    newest = [e.id for e in newest_first(added)]
    problems = []
    for offset in range(len(whole)):
        flipped = bytearray(whole)
        flipped[offset] ^= 1 << (offset % 7)
        path.write_bytes(bytes(flipped))
        outcome = _plain_outcome(path, expected, newest)
        if outcome not in ("damage", "same", "newer"):
            problems.append((offset, outcome))
    assert problems == []


def test_every_cut_of_a_plain_snapshot_is_damage(tmp_path):
    path = tmp_path / "space.json"
    added, _codec = build(path, "plain")
    whole = path.read_bytes()
    problems = []
    for length in range(len(whole)):
        path.write_bytes(whole[:length])
        outcome = _plain_outcome(path, {e.id for e in added}, [])
        if outcome != "damage":
            problems.append((length, outcome))
    assert problems == []


@pytest.mark.parametrize("kind", ["plain", "sealed"])
def test_every_flipped_bit_in_the_log_beside_a_head_part_is_damage_for_the_lazy_open(tmp_path, kind):
    path = tmp_path / "space"
    added, codec = build(path, kind, logged=3)
    log = changelog.log_path(path)
    whole = log.read_bytes()
    for offset in range(len(whole)):
        flipped = bytearray(whole)
        flipped[offset] ^= 1 << (offset % 8)
        log.write_bytes(bytes(flipped))
        kwargs = {"codec": codec.clone()} if codec else {}
        with pytest.raises(SpaceDamaged) as caught:
            SpaceStore.open(path, space=SPACE, create=False, lazy=True, read_only=True, **kwargs)
        assert not isinstance(caught.value, WrongPassphrase)
        assert log.read_bytes() == bytes(flipped)
    log.write_bytes(whole)
    kwargs = {"codec": codec.clone()} if codec else {}
    store = SpaceStore.open(path, space=SPACE, create=False, lazy=True, read_only=True, **kwargs)
    assert not store.complete
    assert [e.id for e in store.newest(3)] == [e.id for e in newest_first(added)[:3]]
    assert {e.id for e in store.entries()} == {e.id for e in added}
    store.close()
