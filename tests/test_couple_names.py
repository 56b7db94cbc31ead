"""The couple's names are vouched for by their sealed shared space, not by plain profiles.json.

A partner who swaps the two names in profiles.json would otherwise make the
other's reflections look like their own (and the title, the exports, the
command line agree). The swap is named at the unlock, and the names the
shared space was set up with are the ones used.
"""

from __future__ import annotations

import orjson
import pytest

from reflect.storage.atomic import read_private_bytes, save_private
from reflect.storage.sealed import KdfParams
from reflect.ui.app import ReflectApp
from reflect.ui.screens.notice import NoticeScreen
from reflect.usecases.couple_names import NAMES_TABLE
from reflect.usecases.exports import export_space
from reflect.usecases.workspace import Workspace
from tests.helpers import CLI_PASS_A, CLI_PASS_B, DEFAULT_PACKS, PASS_A, PASS_B, open_couple, run_cli, shown_text

SAYS_CHANGED = "The names in profiles.json were changed outside reflect."


def _swap_names(household_file) -> None:
    """Swap the two names in profiles.json by hand, ids, roles and spaces left as they are."""
    raw = orjson.loads(read_private_bytes(household_file))
    first, second = raw["profiles"]
    first["name"], second["name"] = second["name"], first["name"]
    save_private(household_file, orjson.dumps(raw))


def _reopen(data_dir, clock) -> Workspace:
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    ws.settings.first_run_acknowledged = True
    return ws


def _by_id(ws: Workspace, person_id: str):
    return next(p for p in ws.household.profiles if p.id == person_id)


def _couple_with_sams_shared_reflection(data_dir, clock):
    """Alex and Sam; Sam wrote a shared reflection; then the names were swapped. (workspace, alex id, sam id)"""
    ws = open_couple(data_dir, clock)
    alex, sam = ws.household.profiles
    ws.unlock(sam, PASS_B)
    ws.write("Sam's words for us both", space=ws.household.shared_space)
    ws.lock()
    _swap_names(ws.folder.layout.household_file)
    ws.close()
    ws = _reopen(data_dir, clock)
    assert _by_id(ws, alex.id).name == "Sam"  # what the lock screen shows, before anyone unlocked
    return ws, alex.id, sam.id


def test_swapped_names_are_named_at_the_unlock_and_the_sealed_names_are_used(data_dir, clock):
    ws, alex_id, sam_id = _couple_with_sams_shared_reflection(data_dir, clock)
    ws.unlock(_by_id(ws, alex_id), PASS_A)  # Alex picks the person now labelled "Sam"
    notice = ws.session.take_notice()
    assert notice is not None and notice.startswith(SAYS_CHANGED)
    assert "This is Alex's journal." in notice
    assert "the person listed as Sam is Alex" in notice
    assert ws.session.take_notice() is None  # told once per unlock
    assert ws.current.name == "Alex"
    assert ws.household.space_label(ws.current.space) == "Alex's private journal"
    shared = ws.household.shared_space
    [entry] = ws.store(shared).entries()
    assert entry.author == sam_id
    assert ws.session.name_of(entry.author) == "Sam"
    assert ws.authors_in(shared) == {alex_id: "Alex", sam_id: "Sam"}
    text, _ = export_space(ws.store(shared), "md", clock().tzinfo, authors=ws.authors_in(shared))
    assert "*Written by Sam*" in text and "Written by Alex" not in text
    ws.lock()
    # profiles.json is not written: the next unlock says it again.
    ws.unlock(_by_id(ws, sam_id), PASS_B)
    again = ws.session.take_notice()
    assert again is not None and "This is Sam's journal." in again
    ws.close()
    assert b'"Sam"' in read_private_bytes(data_dir / "profiles.json")


def test_names_as_made_say_nothing(data_dir, clock):
    ws = open_couple(data_dir, clock)
    alex, _ = ws.household.profiles
    ws.unlock(alex, PASS_A)
    assert ws.session.take_notice() is None
    assert ws.current.name == "Alex"
    ws.close()


def test_an_older_couple_has_its_names_adopted_once_then_held(data_dir, clock):
    ws = open_couple(data_dir, clock)
    alex, sam = ws.household.profiles
    ws.unlock(alex, PASS_A)
    ws.session.stores["shared"].replace_records(NAMES_TABLE, [])  # made before names were recorded
    ws.lock()
    ws.unlock(sam, PASS_B)  # the first opening with this code takes the names as they are
    assert ws.session.take_notice() is None
    assert ws.session.stores["shared"].table_records(NAMES_TABLE)[-1]["how"] == "adopted"
    ws.lock()
    _swap_names(ws.folder.layout.household_file)
    ws.close()
    ws = _reopen(data_dir, clock)
    ws.unlock(_by_id(ws, sam.id), PASS_B)
    assert ws.current.name == "Sam"
    assert (ws.session.take_notice() or "").startswith(SAYS_CHANGED)
    ws.close()


def test_a_lone_plain_journal_is_left_as_it_is(workspaces):
    from reflect.usecases.setup import NewPerson, set_up

    ws = workspaces.fresh()
    from reflect.domain.profiles import Role

    [robin] = set_up(ws.folder, [NewPerson("Robin", Role.INDIVIDUAL, None)])
    ws.session.open_without_passphrase()
    assert ws.session.take_notice() is None
    assert ws.current.name == "Robin"


@pytest.mark.asyncio
async def test_the_app_names_the_swap_at_the_unlock_and_titles_the_true_name(data_dir, clock, seconds, unlock_as):
    ws, alex_id, _ = _couple_with_sams_shared_reflection(data_dir, clock)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_as(pilot, app, 0, PASS_A)  # the first person, labelled "Sam" by the edited file
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, NoticeScreen)
        said = " ".join(shown_text(app.screen).split())
        assert SAYS_CHANGED in said
        assert "This is Alex's journal." in said
        assert "Alex's private journal" in app.sub_title
        assert "Sam's private journal" not in f"{app.title} {app.sub_title}"
    ws.close()


def test_the_command_line_lists_the_true_author_and_says_why(tmp_path, capsys, monkeypatch, cheap_kdf):
    data = str(tmp_path / "d")
    for argv, stdin in (
        (["profiles", "add", "Alex", "--role", "hurt"], f"{CLI_PASS_A}\n"),
        (["profiles", "add", "Sam", "--role", "involved"], f"{CLI_PASS_B}\n{CLI_PASS_A}\n"),
        (["write", "--shared", "--profile", "Sam"], f"{CLI_PASS_B}\nSam's words for us both\n"),
    ):
        code, out, err = run_cli([*argv, "--data-dir", data], capsys, monkeypatch, stdin)
        assert code == 0, out + err
    _swap_names(tmp_path / "d" / "profiles.json")
    # Alex goes by the label the edited file gives her person: "Sam".
    code, out, err = run_cli(
        ["list", "--shared", "--profile", "Sam", "--data-dir", data], capsys, monkeypatch, f"{CLI_PASS_A}\n"
    )
    assert code == 0, out + err
    assert "by Sam" in out and "by Alex" not in out
    said = " ".join(err.split())
    assert SAYS_CHANGED in said and "This is Alex's journal." in said


def test_reflect_check_says_it_cannot_vouch_for_the_names_without_a_passphrase(cli_couple, capsys, monkeypatch):
    _swap_names(f"{cli_couple}/profiles.json")
    code, out, _ = run_cli(["check", "--data-dir", cli_couple], capsys, monkeypatch)
    assert code == 0, out
    said = " ".join(out.split())
    assert "each person's name" in said
    assert "names differ" in said
    code, out, _ = run_cli(["profiles", "list", "--data-dir", cli_couple], capsys, monkeypatch)
    assert code == 0 and "Each unlock checks them against the shared space" in " ".join(out.split())


def test_typing_ones_own_passphrase_under_the_swapped_name_says_which_name_is_yours(data_dir, clock):
    from reflect.usecases.couple_names import PartnersPassphrase

    ws, alex_id, sam_id = _couple_with_sams_shared_reflection(data_dir, clock)
    listed_alex = _by_id(ws, sam_id)  # the file now calls Sam's person "Alex"
    with pytest.raises(PartnersPassphrase) as refusal:
        ws.unlock(listed_alex, PASS_A)
    assert refusal.value.user_message.startswith(
        "That passphrase is Sam's, not Alex's."
    )
    assert not ws.session.is_unlocked
    ws.close()


async def test_the_lock_screen_says_which_name_opens_with_the_passphrase_typed(data_dir, clock, seconds, unlock_as):
    ws, _, _ = _couple_with_sams_shared_reflection(data_dir, clock)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_as(pilot, app, 1, PASS_A)  # Alex chooses the name "Alex", which the file gave Sam
        said = " ".join(shown_text(app.screen).split())
        assert "That passphrase is Sam's, not Alex's." in said
        assert not ws.session.is_unlocked
    ws.close()


def test_together_the_notice_names_nobody_as_the_journal_s_owner(data_dir, clock):
    ws, alex_id, sam_id = _couple_with_sams_shared_reflection(data_dir, clock)
    ws.unlock(_by_id(ws, alex_id), PASS_A)
    ws.session.join(ws.session.open_for(_by_id(ws, sam_id), PASS_B))
    assert ws.session.together and ws.session.partner.name == "Sam"
    notice = ws.session.take_notice() or ""
    assert notice.startswith(SAYS_CHANGED) and "journal." not in notice
    ws.close()


async def test_both_at_the_door_the_second_turn_goes_by_the_vouched_names(data_dir, clock, seconds):
    from tests.helpers import lift, type_passphrase

    ws, _, _ = _couple_with_sams_shared_reflection(data_dir, clock)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.click("#who-both")
        await pilot.click("#unlock")
        await pilot.pause()
        await lift(pilot)  # "Pass the keyboard to Sam", as the edited file calls Alex
        await type_passphrase(pilot, PASS_A)
        said = " ".join(shown_text(app.screen).split())
        assert "Pass the keyboard to Sam." in said and "Alex, please look away" in said
        await lift(pilot)
        await type_passphrase(pilot, PASS_B)
        await pilot.pause()
        assert ws.session.together
        assert SAYS_CHANGED in " ".join(shown_text(app.screen).split())
    ws.close()
