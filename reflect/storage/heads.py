"""Reading the start of a space file: its head part, without the older entries.

A snapshot in the current layout (:func:`reflect.storage.records.snapshot_bytes`)
starts with a *head part*: every table but the older entries. This module
reads that part alone, from a plain file or (with the key already unlocked) a
sealed one of format 4, and says exactly which bytes it read, so that the
older part read later can be checked to belong to the same file.

Every function here returns ``None`` on any surprise (another layout, a file
cut short, a digest or size that does not add up): the caller then reads the
file whole, which tells what is wrong in its usual words. Nothing here changes
anything on disk or in memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from reflect.storage import records
from reflect.storage.atomic import open_private_file

try:  # hashlib's own BLAKE2b, without hashlib loading OpenSSL (a command's start-up)
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b

# The first read: enough for a sealed file's prefix, its largest header and MAC,
# or a plain file's change-log and layout records.
FIRST_READ_BYTES = 13 + 64 * 1024 + 32


@dataclass(frozen=True)
class FileStamp:
    """Which file was read: inode, modification time and size."""

    inode: int
    mtime_ns: int
    size: int


@dataclass(frozen=True)
class HeadPart:
    """The head part of a space file, as read.

    ``plain`` is the body's first bytes up to the end of the head part
    (``plain + b"}"`` is a JSON document); ``digest`` is a BLAKE2b of every
    byte of the *file* up to the end of the head part; ``stamp`` names the file.
    ``counter`` and ``log_base`` are what a sealed header says (0 and ``None``
    for a plain file).
    """

    plain: bytes
    digest: bytes
    stamp: FileStamp
    counter: int = 0
    log_base: bytes | None = None


class HeadReader:
    """An open space file, read by ranges (a plain file only: never a link or a pipe)."""

    def __init__(self, path: Path) -> None:
        self._fd = open_private_file(path)
        info = os.fstat(self._fd)
        self.stamp = FileStamp(info.st_ino, info.st_mtime_ns, info.st_size)

    def read(self, offset: int, size: int) -> bytes:
        """Up to ``size`` bytes from ``offset`` (fewer at the end of the file)."""
        chunks = []
        while size > 0:
            chunk = os.pread(self._fd, size, offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> HeadReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stamp_of(path: Path) -> FileStamp | None:
    """The stamp of the file at ``path`` now (``None`` if it cannot be looked at)."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return FileStamp(info.st_ino, info.st_mtime_ns, info.st_size)


def digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=32).digest()


def read_plain_head(path: Path) -> HeadPart | None:
    """The head part of a plain space file in the current layout, or ``None``."""
    try:
        with HeadReader(path) as reader:
            first = reader.read(0, records.LAYOUT_SCAN_BYTES)
            end = records.head_end_at_start(first)
            if end is None or end + len(b',"_older":{}}') > reader.stamp.size:
                return None
            data = first[: end + 16] if end + 16 <= len(first) else first + reader.read(len(first), end + 16 - len(first))
            stamp = reader.stamp
    except OSError:
        return None
    if not data[end:].startswith(b',"_older":'):
        return None
    head = data[:end]
    return HeadPart(plain=head, digest=digest(head), stamp=stamp)
