"""The snapshot's head part and the lazy open (issue 12, the segmented layout).

A snapshot in format 2 starts with a head part (every table, and the newest
entries) and ends with the older entries. ``SpaceStore.open(lazy=True)`` reads
the head part and the change log only; whole-space methods complete the load
first, so nothing is ever answered from part of the space; ``newest(n)``
answers from the head when it can be sure, ``read_older``/``take_older`` let
the app load the rest in a worker thread.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest

from reflect.domain.entries import EntryFilter, new_entry, newest_first
from reflect.storage import changelog, records, sealed
from reflect.storage.errors import SpaceChanged, SpaceDamaged, SpaceRolledBack
from reflect.storage.sealed import KdfParams, SealedDamaged, SealedSpace, SpaceIdentity
from reflect.storage.space_store import SpaceStore

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
SLOT = "me"
PASS = "a passphrase for the lazy tests"
SPACE = "private-me"
IDENTITY = SpaceIdentity.private(SPACE, SLOT)
KEEP = records.HEAD_MIN_ENTRIES
COUNT = KEEP + 150


def entry(i: int, *, minutes: int | None = None, text: str | None = None):
    at = T0 + timedelta(minutes=i if minutes is None else minutes)
    return new_entry(text or f"entry number {i}: a few honest words", space=SPACE, now=at)


def build(path: Path, kind: str, count: int = COUNT, *, entries=None):
    """A space of ``count`` entries, compacted (a snapshot with an older part, no log)."""
    codec = SealedSpace.create(SLOT, PASS, KdfParams.TEST, identity=IDENTITY) if kind == "sealed" else None
    store = SpaceStore.open(path, space=SPACE, **({"codec": codec} if codec else {}))
    added = entries if entries is not None else [entry(i) for i in range(count)]
    store.add_many(added)
    store.compact()
    store.close()
    return added


def opener(kind: str):
    def open_(path: Path, *, lazy: bool = True, read_only: bool = True, at_least=None) -> SpaceStore:
        if kind == "sealed":
            found = SealedSpace.unlock_head(path, SLOT, PASS, expect=IDENTITY)
            seal = found[0] if found else SealedSpace.unlock(path.read_bytes(), SLOT, PASS, expect=IDENTITY)[0]
            return SpaceStore.open(
                path, space=SPACE, codec=seal, create=False, lazy=lazy, read_only=read_only, at_least=at_least
            )
        return SpaceStore.open(path, space=SPACE, create=False, lazy=lazy, read_only=read_only)

    return open_


KINDS = ["plain", "sealed"]


@pytest.fixture(params=KINDS)
def kind(request) -> str:
    return request.param


def test_the_snapshot_starts_with_its_head_part(tmp_path):
    path = tmp_path / "space.json"
    added = build(path, "plain")
    plain = path.read_bytes()
    assert plain.startswith(b'{"_log":{"base":{"id":"')
    end = records.head_end_at_start(plain)
    head = orjson.loads(plain[:end] + b"}")
    assert list(head)[:2] == ["_log", "_layout"] and list(head)[-1] == "entries"
    assert plain[end:].startswith(b',"_older":')
    whole = orjson.loads(plain)
    assert list(whole)[-1] == "_older" and whole["_meta"]["space"]["schema"] == records.SCHEMA_VERSION
    newest = {e.id for e in newest_first(added)[:KEEP]}
    assert newest <= set(head["entries"]) and len(whole["_older"]) == COUNT - len(head["entries"])
    assert set(head["entries"]).isdisjoint(whole["_older"])


def test_a_sealed_snapshot_is_format_4_in_two_parts(tmp_path):
    path = tmp_path / "space.sealed"
    build(path, "sealed")
    blob = path.read_bytes()
    assert blob[8] == sealed.SEGMENTED_VERSION
    seal, body = SealedSpace.unlock(blob, SLOT, PASS, expect=IDENTITY)
    assert body.startswith(b'{"_log":') and records.head_end_at_start(body) < len(body)
    found = SealedSpace.unlock_head(path, SLOT, PASS, expect=IDENTITY)
    assert found is not None
    head_seal, head = found
    assert head.plain == body[: records.head_end_at_start(body)]
    assert head_seal.counter == seal.counter and head_seal.log_base == seal.log_base
    assert head.plain + head_seal.read_rest(path, head) == body


def test_head_only_unlock_says_nothing_to_a_wrong_passphrase(tmp_path):
    path = tmp_path / "space.sealed"
    build(path, "sealed")
    assert SealedSpace.unlock_head(path, SLOT, "not the passphrase", expect=IDENTITY) is None
    assert SealedSpace.unlock_head(path, "someone", PASS, expect=IDENTITY) is None
    other = SpaceIdentity.private("private-other", SLOT)
    assert SealedSpace.unlock_head(path, SLOT, PASS, expect=other) is None


def test_a_lazy_open_reads_the_head_and_completes_on_demand(tmp_path, kind):
    path = tmp_path / "space"
    added = build(path, kind)
    store = opener(kind)(path)
    assert not store.complete
    expected = newest_first(added)
    assert store.newest(10) == expected[:10]
    assert store.newest(KEEP) == expected[:KEEP]
    assert store.newest(COUNT) is None, "the head cannot say what the older part holds"
    assert not store.complete
    assert store.entries() == expected
    assert store.complete
    assert store.newest(COUNT) == expected
    store.close()


@pytest.mark.parametrize(
    "call",
    [
        lambda s, old: s.entries(),
        lambda s, old: s.search(EntryFilter(contains="honest")),
        lambda s, old: s.search(EntryFilter()),
        lambda s, old: s.get(old.id),
        lambda s, old: s.delete(old.id),
        lambda s, old: s.update(old),
        lambda s, old: s.add_many([old]),
        lambda s, old: s.compact(even_if_empty=True),
        lambda s, old: s.folded_snapshot(),
    ],
    ids=["entries", "search", "search-all", "get-old", "delete-old", "update-old", "add-many", "compact", "folded"],
)
def test_every_whole_space_method_completes_the_load_first(tmp_path, kind, call):
    path = tmp_path / "space"
    added = build(path, kind)
    oldest = added[0]
    store = opener(kind)(path, read_only=False)
    assert not store.complete
    call(store, oldest)
    assert store.complete
    store.close()


def test_what_the_head_is_sure_of_does_not_complete(tmp_path, kind):
    path = tmp_path / "space"
    added = build(path, kind)
    newest = newest_first(added)[0]
    store = opener(kind)(path, read_only=False)
    assert store.get(newest.id) == newest
    store.save_draft("k", "unfinished")
    assert store.get_draft("k") == "unfinished"
    store.delete(newest.id)
    assert store.get(newest.id) is None
    assert not store.complete
    store.close()


def test_changes_made_while_partial_win_over_the_older_part(tmp_path, kind):
    path = tmp_path / "space"
    added = build(path, kind)
    store = opener(kind)(path, read_only=False)
    oldest, second = added[0], added[1]
    # Older entries changed and removed through the change log (not folded in).
    store.update(_retext(oldest, "changed words"))
    store.delete(second.id)
    store.close()
    assert changelog.log_path(path).exists()

    store = opener(kind)(path, read_only=False)
    assert not store.complete, "the log's changes are replayed on the head alone"
    assert store.get(oldest.id).text == "changed words"
    assert store.get(second.id) is None
    assert not store.complete, "the log made the head sure about both ids"
    store.add(entry(20_000, minutes=20_000))
    part = store.read_older()
    assert store.take_older(part)
    texts = {e.id: e.text for e in store.entries()}
    assert texts[oldest.id] == "changed words"
    assert second.id not in texts
    assert len(texts) == COUNT
    store.close()


def _retext(old, text):
    from dataclasses import replace

    return replace(old, text=text)


def test_read_older_runs_in_a_thread_and_take_older_merges_it(tmp_path, kind):
    path = tmp_path / "space"
    added = build(path, kind)
    store = opener(kind)(path, read_only=False)
    written = entry(30_000, minutes=30_000)
    store.add(written)
    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("part", store.read_older()))
    worker.start()
    worker.join()
    assert not store.complete
    assert 0 < len(box["part"]) <= COUNT - KEEP
    assert store.take_older(box["part"])
    assert store.complete
    assert store.entries() == newest_first([*added, written])
    assert not store.take_older(box["part"]), "a part is merged once"
    store.close()


def test_a_file_replaced_between_the_parts_is_noticed(tmp_path, kind):
    path = tmp_path / "space"
    build(path, kind)
    store = opener(kind)(path)
    writer = opener(kind)(path, lazy=False, read_only=False)
    writer.add(entry(40_000, minutes=40_000))
    writer.compact()
    writer.close()
    with pytest.raises(SpaceChanged):
        store.read_older()
    store.close()


def test_a_small_space_is_complete_at_once(tmp_path, kind):
    path = tmp_path / "space"
    build(path, kind, count=5)
    store = opener(kind)(path)
    assert store.complete
    assert len(store.newest(10)) == 5
    store.close()


def test_a_lazy_open_without_the_layout_opens_whole(tmp_path):
    path = tmp_path / "space.json"
    build(path, "plain")
    tables, _layout = records.merge_layout(orjson.loads(path.read_bytes()))
    tables["_meta"]["space"]["schema"] = 1
    path.write_bytes(orjson.dumps(tables))
    store = SpaceStore.open(path, space=SPACE, create=False, lazy=True, read_only=True)
    assert store.complete and len(store.entries()) == COUNT
    store.close()


def test_a_rolled_back_space_is_refused_by_the_lazy_open_too(tmp_path):
    path = tmp_path / "space.sealed"
    build(path, "sealed")
    seal = SealedSpace.unlock(path.read_bytes(), SLOT, PASS, expect=IDENTITY)[0]
    with pytest.raises(SpaceRolledBack):
        opener("sealed")(path, at_least=seal.counter + 1)


def test_ties_at_the_cutoff_stay_in_the_head(tmp_path, kind):
    path = tmp_path / "space"
    # Every entry at one of three moments: the head keeps every tie of its oldest moment.
    added = [entry(i, minutes=(i * 3) // COUNT) for i in range(COUNT)]
    build(path, kind, entries=added)
    store = opener(kind)(path)
    expected = newest_first(added)
    assert store.newest(KEEP) == expected[:KEEP]
    store.close()


def test_an_id_in_both_parts_is_damage_for_the_lazy_and_the_whole_open(tmp_path):
    path = tmp_path / "space.json"
    build(path, "plain")
    plain = path.read_bytes()
    end = records.head_end_at_start(plain)
    whole = orjson.loads(plain)
    head_id, head_record = next(iter(whole["entries"].items()))
    older = dict(whole["_older"])
    older.pop(next(iter(older)))
    older[head_id] = head_record  # as many older entries as the layout says, one of them also in the head
    path.write_bytes(plain[:end] + b',"_older":' + orjson.dumps(older) + b"}")
    store = opener("plain")(path)
    assert not store.complete
    with pytest.raises(SpaceDamaged):
        store.read_older()
    with pytest.raises(SpaceDamaged):
        store.entries()
    store.close()
    with pytest.raises(SpaceDamaged):
        opener("plain")(path, lazy=False)


def test_old_reflect_rules_call_the_new_plain_file_newer(tmp_path):
    """What the code before this layout says on meeting it: its schema check refuses it as newer."""
    path = tmp_path / "space.json"
    build(path, "plain")
    schema = orjson.loads(path.read_bytes())["_meta"]["space"]["schema"]
    assert schema > 1, "format 1 readers (SCHEMA_VERSION = 1) raise SpaceTooNew: 'saved by a newer reflect'"


def test_old_reflect_rules_call_the_new_sealed_file_newer(tmp_path):
    path = tmp_path / "space.sealed"
    build(path, "sealed")
    blob = path.read_bytes()
    # The code before this change accepted versions 1-3 and called anything higher newer.
    assert blob[8] > sealed.LOG_HEADER_VERSION


def test_damage_found_by_read_older_is_damage(tmp_path, kind):
    path = tmp_path / "space"
    build(path, kind)
    store = opener(kind)(path)
    data = bytearray(path.read_bytes())
    if kind == "sealed":
        data[-40] ^= 0x01  # in the older part's ciphertext
    else:
        data[-1] = ord("]")  # a plain file has no checksum: only its structure tells
    # Same size, same inode: only the older part's bytes differ.
    with open(path, "r+b") as handle:
        handle.write(bytes(data))
    with pytest.raises((SpaceDamaged, SealedDamaged, SpaceChanged)) as caught:
        store.read_older()
    if kind == "sealed":
        assert isinstance(caught.value, (SealedDamaged, SpaceChanged))
    store.close()


def test_a_new_id_the_older_part_might_hold_completes_the_load_first(tmp_path, kind, monkeypatch):
    path = tmp_path / "space"
    build(path, kind)
    store = opener(kind)(path, read_only=False)
    store.add(entry(50_000, minutes=50_000))
    assert not store.complete, "a new random id is surely not among the older ones"
    monkeypatch.setattr(records, "older_might_hold", lambda prints, entry_id: True)
    store.add(entry(50_001, minutes=50_001))
    assert store.complete, "when the fingerprints cannot rule it out, the older part is read first"
    assert len(store.entries()) == COUNT + 2
    store.close()


def test_a_key_change_on_a_partial_store_reads_the_older_part_with_the_key_it_was_opened_with(tmp_path):
    """A passphrase change makes a new data key before it folds the space into a
    snapshot sealed under it: the older part is still read with the old one."""
    path = tmp_path / "space.sealed"
    added = build(path, "sealed")
    seal, _head = SealedSpace.unlock_head(path, SLOT, PASS, expect=IDENTITY)
    store = SpaceStore.open(path, space=SPACE, codec=seal, create=False, lazy=True)
    assert not store.complete
    old = seal.clone()
    seal.change_passphrase(SLOT, "a brand new passphrase", KdfParams.TEST)
    seal.rekey()
    snapshot = store.folded_snapshot()
    assert store.complete
    blob = seal.seal(snapshot)
    path.write_bytes(blob)
    store.snapshot_written(len(snapshot))
    store.close()
    reopened, _ = SealedSpace.unlock(blob, SLOT, "a brand new passphrase", expect=IDENTITY)
    with SpaceStore.open(path, space=SPACE, codec=reopened, create=False, read_only=True) as again:
        assert {e.id for e in again.entries()} == {e.id for e in added}
    old.forget()


def test_a_store_closed_while_its_older_part_is_read_merges_nothing(tmp_path, monkeypatch):
    path = tmp_path / "space.sealed"
    build(path, "sealed")
    store = opener("sealed")(path)
    real = SealedSpace.read_rest

    def locked_meanwhile(self, where, head):
        store.close()  # the person locks reflect while the worker reads
        return real(self, where, head)

    monkeypatch.setattr(SealedSpace, "read_rest", locked_meanwhile)
    part = store.read_older()
    assert len(part) == 0 and not store.take_older(part)


@pytest.mark.parametrize("appended", [b',"entries":{}', b',"_older":{}', b',"drafts":{}'])
def test_a_table_repeated_after_the_older_part_is_damage_for_the_whole_open(tmp_path, appended):
    """JSON lets a key repeat, and the last value wins: a table written again after
    ``_older`` must not change what the whole open finds while the head-first
    read finds the file as written. Both read the same two documents."""
    path = tmp_path / "space"
    build(path, "plain")
    body = path.read_bytes()
    assert body.endswith(b"}")
    path.write_bytes(body[:-1] + appended + b"}")
    with pytest.raises(SpaceDamaged):
        SpaceStore.open(path, space=SPACE, create=False, read_only=True)
    assert SpaceStore.verify(path, check_mode=False), "reflect check names it too"
    lazy = SpaceStore.open(path, space=SPACE, create=False, read_only=True, lazy=True)
    try:
        with pytest.raises(SpaceDamaged):
            lazy.read_older()
    finally:
        lazy.close()
    assert path.read_bytes() == body[:-1] + appended + b"}", "nothing was written over"


def test_a_malformed_layout_record_is_damage_even_without_asserts(tmp_path):
    """The layout record is checked with plain tests (``python -O`` drops asserts)."""
    import subprocess
    import sys

    path = tmp_path / "space"
    build(path, "plain")
    body = path.read_bytes()
    cutoff = records.layout_of(orjson.loads(body))[1].encode()
    path.write_bytes(body.replace(cutoff, b"XXXX" + cutoff[4:], 1))
    code = (
        "import sys\n"
        "from reflect.storage.space_store import SpaceStore\n"
        "from reflect.storage.errors import SpaceDamaged\n"
        "try:\n"
        f"    SpaceStore.open({str(path)!r}, space={SPACE!r}, create=False, read_only=True)\n"
        "except SpaceDamaged as exc:\n"
        "    print(exc.detail)\n"
    )
    done = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True, env=_pythonpath())
    assert done.returncode == 0, done.stderr[-400:]
    assert "layout record is malformed" in done.stdout


def _pythonpath() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    return env
