"""`reflect import`: bring back a JSON export into a space, without duplicates.

Three kinds of file can be imported: a reflect JSON export, a jrnl JSON
export (``jrnl --export json``) and a Day One JSON export (its zip, or the
``Journal.json`` inside it); :func:`read_import` tells them apart. The command
line and the app both use :func:`read_import` then :func:`import_into`, so
the rules are the same everywhere.

Every entry and check-in keeps its id (entries from jrnl and Day One get one
that stays the same from import to import), so importing the same file twice
adds nothing the second time. Imported records move into the space they are
imported into. A file that cannot be imported is refused as a whole, with a
plain sentence; single records that cannot be read are skipped and counted,
never quoted, and so are records that appear more than once in the file.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from reflect.domain.checkins import CheckIn
from reflect.domain.entries import Entry, clean_text, normalise_tags
from reflect.domain.ladder import Ladder
from reflect.domain.sentences import Sentence
from reflect.storage.exercise_records import ladder_from_record, sentence_from_record
from reflect.storage.records import checkin_from_record, entry_from_record
from reflect.usecases import other_journals
from reflect.usecases import wording as messages
from reflect.usecases.checkins import add_checkins
from reflect.usecases.sentences import add_sentences
from reflect.usecases.exports import EXPORT_FORMAT, EXPORT_VERSION

if TYPE_CHECKING:
    from reflect.usecases.journal import Journal

MAX_IMPORT_BYTES = 512 * 1024 * 1024
_IMPORTABLE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
WHAT_CAN_BE_IMPORTED = (
    "reflect can import its own JSON export (`reflect export --format json`), "
    "a jrnl JSON export (`jrnl --export json`), or a Day One JSON export "
    "(the zip, or the Journal.json inside it)."
)


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
    source: str = "reflect"
    """Where the file came from: "reflect", "jrnl" or "Day One"."""
    sentences: list[Sentence] = field(default_factory=list)
    ladder: Ladder | None = None


@dataclass(frozen=True)
class ImportResult:
    entries_added: int
    checkins_added: int
    entries_already_here: int
    checkins_already_here: int
    unreadable: int
    repeated_in_file: int = 0
    """Records whose id came more than once in the file: each was taken once."""
    sentences_added: int = 0
    ladder_notes_added: int = 0


def read_import(path: Path, *, tz: tzinfo | None = None) -> ExportContents:
    """Read any file reflect can import: its own export, jrnl's or Day One's.

    ``tz`` is the zone for jrnl's dates, which have none (the computer's own
    zone when None). Raises :class:`ImportRefused` with a sentence naming
    what was expected when the file is none of these.
    """
    path = Path(path)
    _check_regular_file(path)
    try:
        if _starts_like_a_zip(path):
            return _day_one_zip(path, tz)
    except other_journals.NotImportable as problem:
        raise ImportRefused(str(problem)) from None
    raw = _read_bytes(path)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ImportRefused(
            f"{path.name} is not JSON, so it is not an export reflect can import. {WHAT_CAN_BE_IMPORTED}"
        ) from None
    if isinstance(data, dict) and "format" in data:
        return _reflect_contents(path, data)
    if other_journals.looks_like_jrnl(data):
        entries, unreadable = other_journals.jrnl_entries(data, tz)
        return ExportContents(entries=entries, unreadable=unreadable, source=other_journals.JRNL)
    if other_journals.looks_like_day_one(data):
        entries, unreadable = other_journals.day_one_entries(data, tz)
        return ExportContents(entries=entries, unreadable=unreadable, source=other_journals.DAY_ONE)
    raise ImportRefused(f"{path.name} is not a reflect export, nor one from jrnl or Day One. {WHAT_CAN_BE_IMPORTED}")


def read_export(path: Path) -> ExportContents:
    """Read and check a JSON export made by ``reflect export --format json`` (only that)."""
    path = Path(path)
    raw = _read_bytes(path)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ImportRefused(
            f"{path.name} is not a reflect export: it is not JSON. "
            "Exports made with `reflect export --format json` can be imported."
        ) from None
    return _reflect_contents(path, data)


def _check_regular_file(path: Path) -> None:
    """Refuse, plainly, anything that is not an ordinary file (a folder, a device, a pipe)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ImportRefused(f"There is no file at {path}.") from None
    except OSError as error:
        raise ImportRefused(f"{path.name} could not be read ({error.strerror}).") from None
    if stat.S_ISDIR(mode):
        raise ImportRefused(f"{path} is a folder; give the export file itself.")
    if not stat.S_ISREG(mode):
        raise ImportRefused(f"{path} is not an ordinary file; give the export file itself.")


def _read_bytes(path: Path) -> bytes:
    _check_regular_file(path)
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise ImportRefused(f"{path.name} is larger than any file reflect can import.")
        with open(path, "rb") as handle:
            raw = handle.read(MAX_IMPORT_BYTES + 1)
    except IsADirectoryError:
        raise ImportRefused(f"{path} is a folder; give the export file itself.") from None
    except FileNotFoundError:
        raise ImportRefused(f"There is no file at {path}.") from None
    except OSError as error:
        raise ImportRefused(f"{path.name} could not be read ({error.strerror}).") from None
    if len(raw) > MAX_IMPORT_BYTES:  # it grew while being read
        raise ImportRefused(f"{path.name} is larger than any file reflect can import.")
    return raw


def _starts_like_a_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(other_journals.ZIP_MAGIC)) == other_journals.ZIP_MAGIC
    except OSError:
        return False  # reading it again says plainly what is wrong


def _day_one_zip(path: Path, tz: tzinfo | None) -> ExportContents:
    contents = ExportContents(source=other_journals.DAY_ONE)
    for raw in other_journals.day_one_journals_in_zip(path, MAX_IMPORT_BYTES):
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise ImportRefused(f"A journal inside {path.name} is not complete JSON; export it from Day One again.") from None
        if not other_journals.looks_like_day_one(data):
            raise ImportRefused(f"{path.name} is a zip file, but not a Day One JSON export. {WHAT_CAN_BE_IMPORTED}")
        entries, unreadable = other_journals.day_one_entries(data, tz)
        contents.entries.extend(entries)
        contents.unreadable += unreadable
    return contents


def _reflect_contents(path: Path, data: object) -> ExportContents:
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
        ("sentences", sentence_from_record, contents.sentences),
    ):
        records = data.get(key, [])
        if not isinstance(records, list):
            raise ImportRefused(f"{path.name} is damaged: its {key} are not a list.")
        for record in records:
            try:
                into.append(parse(record))
            except (ValueError, TypeError, KeyError, OverflowError):
                contents.unreadable += 1
    if data.get("ladder") is not None:
        try:
            contents.ladder = ladder_from_record(data["ladder"])
        except (ValueError, TypeError, KeyError, OverflowError):
            contents.unreadable += 1
    return contents


def import_into(store: Journal, contents: ExportContents, *, author: str = "") -> ImportResult:
    """Add what the space does not have yet, in one save for each kind.

    ``author`` (a profile id) is recorded on every imported entry and
    check-in, and only in the shared space: whoever imports them brought them. An author named
    in the file is never kept (anyone can type a partner's id into a file).
    In a private space no entry carries an author.
    """
    # The same rules as writing: tags normalised, no empty reflections, ids
    # of the shape reflect makes.
    entries = [
        replace(
            e,
            space=store.space,
            text=clean_text(e.text),
            tags=normalise_tags(e.tags),
            author=author,
        )
        for e in contents.entries
        if e.text.strip() and _IMPORTABLE_ID.match(e.id)
    ]
    checkins = [
        replace(c, space=store.space, author=author) for c in contents.checkins if _IMPORTABLE_ID.match(c.id)
    ]
    refused = len(contents.entries) - len(entries) + len(contents.checkins) - len(checkins)
    entries, repeated_entries = _first_of_each_id(entries)
    checkins, repeated_checkins = _first_of_each_id(checkins)
    # A sentence moves into this space like an entry, and like an entry's
    # author, who spoke and who received it are never taken from the file:
    # in the shared space the importer is its speaker, and the receiving
    # words are kept without a name.
    sentences = [
        replace(s, space=store.space, speaker=author, listener="")
        for s in contents.sentences
        if _IMPORTABLE_ID.match(s.id)
    ]
    refused += len(contents.sentences) - len(sentences)
    sentences, repeated_sentences = _first_of_each_id(sentences)
    entries_added = store.add_many(entries)
    checkins_added = add_checkins(store, checkins)
    sentences_added = add_sentences(store, sentences)
    notes_added = _merge_ladder(store, contents.ladder)
    return ImportResult(
        entries_added=entries_added,
        checkins_added=checkins_added,
        entries_already_here=len(entries) - entries_added,
        checkins_already_here=len(checkins) - checkins_added,
        unreadable=contents.unreadable + refused,
        repeated_in_file=repeated_entries + repeated_checkins + repeated_sentences,
        sentences_added=sentences_added,
        ladder_notes_added=notes_added,
    )


def _merge_ladder(store: Journal, ladder: Ladder | None) -> int:
    """Bring in an exported ladder's notes; an import never moves the pace of a ladder already here."""
    if ladder is None:
        return 0
    from reflect.usecases.ladder import LadderUnreadable, merge_ladder

    try:
        return merge_ladder(store, ladder)
    except LadderUnreadable:
        return 0  # the ladder here is damaged: it is left exactly as it is


def _first_of_each_id(records: list) -> tuple[list, int]:
    """The first record of each id, in order, and how many later copies were set aside."""
    seen: set[str] = set()
    first = []
    for record in records:
        if record.id not in seen:
            seen.add(record.id)
            first.append(record)
    return first, len(records) - len(first)


def import_report(result: ImportResult) -> list[str]:
    """What an import did, in the words the command line and the app both use."""
    already = result.entries_already_here + result.checkins_already_here
    lines = [
        messages.IMPORTED.format(
            entries=result.entries_added,
            reflections="reflection" if result.entries_added == 1 else "reflections",
            checkins=result.checkins_added,
            check_ins="check-in" if result.checkins_added == 1 else "check-ins",
            already=already,
            were="was" if already == 1 else "were",
        )
    ]
    if result.sentences_added or result.ladder_notes_added:
        lines.append(
            messages.IMPORTED_EXERCISES.format(
                sentences=result.sentences_added,
                sentence_word="sentence" if result.sentences_added == 1 else "sentences",
                notes=result.ladder_notes_added,
                note_word="note" if result.ladder_notes_added == 1 else "notes",
            )
        )
    return lines


def import_warnings(result: ImportResult) -> list[str]:
    """What was left out of an import, counted and never quoted."""
    lines = []
    if result.unreadable:
        one = result.unreadable == 1
        lines.append(
            messages.IMPORT_UNREADABLE.format(
                count=result.unreadable, records="record" if one else "records", were="was" if one else "were"
            )
        )
    if result.repeated_in_file:
        one = result.repeated_in_file == 1
        lines.append(
            messages.IMPORT_REPEATED.format(
                count=result.repeated_in_file,
                records="record" if one else "records",
                appear="appears" if one else "appear",
                each="it was" if one else "each was",
            )
        )
    return lines
