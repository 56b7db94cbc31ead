"""The last save counter reflect saw for each sealed space (``seen.json``).

A sealed space counts its saves in its authenticated header. To notice a
space file put back to an older copy, the last counter seen must live outside
that file: here, one record per space, each vouched for by a tag only that
space's data key can make (:meth:`SealedSpace.counter_proof`).

This file is plain, and anyone who can write in the data folder can change
it. So a note that does not check out is never simply ignored: a file that
is missing, that cannot be read (garbage, a link, not a plain file), that
lacks a space's record, or that holds a record its space's key does not
vouch for, means reflect cannot tell whether that space is the newest copy.
Whoever unlocks the space is told (see :mod:`reflect.usecases.seen_doubt`),
and the changed note is moved aside (:func:`record_seen` with ``set_aside``)
before a new one is written, never written over.

What this cannot notice: the whole data folder put back to an older copy,
this file included.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path

import orjson

from reflect.storage.atomic import atomic_write_bytes, move_aside, read_private_bytes

SEEN_VERSION = 1
CHANGED_SUFFIX = ".changed-"
"""A note found changed is kept beside it as ``seen.json.changed-<date and time>``."""


_LINK = "it is a link to somewhere else, not a file reflect wrote"
_NOT_REFLECTS = "it does not hold a note as reflect writes it"


@dataclass(frozen=True)
class Seen:
    counter: int
    proof: bytes


class SeenState(str, Enum):
    """How ``seen.json`` itself read."""

    SOUND = "sound"
    MISSING = "missing"
    """There is no such file."""
    UNREADABLE = "unreadable"
    """There is something, but not a note as reflect writes it: garbage, a link, a folder."""


class SeenRecords(dict):
    """The well-formed records of ``seen.json`` (space name to :class:`Seen`), and how the file read.

    ``raw`` holds every record as it was written, a malformed one too, so
    that a rewrite keeps other people's lines exactly as they were;
    ``malformed`` names the spaces whose record could not be read.
    ``doubted`` is filled by whoever checks the records with a key: the
    spaces whose last save could not be confirmed.
    """

    def __init__(
        self, records=(), *, state: SeenState = SeenState.SOUND, raw=None, malformed=(), reason: str = ""
    ) -> None:
        super().__init__(records)
        self.state = state
        self.reason = reason
        """Why an unreadable note could not be read, in a few plain words."""
        self.raw: dict = dict(raw or {})
        self.malformed: frozenset[str] = frozenset(malformed)
        self.doubted: set[str] = set()


def load_seen(path: Path) -> SeenRecords:
    """Every record that is well formed, and whether the file was missing or unreadable."""
    try:
        raw = orjson.loads(read_private_bytes(path))
    except FileNotFoundError:
        if os.path.islink(path):
            return SeenRecords(state=SeenState.UNREADABLE, reason=_LINK)
        return SeenRecords(state=SeenState.MISSING)
    except OSError as error:
        if os.path.islink(path):
            return SeenRecords(state=SeenState.UNREADABLE, reason=_LINK)
        if os.path.lexists(path) and not os.path.isfile(path):
            return SeenRecords(state=SeenState.UNREADABLE, reason="it is not a plain file")
        return SeenRecords(state=SeenState.UNREADABLE, reason=f"it could not be opened: {error.strerror or error}")
    except orjson.JSONDecodeError:
        return SeenRecords(state=SeenState.UNREADABLE, reason=_NOT_REFLECTS)
    if not isinstance(raw, dict) or raw.get("version") != SEEN_VERSION or not isinstance(raw.get("spaces"), dict):
        return SeenRecords(state=SeenState.UNREADABLE, reason=_NOT_REFLECTS)
    spaces = raw["spaces"]
    found: dict[str, Seen] = {}
    malformed: set[str] = set()
    for name, record in spaces.items():
        try:
            counter, proof = record["counter"], base64.b64decode(record["proof"], validate=True)
        except (TypeError, KeyError, ValueError, binascii.Error):
            malformed.add(name)
            continue
        if type(counter) is int and counter >= 0:
            found[name] = Seen(counter, proof)
        else:
            malformed.add(name)
    return SeenRecords(found, raw=spaces, malformed=malformed)


def record_seen(
    path: Path, updates: dict[str, Seen], *, set_aside: bool = False, now: datetime | None = None
) -> Path | None:
    """Keep ``updates`` (space name to record); every other record stays exactly as it was.

    A note that cannot be read, or any note when ``set_aside`` (the caller
    found a record its key does not vouch for), is first moved aside as
    ``seen.json.changed-<date and time>`` and never written over; its path
    is returned. Raises OSError when the file cannot be written.
    """
    if not updates:
        return None
    current = load_seen(path)
    kept = None
    if current.state is SeenState.UNREADABLE or (set_aside and current.state is SeenState.SOUND):
        kept = move_aside(path, _changed_name(path, now))
    others = {} if current.state is not SeenState.SOUND else current.raw
    records = {name: record for name, record in others.items() if name not in updates}
    for name, seen in updates.items():
        records[name] = {"counter": seen.counter, "proof": base64.b64encode(seen.proof).decode("ascii")}
    data = {"version": SEEN_VERSION, "spaces": dict(sorted(records.items()))}
    atomic_write_bytes(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))
    return kept


def changed_copies(path: Path) -> list[Path]:
    """Notes moved aside by :func:`record_seen`, oldest first."""
    try:
        return sorted(p for p in path.parent.iterdir() if p.name.startswith(path.name + CHANGED_SUFFIX))
    except OSError:
        return []


def _changed_name(path: Path, now: datetime | None) -> Path:
    moment = now or datetime.now().astimezone()
    base = f"{path.name}{CHANGED_SUFFIX}{moment:%Y-%m-%d-%H%M%S}"
    candidate, number = path.with_name(base), 1
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{base}-{number}")
    return candidate
