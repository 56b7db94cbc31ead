"""Taking an older part in, and the newest-first list kept in step afterwards (issue 12):
the merge and every later change give exactly what a whole open and a fresh sort give."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from reflect.domain.entries import newest_first
from reflect.storage.space_store import SpaceStore
from tests.test_lazy_store import COUNT, KEEP, build, entry, kind, opener  # noqa: F401  (kind: a fixture)


def whole(path, kind_: str) -> list:
    store = opener(kind_)(path, lazy=False)
    try:
        return store.entries()
    finally:
        store.close()


def test_changes_made_while_partial_are_merged_in_newest_first_order(tmp_path, kind):
    path = tmp_path / "space"
    added = build(path, kind)
    store = opener(kind)(path, read_only=False)
    oldest, second, third = added[0], added[1], added[2]
    store.update(replace(oldest, text="changed while partial", starred=True))
    store.delete(second.id)
    gone = store.delete(third.id)
    store.close()
    store = opener(kind)(path, read_only=False)  # the log's changes replayed on the head alone
    # An older entry deleted and brought back (as undo does) is loaded with the head
    # part, yet sorts inside the older part, not before it.
    store.restore(gone)
    newest = entry(60_000, minutes=60_000)
    store.add(newest)
    assert not store.complete
    assert store.take_older(store.read_older())
    merged = store.entries()
    assert merged == newest_first(merged)
    assert {e.id for e in merged} == ({e.id for e in added} - {second.id}) | {newest.id}
    assert next(e for e in merged if e.id == oldest.id).text == "changed while partial"
    assert third in merged
    store.close()
    assert whole(path, kind) == merged


def test_the_newest_first_list_stays_right_through_every_change(tmp_path, kind):
    path = tmp_path / "space"
    added = build(path, kind, count=KEEP + 20)
    store = opener(kind)(path, read_only=False)
    store.take_older(store.read_older())
    store.entries()  # the list is made once
    edited = replace(added[5], created=added[-1].created + timedelta(minutes=1))  # moves to the top
    store.update(edited)
    store.update(replace(added[7], text="words changed, same place"))
    store.delete(added[3].id)
    gone = store.delete(added[-2].id)
    store.restore(gone)
    store.add(entry(90_000, minutes=-10))  # the oldest of all
    store.add_many([entry(90_001 + i, minutes=100_000 + i) for i in range(3)])
    assert store.entries() == newest_first(list(store._by_id.values()))
    assert len(store.entries()) == KEEP + 20 - 1 + 4
    store.close()
    assert whole(path, kind) == newest_first(whole(path, kind))


def test_a_part_read_for_another_opening_is_not_taken(tmp_path, kind):
    path = tmp_path / "space"
    build(path, kind)
    first = opener(kind)(path)
    part = first.read_older()
    first.close()
    second = opener(kind)(path)
    assert not second.take_older(part)
    assert not second.complete
    assert len(second.entries()) == COUNT
    second.close()
    assert isinstance(second, SpaceStore)
