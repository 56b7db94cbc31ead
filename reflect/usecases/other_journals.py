"""Journals kept elsewhere: the JSON exports of jrnl and of Day One, read into entries.

jrnl (``jrnl --export json``) writes ``{"tags": {...}, "entries": [...]}``;
each entry has ``title``, ``body``, ``date`` (``YYYY-MM-DD``), ``time``
(``HH:MM``, local time without a zone), ``tags`` (with their ``@`` or ``#``)
and ``starred``, and an ``uuid`` when the journal was a Day One folder.
jrnl splits an entry into its first sentence or line (the title) and the rest
(the body); its own journal file puts the title on the first line and the
body below it, and that is how they are put back together here.

Day One writes a zip holding ``Journal.json`` (one JSON file per journal,
named after it) and folders of photos. Each JSON file is
``{"metadata": {...}, "entries": [...]}``; each entry has ``uuid``,
``creationDate`` (UTC, ``...Z``), ``modifiedDate``, ``timeZone`` (an IANA
name), ``text`` (Markdown, which is kept exactly), ``tags`` and ``starred``.

Every entry gets an id that stays the same from one import to the next: from
the source's own id when it has one, otherwise from the entry's date and
text. So importing the same file twice adds nothing. Nothing here writes
anything; :mod:`reflect.usecases.imports` decides what is added.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from collections.abc import Mapping
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from reflect.domain.entries import Entry, normalise_tags

JRNL = "jrnl"
DAY_ONE = "Day One"
# A Day One zip holds one JSON file per journal and one file per photo; far
# more members than this is not a Day One export.
MAX_ZIP_MEMBERS = 100_000
MAX_JOURNALS_IN_ZIP = 50
ZIP_MAGIC = b"PK\x03\x04"
_SOURCE_ID = re.compile(r"^[A-Za-z0-9-]{1,50}$")
_JRNL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_JRNL_TIME = re.compile(r"^\d{2}:\d{2}$")


class NotImportable(ValueError):
    """The file cannot be read as a journal from elsewhere; the message says why, plainly."""


def looks_like_jrnl(data: object) -> bool:
    """True for the shape of ``jrnl --export json``: tags counted, entries listed."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("entries"), list)
        and isinstance(data.get("tags"), dict)
        and "metadata" not in data
    )


def looks_like_day_one(data: object) -> bool:
    """True for the shape of a Day One ``Journal.json``: metadata and entries."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        return False
    if isinstance(data.get("metadata"), dict):
        return True
    first = data["entries"][0] if data["entries"] else None
    return isinstance(first, dict) and "creationDate" in first and "uuid" in first


def jrnl_entries(data: Mapping, tz: tzinfo | None = None) -> tuple[list[Entry], int]:
    """The entries of a jrnl JSON export, and how many could not be read.

    jrnl's dates have no time zone: they are read as local time in ``tz``
    (the computer's own zone when None).
    """
    entries: list[Entry] = []
    unreadable = 0
    for record in data.get("entries", []):
        try:
            entries.append(_jrnl_entry(record, tz))
        except (ValueError, TypeError, KeyError, OverflowError):
            unreadable += 1
    return entries, unreadable


def _jrnl_entry(record: object, tz: tzinfo | None) -> Entry:
    if not isinstance(record, Mapping):
        raise ValueError("not a record")
    title, body = record.get("title", ""), record.get("body", "")
    day, time = record.get("date"), record.get("time", "00:00")
    if not (isinstance(title, str) and isinstance(body, str) and isinstance(day, str) and isinstance(time, str)):
        raise ValueError("fields of the wrong kind")
    if not (_JRNL_DATE.match(day) and _JRNL_TIME.match(time)):
        raise ValueError("no date")
    naive = datetime.strptime(f"{day} {time}", "%Y-%m-%d %H:%M")
    created = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    text = f"{title}\n{body}" if body.strip() else title
    source_id = record.get("uuid")
    if isinstance(source_id, str) and _SOURCE_ID.match(source_id):
        entry_id = "jrnl-" + source_id.replace("-", "").lower()
    else:
        entry_id = "jrnl-" + _digest(f"{day} {time}\n{title}\n{body}")
    return Entry(
        id=entry_id,
        space="",
        text=text,
        created=created,
        updated=created,
        tags=_tags(record.get("tags", [])),
        starred=_starred(record.get("starred", False)),
    )


def day_one_entries(data: Mapping, tz: tzinfo | None = None) -> tuple[list[Entry], int]:
    """The entries of one Day One ``Journal.json``, and how many could not be read.

    An entry is dated in the time zone it was written in (its ``timeZone``),
    or in ``tz`` (the computer's own zone when None) if that is unknown.
    """
    entries: list[Entry] = []
    unreadable = 0
    for record in data.get("entries", []):
        try:
            entries.append(_day_one_entry(record, tz))
        except (ValueError, TypeError, KeyError, OverflowError):
            unreadable += 1
    return entries, unreadable


def _day_one_entry(record: object, tz: tzinfo | None) -> Entry:
    if not isinstance(record, Mapping):
        raise ValueError("not a record")
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("no text")  # a photo-only entry, say
    created = _utc_moment(record.get("creationDate"))
    zone = _zone(record.get("timeZone")) or tz
    created = created.astimezone(zone) if zone is not None else created.astimezone()
    try:
        updated = _utc_moment(record.get("modifiedDate")).astimezone(created.tzinfo)
    except ValueError:
        updated = created
    source_id = record.get("uuid")
    if isinstance(source_id, str) and _SOURCE_ID.match(source_id):
        entry_id = "dayone-" + source_id.replace("-", "").lower()
    else:
        entry_id = "dayone-" + _digest(f"{record.get('creationDate')}\n{text}")
    return Entry(
        id=entry_id,
        space="",
        text=text,
        created=created,
        updated=max(updated, created),
        tags=_tags(record.get("tags", [])),
        starred=_starred(record.get("starred", False)),
    )


def day_one_journals_in_zip(path: Path, limit: int) -> list[bytes]:
    """The JSON journals inside a Day One zip, each read whole but never past ``limit`` bytes.

    The zip's own listing is not trusted: each member is read with a cap, so
    a small zip that unpacks to gigabytes (a zip bomb) is refused early. The
    photos are never read.
    """
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise NotImportable(f"{name} holds too many files to be a Day One export.")
            journals = [
                m
                for m in members
                if not m.is_dir()
                and m.filename.lower().endswith(".json")
                and not m.filename.startswith("__MACOSX/")
                and not Path(m.filename).name.startswith(".")
            ]
            if not journals:
                raise NotImportable(
                    f"{name} is a zip file with no Day One journal inside. "
                    "A Day One JSON export holds a Journal.json."
                )
            if len(journals) > MAX_JOURNALS_IN_ZIP:
                raise NotImportable(f"{name} holds too many journals to be a Day One export.")
            found: list[bytes] = []
            total = 0
            for member in journals:
                if member.file_size > limit:
                    raise NotImportable(f"A journal inside {name} is larger than reflect can import.")
                with archive.open(member) as handle:
                    data = handle.read(limit + 1)
                total += len(data)
                if len(data) > limit or total > limit:
                    raise NotImportable(f"The journals inside {name} are larger than reflect can import.")
                found.append(data)
            return found
    except NotImportable:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error):
        raise NotImportable(f"{name} is a damaged zip file; export it from Day One again.") from None
    except RuntimeError:
        # zipfile says "encrypted" this way.
        raise NotImportable(f"{name} is a zip file with a password; reflect cannot open it.") from None
    except (NotImplementedError, EOFError, ValueError):
        raise NotImportable(f"{name} is a zip file reflect cannot unpack; export it from Day One again.") from None
    except OSError as error:
        if error.errno is None:  # zlib and CRC problems come as bare errors
            raise NotImportable(f"{name} is a damaged zip file; export it from Day One again.") from None
        raise


def _utc_moment(value: object) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("no date")
    moment = datetime.fromisoformat(value)
    if moment.utcoffset() is None:
        raise ValueError("no time zone")
    return moment


def _zone(name: object) -> tzinfo | None:
    if not isinstance(name, str) or not name or len(name) > 60:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return None


def _tags(tags: object) -> tuple[str, ...]:
    if not isinstance(tags, list):
        raise ValueError("tags are not a list")
    # jrnl keeps the tag symbol ("@work"); reflect's tags are the words alone.
    return normalise_tags([t.lstrip("@#") for t in tags if isinstance(t, str)])


def _starred(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("starred is not true or false")
    return value


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
