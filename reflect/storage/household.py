"""The household file (profiles.json): who uses this data folder.

It holds display names, roles and which space belongs to whom; never a
passphrase, a key or anything anyone wrote. It is private (0600) all the same.
"""

from __future__ import annotations

from pathlib import Path

import orjson

from reflect.domain.profiles import Household, Profile, Role
from reflect.storage.atomic import atomic_write_bytes, read_private_bytes
from reflect.storage.errors import SaveFailed, SpaceDamaged

HOUSEHOLD_VERSION = 1


def load_household(path: Path) -> Household | None:
    """The household, or None when nobody has been set up yet."""
    if not path.exists():
        return None
    try:
        raw = orjson.loads(read_private_bytes(path))
        if raw.get("version") != HOUSEHOLD_VERSION:
            raise ValueError("unknown version")
        profiles = tuple(
            Profile(
                id=str(p["id"]),
                name=str(p["name"]),
                role=Role(p["role"]),
                space=str(p["space"]),
                protected=bool(p["protected"]),
            )
            for p in raw["profiles"]
        )
        if not 1 <= len(profiles) <= 2 or len({p.id for p in profiles}) != len(profiles):
            raise ValueError("wrong number of profiles")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, orjson.JSONDecodeError):
        raise SpaceDamaged(path, "The list of profiles could not be read.") from None
    return Household(profiles)


def save_household(path: Path, household: Household) -> None:
    data = {
        "version": HOUSEHOLD_VERSION,
        "profiles": [
            {"id": p.id, "name": p.name, "role": p.role.value, "space": p.space, "protected": p.protected}
            for p in household.profiles
        ],
    }
    try:
        atomic_write_bytes(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))
    except OSError as exc:
        raise SaveFailed(path, exc.errno) from exc
