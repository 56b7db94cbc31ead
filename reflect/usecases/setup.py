"""Setup: the people who use a data folder, and the spaces made for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reflect.domain.profiles import (
    LEGACY_SPACE,
    Household,
    Profile,
    ProfileError,
    Role,
    check_passphrase,
    new_profile,
)
from reflect.storage.errors import HouseholdTampered
from reflect.storage.spaces import create_space, remove_plain_copies, seal_plain_journal
from reflect.usecases.data_folder import DataFolder
from reflect.usecases.session import Session


@dataclass(frozen=True)
class NewPerson:
    """What setup needs to know about one person. ``passphrase`` None: unprotected."""

    name: str
    role: Role
    passphrase: str | None


def set_up(folder: DataFolder, people: Sequence[NewPerson]) -> list[Profile]:
    """Create the profiles and their spaces: one person, or a couple.

    A journal written before setup (by ``reflect write``) becomes the first
    person's private journal, sealed with their passphrase if they chose one.
    The household file is written last, so an interrupted setup leaves the
    folder as it was.
    """
    if folder.is_set_up:
        raise ProfileError("reflect is already set up in this folder.")
    if folder.sealed_here():
        # profiles.json went missing, but someone here has a passphrase.
        raise HouseholdTampered(folder.layout.household_file)
    if not 1 <= len(people) <= 2:
        raise ProfileError("Set up one person, or a couple.")
    household = Household()
    profiles: list[Profile] = []
    for index, person in enumerate(people):
        if person.passphrase is not None:
            check_passphrase(person.passphrase)
        profile = new_profile(person.name, person.role, protected=person.passphrase is not None)
        if index == 0 and folder.layout.space_file(LEGACY_SPACE).exists():
            profile = Profile(profile.id, profile.name, profile.role, LEGACY_SPACE, profile.protected)
        household = household.with_profile(profile)
        profiles.append(profile)
    secrets = {p.id: person.passphrase for p, person in zip(profiles, people)}
    for profile in profiles:
        _create_private_space(folder, profile, secrets[profile.id])
    if household.is_couple:
        first, second = profiles
        _create_shared_space(folder, household, (first, secrets[first.id]), (second, secrets[second.id]))
    folder.save_household(household)
    # Once a legacy journal is sealed, no readable copy may stay behind: not the
    # file itself, and not its backups.
    for profile in profiles:
        if profile.protected:
            remove_plain_copies(folder.layout.space_file(profile.space), folder.layout.backups_dir)
    return profiles


def add_person(
    folder: DataFolder,
    session: Session,
    name: str,
    role: Role,
    passphrase: str | None,
    *,
    partner_passphrase: str | None = None,
) -> Profile:
    """Add a person from the command line. The second person makes a couple.

    Making a couple creates the shared space, wrapped for both partners,
    so the first partner's passphrase is needed (and checked) too.
    """
    if not folder.is_set_up:
        [profile] = set_up(folder, [NewPerson(name, role, passphrase)])
        return profile
    if passphrase is not None:
        check_passphrase(passphrase)
    profile = new_profile(name, role, protected=passphrase is not None)
    household = folder.household.with_profile(profile)  # the rules: who may join
    first = household.profiles[0]
    if partner_passphrase is None:
        raise ProfileError(f"{first.name}'s passphrase is needed to create the shared space.")
    session.unlock(first, partner_passphrase)  # proves it, before anything is written
    session.lock()
    _create_private_space(folder, profile, passphrase)
    _create_shared_space(folder, household, (first, partner_passphrase), (profile, passphrase))
    folder.save_household(household)
    return profile


def check_partner_may_join(folder: DataFolder) -> None:
    """Raise :class:`ProfileError` now if a partner could not be added to this folder.

    Asked before the keyboard is handed over, so nobody chooses a name and a
    passphrase for nothing. The rules are the household's own, as
    :func:`add_person` applies them.
    """
    household = folder.household
    if not folder.is_set_up:
        raise ProfileError("reflect is not set up here yet.")
    someone = new_profile("a partner not yet named", Role.HURT, protected=True)
    household.with_profile(someone)


def _create_private_space(folder: DataFolder, profile: Profile, passphrase: str | None) -> None:
    from reflect.storage.sealed import SealedSpace, SpaceIdentity

    identity = SpaceIdentity.private(profile.space, profile.id)
    seal = SealedSpace.create(profile.slot_id, passphrase, folder.kdf, identity=identity) if passphrase else None
    legacy = folder.layout.space_file(LEGACY_SPACE)
    if profile.space == LEGACY_SPACE and legacy.exists():
        if seal is not None:
            sealed = folder.layout.space_file(LEGACY_SPACE, sealed=True)
            seal_plain_journal(legacy, sealed, LEGACY_SPACE, seal, folder.now)
            _remember_first_save(folder, LEGACY_SPACE, seal)
        return
    create_space(folder.layout.space_file(profile.space, sealed=seal is not None), profile.space, seal, folder.now)
    if seal is not None:
        _remember_first_save(folder, profile.space, seal)


def _create_shared_space(
    folder: DataFolder,
    household: Household,
    first: tuple[Profile, str | None],
    second: tuple[Profile, str | None],
) -> None:
    """The couple's shared space, wrapped for both partners."""
    from reflect.storage.sealed import SealedSpace, SpaceIdentity

    space = household.shared_space
    seal = SealedSpace.create(first[0].slot_id, first[1], folder.kdf, identity=SpaceIdentity.shared(space))
    seal.add_slot(second[0].slot_id, second[1], folder.kdf)
    path = folder.layout.space_file(space, sealed=True)
    create_space(path, space, seal, folder.now)
    # The roles and the names, vouched for by the sealed space: profiles.json alone is plain.
    from reflect.storage.space_store import SpaceStore
    from reflect.usecases.couple_names import NAMES_TABLE, names_record
    from reflect.usecases.couple_roles import ROLES_TABLE, roles_record

    with SpaceStore.open(path, space=space, codec=seal, create=False, now=folder.now) as store:
        store.replace_records(ROLES_TABLE, [roles_record(household, folder.now(), how="made")])
        store.replace_records(NAMES_TABLE, [names_record(household, folder.now(), how="made")])
    _remember_first_save(folder, space, seal)


def _remember_first_save(folder: DataFolder, space: str, seal) -> None:
    """Record a new sealed space's save counter in ``seen.json`` from its very first save,
    so that its record is never missing for a reason other than someone removing it."""
    from reflect.storage.seen import Seen, record_seen

    try:
        record_seen(folder.layout.seen_file, {space: Seen(seal.counter, seal.counter_proof(seal.counter))})
    except OSError:
        pass  # unlocking records it again
