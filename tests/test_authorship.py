"""Who wrote what in the shared space: recorded, shown, and only the author changes it."""

from __future__ import annotations

import json

import pytest

from reflect.domain.authorship import may_change
from reflect.domain.checkins import checked_in_by
from reflect.storage.records import checkin_from_record, checkin_to_record
from reflect.ui.app import ReflectApp
from reflect.ui.screens.dialogs import ConfirmScreen
from reflect.ui.screens.journal import JournalScreen
from reflect.ui.screens.write import WriteScreen
from reflect.usecases.checkins import load_checkins, record_checkin
from reflect.usecases.exports import lossless_export_json
from reflect.usecases.imports import ExportContents, import_into
from reflect.usecases.journal import NotTheAuthor
from tests.helpers import PASS_A, PASS_B, SIZE, shown_text, unlock_as


def test_only_the_author_may_change_and_an_unnoted_author_leaves_it_open():
    assert may_change("alex", "alex")
    assert not may_change("alex", "sam")
    assert may_change("", "sam")  # written before authors were noted
    assert may_change("alex", "")  # a private journal: its owner changes everything


def _shared_entry_by_alex(couple):
    ws, alex, sam = couple
    ws.unlock(alex, PASS_A)
    shared = ws.household.shared_space
    entry = ws.write("Alex's own words", space=shared)
    ws.lock()
    return ws, alex, sam, shared, entry


def test_a_partner_cannot_edit_star_tag_or_delete_the_others_shared_reflection(couple):
    ws, alex, sam, shared, entry = _shared_entry_by_alex(couple)
    assert entry.author == alex.id
    ws.unlock(sam, PASS_B)
    journal = ws.store(shared)
    now = ws.now()
    for change in (
        lambda: journal.update(entry.edited("Sam's rewrite", now)),
        lambda: journal.update(entry.toggled_star()),
        lambda: journal.update(entry.with_tags(["mine"], now)),
        lambda: journal.delete(entry.id),
    ):
        with pytest.raises(NotTheAuthor) as refusal:
            change()
        assert refusal.value.user_message.startswith("Alex wrote this, so only Alex can change or delete it.")
    kept = journal.get(entry.id)
    assert kept == entry  # nothing changed at all


def test_the_author_changes_their_own_and_cannot_hand_it_to_the_partner(couple):
    ws, alex, sam, shared, entry = _shared_entry_by_alex(couple)
    ws.unlock(alex, PASS_A)
    journal = ws.store(shared)
    from dataclasses import replace

    journal.update(replace(entry.edited("Alex, later", ws.now()), author=sam.id))
    saved = journal.get(entry.id)
    assert saved.text == "Alex, later" and saved.author == alex.id
    removed = journal.delete(entry.id)
    assert journal.get(entry.id) is None
    journal.restore(removed)
    assert journal.get(entry.id) is not None


def test_a_shared_reflection_with_no_author_stays_open_to_either(couple):
    from dataclasses import replace

    ws, alex, sam, shared, entry = _shared_entry_by_alex(couple)
    ws.unlock(alex, PASS_A)
    old = replace(entry, id="a" * 32, author="")
    ws.store(shared).add(old)
    ws.lock()
    ws.unlock(sam, PASS_B)
    ws.store(shared).update(old.edited("either may", ws.now()))
    assert ws.store(shared).get(old.id).text == "either may"


def test_check_ins_in_the_shared_space_record_who_checked_in(couple):
    ws, alex, sam = couple
    shared = ws.household.shared_space
    for person, passphrase in ((alex, PASS_A), (sam, PASS_B)):
        ws.unlock(person, passphrase)
        ws.switch_space(shared)
        record_checkin(ws.journal, 2, 1, now=ws.now(), author=ws.author_in(ws.journal.space))
        ws.lock()
    ws.unlock(alex, PASS_A)
    checkins = load_checkins(ws.store(shared))
    assert {c.author for c in checkins} == {alex.id, sam.id}
    assert [c.author for c in checked_in_by(checkins, sam.id)] == [sam.id]
    assert len(checked_in_by(checkins, None)) == 2
    # A private check-in names nobody.
    record_checkin(ws.store(alex.space), 1, 1, now=ws.now(), author=ws.author_in(alex.space))
    assert load_checkins(ws.store(alex.space))[0].author == ""


def test_a_check_in_record_keeps_its_author_and_refuses_a_non_text_one(couple):
    ws, alex, _ = couple
    ws.unlock(alex, PASS_A)
    checkin = record_checkin(ws.store("shared"), 3, 0, now=ws.now(), author=alex.id)
    record = checkin_to_record(checkin)
    assert record["author"] == alex.id
    assert checkin_from_record(record) == checkin
    with pytest.raises(ValueError):
        checkin_from_record({**record, "author": 7})
    exported = json.loads(lossless_export_json([], [checkin]))
    assert exported["checkins"][0]["author"] == alex.id


def test_imported_check_ins_are_the_importers_whatever_the_file_says(couple):
    from dataclasses import replace

    ws, alex, sam = couple
    ws.unlock(alex, PASS_A)
    checkin = record_checkin(ws.store(alex.space), 1, 2, now=ws.now())
    ws.lock()
    ws.unlock(sam, PASS_B)
    forged = replace(checkin, author=alex.id)
    import_into(ws.store("shared"), ExportContents(checkins=[forged]), author=ws.author_in("shared"))
    [imported] = load_checkins(ws.store("shared"))
    assert imported.author == sam.id


def test_the_command_line_check_in_in_the_shared_space_names_its_author(cli_couple, capsys, monkeypatch):
    from reflect.storage.sealed import KdfParams
    from reflect.usecases.workspace import Workspace
    from tests.helpers import CLI_PASS_A, CLI_PASS_B, run_cli

    code, out, _ = run_cli(
        ["checkin", "--profile", "Sam", "--shared", "--connection", "2", "--distance", "0", "--data-dir", cli_couple],
        capsys,
        monkeypatch,
        f"{CLI_PASS_B}\n",
    )
    assert code == 0, out
    from pathlib import Path

    with Workspace.open(Path(cli_couple), pack_dirs=(), kdf=KdfParams.TEST) as ws:
        alex = ws.household.find("Alex")
        sam = ws.household.find("Sam")
        ws.unlock(alex, CLI_PASS_A)
        [checkin] = load_checkins(ws.store("shared"))
        assert checkin.author == sam.id


async def _into_shared_journal(pilot, app, index, passphrase):
    await unlock_as(pilot, app, index, passphrase)
    await pilot.press("f6")
    await pilot.pause()
    await pilot.press("j")
    await pilot.pause()
    assert isinstance(app.screen, JournalScreen)


async def test_the_partner_reads_but_cannot_open_delete_star_or_tag_the_others_entry(couple, seconds):
    ws, alex, sam, shared, entry = _shared_entry_by_alex(couple)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _into_shared_journal(pilot, app, 1, PASS_B)
        screen = app.screen
        assert "Alex · Alex's own words" in str(screen.entry_list.get_option_at_index(0).prompt)
        text = shown_text(screen)
        assert "Alex wrote this" in text and "Only Alex can change or delete it." in text
        for action in ("delete", "star", "tags"):
            assert screen.check_action(action, ()) is None  # greyed out
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("s", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, WriteScreen)
        assert any("only Alex can change or delete it" in n.message for n in app._notifications)
    ws.lock()
    ws.unlock(alex, PASS_A)
    assert ws.store(shared).get(entry.id) == entry


async def test_the_author_deletes_their_own_shared_entry_through_the_screens(couple, seconds):
    ws, alex, sam, shared, entry = _shared_entry_by_alex(couple)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await _into_shared_journal(pilot, app, 0, PASS_A)
        assert app.screen.check_action("delete", ()) is True
        assert "Alex wrote this" in shown_text(app.screen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#confirm")
        await pilot.pause()
        assert ws.store(shared).get(entry.id) is None


def _check_ins_from_both(couple):
    ws, alex, sam = couple
    shared = ws.household.shared_space
    for person, passphrase, (connection, distance) in ((alex, PASS_A, (5, 0)), (sam, PASS_B, (0, 4))):
        ws.unlock(person, passphrase)
        record_checkin(ws.store(shared), connection, distance, now=ws.now(), note=f"{person.name}'s note",
                       author=person.id)
        ws.lock()
    return ws, alex, sam, shared


def test_the_csv_of_the_shared_space_names_who_checked_in(couple):
    import csv
    import io

    from reflect.usecases.checkins import checkins_to_csv

    ws, alex, sam, shared = _check_ins_from_both(couple)
    ws.unlock(alex, PASS_A)
    checkins = load_checkins(ws.store(shared))
    rows = list(csv.reader(io.StringIO(checkins_to_csv(checkins, ws.now().tzinfo, name_of=ws.name_of))))
    assert rows[0][-1] == "who"
    assert sorted(r[-1] for r in rows[1:]) == ["Alex", "Sam"]
    only_sam = list(csv.reader(io.StringIO(checkins_to_csv(checked_in_by(checkins, sam.id), ws.now().tzinfo,
                                                           name_of=ws.name_of))))
    assert [r[-1] for r in only_sam[1:]] == ["Sam"]


def test_the_svg_says_whose_check_ins_it_holds():
    from reflect.usecases.trend_picture import trend_svg

    svg = trend_svg([], subtitle="", whose="Sam's check-ins")
    assert "Sam&apos;s check-ins" in svg or "Sam's check-ins" in svg


async def test_the_trend_in_the_shared_space_shows_both_or_each_person(couple, seconds):
    from reflect.ui.screens.trend import SaveExportScreen, TrendScreen

    ws, alex, sam, shared = _check_ins_from_both(couple)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, TrendScreen)
        assert app.screen.check_action("cycle_whose", ()) is False  # a private journal: one person's anyway
        await pilot.press("escape", "f6", "f5")
        await pilot.pause()
        trend = app.screen
        assert isinstance(trend, TrendScreen)
        assert {c.author for c in trend._checkins} == {alex.id, sam.id}
        assert "Both of you together" in shown_text(trend)
        await pilot.press("w")
        await pilot.pause()
        assert [c.author for c in trend._checkins] == [alex.id]
        assert "Alex's check-ins" in shown_text(trend)
        assert trend.chart.points[0].connection == 5
        await pilot.press("w")
        await pilot.pause()
        assert [c.author for c in trend._checkins] == [sam.id]
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, SaveExportScreen)
        data = app.screen.data.decode()
        assert "Sam's note" in data and "Alex's note" not in data
        assert "Sam's check-ins" in shown_text(app.screen)
        await pilot.press("escape", "e")
        await pilot.pause()
        assert b"Sam&apos;s check-ins" in app.screen.data or b"Sam's check-ins" in app.screen.data
        await pilot.press("escape", "w")
        await pilot.pause()
        assert trend.whose is None


def test_the_command_line_list_of_the_shared_space_names_each_author(cli_couple, capsys, monkeypatch):
    from tests.helpers import CLI_PASS_A, CLI_PASS_B, run_cli

    for name, passphrase in (("Alex", CLI_PASS_A), ("Sam", CLI_PASS_B)):
        code, out, _ = run_cli(
            ["write", "--profile", name, "--shared", "--data-dir", cli_couple],
            capsys,
            monkeypatch,
            f"{passphrase}\n{name} wrote these words\n",
        )
        assert code == 0, out
    code, out, _ = run_cli(["list", "--profile", "Sam", "--shared", "--data-dir", cli_couple], capsys, monkeypatch,
                           f"{CLI_PASS_B}\n")
    assert code == 0
    heads = [line for line in out.splitlines() if "(" in line and " by " in line]
    assert any(" by Alex" in h for h in heads) and any(" by Sam" in h for h in heads)


def test_the_shared_space_exports_say_who_wrote_and_who_checked_in(couple):
    import csv
    import io

    from reflect.usecases.exports import export_space

    ws, alex, sam, shared, entry = _shared_entry_by_alex(couple)
    ws.unlock(sam, PASS_B)
    record_checkin(ws.store(shared), 1, 0, now=ws.now(), author=sam.id)
    tz = ws.now().tzinfo
    markdown, _ = export_space(ws.store(shared), "md", tz, authors=ws.authors_in(shared))
    assert "*Written by Alex*" in markdown
    data, _ = export_space(ws.store(shared), "csv", tz, authors=ws.authors_in(shared))
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0][-1] == "who" and rows[1][-1] == "Sam"
    # A private journal's exports name nobody, as before.
    assert ws.authors_in(sam.space) is None
    private_md, _ = export_space(ws.store(sam.space), "md", tz, authors=ws.authors_in(sam.space))
    assert "Written by" not in private_md
