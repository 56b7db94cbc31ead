"""The couple's roles are vouched for by their sealed shared space, not by plain profiles.json."""

from __future__ import annotations

import orjson

from reflect.domain.ladder import set_pace
from reflect.storage.atomic import read_private_bytes, save_private
from reflect.storage.errors import ROLES_DIFFER
from reflect.usecases.couple_roles import ROLES_TABLE
from reflect.usecases.ladder import LadderBook
from tests.helpers import DEFAULT_PACKS, PASS_A, PASS_B, open_couple
from reflect.storage.sealed import KdfParams
from reflect.usecases.workspace import Workspace


def _reopen(data_dir, clock) -> Workspace:
    return Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)


def _set_roles(ws: Workspace, roles: dict[str, str]) -> None:
    """Edit profiles.json by hand, as anyone with the folder could."""
    path = ws.folder.layout.household_file
    raw = orjson.loads(read_private_bytes(path))
    for person in raw["profiles"]:
        person["role"] = roles.get(person["name"], person["role"])
    save_private(path, orjson.dumps(raw))


def _person(ws: Workspace, name: str):
    return ws.household.find(name)


def test_roles_as_made_open_the_shared_space(data_dir, clock):
    ws = open_couple(data_dir, clock)
    ws.unlock(_person(ws, "Sam"), PASS_B)
    assert "shared" in ws.open_spaces
    assert LadderBook.for_workspace(ws) is not None
    ws.close()


def test_involved_partner_who_edits_his_role_to_hurt_gets_no_shared_space(data_dir, clock):
    ws = open_couple(data_dir, clock)
    _set_roles(ws, {"Sam": "hurt"})
    ws.close()
    ws = _reopen(data_dir, clock)
    ws.unlock(_person(ws, "Sam"), PASS_B)
    assert "shared" not in ws.open_spaces
    assert ws.unavailable["shared"].startswith(ROLES_DIFFER)
    assert LadderBook.for_workspace(ws) is None
    ws.close()


def test_swapped_roles_are_refused_to_both_partners(data_dir, clock):
    ws = open_couple(data_dir, clock)
    _set_roles(ws, {"Sam": "hurt", "Alex": "involved"})
    ws.close()
    for name, passphrase in (("Sam", PASS_B), ("Alex", PASS_A)):
        ws = _reopen(data_dir, clock)
        ws.unlock(_person(ws, name), passphrase)
        assert ws.unavailable.get("shared", "").startswith(ROLES_DIFFER)
        ws.close()


def _forget_record(ws: Workspace) -> None:
    """A couple made before the roles were recorded in the shared space."""
    ws.unlock(_person(ws, "Alex"), PASS_A)
    ws.session.stores["shared"].replace_records(ROLES_TABLE, [])
    ws.lock()


def test_an_older_couple_has_its_roles_adopted_once_then_held(data_dir, clock):
    ws = open_couple(data_dir, clock)
    _forget_record(ws)
    ws.unlock(_person(ws, "Sam"), PASS_B)  # the first opening with this code adopts the roles
    assert "shared" in ws.open_spaces
    ws.lock()
    _set_roles(ws, {"Sam": "hurt", "Alex": "involved"})
    ws.close()
    ws = _reopen(data_dir, clock)
    ws.unlock(_person(ws, "Sam"), PASS_B)
    assert ws.unavailable.get("shared", "").startswith(ROLES_DIFFER)
    ws.close()


def test_an_older_couple_whose_roles_were_swapped_after_the_ladder_moved_is_refused(data_dir, clock):
    ws = open_couple(data_dir, clock)
    alex = _person(ws, "Alex")
    ws.unlock(alex, PASS_A)
    book = LadderBook.for_workspace(ws)
    first = book.load().steps[0].id
    book.change(set_pace, alex, first)
    ws.session.stores["shared"].replace_records(ROLES_TABLE, [])
    ws.lock()
    _set_roles(ws, {"Sam": "hurt", "Alex": "involved"})
    ws.close()
    ws = _reopen(data_dir, clock)
    ws.unlock(_person(ws, "Sam"), PASS_B)
    assert ws.unavailable.get("shared", "").startswith(ROLES_DIFFER)
    ws.close()


def test_reflect_check_says_it_cannot_compare_the_roles_without_a_passphrase(cli_couple, capsys, monkeypatch):
    from reflect.cli.wording import CHECK_ROLES_NOT_HERE
    from tests.helpers import run_cli

    code, out, _ = run_cli(["check", "--data-dir", cli_couple], capsys, monkeypatch)
    assert code == 0, out
    assert " ".join(CHECK_ROLES_NOT_HERE.split()) in " ".join(out.split())
