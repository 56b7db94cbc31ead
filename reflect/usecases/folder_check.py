"""`reflect check`: look at every data file without changing any of them.

It verifies the household file, every space file and every backup (each must
read as a file of its kind), says when a file or folder can be read by other
people on the computer (after a `cp -r`, say), and names files that belong to
no known space or that an interrupted save left behind.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reflect.domain.profiles import LEGACY_SPACE
from reflect.paths import PRIVATE_DIR_MODE, DataLayout
from reflect.storage.backups import backups_of
from reflect.storage.changelog import count_records, log_path
from reflect.storage.errors import StoreError
from reflect.storage.household import load_household
from reflect.storage.sealed import SWAPPED_MESSAGE, sealed_counter, sealed_identity
from reflect.storage.seen import SeenRecords, SeenState, changed_copies, load_seen
from reflect.storage.space_store import SpaceStore
from reflect.usecases import wording

PRIVATE_FOLDERS = ("spaces", "backups", "exports")
"""Folders inside the data folder that hold private files (``packs/`` is not private)."""


@dataclass(frozen=True)
class Backup:
    """One backup file, the file it is a copy of, and when it was taken."""

    path: Path
    original: Path
    taken: datetime | None
    sound: bool = True


@dataclass
class CheckReport:
    """What was checked, what is wrong (plain sentences), and what could be restored."""

    checked: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    """Sound backups of the files that have problems: what to go back to."""
    found_backups: list[Backup] = field(default_factory=list)
    """Every backup in ``backups/``, grouped by the file it copies, newest first."""
    couple: bool = False
    """The folder holds a couple: their roles are vouched for inside the sealed shared
    space, which this check (without a passphrase) cannot read."""

    @property
    def sound(self) -> bool:
        return not self.problems


def check_data_folder(root: Path) -> CheckReport:
    """Verify the household file, every space file and every backup; never writes.

    Sealed spaces are checked without a passphrase: their checksum and
    structure must be intact, which is what damage would break.
    """
    layout = DataLayout(root)
    report = CheckReport()
    needs_restoring: list[Path] = []  # files that are missing or damaged
    expected = _expected_files(layout, report, needs_restoring)
    seen = load_seen(layout.seen_file)

    for path in _files_in(layout.spaces_dir):
        if path.suffix == ".log" and path.with_suffix("") in expected:
            continue  # a space's change log: checked with its space
        original = _kept_before_upgrade(path, expected)
        if original is not None:
            report.checked.append(path)
            problems = _verify(path, layout, original=original)
            report.problems.extend(f"{path.name} (a copy of {original.name} kept before an upgrade): {p}" for p in problems)
            continue
        if path not in expected:
            report.problems.append(_found_in_place(path, expected) or _stray(path, layout))
            continue
        report.checked.append(path)
        problems = _verify(path, layout, seen=seen)
        report.problems.extend(f"{path.name}: {problem}" for problem in problems)
        if problems:
            needs_restoring.append(path)
    _check_seen(layout, seen, report, needs_restoring)

    for original in [layout.household_file, *sorted(expected)]:
        for backup in backups_of(original, layout.backups_dir):
            report.checked.append(backup)
            problems = _verify(backup, layout, original=original)
            report.found_backups.append(Backup(backup, original, _taken(backup), sound=not problems))
            report.problems.extend(f"backups/{backup.name} (a copy of {original.name}): {p}" for p in problems)
    known_backups = {backup.path for backup in report.found_backups}
    for path in _files_in(layout.backups_dir):
        if path not in known_backups:
            report.problems.append(_stray(path, layout))

    loose = _loose_modes(layout)
    if loose:
        report.problems.append(
            "Other people on this computer may be able to read these (reflect keeps its folders at "
            f"0700 and its files at 0600): {', '.join(loose)}. `chmod -R go-rwx {layout.root}` "
            "makes them private again."
        )
    report.backups = [
        backup.path
        for original in needs_restoring
        for backup in report.found_backups
        if backup.original == original and backup.sound
    ]
    return report


_DOWNGRADED = (
    "it lists a journal as having no passphrase, but that journal is sealed: the list was "
    "changed outside reflect. reflect opens nothing until it is put back."
)


def _check_sealed(path: Path, name: str, seen: SeenRecords | None) -> list[str]:
    """Without a key: intact, holding the space it is named for, and not older than
    the last copy seen (claims only: unlocking checks them with the key).

    A space in the current format that reflect has no note of is named too,
    or (when ``seen.json`` itself is missing or unreadable) kept in
    ``seen.doubted`` for :func:`_check_seen` to name with the rest.
    """
    try:
        blob = path.read_bytes()
        identity, counter = sealed_identity(blob), sealed_counter(blob)
        # Saves since the snapshot are records in its change log.
        logged, log_problems = count_records(path)
        if log_problems:
            return log_problems
        counter += logged
    except StoreError as error:
        return [error.user_message]
    except OSError as error:
        return [f"The file could not be opened ({error.strerror})."]
    if identity is not None and identity.name != name:
        return [SWAPPED_MESSAGE]
    if seen is None:
        return []
    record = seen.get(name)
    if record is not None and record.counter > counter:
        return [_OLDER_COPY.format(seen=record.counter, found=counter)]
    if record is None and identity is not None:
        # Format 2, which reflect notes from its first save on (format 1 is older than seen.json).
        if seen.state is not SeenState.SOUND:
            seen.doubted.add(name)
        else:
            how = wording.SEEN_NOTE_CHANGED if name in seen.malformed else wording.SEEN_LINE_MISSING
            return [wording.CHECK_SEEN_LINE.format(how=how)]
    return []


def _check_seen(layout: DataLayout, seen: SeenRecords, report: CheckReport, needs_restoring: list[Path]) -> None:
    """seen.json itself: missing though sealed spaces were saved, unreadable, or changed copies kept aside."""
    name = layout.seen_file.name
    doubted = sorted(seen.doubted)
    spaces = ", ".join(f"{space}.sealed" for space in doubted)
    if seen.state is SeenState.UNREADABLE:
        report.problems.append(
            f"{name}: " + wording.CHECK_SEEN_UNREADABLE.format(reason=seen.reason)
            + (" " + wording.CHECK_SEEN_SPACES.format(spaces=spaces) if doubted else "")
        )
    elif seen.state is SeenState.MISSING and doubted:
        report.problems.append(f"{name}: " + wording.CHECK_SEEN_MISSING.format(spaces=spaces))
    needs_restoring.extend(layout.space_file(space, sealed=True) for space in doubted)
    for kept in changed_copies(layout.seen_file):
        report.problems.append(f"{kept.name}: " + wording.CHECK_SEEN_KEPT)


_OLDER_COPY = (
    "This space seems to have been put back to an older copy (reflect last saw it after "
    "save {seen}; this file is from save {found}). Unlocking checks that note with the space's key: "
    "if it holds, reflect will not open or write over this copy; if not, it says the note was changed. To keep an older copy on purpose, remove this "
    "space's entry from seen.json while reflect is closed."
)


def _expected_files(layout: DataLayout, report: CheckReport, needs_restoring: list[Path]) -> set[Path]:
    """The space files the household says should exist (reported when missing)."""
    if not layout.household_file.exists():
        legacy = layout.space_file(LEGACY_SPACE)
        others = [
            p
            for p in _files_in(layout.spaces_dir)
            if p != legacy and not p.name.startswith(".") and p != log_path(legacy)
        ]
        if others:
            report.problems.append(
                f"{layout.household_file.name} is missing, but spaces/ holds "
                f"{len(others)} space file{'s' if len(others) != 1 else ''} made for people who set up "
                "reflect. Without it reflect cannot tell whose they are, and would start a new setup. "
                "Put back its backup (listed below) while reflect is closed."
            )
            needs_restoring.append(layout.household_file)
        # Those spaces are checked all the same; they are explained, not strays.
        return {legacy, *others}
    report.checked.append(layout.household_file)
    try:
        household = load_household(layout.household_file)
    except StoreError as error:
        report.problems.append(f"{layout.household_file.name}: {error.user_message}")
        needs_restoring.append(layout.household_file)
        # Whose spaces these are cannot be known: none of them is a stray.
        return {p for p in _files_in(layout.spaces_dir) if not p.name.startswith(".")}
    report.couple = household.is_couple
    expected: set[Path] = set()
    spaces = {p.space for p in household.profiles} | {household.shared_space} - {None}
    for space in sorted(spaces):
        sealed = household.is_sealed(space)
        path = layout.space_file(space, sealed=sealed)
        expected.add(path)
        if not path.exists():
            report.problems.append(f"{path.name}: this space's file is missing.")
            needs_restoring.append(path)
        if not sealed and layout.space_file(space, sealed=True).exists():
            report.problems.append(f"{layout.household_file.name}: {_DOWNGRADED}")
            expected.add(layout.space_file(space, sealed=True))
    return expected


def _verify(
    path: Path, layout: DataLayout, *, original: Path | None = None, seen: SeenRecords | None = None
) -> list[str]:
    """Problems with what one file holds, read as the kind of file it is (or is a copy of).

    Its mode is not looked at here: :func:`_loose_modes` does that for every file.
    A backup is not compared with the last save seen: it is older on purpose.
    """
    kind = original or path
    try:
        info = os.lstat(path)
    except OSError as error:
        return [f"The file could not be opened ({error.strerror or type(error).__name__})."]
    if stat.S_ISLNK(info.st_mode):
        return ["It is a link to somewhere else, not a file reflect wrote; reflect did not follow it."]
    if not stat.S_ISREG(info.st_mode):
        return ["It is not a plain file (reflect only writes plain files); it was not read."]
    if kind.suffix == ".json" and kind != layout.household_file:
        return SpaceStore.verify(path, check_mode=False)
    if kind == layout.household_file:
        try:
            load_household(path)
        except StoreError as error:
            return [error.user_message]
        except OSError as error:
            return [f"The file could not be opened ({error.strerror or type(error).__name__})."]
        return []
    return _check_sealed(path, kind.stem, None if original is not None else seen)


def _files_in(folder: Path) -> list[Path]:
    """Every entry in ``folder`` that is not a folder, sorted; nothing when it is missing."""
    try:
        return sorted(p for p in folder.iterdir() if not p.is_dir() or p.is_symlink())
    except OSError:
        return []


def _kept_before_upgrade(path: Path, expected: set[Path]) -> Path | None:
    """The space file that ``path`` is a copy of, kept beside it before a format
    upgrade (``<space file>.pre-v<N>[-fmt2].bak``); ``None`` for any other file."""
    for original in expected:
        if path.parent == original.parent and path.name.startswith(f"{original.name}.pre-v") and path.name.endswith(".bak"):
            return original
    return None


def _found_in_place(path: Path, expected: set[Path]) -> str | None:
    """The sentence for a file reflect kept aside because it found it in place of a
    space's file or change log while it had the space open (``SpaceStore.rescue_if_replaced``)."""
    for original in expected:
        for kind in (original, original.with_name(original.name + ".log")):
            if path.parent == kind.parent and path.name.startswith(f"{kind.name}.found-"):
                return (
                    f"{path.parent.name}/{path.name}: reflect found this in place of {kind.name} while it "
                    "had that space open, kept it aside, and wrote the space again from what it had open, "
                    "so no save was lost. reflect does not read it. If you did not put it there, someone "
                    "or something with access to this computer did; it can be deleted once you no longer need it."
                )
    return None


def _stray(path: Path, layout: DataLayout) -> str:
    where = f"{path.parent.name}/{path.name}"
    if path.name.startswith("."):
        return (
            f"{where}: a temporary file left by a save that was interrupted. reflect does not use it; "
            "it can be deleted while reflect is closed."
        )
    if path.parent == layout.backups_dir:
        return (
            f"{where}: a file that is not a backup of any space listed in {layout.household_file.name}. "
            "reflect does not use it. If you did not put it there, someone else may have."
        )
    return (
        f"{where}: a file that belongs to no space listed in {layout.household_file.name}. "
        "reflect does not open it. If you did not put it there, someone else may have."
    )


def _mode(path: Path) -> int | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return None
    return stat.S_IMODE(info.st_mode)


def _loose_modes(layout: DataLayout) -> list[str]:
    """Folders other than 0700 and files others could read (after a `cp -r`, say), with their modes."""
    loose = []
    folders = [layout.root, *(layout.root / name for name in PRIVATE_FOLDERS)]
    for folder in folders:
        mode = _mode(folder)
        if mode is not None and folder.is_dir() and mode != PRIVATE_DIR_MODE:
            name = "the data folder" if folder == layout.root else f"{folder.name}/"
            loose.append(f"{name} ({mode:04o})")
    files = _files_in(layout.root) + [f for name in PRIVATE_FOLDERS for f in _files_in(layout.root / name)]
    for path in files:
        mode = _mode(path)
        if mode is not None and mode & 0o077:
            where = path.name if path.parent == layout.root else f"{path.parent.name}/{path.name}"
            loose.append(f"{where} ({mode:04o})")
    return loose


def _taken(path: Path) -> datetime | None:
    """When a backup was taken: the time its copy was written."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except (OSError, ValueError, OverflowError):
        return None
