"""One space — a person's private journal or a couple's shared space — in one file.

The whole space is kept in memory and every change rewrites the file
atomically, through a codec, before the method that made it returns. This is
the only module that knows TinyDB is underneath.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson
from tinydb.storages import Storage
from tinydb.table import Document, Table

from reflect.domain.clock import local_now
from reflect.domain.entries import Entry, EntryFilter, newest_first
from reflect.paths import PRIVATE_FILE_MODE, ensure_private_dir
from reflect.storage import records
from reflect.storage.atomic import atomic_write_bytes, read_private_bytes
from reflect.storage.codec import Codec, PlainCodec
from reflect.storage.errors import (
    SaveFailed,
    SpaceDamaged,
    SpaceMissing,
    StoreError,
    SpaceTooNew,
)

Tables = dict[str, Any]


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
        # Casefolded text and prompt per entry id, and the same newest first.
        self._folded: dict[str, tuple[str, str]] | None = None
        self._searchable: list[tuple[Entry, str, str]] | None = None
        self._closed = False

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
    ) -> "SpaceStore":
        """Open the space saved at ``path``, creating it when missing and ``create``.

        A damaged file raises :class:`SpaceDamaged`, one from a newer reflect
        :class:`SpaceTooNew`; neither changes the file. An older format is
        brought up to date after a copy is kept at ``<path>.pre-v<N>.bak``.
        """
        path = Path(path)
        if not path.exists():
            if not create:
                raise SpaceMissing(path)
            ensure_private_dir(path.parent)
            tables = records.new_space_tables(space, now())
            plain = orjson.dumps(tables)
            _save(path, codec, plain)
            return cls(path, space, now, _SpaceFile(path, codec, tables, plain), {})

        stored = _read(path)
        tables, plain, version = _decode(path, stored, codec)
        entries, problems = records.parse_space(tables)
        if problems:
            raise SpaceDamaged(path, problems[0])
        if records.meta_of(tables)["space"] != space:
            raise SpaceDamaged(path, "The file holds a different space.")
        if version < records.SCHEMA_VERSION and not read_only:
            # A reader without the folder lock (``reflect list`` while the app
            # is open) migrates in memory only; the writer migrates on disk.
            _save(_backup_path(path, version), None, stored)
            plain = orjson.dumps(tables)
            _save(path, codec, plain)
        _make_private(path)
        return cls(path, space, now, _SpaceFile(path, codec, tables, plain), entries)

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
            tables, _plain, _version = _decode(path, stored, codec)
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
        if clearing_draft is not None:
            self._save_entry_clearing_draft(entry.id, record, clearing_draft)
        else:
            with self._saving():
                self._table(records.ENTRIES_TABLE).insert(Document(record, doc_id=entry.id))
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
            documents = [Document(records.entry_to_record(e), doc_id=e.id) for e in fresh.values()]
            with self._saving():
                self._table(records.ENTRIES_TABLE).insert_multiple(documents)
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
        if clearing_draft is not None:
            self._save_entry_clearing_draft(entry.id, record, clearing_draft)
        else:
            with self._saving():
                self._table(records.ENTRIES_TABLE).update(record, doc_ids=[entry.id])
        self._remember(entry)

    def _save_entry_clearing_draft(self, entry_id: str, record: dict[str, Any], draft_key: str) -> None:
        """Put ``record`` under ``entry_id`` and drop a draft, in one write of the file."""
        with self._saving():
            tables = {name: dict(table) for name, table in self._storage.read().items()}
            entries = tables.setdefault(records.ENTRIES_TABLE, {})
            entries[entry_id] = {**entries.get(entry_id, {}), **record}
            tables.get(records.DRAFTS_TABLE, {}).pop(draft_key, None)
            self._storage.write(tables)
            # TinyDB's table objects cache queries; fresh ones read the new tables.
            self._tables.clear()

    def delete(self, entry_id: str) -> Entry:
        """Remove an entry and return it, so that the removal can be undone."""
        self._check_open()
        entry = self._by_id.get(entry_id)
        if entry is None:
            raise KeyError(entry_id)
        with self._saving():
            self._table(records.ENTRIES_TABLE).remove(doc_ids=[entry_id])
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
        newest = self._newest_list()
        if flt == EntryFilter():
            return list(newest)
        if not flt.contains:
            return [e for e in newest if flt.matches(e)]
        # Casefolding thousands of entries on every keystroke is the slow
        # part of a search, so the folded text is kept between searches. The
        # rest of the filter is still the domain's own rule.
        needle = flt.contains.casefold()
        found = [e for e, text, prompt in self._searchable_list() if needle in text or needle in prompt]
        rest = replace(flt, contains="")
        if rest == EntryFilter():
            return found
        return [e for e in found if rest.matches(e)]

    def get_draft(self, key: str) -> str | None:
        """Unfinished writing saved under ``key``, if any."""
        self._check_open()
        doc = self._table(records.DRAFTS_TABLE).get(doc_id=key)  # type: ignore[call-overload]
        return None if doc is None else records.draft_from_record(doc)

    def save_draft(self, key: str, text: str) -> None:
        """Keep unfinished writing under ``key``, inside the space file."""
        if self.get_draft(key) == text:
            return
        record = records.draft_to_record(text, self._now())
        with self._saving():
            self._table(records.DRAFTS_TABLE).upsert(Document(record, doc_id=key))  # type: ignore[arg-type]

    def clear_draft(self, key: str) -> None:
        """Forget the draft under ``key``; nothing happens when there is none."""
        if self.get_draft(key) is None:
            return
        with self._saving():
            self._table(records.DRAFTS_TABLE).remove(doc_ids=[key])  # type: ignore[list-item]

    def table_records(self, name: str) -> list[dict[str, Any]]:
        """Copies of the records another feature keeps in table ``name``."""
        self._check_table_name(name)
        return orjson.loads(orjson.dumps(self._table(name).all()))

    def insert_record(self, table: str, record: Mapping[str, Any]) -> None:
        """Add one record to another feature's table."""
        self._check_table_name(table)
        with self._saving():
            self._table(table).insert(dict(record))

    def replace_records(self, table: str, new_records: Iterable[Mapping[str, Any]]) -> None:
        """Replace every record of another feature's table, in one save."""
        self._check_table_name(table)
        target = self._table(table)
        assert isinstance(target, _RecordTable)
        with self._saving():
            target.replace_all(new_records)

    def close(self) -> None:
        """Let go of the space and of everything it holds in memory."""
        self._closed = True
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
        self._searchable = None
        self._folded = None

    def _remember(self, entry: Entry) -> None:
        self._by_id[entry.id] = entry
        self._newest = None
        self._searchable = None
        if self._folded is not None:
            self._folded[entry.id] = _folded(entry)

    def _forget(self, entry_id: str) -> None:
        del self._by_id[entry_id]
        self._newest = None
        self._searchable = None
        if self._folded is not None:
            self._folded.pop(entry_id, None)

    def _newest_list(self) -> list[Entry]:
        self._check_open()
        if self._newest is None:
            self._newest = newest_first(list(self._by_id.values()))
        return self._newest

    def _searchable_list(self) -> list[tuple[Entry, str, str]]:
        """Newest first, each entry with its text and prompt casefolded."""
        if self._searchable is None:
            if self._folded is None:
                self._folded = {key: _folded(e) for key, e in self._by_id.items()}
            folded = self._folded
            self._searchable = [(e, *folded[e.id]) for e in self._newest_list()]
        return self._searchable

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


def _folded(entry: Entry) -> tuple[str, str]:
    return entry.text.casefold(), entry.prompt_text.casefold()


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


def _decode(path: Path, stored: bytes, codec: Codec) -> tuple[Tables, bytes, int]:
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
