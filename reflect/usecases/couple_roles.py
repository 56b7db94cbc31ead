"""The couple's roles, vouched for by their shared space.

profiles.json is plain (the lock screen needs the names), so the roles in it
could be changed by hand, and the role decides who moves the touch ladder.
The roles are therefore also recorded inside the sealed shared space when the
couple is made, and every opening of the shared space compares the two: a
difference is refused and named (``ROLES_DIFFER``), never trusted.

Couples made before this record existed have none. The first opening by this
code records the roles of profiles.json, but only if nothing in the shared
space contradicts them: every change of pace, pause or step in the ladder's
log must have been made by someone profiles.json now calls hurt. A ladder
moved by Ana while Ben is now listed as hurt and Ana as involved is refused
the same way. The record notes that it was adopted this way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from reflect.domain.profiles import Household, Role
from reflect.storage.exercise_records import LADDER_TABLE

ROLES_TABLE = "couple_roles"
_HURT_ONLY = frozenset(
    {"pace", "pause", "resume", "added", "renamed", "removed", "moved", "accepted", "declined", "next"}
)


class RolesDiffer(ValueError):
    """The roles of profiles.json are not the ones the shared space vouches for."""


def roles_record(household: Household, at: datetime, *, how: str) -> dict:
    return {
        "roles": {p.id: p.role.value for p in household.profiles},
        "at": at.isoformat(),
        "how": how,
    }


def recorded_roles(store) -> dict[str, str] | None:
    """The roles the shared space vouches for, or None when it has no record yet."""
    records = store.table_records(ROLES_TABLE)
    if not records:
        return None
    roles = records[-1].get("roles")
    if not isinstance(roles, dict):
        raise RolesDiffer("unreadable record")
    return {str(k): str(v) for k, v in roles.items()}


def _contradicted_by_ladder(store, household: Household) -> bool:
    """True if the shared ladder's log shows a hurt-only change by someone not listed as hurt."""
    hurt = {p.id for p in household.profiles if p.role is Role.HURT}
    try:
        records = store.table_records(LADDER_TABLE)
        log = records[-1].get("log", []) if records else []
        return any(e.get("kind") in _HURT_ONLY and e.get("by") not in hurt for e in log)
    except (ValueError, TypeError, KeyError, AttributeError):
        return False  # the ladder's own check says it is unreadable


def check_roles(store, household: Household, now: Callable[[], datetime], *, writable: bool) -> None:
    """Raise :class:`RolesDiffer` unless profiles.json's roles are the ones vouched for.

    With no record yet (a couple made before it existed), adopt the roles of
    profiles.json when nothing contradicts them, and record that (when this
    copy of reflect may write).
    """
    listed = {p.id: p.role.value for p in household.profiles}
    recorded = recorded_roles(store)
    if recorded is not None:
        if recorded != listed:
            raise RolesDiffer("roles differ")
        return
    if _contradicted_by_ladder(store, household):
        raise RolesDiffer("the ladder's log contradicts the roles")
    if writable:
        store.replace_records(ROLES_TABLE, [roles_record(household, now(), how="adopted")])
