"""The on-disk shape of a space, described once.

A space file is a TinyDB document: a JSON object of tables, each table an
object of documents keyed by a string id::

    {
      "_meta":   {"space": {"schema": 1, "space": "<space id>", "created": "<iso>"}},
      "entries": {"<entry id>": <entry record>, ...},
      "drafts":  {"<draft key>": {"text": "...", "saved": "<iso>"}, ...},
      "<other>": {"1": {...}, "2": {...}}
    }

An entry record holds every field of :class:`~reflect.domain.entries.Entry`;
datetimes are ISO-8601 strings with a time zone and tags are a list. The
``author`` field (a profile id) is written only when it is set, which is for
entries of the shared space; a record without it has no known author. Other
features may keep tables of their own beside these, with numbered records;
check-ins live in ``"checkins"``, one record per
:class:`~reflect.domain.checkins.CheckIn`::

      "checkins": {"1": {"id": "...", "space": "...", "when": "<iso>",
                         "connection": 2, "distance": 1, "note": "...",
                         "author": "<profile id>"}, ...}

A check-in's ``author`` is written only when set (check-ins of the shared space).

A space with a change log beside it also has a ``"_log"`` table (its log's
id, see :func:`log_base_record`), written first so that the id can be read
from the first bytes of the file (:func:`log_base_at_start`).

Format 2 splits the snapshot into a *head part* read first and an *older
part* (see :func:`snapshot_bytes`); the tables in memory are the same as in
format 1.

``SCHEMA_VERSION`` is the format this reflect writes. ``MIGRATIONS[n]`` turns
the raw tables of version ``n`` into version ``n + 1``; :func:`migrate` runs
them in order. Export and import use the same entry records.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reflect.domain.entries import Entry

if TYPE_CHECKING:  # imported where a check-in is read: `reflect write` and `list -n` never need it
    from reflect.domain.checkins import CheckIn

SCHEMA_VERSION = 2

Tables = dict[str, Any]
Migration = Callable[[Tables], Tables]

MIGRATIONS: dict[int, Migration] = {}

META_TABLE = "_meta"
META_KEY = "space"
ENTRIES_TABLE = "entries"
DRAFTS_TABLE = "drafts"
LOG_TABLE = "_log"
LOG_KEY = "base"
LAYOUT_TABLE = "_layout"
LAYOUT_KEY = "head"
OLDER_TABLE = "_older"
RESERVED_TABLES = frozenset({META_TABLE, ENTRIES_TABLE, DRAFTS_TABLE, LOG_TABLE, LAYOUT_TABLE, OLDER_TABLE})
CHECKINS_TABLE = "checkins"

_MAX_PROBLEMS = 20

_TEXT_FIELDS = ("prompt_id", "prompt_text", "section_id", "author", "session")


def entry_to_record(entry: Entry) -> dict[str, Any]:
    """The JSON-ready record for one entry. Naive datetimes are refused."""
    record = {
        "id": entry.id,
        "space": entry.space,
        "text": entry.text,
        "created": _datetime_to_text(entry.created, "created"),
        "updated": _datetime_to_text(entry.updated, "updated"),
        "prompt_id": entry.prompt_id,
        "prompt_text": entry.prompt_text,
        "section_id": entry.section_id,
        "tags": list(entry.tags),
        "starred": entry.starred,
    }
    if entry.author:
        record["author"] = entry.author
    if entry.session_id:
        record["session"] = entry.session_id
    return record


def entry_from_record(record: object) -> Entry:
    """Rebuild an entry from its record, or raise ``ValueError`` saying what is wrong.

    The message names fields, never their contents, so it can be shown safely.
    """
    entry = _entry_from_sound_record(record)
    return entry if entry is not None else _entry_from_record_checked(record)


def _entry_from_sound_record(record: object) -> Entry | None:
    """The entry of a record that passes every check, built in one go; ``None``
    for any other record (and for any doubt), which the checked path then reads
    field by field to say what is wrong.

    Opening a journal reads every record, so this is the path that costs: the
    same checks as :func:`_entry_from_record_checked`, only stricter (exact
    types, as JSON gives them) and without building a message per field.
    """
    fields = sound_entry_fields(record)
    return None if fields is None else Entry(*fields)


def sound_entry_fields(record: object) -> tuple[Any, ...] | None:
    """The fields of the entry a sound record holds, in the order of
    :class:`Entry`'s (``Entry(*fields)`` builds it), or ``None``: the checks of
    :func:`_entry_from_sound_record`, for a reader that builds entries only for
    some of the records it checks (``space_scan``)."""
    if type(record) is not dict:
        return None
    try:
        # Every field entry_to_record always writes; a record without one of
        # them (written by hand, or by an older reflect) takes the checked path.
        entry_id = record["id"]
        space = record["space"]
        text = record["text"]
        created = record["created"]
        updated = record["updated"]
        prompt_id = record["prompt_id"]
        prompt_text = record["prompt_text"]
        section_id = record["section_id"]
        tags = record["tags"]
        starred = record["starred"]
    except KeyError:
        return None
    author = record.get("author", "")
    session = record.get("session", "")
    if not (
        type(entry_id) is str
        and entry_id
        and type(space) is str
        and type(text) is str
        and type(created) is str
        and type(updated) is str
        and type(prompt_id) is str
        and type(prompt_text) is str
        and type(section_id) is str
        and type(author) is str
        and type(session) is str
        and (starred is False or starred is True)
        and type(tags) is list
    ):
        return None
    for tag in tags:
        if type(tag) is not str:
            return None
    try:
        made = _fromisoformat(created)
        # Most entries were never edited: one parse, one shared (immutable) datetime.
        changed = made if updated == created else _fromisoformat(updated)
    except ValueError:
        return None
    if made.tzinfo is None or changed.tzinfo is None:
        return None
    # Positional, in the order of Entry's fields (the tests compare every
    # entry built from these with the checked path's, which names each field).
    return entry_id, space, text, made, changed, prompt_id, prompt_text, section_id, tuple(tags), starred, author, session


_fromisoformat = datetime.fromisoformat


def _entry_from_record_checked(record: object) -> Entry:
    """:func:`entry_from_record` one field at a time: what raises, and says which field is wrong."""
    if not isinstance(record, Mapping):
        raise ValueError("An entry is not a record of fields.")
    entry_id = record.get("id")
    if not isinstance(entry_id, str) or not entry_id:
        raise ValueError("An entry has no id.")
    for name in ("space", "text"):
        if not isinstance(record.get(name), str):
            raise ValueError(f"Entry {entry_id[:12]}: '{name}' is missing or not text.")
    for name in _TEXT_FIELDS:
        if not isinstance(record.get(name, ""), str):
            raise ValueError(f"Entry {entry_id[:12]}: '{name}' is not text.")
    tags = record.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError(f"Entry {entry_id[:12]}: 'tags' is not a list of words.")
    starred = record.get("starred", False)
    if not isinstance(starred, bool):
        raise ValueError(f"Entry {entry_id[:12]}: 'starred' is not true or false.")
    return Entry(
        id=entry_id,
        space=record["space"],
        text=record["text"],
        created=_datetime_from_text(record.get("created"), "Entry", entry_id, "created"),
        updated=_datetime_from_text(record.get("updated"), "Entry", entry_id, "updated"),
        prompt_id=record.get("prompt_id", ""),
        prompt_text=record.get("prompt_text", ""),
        section_id=record.get("section_id", ""),
        tags=tuple(tags),
        starred=starred,
        author=record.get("author", ""),
        session_id=record.get("session", ""),
    )


def draft_to_record(text: str, saved: datetime) -> dict[str, Any]:
    """The record for an unfinished piece of writing."""
    return {"text": text, "saved": _datetime_to_text(saved, "saved")}


def draft_from_record(record: object) -> str:
    """The text of a draft record, or ``ValueError``."""
    if not isinstance(record, Mapping) or not isinstance(record.get("text"), str):
        raise ValueError("A draft has no text.")
    return record["text"]


def checkin_to_record(checkin: CheckIn) -> dict[str, Any]:
    """The JSON-ready record for one check-in. Naive datetimes are refused."""
    return {
        "id": checkin.id,
        "space": checkin.space,
        "when": _datetime_to_text(checkin.when, "when"),
        "connection": checkin.connection,
        "distance": checkin.distance,
        "note": checkin.note,
        **({"author": checkin.author} if checkin.author else {}),
    }


def checkin_from_record(record: object) -> CheckIn:
    """Rebuild a check-in from its record, or raise ``ValueError`` saying what is wrong.

    The counts and the note are checked by :class:`CheckIn` itself, so a
    hand-edited record is held to the same rules as a new check-in. The
    message names fields, never the note's words.
    """
    from reflect.domain.checkins import CheckIn

    if not isinstance(record, Mapping):
        raise ValueError("A check-in is not a record of fields.")
    checkin_id = record.get("id")
    if not isinstance(checkin_id, str) or not checkin_id:
        raise ValueError("A check-in has no id.")
    where = f"Check-in {checkin_id[:12]}"
    if not isinstance(record.get("space"), str):
        raise ValueError(f"{where} has no 'space' text.")
    if not isinstance(record.get("author", ""), str):
        raise ValueError(f"{where}: 'author' is not text.")
    try:
        return CheckIn(
            id=checkin_id,
            space=record["space"],
            when=_datetime_from_text(record.get("when"), "Check-in", checkin_id, "when"),
            connection=record.get("connection"),  # type: ignore[arg-type]
            distance=record.get("distance"),  # type: ignore[arg-type]
            note=record.get("note", ""),
            author=record.get("author", ""),
        )
    except ValueError as exc:
        if str(exc).startswith(where):
            raise
        raise ValueError(f"{where}: {exc}") from None


def new_space_tables(space: str, now: datetime) -> Tables:
    """The tables of a space nobody has written in yet."""
    return {
        META_TABLE: {
            META_KEY: {
                "schema": SCHEMA_VERSION,
                "space": space,
                "created": _datetime_to_text(now, "created"),
            }
        },
        ENTRIES_TABLE: {},
        DRAFTS_TABLE: {},
    }


def meta_of(tables: object) -> dict[str, Any]:
    """The space's own record (schema version and space id), or ``ValueError``."""
    if not isinstance(tables, dict):
        raise ValueError("The file is not a set of tables.")
    table = tables.get(META_TABLE)
    meta = table.get(META_KEY) if isinstance(table, dict) else None
    if not isinstance(meta, dict):
        raise ValueError("The file does not say which space it holds or which format it uses.")
    schema = meta.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise ValueError("The file's format number is missing or not valid.")
    if not isinstance(meta.get("space"), str) or not meta["space"]:
        raise ValueError("The file does not say which space it holds.")
    return meta


def migrate(tables: Tables, from_version: int) -> Tables:
    """Bring raw tables from ``from_version`` up to :data:`SCHEMA_VERSION`, step by step.

    Each step's result gets its new version number written into ``_meta``, so
    a migration only has to reshape the data. A step that fails on the data
    raises ``ValueError``.
    """
    for version in range(from_version, SCHEMA_VERSION):
        step = MIGRATIONS.get(version)
        if step is None:
            raise LookupError(f"no migration from format {version} to {version + 1}")
        try:
            tables = step(tables)
            tables[META_TABLE][META_KEY]["schema"] = version + 1
        except (LookupError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(
                f"The file could not be brought up to date from format {version}."
            ) from exc
    return tables


def parse_space(tables: object) -> tuple[dict[str, Entry], list[str]]:
    """Read every entry of current-format tables and list what is wrong, plainly.

    Returns the entries by id and the problems; the entries can be trusted
    only when the problem list is empty. At most a screenful of problems is
    listed. Nothing in a problem quotes what someone wrote.
    """
    try:
        space = meta_of(tables)["space"]
    except ValueError as exc:
        return {}, [str(exc)]
    assert isinstance(tables, dict)
    problems: list[str] = []
    for name, table in tables.items():
        if not isinstance(table, dict) or not _all_records(table):
            problems.append(f"The table '{name[:40]}' is not a set of records.")
    if problems:
        return {}, problems
    entries: dict[str, Entry] = {}
    with gc_paused():
        for key, record in tables.get(ENTRIES_TABLE, {}).items():
            entry = _entry_from_sound_record(record)
            if entry is None:
                try:
                    entry = _entry_from_record_checked(record)
                except ValueError as exc:
                    problems.append(str(exc))
                    continue
            if entry.id != key:
                problems.append(f"Entry {key[:12]} is filed under a different id.")
            elif entry.space != space:
                problems.append(f"Entry {key[:12]} belongs to another space.")
            entries[key] = entry
    for record in tables.get(DRAFTS_TABLE, {}).values():
        try:
            draft_from_record(record)
        except ValueError as exc:
            problems.append(str(exc))
    if len(problems) > _MAX_PROBLEMS:
        more = len(problems) - _MAX_PROBLEMS
        problems = problems[:_MAX_PROBLEMS] + [f"... and {more} more problems like these."]
    return entries, problems


def _all_records(table: dict[str, Any]) -> bool:
    """Whether every value of ``table`` is a record (a JSON object)."""
    kinds = set(map(type, table.values()))  # one pass in C, for the large tables
    return kinds <= {dict} or all(isinstance(d, dict) for d in table.values())


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a whole space is built in memory, and
    none over it afterwards.

    Reading 100,000 entries makes about a million objects the collector tracks,
    none of them in a cycle. Left to itself it walks the ones made so far again
    and again while they are made (a third of the time spent parsing), and then
    again in every full collection for as long as the space is open (a pause of
    a few hundred milliseconds each, at moments nobody chose). So collection is
    off while they are made, and on success everything alive is moved out of
    its sight (``gc.freeze``); reference counting still frees all of it as
    usual. Objects that were alive then and later end in a cycle wait for
    :func:`gc_unfrozen` (called when a space is closed). Collection comes back
    on afterwards, unless it was off already.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_on:
            gc.enable()


def gc_unfrozen() -> None:
    """Let the collector see again what :func:`gc_paused` moved out of its sight."""
    gc.unfreeze()


def _datetime_to_text(value: datetime, name: str) -> str:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"'{name}' must be a datetime with a time zone.")
    return value.isoformat()


def _datetime_from_text(value: object, kind: str, record_id: str, name: str) -> datetime:
    """A timezone-aware datetime, or ``ValueError`` naming the record (built only on failure)."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.utcoffset() is not None:
            return parsed
    raise ValueError(f"{kind} {record_id[:12]}: '{name}' is not a date and time with a time zone.")


def log_base_of(tables: Tables) -> tuple[bytes | None, bytes | None, int]:
    """The snapshot's change-log ids: its own, the one it folded in, and how many
    records that one held. ``(None, None, 0)`` for a space saved before change logs.
    Raises ``ValueError`` when the table is malformed."""
    table = tables.get(LOG_TABLE)
    if table is None:
        return None, None, 0
    record = table.get(LOG_KEY) if isinstance(table, dict) else None
    try:
        assert isinstance(record, dict)
        base = bytes.fromhex(record["id"])
        folded = bytes.fromhex(record["folded"]) if record["folded"] else None
        count = record["count"]
        assert len(base) == 16 and (folded is None or len(folded) == 16)
        assert type(count) is int and count >= 0
    except (AssertionError, KeyError, TypeError, ValueError):
        raise ValueError("The space's change-log record is malformed.") from None
    return base, folded, count


def log_base_record(base: bytes, folded: bytes | None, count: int) -> dict[str, Any]:
    """The ``_log`` table of a snapshot with id ``base`` made by folding ``count`` records of ``folded``."""
    return {LOG_KEY: {"id": base.hex(), "folded": folded.hex() if folded else "", "count": count}}


LOG_BASE_BYTES = 16
_LOG_AT_START = b'{"' + LOG_TABLE.encode() + b'":{"' + LOG_KEY.encode() + b'":{"id":"'


def with_log_first(tables: Tables, log_table: dict[str, Any]) -> Tables:
    """``tables`` with ``log_table`` as its ``_log`` table, placed first, so that the
    saved snapshot starts with its change-log id (:func:`log_base_at_start`)."""
    return {LOG_TABLE: log_table, **{name: t for name, t in tables.items() if name != LOG_TABLE}}


def log_base_at_start(plain: bytes) -> bytes | None:
    """The change-log id a snapshot's JSON starts with, read without parsing the rest.

    ``None`` when it does not start that way (a snapshot saved before this
    layout). A claim only: opening the whole snapshot checks that its ``_log``
    table says the same.
    """
    start = len(_LOG_AT_START)
    end = start + 2 * LOG_BASE_BYTES
    if not bytes(plain[:start]) == _LOG_AT_START or bytes(plain[end : end + 1]) != b'"':
        return None
    text = bytes(plain[start:end])
    try:
        base = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    return base if base.hex().encode() == text else None


# The snapshot's layout (format 2): a head part read first, the older entries last.
#
# The plain body is one JSON object whose keys come in this order::
#
#     {"_log": {...},                       # the change-log id, first (if any)
#      "_layout": {"head": {"end": E, "cutoff": "<iso>", "older": M}},
#      "_meta": ..., "drafts": ..., <other tables>,
#      "entries": {<the newest entries>},   # every entry created at or after the cutoff
#      "_older": {<every other entry>}}     # M entries, each created before the cutoff
#
# The older part is written one record per line (:func:`older_part_bytes`):
# JSON whitespace, read by any JSON reader as before; a body written before
# that has it on one line, and is read the same way (the next compaction
# writes it one record per line).
#
# ``body[:E]`` ends just before ``,"_older":``, so ``body[:E] + b"}"`` is a
# complete JSON document: the *head*. The head holds at least
# :data:`HEAD_MIN_ENTRIES` entries (all of them when there are fewer; ties at
# the cutoff included). Reading the whole body merges ``_older`` back into
# ``entries`` (:func:`merge_layout`): the tables in memory never hold
# ``_layout`` or ``_older``.

HEAD_MIN_ENTRIES = 300
_OLDER_MARK = b',"' + OLDER_TABLE.encode() + b'":'
_LAYOUT_RE = None  # compiled on first use (see :func:`head_end_at_start`)
# How far into the body the layout record can be: the ``_log`` table and the record itself.
LAYOUT_SCAN_BYTES = 1024


def _format_one_to_two(tables: Tables) -> Tables:
    # Format 2 changes only how the snapshot is laid out on disk.
    return tables


MIGRATIONS[1] = _format_one_to_two


def _layout_record(end: int, cutoff: str, older: int, ids: str) -> bytes:
    return b'"%s":{"%s":{"end":%d,"cutoff":"%s","older":%d,"ids":"%s"}},' % (
        LAYOUT_TABLE.encode(), LAYOUT_KEY.encode(), end, cutoff.encode("ascii"), older, ids.encode("ascii")
    )


def _fingerprint(entry_id: str) -> int:
    import zlib

    return zlib.crc32(entry_id.encode("utf-8", "surrogatepass"))


_LITTLE = __import__("sys").byteorder == "little"


def older_ids_filter(ids: Any) -> str:
    """The sorted 32-bit fingerprints of the older part's entry ids (base64): an id
    whose fingerprint is not among them is surely *not* in the older part, so a
    new entry can be added without reading it (a new random id has about one
    chance in 40,000 to look like one of 100,000 others; then the part is read)."""
    import base64
    from array import array

    prints = array("I", sorted({_fingerprint(entry_id) for entry_id in ids}))
    if prints.itemsize != 4:  # pragma: no cover - every platform reflect runs on
        raise RuntimeError("32-bit unsigned arrays are needed")
    if _LITTLE:
        prints.byteswap()
    return base64.b64encode(prints.tobytes()).decode("ascii")


def older_ids_match(ids: Any, filter_text: object) -> bool:
    """Whether ``older_ids_filter(ids) == filter_text``, found without sorting the
    fingerprints (at 100,000 ids the sort is most of the cost): ``filter_text``
    is the canonical base64 of strictly increasing fingerprints, and they are
    exactly those of ``ids``."""
    import base64
    import binascii
    import zlib
    from array import array
    from itertools import islice
    from operator import lt, methodcaller

    if type(filter_text) is not str:
        return False
    try:
        raw = base64.b64decode(filter_text, validate=True)
    except (binascii.Error, ValueError):
        return False
    prints = array("I")
    if len(raw) % prints.itemsize or base64.b64encode(raw).decode("ascii") != filter_text:
        return False
    prints.frombytes(raw)
    if _LITTLE:
        prints.byteswap()
    if not all(map(lt, prints, islice(prints, 1, None))):
        return False
    found = set(map(zlib.crc32, map(methodcaller("encode", "utf-8", "surrogatepass"), ids)))
    return len(found) == len(prints) and found.issuperset(prints)


def older_ids(filter_text: str) -> Any:
    """The fingerprints in a filter made by :func:`older_ids_filter` (sorted), or
    ``None`` when it is unusable (then nothing is sure)."""
    import base64
    import binascii
    from array import array

    try:
        raw = base64.b64decode(filter_text, validate=True)
    except (binascii.Error, ValueError):
        return None
    prints = array("I")
    if not raw or len(raw) % prints.itemsize:
        return None
    prints.frombytes(raw)
    if _LITTLE:
        prints.byteswap()
    return prints


def older_might_hold(prints: Any, entry_id: str) -> bool:
    """False only when the older part surely does not hold ``entry_id``
    (``prints`` from :func:`older_ids`; ``None`` is sure of nothing)."""
    import bisect

    if prints is None:
        return True
    value = _fingerprint(entry_id)
    at = bisect.bisect_left(prints, value)
    return at < len(prints) and prints[at] == value


def _split_entries(
    entries: dict[str, Any], keep: int
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The newest entries (every one created at or after the cutoff), the others, and the cutoff."""
    import heapq

    if len(entries) <= keep:
        return entries, {}, ""
    try:
        when = {key: datetime.fromisoformat(record["created"]) for key, record in entries.items()}
        if any(at.utcoffset() is None for at in when.values()):
            raise ValueError("naive")
    except (KeyError, TypeError, ValueError):
        return entries, {}, ""  # not a sound space: written whole, as the head
    cutoff_at = heapq.nlargest(keep, when.values())[-1]
    head = {key: entries[key] for key, at in when.items() if at >= cutoff_at}
    if len(head) == len(entries):
        return entries, {}, ""
    older = dict(entries)
    for key in head:
        del older[key]
    cutoff = next(entries[key]["created"] for key, at in when.items() if at == cutoff_at)
    if not cutoff.isascii() or '"' in cutoff or "\\" in cutoff:
        return entries, {}, ""
    return head, older, cutoff


def snapshot_bytes(tables: Tables, *, keep: int | None = None) -> bytes:
    """The plain body of a snapshot of ``tables`` in the current layout (see above).

    ``tables`` are tables as held in memory (every entry in ``entries``);
    ``keep``: the fewest entries the head part holds (default :data:`HEAD_MIN_ENTRIES`).
    """
    import orjson

    entries = tables.get(ENTRIES_TABLE) or {}
    head, older, cutoff = _split_entries(entries, HEAD_MIN_ENTRIES if keep is None else keep)
    log = tables.get(LOG_TABLE)
    start = b"{" + (b'"' + LOG_TABLE.encode() + b'":' + orjson.dumps(log) + b"," if log is not None else b"")
    rest = {
        name: table
        for name, table in tables.items()
        if name not in (LOG_TABLE, LAYOUT_TABLE, OLDER_TABLE, ENTRIES_TABLE)
    }
    rest[ENTRIES_TABLE] = head
    middle = orjson.dumps(rest)[1:-1]
    ids = older_ids_filter(older)
    end = len(start) + len(middle) + len(_layout_record(0, cutoff, len(older), ids))
    while True:  # the record holds its own end: find the number that fits itself
        record = _layout_record(end, cutoff, len(older), ids)
        if len(start) + len(record) + len(middle) == end:
            break
        end = len(start) + len(record) + len(middle)
    return b"".join((start, record, middle, _OLDER_MARK, older_part_bytes(older), b"}"))


def older_part_bytes(older: Mapping[str, Any]) -> bytes:
    """The older part's JSON object, one record per line::

        {
        "<id>":{<record>},
        "<id>":{<record>}
        }

    (``{}`` when there is none). The newlines are JSON whitespace, so any JSON
    reader (an older reflect's too) reads it as one object. orjson writes a
    newline inside a string as ``\\n``, never raw, so every newline here ends
    a record: :mod:`reflect.storage.space_scan` reads one line alone, and
    :func:`older_part_of` parses the part in blocks of lines. Each record is
    dumped alone (dumping the whole and cutting it afterwards is not safe:
    braces and commas can be inside strings).
    """
    import orjson

    if not older:
        return b"{}"
    dumps = orjson.dumps
    return b"{\n" + b",\n".join(map(b":".join, zip(map(dumps, older), map(dumps, older.values())))) + b"\n}"


def head_end_at_start(plain: bytes) -> int | None:
    """Where the head part ends, read from the first bytes of a body in the current
    layout without parsing the rest; ``None`` when it does not start that way.

    A claim only: reading the head checks the layout record it holds says the same.
    """
    global _LAYOUT_RE
    if _LAYOUT_RE is None:
        import re

        _LAYOUT_RE = re.compile(
            rb'\{(?:"_log":\{"base":\{"id":"[0-9a-f]{32}","folded":"(?:[0-9a-f]{32})?","count":(?:0|[1-9][0-9]{0,17})\}\},)?'
            rb'"_layout":\{"head":\{"end":([1-9][0-9]{0,17}),'
        )
    found = _LAYOUT_RE.match(bytes(plain[:LAYOUT_SCAN_BYTES]))
    return int(found.group(1)) if found is not None else None


def layout_of(tables: Tables) -> tuple[int, str, int] | None:
    """The layout record of raw tables: (head end, cutoff, how many older entries);
    ``None`` when there is none. Raises ``ValueError`` when it is malformed.
    (The older ids' filter: :func:`layout_ids_filter`.)"""
    table = tables.get(LAYOUT_TABLE)
    if table is None:
        return None
    record = table.get(LAYOUT_KEY) if isinstance(table, dict) else None
    malformed = ValueError("The space's layout record is malformed.")
    # Checked with plain tests, not asserts: ``python -O`` drops asserts.
    if not isinstance(record, dict) or set(record) != {"end", "cutoff", "older", "ids"}:
        raise malformed
    end, cutoff, older, ids = record["end"], record["cutoff"], record["older"], record["ids"]
    if type(end) is not int or end <= 0 or type(older) is not int or older < 0:
        raise malformed
    if not isinstance(ids, str) or (ids != "") != (older > 0):
        raise malformed
    if not isinstance(cutoff, str) or (cutoff != "") != (older > 0):
        raise malformed
    if cutoff:
        try:
            aware = datetime.fromisoformat(cutoff).utcoffset() is not None
        except ValueError:
            aware = False
        if not aware:
            raise malformed
    return end, cutoff, older


def layout_ids_filter(tables: Tables) -> str:
    """The filter of the older part's ids in a checked layout record (see :func:`older_ids_filter`)."""
    return tables[LAYOUT_TABLE][LAYOUT_KEY]["ids"]


def check_head(head: bytes, tables: Tables) -> tuple[int, str, int]:
    """Check that ``tables`` (parsed from ``head + b"}"``) are a head part as
    :func:`snapshot_bytes` writes it; its layout, or ``ValueError``."""
    layout = layout_of(tables)
    keys = list(tables)
    if layout is None or layout[0] != len(head) or not keys or keys[-1] != ENTRIES_TABLE:
        raise ValueError("The start of the space's file does not match its layout record.")
    if OLDER_TABLE in tables:
        raise ValueError("The start of the space's file does not match its layout record.")
    return layout


def merge_layout(tables: Tables, plain: bytes | None = None) -> tuple[Tables, tuple[int, str, int] | None]:
    """Raw tables of a whole body with the older part merged back into ``entries``.

    Returns the tables as held in memory (no ``_layout`` nor ``_older``) and
    the layout found (``None`` for a body written before this layout).
    ``plain`` (the body's bytes) lets the head's end be checked. Raises
    ``ValueError`` when the layout does not match the body: an id in both
    parts, a count that differs, a head that does not end where it says.
    """
    layout = layout_of(tables)
    if layout is None:
        if OLDER_TABLE in tables:
            raise ValueError("The space's file has older entries but no layout record.")
        return tables, None
    end, _cutoff, count = layout
    older = tables.get(OLDER_TABLE)
    keys = list(tables)
    problem = "The space's file does not match its layout record."
    if not isinstance(older, dict) or keys[-1] != OLDER_TABLE or len(keys) < 2 or keys[-2] != ENTRIES_TABLE:
        raise ValueError(problem)
    if plain is not None and bytes(plain[end : end + len(_OLDER_MARK)]) != _OLDER_MARK:
        raise ValueError(problem)
    entries = tables.get(ENTRIES_TABLE)
    if not isinstance(entries, dict) or len(older) != count or not older.keys().isdisjoint(entries):
        raise ValueError(problem)
    merged = {name: table for name, table in tables.items() if name not in (LAYOUT_TABLE, OLDER_TABLE)}
    if older:
        merged[ENTRIES_TABLE] = {**entries, **older}
    return merged, layout


def parse_body(plain: bytes) -> Tables:
    """The raw tables of a snapshot's plain body, parsed as a read of its head part
    alone parses them.

    A body in the current layout whose head part is where its layout record
    says is read as its two documents, the head part (``plain[:end] + b"}"``)
    and the older part after it, so a whole read and a head-first read see the
    same bytes the same way: nothing written past the head (a table repeated
    after ``_older``: JSON keeps the last of a repeated key) can change what
    one of them finds and not the other; such a body is damage. A body whose
    head part moved (a plain file edited by hand, where a head-first read does
    not go) and any older body are one JSON document, as before. Raises
    ``ValueError`` (``orjson.JSONDecodeError`` for JSON that does not parse).
    """
    import orjson

    end = head_end_at_start(plain)
    view = memoryview(plain)
    if end is None or bytes(view[end : end + len(_OLDER_MARK)]) != _OLDER_MARK:
        return orjson.loads(plain)
    try:
        tables = orjson.loads(bytes(view[:end]) + b"}")
    except orjson.JSONDecodeError:
        return orjson.loads(plain)
    if not isinstance(tables, dict) or OLDER_TABLE in tables:
        raise ValueError("The space's file does not match its layout record.")
    tables[OLDER_TABLE] = older_part_of(view[end:])
    return tables


def older_part_of(plain_rest: bytes) -> dict[str, Any]:
    """The older entries' records from the bytes after the head (``,"_older":{...}}``);
    ``ValueError`` when they are not that."""
    import orjson

    view = memoryview(plain_rest)
    if bytes(view[: len(_OLDER_MARK)]) != _OLDER_MARK or bytes(view[-1:]) != b"}":
        raise ValueError("The space's file does not match its layout record.")
    part = bytes(view[len(_OLDER_MARK) : -1])
    del view
    # No collection while the records are made (a collection started inside a
    # parse of one block walks every record made so far: ~100 ms at 100,000).
    with gc_paused():
        older = _loads_in_blocks(part, OLDER_BLOCK_BYTES)
        if older is not None:
            return older
        try:
            older = orjson.loads(part)
        except orjson.JSONDecodeError:
            raise ValueError("The file is not complete JSON; it may have been cut short.") from None
    if not isinstance(older, dict):
        raise ValueError("The space's file does not match its layout record.")
    return older


# About 1,300 records of a made-up journal: one ``orjson.loads`` of a block
# holds the interpreter a few milliseconds, where one of a whole older part of
# 100,000 entries held it about 250 ms (the app's screen stalled meanwhile).
OLDER_BLOCK_BYTES = 1 << 20


def _loads_in_blocks(part: bytes, block: int) -> dict[str, Any] | None:
    """The older part ``{\n...\n}`` parsed a block of lines at a time, or ``None``:
    then parse it whole (which also says what is wrong, in its usual words).

    The part is cut at a ``,\n`` after every ``block`` bytes: ``{\n X,\nY \n}``.
    When ``{X}`` and ``{Y}`` each parse to an object with at least one member,
    ``X,Y`` is a list of members and the whole parses to the same pairs in the
    same order (JSON's grammar); a key repeated in a later block is taken as
    ``dict.update`` takes it, as one parse of the whole takes it (the last
    value, at the first place). Any other block -- a cut inside a string or a
    record of a hand-edited file, an empty one -- gives ``None``. A one-line
    part (written before the part was written one record per line) is one block.
    """
    import orjson

    stop = len(part) - 2
    if stop <= block or part[:2] != b"{\n" or part[stop:] != b"\n}":
        return None
    older: dict[str, Any] = {}
    loads = orjson.loads
    at = 2
    while True:
        cut = part.find(b",\n", at + block, stop) if at + block < stop else -1
        try:
            found = loads(b"{" + part[at : stop if cut < 0 else cut] + b"}")
        except orjson.JSONDecodeError:
            return None
        if type(found) is not dict or not found:
            return None
        older.update(found)
        if cut < 0:
            return older
        at = cut + 2
