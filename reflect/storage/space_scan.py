"""One search over a whole space, read once, for a command that searches once
(``reflect list --contains WORD``).

Opening a space (:meth:`SpaceStore.open`) builds an
:class:`~reflect.domain.entries.Entry` from every record; a command that
prints the few entries that match a word needs none of the others. Here the
space is read exactly as the whole open reads it (the same functions: the
file, its layout, the change log replayed), every record is checked in one
pass without building anything, and entries are built only for the records
that match.

The check of a record (:func:`_matching_records`) accepts only what
``records.entry_from_record`` builds an entry from on its quick path (exact
JSON types, every field an entry is saved with, dates with a time zone), filed
under its own id, in this space, and on the right side of the layout's
cutoff; ``parse_space`` reads every such record without a problem. Anything
else -- a damaged or hand-edited record, an older format, a record missing a
field an older reflect did not write -- makes :func:`entries_matching` return
``None``, and the caller opens the space the usual way, which reads it record
by record and says what is wrong in its usual words (or, for a record that is
merely unusual, reads it). The tests compare the two verdicts over mutated
records.

Nothing is written; nothing is kept.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from reflect.domain.entries import Entry, EntryFilter, newest_first
from reflect.storage import changelog, records
from reflect.storage.codec import Codec, PlainCodec
from reflect.storage.space_store import _decode, _identity_of, _LayoutCheck, _read, _replay_log

Tables = dict[str, Any]

# The fields entry_to_record always writes; a record with exactly these has no author or session.
_FIELDS = 10


def entries_matching(
    path: Path,
    flt: EntryFilter,
    *,
    space: str,
    codec: Codec = PlainCodec(),
    at_least: int | None = None,
    leave_for_exit: bool = False,
) -> list[Entry] | None:
    """The entries of the space saved at ``path`` that ``flt`` matches, newest
    first, or ``None``: then open the space the usual way (nothing was changed).

    ``flt.contains`` must not be empty. Raises the whole open's errors
    (``SpaceDamaged``, ``SpaceTooNew``, ...) for a file it cannot read at all;
    a caller that wants the usual words in every case opens the space the usual
    way on any of them too.

    ``leave_for_exit``: for a process that ends once the entries are shown.
    The records read (at 100,000 entries about a million objects) are then
    not freed one by one when this returns, which takes longer than reading
    them is worth saving; the process's end gives their memory back at once
    (see :func:`_leave_for_exit`). Only when the entries are returned: when
    ``None`` is returned the memory is freed, for the usual open that follows.
    """
    if not flt.contains:
        raise ValueError("a search needs words")
    path = Path(path)
    sealer = changelog.sealer_for(codec)
    found: list[changelog.LogState | None] = [None]
    layout_check = _LayoutCheck()

    def replay(raw: Tables) -> None:
        if sealer is not None:
            found[0] = _replay_log(path, raw, sealer, layout_check.touched)

    for _attempt in range(3):
        # As SpaceStore.open: a writer may fold its log into a new snapshot meanwhile.
        before = _identity_of(path)
        stored = _read(path)
        layout_check.reset()
        tables, plain, version = _decode(path, stored, codec, replay, None, layout_check)
        del stored, plain
        if _identity_of(path) == before:
            break
    if version != records.SCHEMA_VERSION:
        return None  # brought up to date by the usual open
    state = found[0]
    if state is not None and state.records and sealer is not None:
        sealer.counted(len(state.records))
    meta = records.meta_of(tables)
    if meta["space"] != space:
        return None
    header_base = getattr(codec, "log_base", None)
    if header_base is not None and header_base != records.log_base_of(tables)[0]:
        return None
    counter = getattr(codec, "counter", None)
    if at_least is not None and isinstance(counter, int) and counter < at_least:
        return None
    if not _sound_tables(tables):
        return None
    with records.gc_paused():  # nothing made here is in a cycle (see gc_paused)
        hits = _matching_records(tables.get(records.ENTRIES_TABLE, {}), space, flt.contains.casefold(), layout_check)
        if hits is None:
            return None
        entries = [records.entry_from_record(record) for record in hits]
    if leave_for_exit:
        _leave_for_exit(tables, hits, layout_check)
    return newest_first([entry for entry in entries if flt.matches(entry)])


def _leave_for_exit(*objects: object) -> None:
    """Keep ``objects`` until the process ends, without freeing them.

    They are put in a reference cycle, so reference counting never frees
    them, and moved out of the cyclic collector's sight (``gc.freeze``), so
    no collection frees them either, nor the one the interpreter makes as it
    ends. The interpreter's end is otherwise as usual (output flushed, files
    closed, locks let go, ``atexit`` run); the system takes the memory back
    when the process is gone. For a command that is about to end only.
    """
    holder: list[object] = [*objects]
    holder.append(holder)
    gc.freeze()


def _sound_tables(tables: Tables) -> bool:
    """Every table a set of records and every draft readable: what ``parse_space`` checks besides the entries."""
    for table in tables.values():
        if type(table) is not dict:
            return False
        if not set(map(type, table.values())) <= {dict}:
            return False
    for record in tables.get(records.DRAFTS_TABLE, {}).values():
        try:
            records.draft_from_record(record)
        except ValueError:
            return False
    return True


def _matching_records(
    entries: dict[str, Any], space: str, needle: str, layout_check: _LayoutCheck
) -> list[dict[str, Any]] | None:
    """The records whose text or prompt text, casefolded, holds ``needle``
    (``EntryFilter.matches``' rule for words); ``None`` when any record is not
    one ``records.entry_from_record`` reads on its quick path, filed under its
    own id in ``space``, on the side of the layout's cutoff it is filed on."""
    cutoff = layout_check.cutoff
    older = layout_check.older
    touched = layout_check.touched
    parse: Callable[[str], datetime] = datetime.fromisoformat
    hits: list[dict[str, Any]] = []
    hit = hits.append
    for key, record in entries.items():
        # The same tests as records._entry_from_sound_record, in its order.
        if type(record) is not dict:
            return None
        try:
            entry_id = record["id"]
            entry_space = record["space"]
            text = record["text"]
            created = record["created"]
            updated = record["updated"]
            prompt_id = record["prompt_id"]
            prompt_text = record["prompt_text"]
            section_id = record["section_id"]
            tags = record["tags"]
            starred = record["starred"]
        except KeyError:
            return None
        if len(record) != _FIELDS and not (
            type(record.get("author", "")) is str and type(record.get("session", "")) is str
        ):
            return None
        if not (
            entry_id == key
            and type(entry_id) is str
            and entry_id
            and entry_space == space
            and type(entry_space) is str
            and type(text) is str
            and type(created) is str
            and type(updated) is str
            and type(prompt_id) is str
            and type(prompt_text) is str
            and type(section_id) is str
            and (starred is False or starred is True)
            and type(tags) is list
        ):
            return None
        for tag in tags:
            if type(tag) is not str:
                return None
        try:
            made = parse(created)
            if made.tzinfo is None or (updated != created and parse(updated).tzinfo is None):
                return None
        except ValueError:
            return None
        if cutoff is not None and (made < cutoff) != (key in older) and key not in touched:
            return None  # the whole open says the file does not match its layout record
        if needle in text.casefold() or needle in prompt_text.casefold():
            hit(record)
    return hits
