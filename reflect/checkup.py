"""`reflect check`: look at every data file without changing any of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reflect.paths import DataLayout
from reflect.storage.backups import backups_of
from reflect.storage.errors import StoreError
from reflect.storage.household import load_household
from reflect.storage.sealed import SWAPPED_MESSAGE, sealed_counter, sealed_identity
from reflect.storage.seen import load_seen
from reflect.storage.space_store import SpaceStore


@dataclass
class CheckReport:
    """What was checked, what is wrong (plain sentences), and what could be restored."""

    checked: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.problems


def check_data_folder(root: Path) -> CheckReport:
    """Verify the household file and every space file; never writes.

    Sealed spaces are checked without a passphrase: their checksum and
    structure must be intact, which is what damage would break.
    """
    layout = DataLayout(root)
    report = CheckReport()
    if layout.household_file.exists():
        report.checked.append(layout.household_file)
        try:
            household = load_household(layout.household_file)
        except StoreError as error:
            report.problems.append(f"{layout.household_file.name}: {error.user_message}")
            report.backups.extend(backups_of(layout.household_file, layout.backups_dir))
        else:
            expected = {p.space for p in household.profiles} | {household.shared_space} - {None}
            for space in sorted(expected):
                sealed = space == household.shared_space or any(
                    p.protected for p in household.profiles if p.space == space
                )
                path = layout.space_file(space, sealed=sealed)
                if not path.exists():
                    report.problems.append(f"{path.name}: this space's file is missing.")
                    report.backups.extend(backups_of(path, layout.backups_dir))
                if not sealed and layout.space_file(space, sealed=True).exists():
                    report.problems.append(f"{layout.household_file.name}: {_DOWNGRADED}")
    spaces = sorted(layout.spaces_dir.glob("*.json")) + sorted(layout.spaces_dir.glob("*.sealed"))
    seen = load_seen(layout.seen_file)
    for path in spaces:
        report.checked.append(path)
        if path.suffix == ".sealed":
            problems = _check_sealed(path, seen.get(path.stem))
        else:
            problems = SpaceStore.verify(path)
        report.problems.extend(f"{path.name}: {problem}" for problem in problems)
        if problems:
            report.backups.extend(backups_of(path, layout.backups_dir))
    return report


_DOWNGRADED = (
    "it lists a journal as having no passphrase, but that journal is sealed: the list was "
    "changed outside reflect. reflect opens nothing until it is put back."
)


def _check_sealed(path: Path, seen) -> list[str]:
    """Without a key: intact, holding the space it is named for, and not older than
    the last copy seen (claims only: unlocking checks them with the key)."""
    try:
        blob = path.read_bytes()
        identity, counter = sealed_identity(blob), sealed_counter(blob)
    except StoreError as error:
        return [error.user_message]
    except OSError as error:
        return [f"The file could not be opened ({error.strerror})."]
    if identity is not None and identity.name != path.stem:
        return [SWAPPED_MESSAGE]
    if seen is not None and seen.counter > counter:
        return [_OLDER_COPY.format(seen=seen.counter, found=counter)]
    return []


_OLDER_COPY = (
    "This space seems to have been put back to an older copy (reflect last saw it after "
    "save {seen}; this file is from save {found}). Unlocking it confirms this, and "
    "reflect will not write over it. To keep an older copy on purpose, remove this "
    "space's entry from seen.json while reflect is closed."
)
