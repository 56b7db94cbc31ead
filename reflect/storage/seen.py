"""The last save counter reflect saw for each sealed space (``seen.json``).

A sealed space counts its saves in its authenticated header. To notice a
space file put back to an older copy, the last counter seen must live outside
that file: here, one record per space, each vouched for by a tag only that
space's data key can make (:meth:`SealedSpace.counter_proof`). A record whose
tag does not match is ignored, as if it were missing.

What this cannot notice: the whole data folder put back to an older copy
(this file included), or this file removed together with the space put back.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

import orjson

from reflect.storage.atomic import atomic_write_bytes, read_private_bytes

SEEN_VERSION = 1


@dataclass(frozen=True)
class Seen:
    counter: int
    proof: bytes


def load_seen(path: Path) -> dict[str, Seen]:
    """Every record that is well formed; anything unreadable counts as missing."""
    try:
        raw = orjson.loads(read_private_bytes(path))
    except (OSError, orjson.JSONDecodeError):
        return {}
    if not isinstance(raw, dict) or raw.get("version") != SEEN_VERSION:
        return {}
    spaces = raw.get("spaces")
    found: dict[str, Seen] = {}
    if not isinstance(spaces, dict):
        return found
    for name, record in spaces.items():
        try:
            counter, proof = record["counter"], base64.b64decode(record["proof"], validate=True)
        except (TypeError, KeyError, ValueError, binascii.Error):
            continue
        if type(counter) is int and counter >= 0:
            found[name] = Seen(counter, proof)
    return found


def record_seen(path: Path, updates: dict[str, Seen]) -> None:
    """Keep ``updates`` (space name to record), never lowering a counter already kept
    by the same key. Raises OSError when the file cannot be written."""
    if not updates:
        return
    records = load_seen(path)
    records.update(updates)
    data = {
        "version": SEEN_VERSION,
        "spaces": {
            name: {"counter": seen.counter, "proof": base64.b64encode(seen.proof).decode("ascii")}
            for name, seen in sorted(records.items())
        },
    }
    atomic_write_bytes(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))
