"""The household file (profiles.json): who uses this data folder.

It holds display names, roles and which space belongs to whom; never a
passphrase, a key or anything anyone wrote. It is private (0600) all the same.
"""

from __future__ import annotations

from pathlib import Path

import orjson

import re

from reflect.domain.profiles import (
    LEGACY_SPACE,
    SHARED_SPACE,
    Household,
    Profile,
    ProfileError,
    Role,
    check_name,
)
from reflect.storage.atomic import read_private_bytes, save_private
from reflect.storage.errors import HouseholdDamaged

HOUSEHOLD_VERSION = 1
_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


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
        if not 1 <= len(profiles) <= 2:
            raise ValueError("wrong number of profiles")
        if not all(_SAFE_ID.match(p.id) and _SAFE_ID.match(p.space) for p in profiles):
            raise ValueError("an id that reflect never makes")
        ids, spaces = {p.id for p in profiles}, {p.space for p in profiles}
        if len(ids) != len(profiles) or len(spaces) != len(profiles) or SHARED_SPACE in spaces:
            raise ValueError("two people share an id or a space")
        for index, profile in enumerate(profiles):
            # A name as setup makes it; a space named for its owner, as reflect
            # names them (only the first person may keep the pre-profiles journal).
            if check_name(profile.name) != profile.name:
                raise ProfileError("a name reflect never makes")
            if profile.space != f"private-{profile.id}" and not (index == 0 and profile.space == LEGACY_SPACE):
                raise ProfileError("a space not named for its owner")
        household = Household()
        for profile in profiles:
            # The same rules as setup: a hand-edited file cannot, say, drop a
            # partner's passphrase and quietly switch their journal to plain text.
            household = household.with_profile(profile)
    except ProfileError:
        raise HouseholdDamaged(path, "breaks reflect's rules; it may have been edited by hand.") from None
    except OSError as error:
        raise HouseholdDamaged(path, f"could not be opened ({error.strerror or type(error).__name__}).") from None
    except (ValueError, KeyError, TypeError, AttributeError, orjson.JSONDecodeError):
        raise HouseholdDamaged(
            path, "could not be read: it is damaged, cut short, or not in the form reflect writes."
        ) from None
    return household


def save_household(path: Path, household: Household) -> None:
    data = {
        "version": HOUSEHOLD_VERSION,
        "profiles": [
            {"id": p.id, "name": p.name, "role": p.role.value, "space": p.space, "protected": p.protected}
            for p in household.profiles
        ],
    }
    save_private(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))
