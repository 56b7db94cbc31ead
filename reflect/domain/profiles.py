"""People and their spaces.

A household is either one person ("just me") or a couple ("the two of us").
Each profile has a private space; a couple also has a shared space. Every
entry belongs to exactly one space. These are the rules, with no storage.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum

SHARED_SPACE = "shared"
LEGACY_SPACE = "journal"  # the single space of a data folder made before profiles
MAX_NAME_CHARS = 40
MIN_PASSPHRASE_CHARS = 8


class Role(str, Enum):
    """How a person comes to this work. Both partners may be marked as hurt."""

    HURT = "hurt"
    INVOLVED = "involved"
    INDIVIDUAL = "individual"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.HURT: "the partner who was hurt",
    Role.INVOLVED: "the partner who caused the hurt",
    Role.INDIVIDUAL: "on my own",
}


class ProfileError(ValueError):
    """A profile request that the rules do not allow; the message is for people."""


@dataclass(frozen=True)
class Profile:
    """One person: a display name, a role, and their private space."""

    id: str
    name: str
    role: Role
    space: str
    protected: bool = True

    @property
    def slot_id(self) -> str:
        """The key slot this person's passphrase opens, in every space they may open."""
        return self.id


@dataclass(frozen=True)
class Household:
    """Everyone who uses this data folder, and the spaces they have."""

    profiles: tuple[Profile, ...] = ()

    @property
    def is_couple(self) -> bool:
        return len(self.profiles) == 2

    @property
    def shared_space(self) -> str | None:
        return SHARED_SPACE if self.is_couple else None

    def find(self, name_or_id: str) -> Profile | None:
        """The person with this id, or with a name that reads the same (see :func:`same_name`)."""
        wanted = same_name(name_or_id)
        return next((p for p in self.profiles if p.id == name_or_id or same_name(p.name) == wanted), None)

    def partner_of(self, profile: Profile) -> Profile | None:
        return next((p for p in self.profiles if p.id != profile.id), None)

    def spaces_for(self, profile: Profile) -> tuple[str, ...]:
        """The spaces this person may open: their own, and the shared one."""
        shared = (self.shared_space,) if self.shared_space else ()
        return (profile.space, *shared)

    def may_open(self, profile: Profile, space: str) -> bool:
        return space in self.spaces_for(profile)

    def is_sealed(self, space: str) -> bool:
        """True for a space kept encrypted: the shared space, and the private
        space of anyone with a passphrase."""
        if space == self.shared_space:
            return True
        owner = next((p for p in self.profiles if p.space == space), None)
        return bool(owner and owner.protected)

    def space_label(self, space: str) -> str:
        """Whose space this is, in words, for the screen."""
        if space == self.shared_space:
            names = " & ".join(p.name for p in self.profiles)
            return f"shared space ({names})"
        owner = next((p for p in self.profiles if p.space == space), None)
        if owner is None or not self.is_couple:
            return "your private journal"
        return f"{owner.name}'s private journal"

    def space_in_words(self, space: str, own_space: str | None = None) -> str:
        """A space as a sentence names it to the person whose own space is
        ``own_space``: "your journal", "your private journal", "the shared
        space", "Sam's private journal"."""
        if space == self.shared_space:
            return "the shared space"
        if space == own_space:
            return "your private journal" if self.is_couple else "your journal"
        return self.space_label(space)

    def with_profile(self, profile: Profile) -> "Household":
        """Add a person, enforcing who may be added."""
        if len(self.profiles) >= 2:
            raise ProfileError("reflect holds one person, or a couple: there are two profiles already.")
        if self.find(profile.name) is not None:
            raise ProfileError(f"There is already a profile called {profile.name}.")
        if self.profiles:
            first = self.profiles[0]
            if Role.INDIVIDUAL in (first.role, profile.role):
                raise ProfileError(
                    "A couple's profiles each need the role 'hurt' or 'involved'. "
                    "Both partners may be marked as hurt."
                )
            if not (first.protected and profile.protected):
                raise ProfileError(
                    "When two people share reflect, each needs a passphrase, "
                    "so neither can open the other's private journal."
                )
        return replace(self, profiles=(*self.profiles, profile))

    def with_names(self, names: Mapping[str, str]) -> "Household":
        """The same people, called by ``names`` (profile id to name) where it has a name
        reflect could have made for them; everyone else keeps the name they have."""
        fitting = {
            person: name
            for person, name in names.items()
            if isinstance(name, str) and name and _is_made_name(name)
        }
        called = tuple(replace(p, name=fitting.get(p.id, p.name)) for p in self.profiles)
        if len({same_name(p.name) for p in called}) < len(called):
            return self  # two people who read the same: setup never makes that, so it is not taken
        return replace(self, profiles=called)

    def renamed_in(self, names: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        """Each person whose name here is not the one in ``names``: (name here, name there).

        Used to compare the names profiles.json shows with the names a sealed
        space vouches for; someone ``names`` does not mention is not compared.
        """
        vouched = self.with_names(names)
        return tuple(
            (listed.name, true.name)
            for listed, true in zip(self.profiles, vouched.profiles)
            if listed.name != true.name
        )


def same_name(name: str) -> str:
    """What two names are compared by: names that read the same on a screen are
    the same name. Compatibility forms (NFKC), case, spacing, and the characters
    that show nothing (zero-width spaces and joiners, direction marks: Unicode
    category Cf) make no difference. Look-alike letters of other scripts do
    (that needs a table of confusables the standard library does not have)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join("".join(c for c in folded if unicodedata.category(c) != "Cf").split())


def check_name(name: str) -> str:
    """A display name: trimmed, 1 to 40 characters, no line breaks."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ProfileError("A name needs at least one letter.")
    if len(cleaned) > MAX_NAME_CHARS:
        raise ProfileError(f"A name can be at most {MAX_NAME_CHARS} characters.")
    return cleaned


def _is_made_name(name: str) -> bool:
    try:
        return check_name(name) == name
    except ProfileError:
        return False


def check_passphrase(passphrase: str, repeated: str | None = None) -> str:
    """A new passphrase: long enough, and typed the same twice when asked twice."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise ProfileError(
            f"A passphrase needs at least {MIN_PASSPHRASE_CHARS} characters. "
            "A few ordinary words in a row work well."
        )
    if repeated is not None and repeated != passphrase:
        raise ProfileError("The two passphrases are not the same. Please type them again.")
    return passphrase


def parse_role(text: str) -> Role:
    cleaned = text.strip().lower().replace(" partner", "")
    try:
        return Role(cleaned)
    except ValueError:
        raise ProfileError("The role must be hurt, involved or individual.") from None


def new_profile(name: str, role: Role, *, protected: bool = True) -> Profile:
    profile_id = uuid.uuid4().hex[:12]
    return Profile(
        id=profile_id,
        name=check_name(name),
        role=role,
        space=f"private-{profile_id}",
        protected=protected,
    )
