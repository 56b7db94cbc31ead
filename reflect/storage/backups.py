"""Rotating backups of space files, kept private in the data folder's backups/.

A backup is a byte-for-byte copy of a space file, so a sealed space stays
sealed in its backup. A few are kept per space in a numbered ring
(``<space>--1`` is the newest): the names say nothing about when a space was
opened. The file's modification time is set to when the copy was taken; it
is what "once a day" is measured by.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

from reflect.paths import ensure_private_dir
from reflect.storage.atomic import atomic_write_bytes, read_private_bytes

KEEP_PER_SPACE = 5


def backup_name(space_file: Path, number: int) -> str:
    return f"{space_file.stem}--{number}{space_file.suffix}"


def make_backup(
    space_file: Path,
    backups_dir: Path,
    when: datetime,
    keep: int = KEEP_PER_SPACE,
    *,
    force: bool = False,
    data: bytes | None = None,
) -> Path | None:
    """Copy ``space_file`` into ``backups_dir`` once a day; drop the oldest beyond ``keep``.

    Daily, not on every opening: a quick `reflect write` must not copy the
    whole journal, and five copies from one busy afternoon would push out the
    older ones that a damaged file most needs. ``force`` takes a copy anyway
    (before a format upgrade). ``data``: the file's bytes, when the caller holds
    them already (a snapshot just written: the copy is then of exactly those).
    """
    if not space_file.exists():
        return None
    existing = backups_of(space_file, backups_dir)
    if existing and not force and _taken_on(existing[0], when) == when.date():
        return None
    ensure_private_dir(backups_dir)
    staged = backups_dir / f".{space_file.stem}--new{space_file.suffix}"
    atomic_write_bytes(staged, read_private_bytes(space_file) if data is None else data)
    stamp = when.timestamp()
    os.utime(staged, (stamp, stamp))
    # Move every older copy one place along (via temporary names, so no copy
    # is ever written over), then put the new one first.
    moving: list[tuple[Path, Path]] = []
    for number, old in enumerate(existing, start=2):
        if number > keep:
            old.unlink(missing_ok=True)
            continue
        temporary = backups_dir / f".{space_file.stem}--moving-{number}{space_file.suffix}"
        os.replace(old, temporary)
        moving.append((temporary, backups_dir / backup_name(space_file, number)))
    for temporary, final in moving:
        os.replace(temporary, final)
    target = backups_dir / backup_name(space_file, 1)
    os.replace(staged, target)
    return target


def backups_of(space_file: Path, backups_dir: Path) -> list[Path]:
    """This space's backups, newest first."""
    if not backups_dir.is_dir():
        return []
    found = [p for p in backups_dir.glob(f"{space_file.stem}--*{space_file.suffix}") if p.is_file()]
    return sorted(found, key=_age_key)


def _age_key(path: Path) -> tuple[float, str]:
    with contextlib.suppress(OSError):
        return (-path.stat().st_mtime, path.name)
    return (0.0, path.name)


def _taken_on(path: Path, when: datetime):
    """The day a copy was taken, in the same time zone as ``when``."""
    with contextlib.suppress(OSError, ValueError, OverflowError):
        taken = datetime.fromtimestamp(path.stat().st_mtime, tz=when.tzinfo)
        return taken.date()
    return None
