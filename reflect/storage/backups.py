"""Rotating backups of space files, kept private in the data folder's backups/.

A backup is a byte-for-byte copy of a space file, so a sealed space stays
sealed in its backup. A few are kept per space; the oldest go first.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reflect.paths import ensure_private_dir
from reflect.storage.atomic import atomic_write_bytes, read_private_bytes

KEEP_PER_SPACE = 5


def backup_name(space_file: Path, when: datetime) -> str:
    return f"{space_file.stem}--{when:%Y%m%d-%H%M%S}{space_file.suffix}"


def make_backup(space_file: Path, backups_dir: Path, when: datetime, keep: int = KEEP_PER_SPACE) -> Path | None:
    """Copy ``space_file`` into ``backups_dir`` once a day; drop the oldest beyond ``keep``.

    Daily, not on every opening: a quick `reflect write` must not copy the
    whole journal, and five copies from one busy afternoon would push out the
    older ones that a damaged file most needs.
    """
    if not space_file.exists():
        return None
    newest = backups_of(space_file, backups_dir)[:1]
    if newest and newest[0].name.startswith(f"{space_file.stem}--{when:%Y%m%d}"):
        return None
    ensure_private_dir(backups_dir)
    target = backups_dir / backup_name(space_file, when)
    atomic_write_bytes(target, read_private_bytes(space_file))
    for old in backups_of(space_file, backups_dir)[keep:]:
        old.unlink(missing_ok=True)
    return target


def backups_of(space_file: Path, backups_dir: Path) -> list[Path]:
    """This space's backups, newest first."""
    if not backups_dir.is_dir():
        return []
    found = backups_dir.glob(f"{space_file.stem}--*{space_file.suffix}")
    return sorted(found, key=lambda p: p.name, reverse=True)
