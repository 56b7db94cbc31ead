"""The change log beside a space: small records appended after its snapshot.

A space is a *snapshot* (the space file, written whole and atomically, as
before) plus a *change log* beside it (``<space file>.log``) of the changes
made since. A save appends one record to the log and syncs it: its cost does
not grow with the journal. From time to time the store folds the log into a
new snapshot and removes the log (see ``SpaceStore.compact``).

Log file layout (integers big-endian)::

    offset  size  field
    0       8     magic b"RFLXLOG1"
    8       16    base: the id of the snapshot this log extends (its "_log" table)
    24      ...   frames, each:
                    4   length L of the payload
                    4   BLAKE2b-32 of (the length, the base): a cut or flipped
                        length is damage, not a torn tail
                    L   payload

A payload is the record's JSON (a list of operations) protected by a
:class:`RecordSealer`: for a sealed space XChaCha20-Poly1305 under a key
derived from the data key (``SealedSpace.seal_record``), bound to the space,
the base and the record's position; for a plain space a BLAKE2b checksum over
base, position and JSON (plain files are readable and editable by anyone with
the folder anyway; the checksum tells damage from data).

``reflect write`` appends without opening the snapshot whole
(:mod:`reflect.storage.quick_append`): it checks every record of the log
first, so the store folds the log in before it grows past
``QUICK_APPEND_MAX_BYTES``.

Reading: a frame cut off by the end of the file, or nothing but zero bytes
after the last whole frame, is a torn append (a crash before the save
returned): it is ignored, and only ever at the very end. Any other frame that
does not check out is damage.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import orjson

from reflect.paths import PRIVATE_FILE_MODE
from reflect.storage.atomic import _fsync_folder, atomic_write_bytes, read_private_bytes
from reflect.storage.errors import SaveFailed, SpaceDamaged

try:  # hashlib's own BLAKE2b, without hashlib loading OpenSSL (a command's start-up)
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b

MAGIC = b"RFLXLOG1"
BASE_BYTES = 16
HEADER_BYTES = len(MAGIC) + BASE_BYTES
_FRAME = struct.Struct(">I4s")
MAX_RECORD_BYTES = 64 * 1024 * 1024
# A log is folded into its snapshot before it grows past this (see
# ``SpaceStore``); a command appending without opening the snapshot
# (:mod:`reflect.storage.quick_append`) checks every record of a log up to this
# long, and leaves a longer one to a whole open.
QUICK_APPEND_MAX_BYTES = 8 * 1024 * 1024
_PLAIN_SUM_BYTES = 32
_PLAIN_LABEL = b"reflect:logplain"
_LENGTH_LABEL = b"reflect:loglen"

DAMAGED_LOG = (
    "The change log beside this space is damaged in the middle, so the space "
    "was not opened."
)
FOREIGN_LOG = (
    "The change log beside this space belongs to another copy of it, so the "
    "space was not opened."
)


def log_path(space_file: Path) -> Path:
    """Where the change log of the space saved at ``space_file`` lives."""
    space_file = Path(space_file)
    return space_file.with_name(space_file.name + ".log")


class RecordSealer(Protocol):
    def seal(self, base: bytes, seq: int, plain: bytes) -> bytes: ...

    def open(self, base: bytes, seq: int, payload: bytes) -> bytes | None: ...

    def counted(self, records: int) -> None: ...


class PlainRecords:
    """Records of a plain space: JSON with a checksum that binds it to its place."""

    def seal(self, base: bytes, seq: int, plain: bytes) -> bytes:
        return _plain_sum(base, seq, plain) + plain

    def open(self, base: bytes, seq: int, payload: bytes) -> bytes | None:
        plain = payload[_PLAIN_SUM_BYTES:]
        if len(payload) < _PLAIN_SUM_BYTES or _plain_sum(base, seq, plain) != payload[:_PLAIN_SUM_BYTES]:
            return None
        return bytes(plain)

    def counted(self, records: int) -> None:
        pass


class SealedRecords:
    """Records of a sealed space, sealed by its :class:`SealedSpace`."""

    def __init__(self, seal: Any) -> None:
        self.space = seal

    def seal(self, base: bytes, seq: int, plain: bytes) -> bytes:
        return self.space.seal_record(base, seq, plain)

    def open(self, base: bytes, seq: int, payload: bytes) -> bytes | None:
        return self.space.open_record(base, seq, payload)

    def counted(self, records: int) -> None:
        self.space.count_appended(records)


def sealer_for(codec: object) -> RecordSealer | None:
    """How records are protected for a space saved through ``codec`` (``None``: no log)."""
    from reflect.storage.codec import PlainCodec

    if isinstance(codec, PlainCodec):
        return PlainRecords()
    if all(hasattr(codec, name) for name in ("seal_record", "open_record", "count_appended")):
        return SealedRecords(codec)
    return None


@dataclass
class LogState:
    """What was read from a log: the records' plain bytes and where the good part ends."""

    base: bytes
    records: list[bytes] = field(default_factory=list)
    end: int = HEADER_BYTES
    size: int = 0
    stale: bool = False

    @property
    def torn(self) -> bool:
        return self.size > self.end and not self.stale


def read_log(
    space_file: Path, sealer: RecordSealer, base: bytes, folded: bytes | None, folded_count: int
) -> LogState | None:
    """Read and check the log beside ``space_file``; ``None`` when there is none.

    ``base`` is the snapshot's own id; ``folded``/``folded_count`` name the log
    the snapshot was made from. A log of that earlier base holding exactly the
    records folded is left over from a compaction cut short: it is *stale*
    and its records are not applied again. Raises :class:`SpaceDamaged`.
    """
    path = log_path(space_file)
    try:
        data = read_private_bytes(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SpaceDamaged(path, f"The change log could not be opened ({exc.strerror}).") from exc
    if len(data) < HEADER_BYTES or data[: len(MAGIC)] != MAGIC:
        raise SpaceDamaged(path, DAMAGED_LOG)
    found = data[len(MAGIC) : HEADER_BYTES]
    if found == base:
        state = LogState(base, size=len(data))
        for seq, payload, end in _frames(path, data, base):
            plain = sealer.open(base, seq, payload)
            if plain is None:
                raise SpaceDamaged(path, DAMAGED_LOG)
            state.records.append(plain)
            state.end = end
        return state
    if folded is not None and found == folded:
        # Left from a compaction that stopped before removing the log. Its
        # records are checked for shape only: they may be sealed under a key
        # the space no longer has.
        count = 0
        end = HEADER_BYTES
        for _seq, _payload, end in _frames(path, data, folded):
            count += 1
        if count != folded_count:
            raise SpaceDamaged(path, FOREIGN_LOG)
        return LogState(folded, end=end, size=len(data), stale=True)
    raise SpaceDamaged(path, FOREIGN_LOG)


def _frames(path: Path, data: bytes, base: bytes):
    """(position, payload, end offset) of each complete frame; a cut last frame ends the walk."""
    offset = HEADER_BYTES
    seq = 0
    size = len(data)
    while offset < size:
        if size - offset < _FRAME.size:
            return  # torn: the append was cut inside the frame's head
        length, check = _FRAME.unpack_from(data, offset)
        if check != _length_check(length, base):
            if not data[offset:].strip(b"\0"):
                # Some file systems leave an append that a crash interrupted as
                # zeros; an acknowledged record was synced, so zeros are never one.
                return
            raise SpaceDamaged(path, DAMAGED_LOG)
        start = offset + _FRAME.size
        if length > MAX_RECORD_BYTES:
            raise SpaceDamaged(path, DAMAGED_LOG)
        if start + length > size:
            return  # torn: the append was cut inside the payload
        yield seq, data[start : start + length], start + length
        offset = start + length
        seq += 1


def decode_ops(path: Path, plain: bytes) -> list[list[Any]]:
    """The operations of one record, checked for shape."""
    try:
        ops = orjson.loads(plain)
    except orjson.JSONDecodeError:
        raise SpaceDamaged(log_path(path), DAMAGED_LOG) from None
    if not isinstance(ops, list) or not all(_op_ok(op) for op in ops):
        raise SpaceDamaged(log_path(path), DAMAGED_LOG)
    return ops


def _op_ok(op: object) -> bool:
    if not isinstance(op, list) or not op or not all(isinstance(x, str) for x in op[:2]):
        return False
    kind = op[0]
    if kind == "put":
        return len(op) == 4 and isinstance(op[2], str) and isinstance(op[3], dict)
    if kind == "del":
        return len(op) == 3 and isinstance(op[2], str)
    if kind == "set":
        return len(op) == 3 and isinstance(op[2], dict) and all(isinstance(d, dict) for d in op[2].values())
    return False


def apply_ops(tables: dict[str, Any], ops: list[list[Any]]) -> None:
    """Change ``tables`` in place as the operations say."""
    for op in ops:
        kind, table = op[0], op[1]
        if kind == "put":
            tables.setdefault(table, {})[op[2]] = op[3]
        elif kind == "del":
            tables.get(table, {}).pop(op[2], None)
        else:
            tables[table] = dict(op[2])


class LogWriter:
    """Appends records to one space's log, each one durable before ``append`` returns."""

    def __init__(self, space_file: Path, sealer: RecordSealer, base: bytes, state: LogState | None) -> None:
        self.path = log_path(space_file)
        self.sealer = sealer
        self.base = base
        live = state is not None and not state.stale
        self.count = len(state.records) if live and state is not None else 0
        self.end = state.end if live and state is not None else 0
        self._fd: int | None = None
        # Bytes past ``end`` (a torn append) are cut off before the next append.
        self._cut = bool(live and state is not None and state.size > state.end)
        # The log file as this writer last left it: its length, and its
        # (device, inode) once known (see :meth:`still_ours`).
        self._on_disk = state.size if live and state is not None else 0
        self._identity: tuple[int, int] | None = None
        self._written_at: int | None = None  # its modification time as this writer left it
        if self._on_disk:
            with contextlib.suppress(OSError):
                self._remember(os.stat(self.path, follow_symlinks=False))

    @property
    def size(self) -> int:
        return self.end

    def append(self, plain: bytes) -> None:
        """Add one record and sync it. Raises :class:`SaveFailed`; the log then
        holds what it held before (any partial frame is cut off next time)."""
        payload = self.sealer.seal(self.base, self.count, plain)
        frame = _FRAME.pack(len(payload), _length_check(len(payload), self.base)) + payload
        try:
            if self.end == 0:
                # A new log is made whole, so it never exists without its header.
                atomic_write_bytes(self.path, MAGIC + self.base + frame)
                self.end = HEADER_BYTES + len(frame)
                self._remember(os.stat(self.path, follow_symlinks=False))
            else:
                fd = self._open()
                if self._cut:
                    os.ftruncate(fd, self.end)
                    self._cut = False
                try:
                    _write_at(fd, frame, self.end)
                    os.fsync(fd)
                except OSError:
                    # Whatever part of the frame got there is not a saved change.
                    self._cut = True
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, self.end)
                    with contextlib.suppress(OSError):
                        info = os.fstat(fd)
                        self._on_disk = info.st_size
                        self._remember(info)
                    raise
                self.end += len(frame)
                self._remember(os.fstat(fd))
            self._on_disk = self.end
        except OSError as exc:
            self.close()
            raise SaveFailed(self.path, exc.errno) from exc
        self.count += 1
        self.sealer.counted(1)

    def still_ours(self) -> bool:
        """True while the log in the folder is the one this writer wrote: there
        (when it has written any), the same file, exactly as long as it left it;
        none when it has written none."""
        try:
            info = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return self._on_disk == 0
        except OSError:
            return False
        if self._on_disk == 0 or not stat.S_ISREG(info.st_mode) or info.st_size != self._on_disk:
            return False
        if self._written_at is not None and info.st_mtime_ns != self._written_at:
            return False  # changed in place, its length kept
        return self._identity is None or (info.st_dev, info.st_ino) == self._identity

    def _remember(self, info: os.stat_result) -> None:
        self._identity = (info.st_dev, info.st_ino)
        self._written_at = info.st_mtime_ns

    def remove(self) -> None:
        """Delete the log (after its records are safely in a new snapshot)."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        _fsync_folder(self.path.parent)
        self.end = 0
        self.count = 0
        self._cut = False
        self._on_disk = 0
        self._identity = None
        self._written_at = None

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def _open(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0))
            with contextlib.suppress(OSError):
                os.fchmod(self._fd, PRIVATE_FILE_MODE)
            info = os.fstat(self._fd)
            if self._identity is not None and (info.st_dev, info.st_ino) != self._identity:
                os.close(self._fd)
                self._fd = None
                raise OSError(errno.ESTALE, "the change log is not the one this writer wrote")
            self._identity = (info.st_dev, info.st_ino)
        return self._fd


def remove_stale(space_file: Path) -> None:
    """Remove a log left over from a compaction cut short (its records are in the snapshot)."""
    path = log_path(space_file)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    _fsync_folder(path.parent)


def _write_at(fd: int, data: bytes, offset: int) -> None:
    os.lseek(fd, offset, os.SEEK_SET)
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _length_check(length: int, base: bytes) -> bytes:
    return blake2b(struct.pack(">I", length) + base, digest_size=4, person=_LENGTH_LABEL).digest()


def _plain_sum(base: bytes, seq: int, plain: bytes) -> bytes:
    h = blake2b(digest_size=_PLAIN_SUM_BYTES, person=_PLAIN_LABEL)
    h.update(base + struct.pack(">Q", seq))
    h.update(plain)
    return h.digest()


def backup_due(space_file: Path, backups_dir: Path, when: Any) -> bool:
    """True when :func:`reflect.storage.backups.make_backup` would take today's copy
    (the store folds its log in first, so the copy is the whole space)."""
    from reflect.storage.backups import _taken_on, backups_of

    existing = backups_of(Path(space_file), Path(backups_dir))
    return not existing or _taken_on(existing[0], when) != when.date()


def count_records(space_file: Path) -> tuple[int, list[str]]:
    """Without a key: how many whole records the log beside ``space_file`` holds,
    and what is wrong with its structure (``(0, [])`` when there is no log).
    Claims only: opening the space checks every record with its key."""
    path = log_path(space_file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0, []
    except OSError as exc:
        return 0, [f"Its change log could not be opened ({exc.strerror})."]
    if len(data) < HEADER_BYTES or data[: len(MAGIC)] != MAGIC:
        return 0, [DAMAGED_LOG]
    count = 0
    try:
        for _frame in _frames(path, data, data[len(MAGIC) : HEADER_BYTES]):
            count += 1
    except SpaceDamaged:
        return count, [DAMAGED_LOG]
    return count, []
