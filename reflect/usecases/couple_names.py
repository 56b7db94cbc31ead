"""The couple's names, vouched for by their shared space.

profiles.json is plain (the lock screen needs the names before anyone has
unlocked), so the names in it could be changed by hand, and a name says who
wrote what in the shared space, whose journal a title speaks of, and whose
name an export carries. The names are therefore also recorded inside the
sealed shared space (which either partner's passphrase opens, and which
nobody can change without it) when the couple is made. reflect has no way to
rename a person; should it ever get one, it must write this record too.

Every opening of the shared space reads the record. A name in profiles.json
that differs from it is not trusted: the session goes on with the recorded
names and says, at that unlock, what it found (:func:`names_changed_notice`).
Unlike the roles (``couple_roles.py``), nothing is refused: a name decides
nobody's rights, so the couple keeps their journals, under the right names.

Couples made before this record existed have none. The first opening by this
code records the names profiles.json shows then, as the first record (as the
roles were adopted): nothing sealed from before says what they were. The
record notes that it was adopted this way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from reflect.domain.profiles import Household, Profile
from reflect.storage.errors import StoreError

NAMES_TABLE = "couple_names"


class PartnersPassphrase(StoreError):
    """The passphrase typed for one partner is the other partner's: a person chose the
    wrong name, perhaps because the names in profiles.json were swapped. Nothing was opened."""

    def __init__(self, chosen: Profile, other: Profile) -> None:
        from reflect.usecases import wording

        super().__init__("the partner's passphrase")
        self.user_message = wording.PARTNERS_PASSPHRASE.format(chosen=chosen.name, other=other.name)


def names_record(household: Household, at: datetime, *, how: str) -> dict:
    return {
        "names": {p.id: p.name for p in household.profiles},
        "at": at.isoformat(),
        "how": how,
    }


def recorded_names(store) -> dict[str, str] | None:
    """The names the shared space vouches for (profile id to name), or None with no record yet.

    A record in another shape (never written by reflect) vouches for nothing,
    and is not written over either.
    """
    records = store.table_records(NAMES_TABLE)
    if not records:
        return None
    names = records[-1].get("names") if isinstance(records[-1], dict) else None
    if not isinstance(names, dict):
        return {}
    return {str(k): v for k, v in names.items() if isinstance(v, str)}


def vouched_names(store, household: Household, now: Callable[[], datetime], *, writable: bool) -> dict[str, str]:
    """The names the shared space vouches for; with no record yet, profiles.json's,
    recorded now as the first record (when this copy of reflect may write)."""
    recorded = recorded_names(store)
    if recorded is not None:
        return recorded
    if writable:
        store.replace_records(NAMES_TABLE, [names_record(household, now(), how="adopted")])
    return {p.id: p.name for p in household.profiles}


def names_changed_notice(renamed: tuple[tuple[str, str], ...], vouched: Household, you: str | None) -> str:
    """What the person who just unlocked is told when profiles.json's names are not the vouched ones.

    ``you``: the vouched name of the one who unlocked, or None while both are here.
    """
    from reflect.usecases import wording

    changes = "; ".join(wording.NAMES_CHANGED_ONE.format(listed=listed, vouched=true) for listed, true in renamed)
    couple = " and ".join(p.name for p in vouched.profiles)
    yours = wording.NAMES_CHANGED_YOU.format(name=you) if you else ""
    return wording.NAMES_CHANGED.format(couple=couple, changes=changes, you=yours)
