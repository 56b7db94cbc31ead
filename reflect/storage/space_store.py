"""One space — a person's private journal or a couple's shared space — on disk.

The whole space is kept in memory. On disk it is a snapshot (the space file,
written whole and atomically through a codec) and a change log beside it
(:mod:`reflect.storage.changelog`): every change is appended to the log as one
small record, durably, before the method that made it returns, so the cost of
a save does not grow with the journal. Now and then the log is folded into a
new snapshot (:meth:`SpaceStore.compact`). This is the only module that knows
TinyDB is underneath; TinyDB is the query layer over the tables in memory.

The snapshot starts with a *head part* (every table and the newest entries,
see ``records.snapshot_bytes``). ``SpaceStore.open(lazy=True)`` reads only
that part and the whole change log; the older entries are read later, by
``read_older`` (in a worker thread) and ``take_older``, or at once by any
method that needs the whole space. Such a store never answers from part of
the space: see :class:`_Partial`, which holds the rules in one place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import orjson
from tinydb.storages import Storage
from tinydb.table import Table

from reflect.domain.clock import local_now
from reflect.domain.entries import Entry, EntryFilter, newest_first
from reflect.paths import PRIVATE_FILE_MODE, ensure_private_dir
from reflect.storage import changelog, heads, records
from reflect.storage.atomic import atomic_write_bytes, drop_staged, read_private_bytes, stage_private, swap_in
from reflect.storage.codec import Codec, PlainCodec
from reflect.storage.errors import (
    SaveFailed,
    SpaceDamaged,
    SpaceMissing,
    SpaceChanged,
    SpaceReplacedWhileOpen,
    SpaceRolledBack,
    StoreError,
    SpaceTooNew,
)

if TYPE_CHECKING:
    from reflect.storage.entry_search import EntrySearch

Tables = dict[str, Any]

# The log is folded into a new snapshot once it is bigger than the snapshot
# (and than this): each byte of the snapshot is rewritten once per as many
# bytes appended, so the cost per save stays flat on average.
COMPACT_MIN_BYTES = 4 * 1024 * 1024
# ... but never longer than this: a command that appends without opening the
# whole space (:mod:`reflect.storage.quick_append`) checks every record of the
# log first, so the log's length bounds what that costs.
COMPACT_MAX_BYTES = changelog.QUICK_APPEND_MAX_BYTES


class _SpaceFile(Storage):
    """TinyDB storage that keeps the tables in memory and saves them whole.

    TinyDB calls ``read()`` on every operation, so the tables that were last
    saved are handed back from memory. Every save is made by
    :meth:`SpaceStore._commit`, which hands ``write()`` new tables and leaves
    the ones in memory alone until the save succeeds; when it fails, memory
    still holds what the file on disk has (a failed atomic write leaves the
    file as it was), so the two always agree. No copy of the plain JSON is
    kept (``plain`` is accepted and let go): at 100,000 entries it would be
    80 MB held for nothing.
    """

    def __init__(self, path: Path, codec: Codec, tables: Tables, plain: bytes | None = None) -> None:
        super().__init__()
        self.path = path
        self.codec = codec
        self._tables: Tables = tables

    def read(self) -> Tables:
        return self._tables

    def write(self, data: Tables) -> None:
        counter = getattr(self.codec, "counter", None)
        try:
            plain = records.snapshot_bytes(data)
            atomic_write_bytes(self.path, self.codec.encode(plain))
        except Exception as exc:
            if counter is not None:
                # A sealed space counts only saves that reached the disk.
                self.codec.not_saved(counter)
            if data is self._tables:
                # Changed in place (one of TinyDB's own write methods, which
                # SpaceStore does not use): put back as the disk has it.
                self._tables = self._tables_on_disk()
            if isinstance(exc, OSError):
                raise SaveFailed(self.path, exc.errno) from exc
            raise
        self._tables = data

    def replace_tables(self, tables: Tables) -> None:
        """The tables as a new snapshot holds them (same contents, ``_log`` first)."""
        self._tables = tables

    def forget(self) -> None:
        """Drop everything held in memory."""
        self._tables = {}

    def _tables_on_disk(self) -> Tables:
        return records.merge_layout(records.parse_body(self.codec.decode(read_private_bytes(self.path))))[0]


class _KeyedTable(Table):
    """A table whose documents are filed under string keys such as entry ids."""

    document_id_class = str  # type: ignore[assignment]


class _RecordTable(Table):
    """A table other features keep in the space, with numbered records
    (changed through :meth:`SpaceStore.replace_records` and :meth:`SpaceStore.insert_record`)."""


class SpaceStore:
    """The entries, drafts and other records of one space, saved in one file.

    Every method that changes something has saved it durably when it returns;
    when saving fails it raises :class:`SaveFailed` and the store still
    matches the file on disk, which is unchanged.
    """

    def __init__(
        self,
        path: Path,
        space: str,
        now: Callable[[], datetime],
        storage: _SpaceFile,
        entries: dict[str, Entry],
    ) -> None:
        self.path = path
        self.space = space
        self._now = now
        self._storage = storage
        self._tables: dict[str, Table] = {}
        self._by_id = entries
        self._newest: list[Entry] | None = None
        # The entries as searched now (casefolded once, on the first search),
        # and the one before the last change, whose folded text is reused.
        self._search: EntrySearch | None = None
        self._searched: EntrySearch | None = None
        self._closed = False
        self._log: changelog.LogWriter | None = None
        self._pending: tuple[bytes, Tables] | None = None
        self._codec: Codec = storage.codec
        self._snapshot_bytes = 0
        self._read_only = False
        # The snapshot starts with its change-log id (and a sealed one names it
        # in its header): commands can append without opening it whole.
        self._quick_ready = True
        # Opened lazily: what is needed to read and merge the older part (None: complete).
        self._partial: _Partial | None = None
        # The file on disk is in an older layout: (its format, whether its body
        # starts with its change-log id); a copy is kept before it is replaced.
        self._old_format: tuple[int, bool] | None = None
        # The snapshot file as this store last read or wrote it (see :meth:`_check_still_ours`).
        self._stamp: heads.FileStamp | None = None
        self._opened_stamp: heads.FileStamp | None = None  # the file as this store opened it

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        space: str,
        codec: Codec = PlainCodec(),
        create: bool = True,
        now: Callable[[], datetime] = local_now,
        read_only: bool = False,
        at_least: int | None = None,
        lazy: bool = False,
        head: heads.HeadPart | None = None,
    ) -> "SpaceStore":
        """Open the space saved at ``path``, creating it when missing and ``create``.

        A damaged file or change log raises :class:`SpaceDamaged`, one from a
        newer reflect :class:`SpaceTooNew`; neither changes anything. An older
        format is brought up to date after a copy is kept at
        ``<path>.pre-v<N>.bak``. ``at_least`` is the save counter last seen for
        a sealed space: a space (snapshot and log together) that counts fewer
        saves raises :class:`SpaceRolledBack` before anything is written.

        ``lazy=True``: read only the snapshot's head part and the whole change
        log when the file allows it (see :meth:`complete`); otherwise, or on
        any surprise, the space is opened whole exactly as without it.
        ``head``: the head part as ``SealedSpace.unlock_head`` just read and
        checked it with this codec's key, so it is not read and decrypted again
        (used only while the file is still the one it was read from).
        """
        path = Path(path)
        if lazy and path.exists():
            store = cls._open_lazy(path, space, codec, now, read_only, at_least, head)
            if store is not None:
                return store
        sealer = changelog.sealer_for(codec)
        if not path.exists():
            if not create:
                raise SpaceMissing(path)
            ensure_private_dir(path.parent)
            tables = records.new_space_tables(space, now())
            if sealer is not None:
                tables = records.with_log_first(tables, records.log_base_record(_new_base(), None, 0))
            plain = records.snapshot_bytes(tables)
            _save(path, codec, plain)
            store = cls(path, space, now, _SpaceFile(path, codec, tables, plain), {})
            store._start_log(sealer, None, len(plain), read_only, _identity_of(path))
            return store

        found: list[changelog.LogState | None] = [None]
        layout_check = _LayoutCheck()

        def replay(raw: Tables) -> None:
            # The log holds changes in the snapshot's own format: replayed
            # before any migration, so they are brought up to date with it.
            if sealer is not None:
                found[0] = _replay_log(path, raw, sealer, layout_check.touched)

        before_migration: list[bytes | None] = [None]
        for _attempt in range(3):
            # A writer may fold its log into a new snapshot while this reads:
            # then the snapshot read is not the one the log (or its absence)
            # belongs to, and both are read again.
            before = _identity_of(path)
            stored = _read(path)
            layout_check.reset()
            tables, plain, version = _decode(path, stored, codec, replay, before_migration, layout_check)
            if _identity_of(path) == before:
                break
        stamp = before
        state = found[0]
        if state is not None and state.records and sealer is not None:
            sealer.counted(len(state.records))
        entries, problems = records.parse_space(tables)
        if problems:
            raise SpaceDamaged(path, problems[0])
        layout_check.check(path, entries)
        if records.meta_of(tables)["space"] != space:
            raise SpaceDamaged(path, "The file holds a different space.")
        header_base = getattr(codec, "log_base", None)
        if (
            header_base is not None
            and version == records.SCHEMA_VERSION
            and header_base != records.log_base_of(tables)[0]
        ):
            # The header is authenticated and binds the body: only a bug or
            # someone holding the key could make them disagree.
            raise SpaceDamaged(path, "The file's header and contents name different change logs.")
        counter = getattr(codec, "counter", None)
        if at_least is not None and isinstance(counter, int) and counter < at_least:
            raise SpaceRolledBack(path, counter, at_least)
        # Format 1 differs from format 2 only in the snapshot's layout: it is read
        # as it is, and the first compaction (on the first save) writes the new
        # layout after keeping a whole copy of the old file (``_keep_old_copy``).
        layout_only = version == _LAYOUT_SCHEMA - 1 and records.SCHEMA_VERSION == _LAYOUT_SCHEMA
        if version < records.SCHEMA_VERSION and not read_only and not layout_only:
            # A reader without the folder lock (``reflect list`` while the app
            # is open) migrates in memory only; the writer migrates on disk,
            # after keeping a whole copy in the old format, its log folded in.
            _save(_backup_path(path, version), None, _old_format_copy(codec, stored, plain, state, before_migration[0]))
            if state is not None:
                # The log is folded into the migrated snapshot (it may hold
                # changes in the old format); the old log is then stale.
                old_base = records.log_base_of(tables)[0]
                tables = records.with_log_first(
                    tables, records.log_base_record(_new_base(), old_base, len(state.records))
                )
                state.stale = True
            plain = records.snapshot_bytes(tables)
            _save(path, codec, plain)
            stored = plain
            stamp = _identity_of(path)
        elif version < records.SCHEMA_VERSION and state is not None and not layout_only:
            sealer = None  # changes now go whole-file: the log is in the old format
        if not read_only:
            _make_private(path)
            if state is not None and state.stale:
                changelog.remove_stale(path)
                state = None
        store = cls(path, space, now, _SpaceFile(path, codec, tables, plain), entries)
        # The stamp of the file as read (or as this open saved it): a file put in
        # its place while the space is open is noticed before the next save.
        store._start_log(sealer, state, len(stored), read_only, stamp)
        store._quick_ready = _quick_ready(codec, plain) and version >= _LAYOUT_SCHEMA
        if layout_only:
            store._old_format = (version, records.log_base_at_start(plain) is not None)
        return store

    @classmethod
    def _open_lazy(
        cls,
        path: Path,
        space: str,
        codec: Codec,
        now: Callable[[], datetime],
        read_only: bool,
        at_least: int | None,
        given: heads.HeadPart | None = None,
    ) -> "SpaceStore | None":
        """The space from its head part and change log, or ``None``: open it whole
        (another layout, anything damaged or not as expected, a rollback: the
        whole open names what is wrong)."""
        sealer = changelog.sealer_for(codec)
        if sealer is None:
            return None
        for _attempt in range(3):
            read = _head_of(path, codec, given)
            given = None  # a second attempt (the file changed meanwhile) reads it again
            if read is None:
                return None
            head, tables, layout, state, replayed, ids_filter = read
            if heads.stamp_of(path) == head.stamp:
                break
        else:
            return None
        head_ids = frozenset(tables.get(records.ENTRIES_TABLE) or ())
        touched_by_log: set[str] = set()
        for ops in replayed:
            changelog.apply_ops(tables, ops)
            touched_by_log.update(op[2] for op in ops if op[1] == records.ENTRIES_TABLE)
        entries, problems = records.parse_space(tables)
        if problems or records.meta_of(tables)["space"] != space:
            return None
        end, cutoff_text, older = layout
        cutoff = datetime.fromisoformat(cutoff_text) if cutoff_text else None
        if cutoff is not None and any(
            entries[i].created < cutoff for i in head_ids if i not in touched_by_log and i in entries
        ):
            return None
        adopt = getattr(codec, "adopt_head", None)
        if adopt is not None:
            adopt(head)
        if state is not None and state.records:
            sealer.counted(len(state.records))
        counter = getattr(codec, "counter", None)
        if at_least is not None and isinstance(counter, int) and counter < at_least:
            return None  # the whole open says it was put back to an older copy
        if not read_only:
            _make_private(path)
            if state is not None and state.stale:
                changelog.remove_stale(path)
                state = None
        store = cls(path, space, now, _SpaceFile(path, codec, tables, b"{}"), entries)
        store._start_log(sealer, state, head.stamp.size, read_only, head.stamp)
        store._quick_ready = _quick_ready(codec, head.plain)
        if older and cutoff is not None:
            store._partial = _Partial(
                head=head,
                cutoff=cutoff,
                older=older,
                head_ids=head_ids,
                touched=set(touched_by_log),
                ids=ids_filter,
                meta={records.META_KEY: dict(records.meta_of(tables))},
                # The key as it is now: a key change made meanwhile (a new data
                # key, before the space is folded and sealed under it) must not
                # make the older part look changed outside reflect.
                reader=codec.clone() if hasattr(codec, "read_rest") else codec,
            )
        return store

    @property
    def complete(self) -> bool:
        """False while a lazily opened space has older entries not read yet.

        Whole-space methods (:meth:`entries`, :meth:`search`, :meth:`get` of an
        id not read yet, :meth:`compact`, :meth:`folded_snapshot`...) complete
        the load themselves first; :meth:`newest` answers from what is read.
        """
        return self._partial is None

    def newest(self, n: int) -> list[Entry] | None:
        """The ``n`` newest entries, newest first, without completing a lazy load;
        ``None`` when what is read so far cannot say for sure (then use
        :meth:`entries`, or wait for :meth:`take_older`). Fewer than ``n`` only
        when the whole space has fewer."""
        self._check_open()
        if n < 0:
            raise ValueError("n is a count")
        if self._partial is None:
            return list(self._newest_list()[:n])
        return self._partial.newest(self._by_id.values(), n)

    def read_older(self) -> OlderPart:
        """Read, check and parse the older part of a lazily opened space.

        Safe in a worker thread: touches no state of the store (hand the result
        to :meth:`take_older` on the thread that uses the store). Raises
        :class:`SpaceDamaged` (with the usual plain detail; a sealed file's own
        damage as ``SealedDamaged``, as the whole open does) or
        :class:`SpaceChanged` when the file is no longer the one opened (the
        space must then be opened again). On a complete store returns an
        empty part that :meth:`take_older` ignores, and so on a store closed
        (locked) while this reads.
        """
        partial = self._partial
        if partial is None or self._closed:
            return OlderPart(None, {}, {})
        path = self.path
        try:
            rest = partial.rest_bytes(path)
        except RuntimeError:
            if self._closed or partial is not self._partial:
                return OlderPart(None, {}, {})  # closed (locked) meanwhile: nothing to merge
            raise
        try:
            older = records.older_part_of(rest)
            if (
                len(older) != partial.older
                or not partial.head_ids.isdisjoint(older)
                or not records.older_ids_match(older, partial.ids)
            ):
                raise ValueError("The space's file does not match its layout record.")
            entries, problems = records.parse_space({records.META_TABLE: partial.meta, records.ENTRIES_TABLE: older})
            if problems:
                raise ValueError(problems[0])
            if any(entry.created >= partial.cutoff for entry in entries.values()):
                raise ValueError("The space's file does not match its layout record.")
        except ValueError as exc:
            raise SpaceDamaged(path, str(exc)) from None
        return OlderPart(partial, older, entries)

    def take_older(self, part: OlderPart) -> bool:
        """Merge an older part from :meth:`read_older` (on the store's own thread).

        Entries changed or removed since the head was read (through the change
        log, read or appended) keep their newer state. Returns False, changing
        nothing, when the part is not for this store as it is now (already
        complete, closed, or a part read for another opening).
        """
        partial = self._partial
        if self._closed or partial is None or part.token is not partial:
            return False
        # Cheap on the main thread at 100,000 entries: the worker parsed and sorted
        # the part; here dicts are merged in C and two sorted lists joined.
        table = self._storage.read().setdefault(records.ENTRIES_TABLE, {})
        older_records, by_id = part.records, part.entries
        dropped = {key for key in partial.touched if key in by_id}
        for key in dropped:
            older_records.pop(key, None)
            del by_id[key]
        table.update(older_records)
        ordered = part.ordered if not dropped else [e for e in part.ordered if e.id not in dropped]
        loaded = newest_first(list(self._by_id.values()))
        by_id.update(self._by_id)
        self._partial = None
        partial.close()
        self._tables.clear()
        self._reset_entries(by_id)
        self._newest = _newest_of_both(loaded, ordered)
        return True

    def _complete_load(self) -> None:
        """Read and merge the older part now, if a lazy load left it unread."""
        if self._partial is not None:
            self._check_open()
            self.take_older(self.read_older())

    def _complete_unless_known(self, entry_id: str) -> None:
        """Complete a lazy load unless what is read so far is sure about ``entry_id``:
        it was read, changed through the log, or surely not in the older part."""
        partial = self._partial
        if partial is not None and not partial.sure_of(entry_id, self._by_id):
            self._complete_load()

    def _start_log(
        self,
        sealer: changelog.RecordSealer | None,
        state: changelog.LogState | None,
        snapshot_bytes: int,
        read_only: bool,
        stamp: heads.FileStamp | None,
    ) -> None:
        self._snapshot_bytes = snapshot_bytes
        self._read_only = read_only
        self._stamp = self._opened_stamp = stamp
        if sealer is None:
            return
        base, _folded, _count = records.log_base_of(self._storage.read())
        if base is not None:
            self._log = changelog.LogWriter(self.path, sealer, base, state)

    @property
    def log_records(self) -> int:
        """How many changes are in the change log, not yet folded into the snapshot."""
        return self._log.count if self._log is not None else 0

    def compact(self, *, even_if_empty: bool = False) -> None:
        """Fold the change log into a new snapshot and remove the log.

        The new snapshot names the log it folded in, so a log left behind by a
        crash between the two steps is recognised and never applied twice.
        Does nothing when there is nothing to fold, unless ``even_if_empty``
        (a snapshot in an older layout is written anew). Raises :class:`SaveFailed`;
        the space on disk and in memory is then as it was.
        """
        self._check_open()
        if changelog.sealer_for(self._codec) is None:
            return
        self._complete_load()
        if (
            not even_if_empty
            and self._log is not None
            and self._log.count == 0
            and not changelog.log_path(self.path).exists()
        ):
            return
        snapshot = getattr(self._codec, "slots_snapshot", None)
        before = snapshot() if snapshot is not None else None
        try:
            plain = self.folded_snapshot()
            self._keep_old_copy()
            _save(self.path, self._codec, plain)
        except BaseException:
            self._pending = None
            if before is not None:
                self._codec.restore_slots(before)  # type: ignore[attr-defined]
            raise
        self.snapshot_written(len(plain))

    def folded_snapshot(self) -> bytes:
        """The whole space as the plain body of a new snapshot that folds in the
        change log. Nothing changes until :meth:`snapshot_written` is called,
        once the caller has that snapshot safely on disk (e.g. sealed under a
        new key, together with other files)."""
        self._check_open()
        self._complete_load()
        base = _new_base()
        old_base = self._log.base if self._log is not None else None
        count = self._log.count if self._log is not None else 0
        tables = records.with_log_first(self._storage.read(), records.log_base_record(base, old_base, count))
        plain = records.snapshot_bytes(tables)
        self._pending = (base, tables)
        return plain

    def snapshot_written(self, size: int | None = None) -> None:
        """The snapshot from :meth:`folded_snapshot` is on disk: drop the old log."""
        if self._pending is None:
            return
        base, tables = self._pending
        self._pending = None
        self._storage.replace_tables(tables)
        self._quick_ready = True
        self._old_format = None
        if size is not None:
            self._snapshot_bytes = size
        self._tables.clear()
        self._stamp = _identity_of(self.path)
        if self._log is not None:
            self._log.remove()
        else:
            changelog.remove_stale(self.path)
        sealer = changelog.sealer_for(self._codec)
        self._log = changelog.LogWriter(self.path, sealer, base, None) if sealer is not None else None

    def _check_still_ours(self) -> None:
        """Make sure the files on disk are still the ones this store last read or
        wrote, before a change is saved into them.

        Something other than this store (another program, someone with access
        to the folder) may remove, replace or change the snapshot or its change
        log while the space is open: appending to a log that is no longer in
        the folder, or beside a snapshot that is not the one it belongs to,
        would be a save that the next opening never sees. When that happened,
        the space is written again whole from what this store holds (every
        save it acknowledged is there), after keeping what was found in its
        place aside (see :meth:`rescue_if_replaced`), and
        :class:`SpaceReplacedWhileOpen` says so: the change being saved was
        not saved, and can be saved again.
        """
        kept = self.rescue_if_replaced()
        if kept is not None:
            raise SpaceReplacedWhileOpen(self.path, kept, written_again=True)

    def rescue_if_replaced(self) -> list[str] | None:
        """When the snapshot or its change log is no longer what this store last
        read or wrote, write the space again from memory, keeping what was found
        in place aside as ``<name>.found-<when>``; the names kept aside (``None``
        when nothing was changed). Raises :class:`SpaceReplacedWhileOpen`
        (``written_again=False``), writing nothing, when the space cannot be
        written whole from memory: its older part was not read yet and the
        snapshot it is in was replaced. Raises :class:`SaveFailed` when writing fails.
        """
        if self._read_only or self._closed or self._stamp is None:
            return None
        snapshot_ours = _identity_of(self.path) == self._stamp
        if snapshot_ours and (self._log is None or self._log.still_ours()):
            return None
        if not snapshot_ours and self._partial is not None:
            raise SpaceReplacedWhileOpen(self.path, [], written_again=False)
        self._complete_load()  # the older part comes from the snapshot, which is still this store's
        when = self._now().strftime("%Y%m%dT%H%M%S")
        kept: list[str] = []
        log_file = changelog.log_path(self.path)
        for found, ours in ((self.path, snapshot_ours), (log_file, False)):
            if ours or not os.path.lexists(found):
                continue
            try:
                kept.append(_keep_aside(found, f"{found.name}.found-{when}").name)
            except OSError as exc:
                raise SaveFailed(found, exc.errno) from exc
        if self._log is not None:
            self._log.close()
        if changelog.sealer_for(self._codec) is None:
            with self._saving():
                self._storage.write(self._storage.read())
            self._stamp = _identity_of(self.path)
        else:
            self.compact(even_if_empty=True)
        return kept

    def fold_elsewhere(self) -> "Fold | None":
        """A compaction (:meth:`compact`) whose slow part another thread does; ``None``
        when there is nothing to fold, or when it must be done here as :meth:`compact`
        does (a partial store, a snapshot in an older layout, no change log).

        Cheap, on the store's own thread: it takes the tables as they are now
        (a copy of each table: later changes replace records, never change them
        in place) and, for a sealed space, a copy of its key. :meth:`Fold.write`
        (any thread) makes and stages the new snapshot without touching the
        store; :meth:`finish_fold` (the store's thread again) swaps it in only
        if nothing was saved meanwhile, so no change can be lost to it.
        """
        self._check_open()
        log = self._log
        if (
            self._partial is not None
            or self._read_only
            or self._old_format is not None
            or self._pending is not None
            or log is None
            or changelog.sealer_for(self._codec) is None
        ):
            return None
        if log.count == 0 and not changelog.log_path(self.path).exists():
            return None
        base = _new_base()
        tables = records.with_log_first(
            {name: dict(table) for name, table in self._storage.read().items()},
            records.log_base_record(base, log.base, log.count),
        )
        codec = self._codec.clone() if hasattr(self._codec, "clone") else self._codec
        return Fold(self, log, getattr(self._codec, "counter", None), base, tables, codec)

    def would_compact(self) -> bool:
        """True when :meth:`compact` would write a new snapshot (changes in the log,
        a log file left, or a snapshot from before change logs)."""
        if changelog.sealer_for(self._codec) is None:
            return False
        log = self._log
        return not (log is not None and log.count == 0 and not changelog.log_path(self.path).exists())

    def finish_fold(self, fold: "Fold") -> bool:
        """Swap in the snapshot :meth:`Fold.write` staged, if the store is as it was
        when :meth:`fold_elsewhere` was called (no save, compaction, key change or
        lock since) and the staging went well; otherwise drop it and return False
        (nothing changes). Raises :class:`SaveFailed` if the swap itself fails."""
        staged, fold.staged = fold.staged, None
        if staged is None:
            return False
        if (
            self._closed
            or fold.store is not self
            or self._log is not fold.log
            or fold.log.count != fold.count
            or self._pending is not None
            or getattr(self._codec, "counter", None) != fold.counter
            # Files replaced behind the store's back are kept aside and named
            # by the next save or the lock (rescue_if_replaced), never written over here.
            or _identity_of(self.path) != self._stamp
            or not fold.log.still_ours()
        ):
            drop_staged(staged)
            return False
        try:
            swap_in(staged, self.path)
        except OSError as exc:
            raise SaveFailed(self.path, exc.errno) from exc
        adopt = getattr(self._codec, "adopt_seal", None)
        if adopt is not None:
            adopt(fold.codec)
        self._pending = (fold.base, fold.tables)
        self.snapshot_written(fold.size)
        return True

    def file_rewritten(self) -> None:
        """The caller saved the space's file again, its contents unchanged (a sealed
        header brought up to date, ``spaces.rewrap_space``): the file as it is now
        is this store's own (see :meth:`rescue_if_replaced`)."""
        self._stamp = _identity_of(self.path)

    def follow_rewrite(self, copy: "SpaceStore") -> None:
        """``copy``, a second store of the same file (a partner's copy of the shared
        space, about to be closed), saved the file again unchanged
        (:meth:`file_rewritten`) after opening it exactly as this store last left
        it: the file on disk is then still this store's. Anything else changes nothing."""
        if (
            copy.path == self.path
            and copy._opened_stamp is not None
            and copy._opened_stamp == self._stamp
            and copy._stamp != copy._opened_stamp
            and copy._stamp == _identity_of(self.path)
        ):
            self._stamp = copy._stamp

    def _make_quick_ready(self) -> None:
        """Fold a snapshot saved in an older layout (before commands could append
        without opening it whole, or before it had a head part) into the current
        one: an older reflect cannot open that, so a whole copy of the old file
        is kept first (see :meth:`_keep_old_copy`)."""
        self.compact(even_if_empty=True)

    def _keep_old_copy(self) -> None:
        """Before a snapshot in an older format is replaced by one in the current
        layout (which an older reflect calls "saved by a newer reflect"), keep a
        whole copy that the older reflect opens, at ``<file>.pre-v<N>.bak``: the
        file exactly as it is when it has no change log, else the same space
        with its log folded in, in the old format (a sealed one in its old
        sealed format, at the same save counter). ``reflect check`` checks such
        copies and a key change reseals them with the other copies."""
        if self._old_format is None or self._pending is None:
            return
        version, log_first = self._old_format
        log_file = changelog.log_path(self.path)
        if (self._log is None or self._log.count == 0) and not log_file.exists():
            copy = _read(self.path)
        else:
            tables = self._pending[1]
            meta = tables[records.META_TABLE][records.META_KEY]
            # Format 1 to 2 changes nothing in the tables but their layout on disk.
            old = {**tables, records.META_TABLE: {records.META_KEY: {**meta, "schema": version}}}
            if not log_first:  # as format 2 sealed files had it: the log table last
                old = {**{k: v for k, v in old.items() if k != records.LOG_TABLE}, records.LOG_TABLE: old[records.LOG_TABLE]}
            body = orjson.dumps(old)
            seal_copy = getattr(self._codec, "seal_copy", None)
            copy = seal_copy(body) if seal_copy is not None else body
        _save(_backup_path(self.path, version), None, copy)

    @staticmethod
    def verify(path: Path, codec: Codec = PlainCodec(), *, check_mode: bool = True) -> list[str]:
        """Check a space file without changing anything; plain problems, or ``[]``.

        ``check_mode=False`` leaves out whether others may read it (for a
        caller that looks at the modes of many files at once).
        """
        path = Path(path)
        if not path.exists():
            return [f"There is no file at {path}."]
        try:
            stored = _read(path)
            sealer = changelog.sealer_for(codec)

            layout_check = _LayoutCheck()

            def replay(raw: Tables) -> None:
                if sealer is not None:
                    _replay_log(path, raw, sealer, layout_check.touched)

            tables, _plain, _version = _decode(path, stored, codec, replay, None, layout_check)
            entries, problems = records.parse_space(tables)
            if not problems:
                layout_check.check(path, entries)
        except SpaceDamaged as exc:
            problems = [exc.detail]
        except SpaceTooNew as exc:
            problems = [
                f"It was saved by a newer reflect (format {exc.found}; "
                f"this reflect knows up to {exc.known})."
            ]
        except StoreError as exc:
            problems = [exc.user_message]
        mode = stat.S_IMODE(path.stat().st_mode)
        if check_mode and mode & 0o077:
            problems.append(
                f"Other people on this computer may read it (permissions {mode:04o}); "
                "reflect makes it private the next time it opens it."
            )
        return problems

    def entries(self) -> list[Entry]:
        """Every entry in the space, newest first (a lazily opened store reads its
        older part first, and may then raise ``SpaceDamaged``/``SealedDamaged``
        or ``SpaceChanged`` as :meth:`read_older` does)."""
        return list(self._newest_list())

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, if there is one (completes a lazy load when the
        id is not among the entries read so far)."""
        self._check_open()
        self._complete_unless_known(entry_id)
        return self._by_id.get(entry_id)

    def add(self, entry: Entry, *, clearing_draft: str | None = None) -> None:
        """Save a new entry. An id that is already in the space raises ``ValueError``.

        ``clearing_draft`` names the draft these words came from: it goes in
        the same save, so no crash can leave a draft of words already saved.
        """
        self._check_belongs(entry)
        self._complete_unless_known(entry.id)
        if entry.id in self._by_id:
            raise ValueError(f"entry {entry.id} is already in this space")
        record = records.entry_to_record(entry)
        ops: list[list[Any]] = [["put", records.ENTRIES_TABLE, entry.id, record]]
        if clearing_draft is not None:
            ops.append(["del", records.DRAFTS_TABLE, clearing_draft])
        self._commit(ops)
        self._remember(entry)

    def add_many(self, entries: Iterable[Entry]) -> int:
        """Save many new entries in one write, skipping ids the space already has.

        Returns how many were added; adding the same entries again adds none.
        """
        self._complete_load()
        fresh: dict[str, Entry] = {}
        for entry in entries:
            self._check_belongs(entry)
            if entry.id not in self._by_id and entry.id not in fresh:
                fresh[entry.id] = entry
        if fresh:
            self._commit(
                [["put", records.ENTRIES_TABLE, e.id, records.entry_to_record(e)] for e in fresh.values()]
            )
            for entry in fresh.values():
                self._remember(entry)
        return len(fresh)

    def update(self, entry: Entry, *, clearing_draft: str | None = None) -> None:
        """Save a changed entry in place of the one with the same id (``KeyError`` if none).

        ``clearing_draft``: as for :meth:`add`, the draft goes in the same save.
        """
        self._check_belongs(entry)
        self._complete_unless_known(entry.id)
        if entry.id not in self._by_id:
            raise KeyError(entry.id)
        record = records.entry_to_record(entry)
        old = self._storage.read().get(records.ENTRIES_TABLE, {}).get(entry.id, {})
        ops: list[list[Any]] = [["put", records.ENTRIES_TABLE, entry.id, {**old, **record}]]
        if clearing_draft is not None:
            ops.append(["del", records.DRAFTS_TABLE, clearing_draft])
        self._commit(ops)
        self._remember(entry)

    def _commit(self, ops: list[list[Any]]) -> None:
        """Save ``ops`` durably, then make them in memory.

        With a change log, one record is appended; a codec that cannot seal
        records gets the whole file rewritten, as before change logs. When the
        save fails, memory is left as the disk has it.
        """
        self._check_open()
        if self._log is None and changelog.sealer_for(self._codec) is not None:
            self.compact()  # a snapshot from before change logs gets one first
        elif self._log is not None and not self._quick_ready and not self._read_only:
            self._make_quick_ready()
        if self._partial is not None and not self._partial.allows(ops):
            self._complete_load()
        self._check_still_ours()
        if self._log is None:
            tables = {name: dict(table) for name, table in self._storage.read().items()}
            changelog.apply_ops(tables, ops)
            with self._saving():
                self._storage.write(tables)
            self._stamp = _identity_of(self.path)
        else:
            self._log.append(orjson.dumps(ops))
            changelog.apply_ops(self._storage.read(), ops)
            if self._partial is not None:
                self._partial.remember(ops)
        # TinyDB's table objects cache queries and ids; fresh ones read the new tables.
        self._tables.clear()
        if (
            self._log is not None
            and not self._read_only
            and self._partial is None  # never on a partial store: the next complete one folds it
            and self._log.size > max(COMPACT_MIN_BYTES, min(self._snapshot_bytes, COMPACT_MAX_BYTES))
        ):
            with contextlib.suppress(StoreError):
                # Already saved in the log; folding it in can wait for next time.
                self.compact()

    def delete(self, entry_id: str) -> Entry:
        """Remove an entry and return it, so that the removal can be undone."""
        self._check_open()
        self._complete_unless_known(entry_id)
        entry = self._by_id.get(entry_id)
        if entry is None:
            raise KeyError(entry_id)
        self._commit([["del", records.ENTRIES_TABLE, entry_id]])
        self._forget(entry_id)
        return entry

    def restore(self, entry: Entry) -> None:
        """Undo a delete: put the entry back under the same id.

        Restoring an entry that is already back does nothing.
        """
        if self.get(entry.id) == entry:
            return
        self.add(entry)

    def search(self, flt: EntryFilter) -> list[Entry]:
        """The entries that match ``flt``, newest first."""
        return self.search_snapshot().search(flt)

    def search_snapshot(self) -> EntrySearch:
        """The entries as they are now, to search from any thread, newest first.

        Cheap to take (call it on the thread that changes the store); the first
        search through it casefolds every entry, and later snapshots reuse that
        for every entry that did not change. It never changes afterwards, so a
        worker may search it while entries are added, edited or deleted.
        """
        self._check_open()
        self._complete_load()  # a snapshot is of every entry, never of the newest part only
        if self._search is None:
            from reflect.storage.entry_search import EntrySearch  # and threading: only when searched

            self._search = EntrySearch(tuple(self._by_id.values()), newest=self._newest, previous=self._searched)
            self._searched = None
        return self._search

    def get_draft(self, key: str) -> str | None:
        """Unfinished writing saved under ``key``, if any."""
        self._check_open()
        doc = self._table(records.DRAFTS_TABLE).get(doc_id=key)  # type: ignore[call-overload]
        return None if doc is None else records.draft_from_record(doc)

    def draft_keys(self) -> list[str]:
        """The key of every draft kept in this space."""
        self._check_open()
        return [str(doc.doc_id) for doc in self._table(records.DRAFTS_TABLE).all()]

    def save_draft(self, key: str, text: str) -> None:
        """Keep unfinished writing under ``key``, inside the space file."""
        if self.get_draft(key) == text:
            return
        record = records.draft_to_record(text, self._now())
        self._commit([["put", records.DRAFTS_TABLE, key, record]])

    def clear_draft(self, key: str) -> None:
        """Forget the draft under ``key``; nothing happens when there is none."""
        if self.get_draft(key) is None:
            return
        self._commit([["del", records.DRAFTS_TABLE, key]])

    def table_records(self, name: str) -> list[dict[str, Any]]:
        """Copies of the records another feature keeps in table ``name``."""
        self._check_table_name(name)
        return orjson.loads(orjson.dumps(self._table(name).all()))

    def insert_record(self, table: str, record: Mapping[str, Any]) -> None:
        """Add one record to another feature's table."""
        self._check_table_name(table)
        existing = self._storage.read().get(table, {})
        next_id = max((int(k) for k in existing if k.isdigit()), default=0) + 1
        self._commit([["put", table, str(next_id), orjson.loads(orjson.dumps(dict(record)))]])

    def replace_records(self, table: str, new_records: Iterable[Mapping[str, Any]]) -> None:
        """Replace every record of another feature's table, in one save."""
        self._check_table_name(table)
        docs = {str(i): orjson.loads(orjson.dumps(dict(r))) for i, r in enumerate(new_records, start=1)}
        self._commit([["set", table, docs]])

    def close(self) -> None:
        """Let go of the space and of everything it holds in memory.

        Nothing is written: the owner of the space's files calls
        :meth:`rescue_if_replaced` first (a second store of the same file in the
        same process, a partner's copy of the shared space, must not).
        """
        self._closed = True
        if self._log is not None:
            self._log.close()
        self._storage.forget()
        self._tables.clear()
        if self._partial is not None:
            self._partial.close()
        self._partial = None
        self._reset_entries({})
        records.gc_unfrozen()

    def __enter__(self) -> "SpaceStore":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SpaceStore({str(self.path)!r}, space={self.space!r})"

    @contextlib.contextmanager
    def _saving(self) -> Iterator[None]:
        self._check_open()
        try:
            yield
        except BaseException:
            # TinyDB may have moved its id counters before the save failed; the
            # storage already holds the tables as the disk has them, so fresh
            # tables start from there. The entry caches change only after a
            # save succeeds, so they still match the disk.
            self._tables.clear()
            raise

    def _table(self, name: str) -> Table:
        table = self._tables.get(name)
        if table is None:
            kind = _KeyedTable if name in records.RESERVED_TABLES else _RecordTable
            table = self._tables[name] = kind(self._storage, name)
        return table

    def _reset_entries(self, by_id: dict[str, Entry]) -> None:
        self._by_id = by_id
        self._newest = None
        self._search = self._searched = None

    def _remember(self, entry: Entry) -> None:
        old = self._by_id.get(entry.id)
        self._by_id[entry.id] = entry
        # The newest-first list is kept in step (one removal and one insertion)
        # rather than sorted again: at 100,000 entries a sort holds the screen.
        newest = self._newest
        if newest is not None:
            if old is not None and not _remove_sorted(newest, old):
                self._newest = None  # not where it should be: sorted again when next asked
            else:
                newest.insert(_newest_index(newest, _newest_key(entry)), entry)
        self._search_changed()

    def _forget(self, entry_id: str) -> None:
        old = self._by_id.pop(entry_id)
        if self._newest is not None and not _remove_sorted(self._newest, old):
            self._newest = None
        self._search_changed()

    def _newest_list(self) -> list[Entry]:
        self._check_open()
        self._complete_load()  # every whole-space answer (entries, search) starts here
        if self._newest is None:
            self._newest = newest_first(list(self._by_id.values()))
        return self._newest

    def _search_changed(self) -> None:
        if self._search is not None:
            self._searched = self._search
        self._search = None

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this space has been closed")

    def _check_belongs(self, entry: Entry) -> None:
        self._check_open()
        if entry.space != self.space:
            raise ValueError(f"entry {entry.id} belongs to another space")

    def _check_table_name(self, name: str) -> None:
        self._check_open()
        if name in records.RESERVED_TABLES:
            raise ValueError(f"table {name!r} belongs to the space itself")


def _newest_key(entry: Entry) -> tuple[datetime, str]:
    return (entry.created, entry.id)  # the order of ``newest_first``, newest first


def _newest_index(newest: list[Entry], key: tuple[datetime, str]) -> int:
    """Where ``key`` goes in ``newest`` (newest first): before the first entry not newer."""
    low, high = 0, len(newest)
    while low < high:
        middle = (low + high) // 2
        if _newest_key(newest[middle]) > key:
            low = middle + 1
        else:
            high = middle
    return low


def _remove_sorted(newest: list[Entry], entry: Entry) -> bool:
    """Remove this very ``entry`` object from ``newest``; False if it is not where its key says."""
    index = _newest_index(newest, _newest_key(entry))
    if index < len(newest) and newest[index] is entry:
        del newest[index]
        return True
    return False


def _newest_of_both(loaded: list[Entry], older: list[Entry]) -> list[Entry]:
    """Two newest-first lists as one (the head part's and the older part's)."""
    if not loaded or not older:
        return [*loaded, *older]
    # Usually every loaded entry is newer than the older part; the few that are
    # not (brought back, or dated by hand) are put in place one by one.
    split = _newest_index(loaded, _newest_key(older[0]))
    merged = [*loaded[:split], *older]
    for entry in loaded[split:]:
        merged.insert(_newest_index(merged, _newest_key(entry)), entry)
    return merged


def _quick_ready(codec: Codec, plain: bytes) -> bool:
    base = records.log_base_at_start(plain)
    if base is None:
        return False
    header_base = getattr(codec, "log_base", False)
    return header_base is False or header_base == base


def _keep_aside(path: Path, name: str) -> Path:
    """Move ``path`` (a file or a link, not followed) beside itself as ``name``, or
    ``name-2``, ``name-3``... when that is taken: nothing kept aside is ever written over."""
    from reflect.storage.atomic import move_aside

    for number in range(1, 1000):
        aside = path.with_name(name if number == 1 else f"{name}-{number}")
        try:
            return move_aside(path, aside)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "too many copies kept aside", str(path))


def _identity_of(path: Path) -> heads.FileStamp | None:
    """What tells one version of the file from another (see :func:`heads.stamp_of`)."""
    return heads.stamp_of(path)


def _new_base() -> bytes:
    return os.urandom(changelog.BASE_BYTES)


def _read_log(path: Path, tables: Tables, sealer: changelog.RecordSealer) -> changelog.LogState | None:
    try:
        base, folded, count = records.log_base_of(tables)
    except ValueError as exc:
        raise SpaceDamaged(path, str(exc)) from None
    if base is None:
        if changelog.log_path(path).exists():
            raise SpaceDamaged(changelog.log_path(path), changelog.FOREIGN_LOG)
        return None
    return changelog.read_log(path, sealer, base, folded, count)


def _backup_path(path: Path, version: int) -> Path:
    return path.with_name(f"{path.name}.pre-v{version}.bak")


def _read(path: Path) -> bytes:
    try:
        return read_private_bytes(path)
    except OSError as exc:
        raise SpaceDamaged(path, f"The file could not be opened ({exc.strerror}).") from exc


def _save(path: Path, codec: Codec | None, plain: bytes) -> None:
    counter = getattr(codec, "counter", None)
    try:
        atomic_write_bytes(path, codec.encode(plain) if codec else plain)
    except OSError as exc:
        if counter is not None:
            codec.not_saved(counter)  # a sealed space counts only saves that reached the disk
        raise SaveFailed(path, exc.errno) from exc


def _replay_log(
    path: Path, tables: Tables, sealer: changelog.RecordSealer, touched: set[str] | None = None
) -> changelog.LogState | None:
    """Read the change log beside ``path`` and make its changes in ``tables``
    (``touched`` gets the id of every entry they change)."""
    if not isinstance(tables, dict):
        return None  # not a space at all: the caller says so
    state = _read_log(path, tables, sealer)
    for record in state.records if state is not None else ():
        ops = changelog.decode_ops(path, record)
        changelog.apply_ops(tables, ops)
        if touched is not None:
            touched.update(op[2] for op in ops if op[1] == records.ENTRIES_TABLE and op[0] != "set")
    return state


def _decode(
    path: Path,
    stored: bytes,
    codec: Codec,
    replay: Callable[[Tables], None] | None = None,
    before_migration: list[bytes | None] | None = None,
    layout_check: _LayoutCheck | None = None,
) -> tuple[Tables, bytes, int]:
    """Stored bytes to current-format tables, with the plain JSON and the format found.

    Tables in an older format come back migrated; nothing is written here.
    ``before_migration``, when given and the tables are migrated, gets the
    JSON of the tables as read (change log replayed) before migrating them.
    ``layout_check`` gets what the caller checks once the entries are parsed.
    """
    if not stored:
        raise SpaceDamaged(path, "The file is empty.")
    try:
        plain = codec.decode(stored)
    except SpaceDamaged as exc:
        if exc.path is None:
            raise SpaceDamaged(path, exc.detail) from exc
        raise
    try:
        with records.gc_paused():
            tables = records.parse_body(plain)
    except orjson.JSONDecodeError:
        raise SpaceDamaged(path, "The file is not complete JSON; it may have been cut short.") from None
    except ValueError as exc:
        raise SpaceDamaged(path, str(exc)) from None
    try:
        version = records.meta_of(tables)["schema"]
    except ValueError as exc:
        raise SpaceDamaged(path, str(exc)) from None
    if version > records.SCHEMA_VERSION:
        raise SpaceTooNew(path, version, records.SCHEMA_VERSION)
    tables = _merged(path, tables, layout_check)
    if replay is not None:
        replay(tables)
    if version < records.SCHEMA_VERSION:
        if before_migration is not None:
            before_migration[0] = orjson.dumps(tables)
        try:
            tables = records.migrate(tables, version)
        except ValueError as exc:
            raise SpaceDamaged(path, str(exc)) from exc
    return tables, plain, version


def _make_private(path: Path) -> None:
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE_MODE:
            os.chmod(path, PRIVATE_FILE_MODE)


# The first schema whose snapshot has a head part (records.snapshot_bytes).
_LAYOUT_SCHEMA = 2


def _merged(path: Path, tables: Tables, layout_check: _LayoutCheck | None) -> Tables:
    """Raw tables of a body in the current layout, the older part merged in and checked
    (the cutoff is checked by ``layout_check`` once the entries are parsed)."""
    try:
        # The head's end is not checked against the bytes here: it only tells a
        # lazy open where to stop, and that open checks it against what it reads.
        merged, layout = records.merge_layout(tables)
        if layout is None:
            return merged  # every entry in "entries": nothing to merge
        older = tables.get(records.OLDER_TABLE) or {}
        if older and not records.older_ids_match(older, records.layout_ids_filter(tables)):
            raise ValueError("The space's file does not match its layout record.")
    except ValueError as exc:
        raise SpaceDamaged(path, str(exc)) from None
    if older and layout_check is not None:
        layout_check.older = older.keys()
        layout_check.cutoff = datetime.fromisoformat(layout[1])
    return merged


class _LayoutCheck:
    """Every entry of the older part was created before the layout's cutoff, and
    every other one at or after it (what the head part's answers rely on);
    checked on the parsed entries, leaving out those the change log changed."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.older: Any = ()
        self.cutoff: datetime | None = None
        self.touched: set[str] = set()

    def check(self, path: Path, entries: Mapping[str, Entry]) -> None:
        cutoff, older, touched = self.cutoff, self.older, self.touched
        if cutoff is None:
            return
        for key, entry in entries.items():
            if key not in touched and (entry.created < cutoff) != (key in older):
                raise SpaceDamaged(path, "The space's file does not match its layout record.")


def _old_format_copy(
    codec: Codec, stored: bytes, plain: bytes, state: changelog.LogState | None, before: bytes | None
) -> bytes:
    """What is kept before a space is brought to a newer format: the file as it
    is when its change log is empty; else the same space with the log folded in,
    in the old format (a sealed one at the same save counter), under a new
    change-log id that names the old log as folded, so that an older reflect
    opens the copy alone whole."""
    if state is None or state.stale or not state.records or before is None:
        return stored
    tables = orjson.loads(before)
    old_base, _folded, _count = records.log_base_of(tables)
    log_table = records.log_base_record(_new_base(), old_base, len(state.records))
    if records.log_base_at_start(plain) is not None:
        tables = records.with_log_first(tables, log_table)
    else:  # as the file had it: a sealed format 2 body has its log table last
        tables = {**{k: v for k, v in tables.items() if k != records.LOG_TABLE}, records.LOG_TABLE: log_table}
    body = orjson.dumps(tables)
    seal_copy = getattr(codec, "seal_copy", None)
    return seal_copy(body) if seal_copy is not None else body


class Fold:
    """A compaction made on another thread (see :meth:`SpaceStore.fold_elsewhere`)."""

    def __init__(
        self, store: SpaceStore, log: changelog.LogWriter, counter: int | None, base: bytes, tables: Tables, codec: Codec
    ) -> None:
        self.store = store
        self.log = log
        self.count = log.count
        self.counter = counter
        self.base = base
        self.tables = tables
        self.codec = codec
        self.staged: str | None = None
        self.size = 0
        self.stored: bytes | None = None
        """The new snapshot's bytes as written (sealed if the space is): the day's backup copies them."""

    def write(self) -> None:
        """Make the new snapshot and write it durably beside the space file (any thread;
        touches nothing of the store). Raises OSError; nothing is then left behind."""
        plain = records.snapshot_bytes(self.tables)
        self.size = len(plain)
        stored = self.codec.encode(plain)
        del plain
        self.staged = stage_private(self.store.path, stored)
        self.stored = stored

    def drop(self) -> None:
        """Forget the copy of the key and remove a staged file that did not go in."""
        staged, self.staged = self.staged, None
        if staged is not None:
            drop_staged(staged)
        if self.codec is not self.store._codec:
            forget = getattr(self.codec, "forget", None)
            if forget is not None:
                forget()


class OlderPart:
    """The older entries of a lazily opened space, read by :meth:`SpaceStore.read_older`."""

    def __init__(self, token: object, older_records: dict[str, Any], entries: dict[str, Entry]) -> None:
        self.token = token
        self.records = older_records
        self.entries = entries
        # Sorted where the part is read (a worker), so taking it in does not sort.
        self.ordered = newest_first(list(entries.values())) if token is not None else []

    def __len__(self) -> int:
        return len(self.entries)


class _Partial:
    """What a lazily opened store needs to read and merge its older part: the one
    place the partial store's rules live (see ``SpaceStore.newest``, ``take_older``)."""

    def __init__(
        self,
        *,
        head: heads.HeadPart,
        cutoff: datetime,
        older: int,
        head_ids: frozenset[str],
        touched: set[str],
        ids: str,
        meta: dict[str, Any],
        reader: Any,
    ) -> None:
        self.head = head
        self.cutoff = cutoff  # every entry created at or after it was in the head part
        self.older = older  # how many entries the older part holds
        self.head_ids = head_ids  # the entries of the head part as read
        self.touched = touched  # entry ids the change log put or removed since: never taken from the older part
        self.ids = ids  # a filter of the older part's ids: says for sure which it does not hold
        self._prints: Any = None
        self.meta = meta
        self.reader = reader  # reads the older part: a copy of a sealed space's key as it was opened

    def close(self) -> None:
        """Drop the copy of the key (the older part was merged, or the store closed)."""
        forget = getattr(self.reader, "forget", None)
        if forget is not None:
            forget()

    def newest(self, loaded: Iterable[Entry], n: int) -> list[Entry] | None:
        """The ``n`` newest of all entries from those ``loaded`` (the head part and
        the log), or ``None`` when the older part might hold one of them: sure
        when the n-th newest loaded was created at or after the cutoff, since
        every entry created then is loaded and every older one sorts after it."""
        ordered = newest_first(list(loaded))
        if n == 0 or (len(ordered) >= n and ordered[n - 1].created >= self.cutoff):
            return ordered[:n]
        return None

    def sure_of(self, entry_id: str, loaded: Mapping[str, Entry]) -> bool:
        """True when what is loaded is the whole truth about ``entry_id``: it is
        loaded, or the log changed or removed it, or the older part surely does
        not hold it (its ids' fingerprints, see ``records.older_ids_filter``)."""
        if entry_id in loaded or entry_id in self.touched:
            return True
        if self._prints is None:
            self._prints = records.older_ids(self.ids)
        return not records.older_might_hold(self._prints, entry_id)

    def allows(self, ops: list[list[Any]]) -> bool:
        """False when ``ops`` cannot be made on a partial store (the load is completed first)."""
        return all(
            op[1] not in (records.LAYOUT_TABLE, records.OLDER_TABLE)
            and (op[1] != records.ENTRIES_TABLE or op[0] in ("put", "del"))
            for op in ops
        )

    def remember(self, ops: list[list[Any]]) -> None:
        """The entries ``ops`` changed (saved): never taken from the older part."""
        self.touched.update(op[2] for op in ops if op[1] == records.ENTRIES_TABLE)

    def rest_bytes(self, path: Path) -> bytes:
        """The body after the head part, from the file that head was read from."""
        read_rest = getattr(self.reader, "read_rest", None)
        if read_rest is not None:
            # Damage is raised as the whole open raises it (SealedDamaged).
            return read_rest(path, self.head)
        try:
            blob = read_private_bytes(path)
        except OSError:
            raise SpaceChanged(path) from None
        end = len(self.head.plain)
        if heads.digest(blob[:end]) != self.head.digest:
            raise SpaceChanged(path)
        return blob[end:]


def _head_of(
    path: Path, codec: Codec, given: heads.HeadPart | None = None
) -> tuple[heads.HeadPart, Tables, tuple[int, str, int], changelog.LogState | None, list[list[list[Any]]], str] | None:
    """The head part of the file, parsed and checked, and its change log read
    (not applied); ``None`` on any surprise."""
    sealer = changelog.sealer_for(codec)
    if sealer is None:
        return None
    if given is not None:
        head = given  # read and checked by SealedSpace.unlock_head with this key
    elif isinstance(codec, PlainCodec):
        head = heads.read_plain_head(path)
    else:
        reader = getattr(codec, "read_head_part", None)
        head = reader(path) if reader is not None else None
    if head is None:
        return None
    try:
        tables = orjson.loads(head.plain + b"}")
        layout = records.check_head(head.plain, tables)
        if records.meta_of(tables)["schema"] != records.SCHEMA_VERSION:
            return None
        base = records.log_base_of(tables)[0]
        if base is None or (head.log_base is not None and head.log_base != base):
            return None
        state = _read_log(path, tables, sealer)
        replayed = []
        for record in state.records if state is not None and not state.stale else ():
            ops = changelog.decode_ops(path, record)
            for op in ops:
                if op[1] in (records.LAYOUT_TABLE, records.OLDER_TABLE):
                    return None
                if op[1] == records.ENTRIES_TABLE and op[0] not in ("put", "del"):
                    return None
            replayed.append(ops)
    except (orjson.JSONDecodeError, ValueError, SpaceDamaged):
        return None
    ids = records.layout_ids_filter(tables)
    del tables[records.LAYOUT_TABLE]
    return head, tables, layout, state, replayed, ids

