"""`reflect import`: bring back a JSON export into a space, without duplicates.

Every entry and check-in keeps its id, so importing the same file twice adds
nothing the second time. Imported records move into the space they are
imported into. A file that is not a reflect export is refused as a whole,
with a plain sentence; single records that cannot be read are skipped and
counted, never quoted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson

from reflect.checkin_log import add_checkins
from reflect.domain.checkins import CheckIn
import re

from reflect.domain.entries import Entry, clean_text, normalise_tags
from reflect.exports import EXPORT_FORMAT, EXPORT_VERSION
from reflect.storage.records import checkin_from_record, entry_from_record
from reflect.storage.space_store import SpaceStore

MAX_IMPORT_BYTES = 512 * 1024 * 1024
_IMPORTABLE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ImportRefused(Exception):
    """The file cannot be imported; ``user_message`` says why, plainly."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


@dataclass
class ExportContents:
    """What a readable export holds, and how many of its records could not be read."""

    entries: list[Entry] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    unreadable: int = 0


@dataclass(frozen=True)
class ImportResult:
    entries_added: int
    checkins_added: int
    entries_already_here: int
    checkins_already_here: int
    unreadable: int


def read_export(path: Path) -> ExportContents:
    """Read and check a JSON export made by ``reflect export --format json``."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise ImportRefused(f"{path.name} is larger than any reflect export could be.")
        raw = path.read_bytes()
    except IsADirectoryError:
        raise ImportRefused(f"{path} is a folder; give the export file itself.") from None
    except FileNotFoundError:
        raise ImportRefused(f"There is no file at {path}.") from None
    except OSError as error:
        raise ImportRefused(f"{path.name} could not be read ({error.strerror}).") from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ImportRefused(
            f"{path.name} is not a reflect export: it is not JSON. "
            "Exports made with `reflect export --format json` can be imported."
        ) from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ImportRefused(
            f"{path.name} is not a reflect export. "
            "Exports made with `reflect export --format json` can be imported."
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportRefused(f"{path.name} does not say which export format it uses.")
    if version > EXPORT_VERSION:
        raise ImportRefused(f"{path.name} was made by a newer reflect. Update reflect, then import it.")
    contents = ExportContents()
    for key, parse, into in (
        ("entries", entry_from_record, contents.entries),
        ("checkins", checkin_from_record, contents.checkins),
    ):
        records = data.get(key, [])
        if not isinstance(records, list):
            raise ImportRefused(f"{path.name} is damaged: its {key} are not a list.")
        for record in records:
            try:
                into.append(parse(record))
            except (ValueError, TypeError, KeyError, OverflowError):
                contents.unreadable += 1
    return contents


def import_into(store: SpaceStore, contents: ExportContents) -> ImportResult:
    """Add what the space does not have yet, in one save for each kind."""
    # The same rules as writing: tags normalised, no empty reflections, ids
    # of the shape reflect makes.
    entries = [
        replace(e, space=store.space, text=clean_text(e.text), tags=normalise_tags(e.tags))
        for e in contents.entries
        if e.text.strip() and _IMPORTABLE_ID.match(e.id)
    ]
    checkins = [replace(c, space=store.space) for c in contents.checkins if _IMPORTABLE_ID.match(c.id)]
    refused = len(contents.entries) - len(entries) + len(contents.checkins) - len(checkins)
    entries_added = store.add_many(entries)
    checkins_added = add_checkins(store, checkins)
    return ImportResult(
        entries_added=entries_added,
        checkins_added=checkins_added,
        entries_already_here=len({e.id for e in entries}) - entries_added,
        checkins_already_here=len({c.id for c in checkins}) - checkins_added,
        unreadable=contents.unreadable + refused,
    )
