"""One space — a person's private journal or a couple's shared space — on disk.

The whole space is kept in memory. On disk it is a snapshot (the space file,
written whole and atomically through a codec) and a change log beside it
(:mod:`reflect.storage.changelog`): every change is appended to the log as one
small record, durably, before the method that made it returns, so the cost of
a save does not grow with the journal. Now and then the log is folded into a
new snapshot (:meth:`SpaceStore.compact`). This is the only module that knows
TinyDB is underneath; TinyDB is the query layer over the tables in memory.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson
from tinydb.storages import Storage
from tinydb.table import Table

from reflect.domain.clock import local_now
from reflect.domain.entries import Entry, EntryFilter, newest_first
from reflect.paths import PRIVATE_FILE_MODE, ensure_private_dir
from reflect.storage import changelog, records
from reflect.storage.atomic import atomic_write_bytes, read_private_bytes
from reflect.storage.codec import Codec, PlainCodec
from reflect.storage.entry_search import EntrySearch
from reflect.storage.errors import (
    SaveFailed,
    SpaceDamaged,
    SpaceMissing,
    SpaceRolledBack,
    StoreError,
    SpaceTooNew,
)

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
    saved are handed back from memory. TinyDB changes that same dict in place
    before it calls ``write()``; when the save fails, memory is put back as
    the file on disk has it, so the two always agree.
    """

    def __init__(self, path: Path, codec: Codec, tables: Tables, plain: bytes) -> None:
        super().__init__()
        self.path = path
        self.codec = codec
        self._tables: Tables = tables
        # What was last saved, in case the file itself cannot be read back.
        self._saved_plain = plain

    def read(self) -> Tables:
        return self._tables

    def write(self, data: Tables) -> None:
        counter = getattr(self.codec, "counter", None)
        try:
            plain = orjson.dumps(data)
            atomic_write_bytes(self.path, self.codec.encode(plain))
        except Exception as exc:
            if counter is not None:
                # A sealed space counts only saves that reached the disk.
                self.codec.not_saved(counter)
            self._tables = self._tables_on_disk()
            if isinstance(exc, OSError):
                raise SaveFailed(self.path, exc.errno) from exc
            raise
        self._tables = data
        self._saved_plain = plain

    def replace_tables(self, tables: Tables) -> None:
        """The tables as a new snapshot holds them (same contents, ``_log`` first)."""
        self._tables = tables

    def forget(self) -> None:
        """Drop everything held in memory."""
        self._tables = {}
        self._saved_plain = b"{}"

    def _tables_on_disk(self) -> Tables:
        try:
            return orjson.loads(self.codec.decode(read_private_bytes(self.path)))
        except Exception:
            return orjson.loads(self._saved_plain)


class _KeyedTable(Table):
    """A table whose documents are filed under string keys such as entry ids."""

    document_id_class = str  # type: ignore[assignment]


class _RecordTable(Table):
    """A table other features keep in the space, with numbered records."""

    def replace_all(self, new_records: Iterable[Mapping[str, Any]]) -> None:
        """Swap every record for ``new_records`` in one save."""
        docs = [dict(r) for r in new_records]

        def updater(table: dict) -> None:
            table.clear()
            table.update(enumerate(docs, start=1))

        self._update_table(updater)
        self._next_id = None


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
    ) -> "SpaceStore":
        """Open the space saved at ``path``, creating it when missing and ``create``.

        A damaged file or change log raises :class:`SpaceDamaged`, one from a
        newer reflect :class:`SpaceTooNew`; neither changes anything. An older
        format is brought up to date after a copy is kept at
        ``<path>.pre-v<N>.bak``. ``at_least`` is the save counter last seen for
        a sealed space: a space (snapshot and log together) that counts fewer
        saves raises :class:`SpaceRolledBack` before anything is written.
        """
        path = Path(path)
        sealer = changelog.sealer_for(codec)
        if not path.exists():
            if not create:
                raise SpaceMissing(path)
            ensure_private_dir(path.parent)
            tables = records.new_space_tables(space, now())
            if sealer is not None:
                tables = records.with_log_first(tables, records.log_base_record(_new_base(), None, 0))
            plain = orjson.dumps(tables)
            _save(path, codec, plain)
            store = cls(path, space, now, _SpaceFile(path, codec, tables, plain), {})
            store._start_log(sealer, None, len(plain), read_only)
            return store

        found: list[changelog.LogState | None] = [None]

        def replay(raw: Tables) -> None:
            # The log holds changes in the snapshot's own format: replayed
            # before any migration, so they are brought up to date with it.
            if sealer is not None:
                found[0] = _replay_log(path, raw, sealer)

        for _attempt in range(3):
            # A writer may fold its log into a new snapshot while this reads:
            # then the snapshot read is not the one the log (or its absence)
            # belongs to, and both are read again.
            before = _identity_of(path)
            stored = _read(path)
            tables, plain, version = _decode(path, stored, codec, replay)
            if _identity_of(path) == before:
                break
        state = found[0]
        if state is not None and state.records and sealer is not None:
            sealer.counted(len(state.records))
        entries, problems = records.parse_space(tables)
        if problems:
            raise SpaceDamaged(path, problems[0])
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
        if version < records.SCHEMA_VERSION and not read_only:
            # A reader without the folder lock (``reflect list`` while the app
            # is open) migrates in memory only; the writer migrates on disk.
            _save(_backup_path(path, version), None, stored)
            if state is not None:
                # The log is folded into the migrated snapshot (it may hold
                # changes in the old format); the old log is then stale.
                old_base = records.log_base_of(tables)[0]
                tables = records.with_log_first(
                    tables, records.log_base_record(_new_base(), old_base, len(state.records))
                )
                state.stale = True
            plain = orjson.dumps(tables)
            _save(path, codec, plain)
            stored = plain
        elif version < records.SCHEMA_VERSION and state is not None:
            sealer = None  # changes now go whole-file: the log is in the old format
        if not read_only:
            _make_private(path)
            if state is not None and state.stale:
                changelog.remove_stale(path)
                state = None
        store = cls(path, space, now, _SpaceFile(path, codec, tables, plain), entries)
        store._start_log(sealer, state, len(stored), read_only)
        store._quick_ready = _quick_ready(codec, plain)
        return store

    def _start_log(
        self,
        sealer: changelog.RecordSealer | None,
        state: changelog.LogState | None,
        snapshot_bytes: int,
        read_only: bool,
    ) -> None:
        self._snapshot_bytes = snapshot_bytes
        self._read_only = read_only
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
            self._keep_format2_copy()
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
        base = _new_base()
        old_base = self._log.base if self._log is not None else None
        count = self._log.count if self._log is not None else 0
        tables = records.with_log_first(self._storage.read(), records.log_base_record(base, old_base, count))
        plain = orjson.dumps(tables)
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
        if size is not None:
            self._snapshot_bytes = size
        self._tables.clear()
        if self._log is not None:
            self._log.remove()
        else:
            changelog.remove_stale(self.path)
        sealer = changelog.sealer_for(self._codec)
        self._log = changelog.LogWriter(self.path, sealer, base, None) if sealer is not None else None

    def _make_quick_ready(self) -> None:
        """Fold a snapshot saved before commands could append without opening it
        whole into one that allows it: a sealed one is then format 3, which an
        older reflect cannot open, so a copy of the format 2 file is kept first
        (see :meth:`_keep_format2_copy`)."""
        self.compact(even_if_empty=True)

    def _keep_format2_copy(self) -> None:
        """Before a sealed format 2 file is replaced by format 3, which an older
        reflect cannot open, keep a whole copy in format 2 (the change log folded
        in, the same save counter) at ``<file>.pre-v<schema>-fmt2.bak``: checked by
        ``reflect check`` and resealed with the other copies on a key change."""
        seal_copy = getattr(self._codec, "seal_copy", None)
        if seal_copy is None or self._pending is None:
            return
        from reflect.storage.sealed import FORMAT_VERSION, MAGIC

        try:
            with open(self.path, "rb") as handle:
                head = handle.read(len(MAGIC) + 1)
        except OSError:
            return
        if head != MAGIC + bytes([FORMAT_VERSION]):
            return
        tables = self._pending[1]
        # With the change-log table last, as format 2 snapshots had it, the body seals as format 2.
        older = {**{k: v for k, v in tables.items() if k != records.LOG_TABLE}, records.LOG_TABLE: tables[records.LOG_TABLE]}
        _save(self.path.with_name(f"{self.path.name}.pre-v{records.SCHEMA_VERSION}-fmt2.bak"), None, seal_copy(orjson.dumps(older)))

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

            def replay(raw: Tables) -> None:
                if sealer is not None:
                    _replay_log(path, raw, sealer)

            tables, _plain, _version = _decode(path, stored, codec, replay)
        except SpaceDamaged as exc:
            problems = [exc.detail]
        except SpaceTooNew as exc:
            problems = [
                f"It was saved by a newer reflect (format {exc.found}; "
                f"this reflect knows up to {exc.known})."
            ]
        except StoreError as exc:
            problems = [exc.user_message]
        else:
            problems = records.parse_space(tables)[1]
        mode = stat.S_IMODE(path.stat().st_mode)
        if check_mode and mode & 0o077:
            problems.append(
                f"Other people on this computer may read it (permissions {mode:04o}); "
                "reflect makes it private the next time it opens it."
            )
        return problems

    def entries(self) -> list[Entry]:
        """Every entry in the space, newest first."""
        return list(self._newest_list())

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, if there is one."""
        self._check_open()
        return self._by_id.get(entry_id)

    def add(self, entry: Entry, *, clearing_draft: str | None = None) -> None:
        """Save a new entry. An id that is already in the space raises ``ValueError``.

        ``clearing_draft`` names the draft these words came from: it goes in
        the same save, so no crash can leave a draft of words already saved.
        """
        self._check_belongs(entry)
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
        if self._log is None:
            tables = {name: dict(table) for name, table in self._storage.read().items()}
            changelog.apply_ops(tables, ops)
            with self._saving():
                self._storage.write(tables)
        else:
            self._log.append(orjson.dumps(ops))
            changelog.apply_ops(self._storage.read(), ops)
        # TinyDB's table objects cache queries and ids; fresh ones read the new tables.
        self._tables.clear()
        if (
            self._log is not None
            and not self._read_only
            and self._log.size > max(COMPACT_MIN_BYTES, min(self._snapshot_bytes, COMPACT_MAX_BYTES))
        ):
            with contextlib.suppress(StoreError):
                # Already saved in the log; folding it in can wait for next time.
                self.compact()

    def delete(self, entry_id: str) -> Entry:
        """Remove an entry and return it, so that the removal can be undone."""
        self._check_open()
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
        if self._search is None:
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
        """Let go of the space and of everything it holds in memory."""
        self._closed = True
        if self._log is not None:
            self._log.close()
        self._storage.forget()
        self._tables.clear()
        self._reset_entries({})

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
        self._by_id[entry.id] = entry
        self._newest = None
        self._search_changed()

    def _forget(self, entry_id: str) -> None:
        del self._by_id[entry_id]
        self._newest = None
        self._search_changed()

    def _newest_list(self) -> list[Entry]:
        self._check_open()
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


def _quick_ready(codec: Codec, plain: bytes) -> bool:
    base = records.log_base_at_start(plain)
    if base is None:
        return False
    header_base = getattr(codec, "log_base", False)
    return header_base is False or header_base == base


def _identity_of(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


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


def _replay_log(path: Path, tables: Tables, sealer: changelog.RecordSealer) -> changelog.LogState | None:
    """Read the change log beside ``path`` and make its changes in ``tables``."""
    if not isinstance(tables, dict):
        return None  # not a space at all: the caller says so
    state = _read_log(path, tables, sealer)
    for record in state.records if state is not None else ():
        changelog.apply_ops(tables, changelog.decode_ops(path, record))
    return state


def _decode(
    path: Path, stored: bytes, codec: Codec, replay: Callable[[Tables], None] | None = None
) -> tuple[Tables, bytes, int]:
    """Stored bytes to current-format tables, with the plain JSON and the format found.

    Tables in an older format come back migrated; nothing is written here.
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
        tables = orjson.loads(plain)
    except orjson.JSONDecodeError:
        raise SpaceDamaged(path, "The file is not complete JSON; it may have been cut short.") from None
    try:
        version = records.meta_of(tables)["schema"]
    except ValueError as exc:
        raise SpaceDamaged(path, str(exc)) from None
    if version > records.SCHEMA_VERSION:
        raise SpaceTooNew(path, version, records.SCHEMA_VERSION)
    if replay is not None:
        replay(tables)
    if version < records.SCHEMA_VERSION:
        try:
            tables = records.migrate(tables, version)
        except ValueError as exc:
            raise SpaceDamaged(path, str(exc)) from exc
    return tables, plain, version


def _make_private(path: Path) -> None:
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE_MODE:
            os.chmod(path, PRIVATE_FILE_MODE)
