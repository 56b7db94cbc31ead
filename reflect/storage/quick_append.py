"""Adding to a space without opening it whole: one change-log record, appended.

``reflect write`` adds one entry. Opening the space for that (reading,
decrypting and parsing every entry) costs more the longer the journal is,
while the save itself is one record appended to the change log
(:mod:`reflect.storage.changelog`). This module makes that append after
reading only what it depends on:

- the start of the snapshot: for a sealed space its authenticated header
  (format 3: space, save counter, key slots and the change-log id, checked
  with the key from the person's slot, see ``SealedSpace.unlock_header``);
  for a plain space the change-log id its JSON starts with;
- the whole change log, every record checked (the log is folded into the
  snapshot before it grows past ``changelog.QUICK_APPEND_MAX_BYTES``), so the
  new record's position and the save counter are right, and a log that was
  damaged, cut back, swapped or edited is never appended to;
- the save counter last seen (``seen.json``, checked by the caller): fewer
  saves than that is a space put back to an older copy.

Whenever anything is not exactly as a whole open would find it, nothing is
appended and ``None`` is returned: the caller opens the space whole, which
tells what is wrong in its usual words (and folds a long log, takes the day's
backup, brings an old format up to date).

What is left to the next whole open (the app, ``reflect list``, ``reflect
check``): the body of the snapshot past its header. The append never changes
the snapshot, so a snapshot damaged since it was last opened is still
reported, and never overwritten, the next time it is opened; the new record
is bound to that snapshot's change-log id like every other.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

import orjson

from reflect.domain.entries import Entry
from reflect.storage import changelog, records
from reflect.storage.codec import Codec, PlainCodec
from reflect.storage.errors import SpaceDamaged

# Enough for the prefix, the largest header reflect accepts and its MAC; a
# plain snapshot's change-log id is in its first hundred bytes.
HEAD_BYTES = 13 + 64 * 1024 + 32


class QuickAppend:
    """One space, ready to take new entries as change-log records."""

    def __init__(self, path: Path, space: str, writer: changelog.LogWriter) -> None:
        self.path = path
        self.space = space
        self._writer = writer

    @property
    def records(self) -> int:
        """How many records the change log holds now."""
        return self._writer.count

    def add(self, entry: Entry, *, clearing_draft: str | None = None) -> None:
        """Save a new entry durably (one record appended and synced); raises ``SaveFailed``.

        ``clearing_draft`` is refused: drafts live in the snapshot, which is not read here.
        """
        if clearing_draft is not None:
            raise ValueError("drafts are cleared by a whole open of the space")
        if entry.space != self.space:
            raise ValueError(f"entry {entry.id} belongs to another space")
        ops = [["put", records.ENTRIES_TABLE, entry.id, records.entry_to_record(entry)]]
        self._writer.append(orjson.dumps(ops))

    def close(self) -> None:
        self._writer.close()


def read_head(path: Path) -> bytes:
    """The first bytes of a space file (:data:`HEAD_BYTES` at most), read as
    ``read_private_bytes`` reads: never through a link, a pipe or a device."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "it is not a plain file", str(path))
        return os.pread(fd, HEAD_BYTES, 0)
    finally:
        os.close(fd)


def open_to_append(path: Path, space: str, codec: Codec, *, at_least: int | None = None) -> QuickAppend | None:
    """Get ready to append to the space at ``path`` without opening it whole.

    ``codec`` is :class:`PlainCodec` or a ``SealedSpace`` from
    ``SealedSpace.unlock_header``; ``at_least`` is the save counter last seen
    for a sealed space. Only for a caller holding the folder lock. ``None``:
    open the space whole instead (see the module's docstring); nothing was
    changed. A sealed codec counts the log's records on success.
    """
    sealer = changelog.sealer_for(codec)
    if sealer is None:
        return None
    if isinstance(codec, PlainCodec):
        try:
            base = records.log_base_at_start(read_head(path))
        except OSError:
            return None
    else:
        base = getattr(codec, "log_base", None)
    if base is None:
        return None
    log = changelog.log_path(path)
    with contextlib.suppress(FileNotFoundError):
        info = os.lstat(log)
        if not stat.S_ISREG(info.st_mode) or info.st_size > changelog.QUICK_APPEND_MAX_BYTES:
            return None
    try:
        state = changelog.read_log(path, sealer, base, None, 0)
    except SpaceDamaged:
        return None
    try:
        for record in state.records if state is not None else ():
            changelog.decode_ops(path, record)
    except SpaceDamaged:
        return None
    counted = len(state.records) if state is not None else 0
    counter = getattr(codec, "counter", None)
    if at_least is not None and (not isinstance(counter, int) or counter + counted < at_least):
        return None
    if counted:
        sealer.counted(counted)
    return QuickAppend(path, space, changelog.LogWriter(path, sealer, base, state))
