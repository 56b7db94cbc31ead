"""The rules of who may be set up, and who may open which space."""

from __future__ import annotations

import pytest

from reflect.domain.profiles import (
    Household,
    ProfileError,
    Role,
    check_name,
    check_passphrase,
    new_profile,
    parse_role,
)


def test_a_couple_has_private_spaces_and_one_shared():
    alex = new_profile("Alex", Role.HURT)
    sam = new_profile("Sam", Role.HURT)  # both partners may be marked as hurt
    home = Household().with_profile(alex).with_profile(sam)
    assert home.is_couple and home.shared_space == "shared"
    assert home.spaces_for(alex) == (alex.space, "shared")
    assert not home.may_open(alex, sam.space)
    assert home.space_label(alex.space) == "Alex's private journal"
    assert "Alex & Sam" in home.space_label("shared")
    assert home.find("  sam ") == sam and home.partner_of(sam) == alex


def test_one_person_has_no_shared_space():
    robin = new_profile("Robin", Role.INDIVIDUAL, protected=False)
    home = Household().with_profile(robin)
    assert home.shared_space is None
    assert home.spaces_for(robin) == (robin.space,)
    assert home.space_label(robin.space) == "your private journal"


@pytest.mark.parametrize(
    "second",
    [
        new_profile("Sam", Role.INDIVIDUAL),  # a couple's roles are hurt or involved
        new_profile("Sam", Role.INVOLVED, protected=False),  # both need passphrases
        new_profile("alex", Role.INVOLVED),  # names differ
    ],
)
def test_who_may_join(second):
    home = Household().with_profile(new_profile("Alex", Role.HURT))
    with pytest.raises(ProfileError):
        home.with_profile(second)


def test_no_third_person():
    home = Household().with_profile(new_profile("A", Role.HURT)).with_profile(new_profile("B", Role.HURT))
    with pytest.raises(ProfileError):
        home.with_profile(new_profile("C", Role.HURT))


def test_names_passphrases_and_roles():
    assert check_name("  Alex   Smith ") == "Alex Smith"
    for bad in ("", "   ", "x" * 41):
        with pytest.raises(ProfileError):
            check_name(bad)
    assert check_passphrase("long enough", "long enough") == "long enough"
    with pytest.raises(ProfileError):
        check_passphrase("short")
    with pytest.raises(ProfileError):
        check_passphrase("long enough", "long enougH")
    assert parse_role("Hurt partner") == Role.HURT and parse_role("involved") == Role.INVOLVED
    with pytest.raises(ProfileError):
        parse_role("guilty")


@pytest.mark.parametrize("twin", ["Alex\u200b", "ALEX", "\uff21lex", "Al\u200dex", " alex ", "\u200eAlex"])
def test_two_people_whose_names_read_the_same_are_refused(twin):
    """Found by the other partner's review: "Alex" and "Alex" with a zero-width space
    were two people, and a forged names record could call both partners "Sam"."""
    alex = new_profile("Alex", Role.HURT)
    home = Household().with_profile(alex)
    with pytest.raises(ProfileError):
        home.with_profile(new_profile(twin, Role.INVOLVED))
    assert home.find(twin) == alex
    sam = new_profile("Sam", Role.INVOLVED)
    couple = home.with_profile(sam)
    assert couple.with_names({alex.id: "Sam", sam.id: "Sam"}) == couple  # not taken
    assert couple.with_names({alex.id: "Alex", sam.id: twin.strip()}) == couple
    assert [p.name for p in couple.with_names({alex.id: "Sam", sam.id: "Alex"}).profiles] == ["Sam", "Alex"]
