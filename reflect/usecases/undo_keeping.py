"""Keeping the last delete undoable across a lock, inside the person's own space.

"You can undo this until you leave reflect" holds for the same person when
reflect locks, hides or locks itself in between. The deleted reflection is
not kept in memory while locked: it is written into the ``undo`` table of the
deleter's *private* space (sealed when they have a passphrase), and taken out
again when they next unlock. A record from an earlier run of reflect is
dropped, not offered: leaving reflect ends the promise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflect.domain.entries import Entry
from reflect.storage.records import entry_from_record, entry_to_record

if TYPE_CHECKING:
    from reflect.usecases.journal import Journal

UNDO_TABLE = "undo"


def keep_for_undo(store: Journal, entry: Entry, *, run: str, person: str) -> None:
    """Keep ``entry`` in ``store`` (the person's private space) until they unlock again."""
    store.replace_records(UNDO_TABLE, [{"run": run, "person": person, "entry": entry_to_record(entry)}])


def take_back_for_undo(store: Journal, *, run: str, person: str) -> Entry | None:
    """The entry kept by :func:`keep_for_undo` in this run for this person, if any.

    Whatever was kept is removed from the space either way, so a deleted
    reflection never stays in the file longer than one lock.
    """
    kept = store.table_records(UNDO_TABLE)
    if not kept:
        return None
    store.replace_records(UNDO_TABLE, [])
    for record in kept:
        if isinstance(record, dict) and record.get("run") == run and record.get("person") == person:
            try:
                return entry_from_record(record.get("entry"))
            except (ValueError, TypeError, KeyError):
                return None
    return None
