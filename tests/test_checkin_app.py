"""Pilot tests: checking in from anywhere, the trend view, and saving the chart and the data."""

from __future__ import annotations

import csv
import io
import stat
import xml.etree.ElementTree as ET
from datetime import timedelta

from textual.widgets import Input, Static

from reflect.usecases.checkins import add_checkins, load_checkins, record_checkin
from reflect.domain.checkins import OSCILLATION_WORDS, QUESTION_WORDS, RESOURCES_WORDS
from reflect.ui.app import ReflectApp
from reflect.ui.screens.checkin import CheckInScreen
from reflect.ui.screens.dialogs import ConfirmScreen
from reflect.ui.screens.home import HomeScreen
from reflect.ui.screens.journal import JournalScreen
from reflect.ui.screens.resources import ResourcesScreen
from reflect.ui.screens.trend import SaveExportScreen, TrendScreen
from reflect.ui.widgets.trend_chart import EMPTY_WORDS
from tests.helpers import fold_change_log, many_checkins, shown_text

MARKUP = "we [b]laughed[/b] [/] ok"  # typed key by key, so no emoji here
SIZE = (120, 40)
SVG = "{http://www.w3.org/2000/svg}"


def chart_text(screen: TrendScreen) -> str:
    return str(screen.chart.render())


async def open_trend(pilot, app) -> TrendScreen:
    await pilot.press("f5")
    await pilot.pause()
    assert isinstance(app.screen, TrendScreen)
    return app.screen


async def test_check_in_from_the_home_screen_in_a_few_keys(workspaces, clock):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("3", "tab", "1", "tab", *MARKUP, "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Check-in saved." in [n.message for n in app._notifications]
    [checkin] = load_checkins(ws.journal)
    assert (checkin.connection, checkin.distance, checkin.note) == (3, 1, MARKUP)
    assert checkin.when == clock.now
    assert checkin.space == ws.journal.space


async def test_check_in_from_the_journal_with_the_arrow_keys(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("up", "up", "up", "down", "tab", "up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
    [checkin] = load_checkins(ws.journal)
    assert (checkin.connection, checkin.distance, checkin.note) == (2, 1, "")


async def test_counts_stay_between_0_and_99_and_esc_saves_nothing(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        await pilot.press("down")
        assert screen.connection_input.value == "0"
        await pilot.press("9", "9", "9", "up")
        assert screen.connection_input.value == "99"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert load_checkins(ws.journal) == []


async def test_a_refused_value_is_said_plainly_and_the_dialog_stays(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        screen.connection_input.value = "150"  # typed keys cannot get here; a paste might
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert "whole number from 0 to 99" in str(screen.query_one("#problem", Static).render())
        screen.connection_input.value = "5"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert [c.connection for c in load_checkins(ws.journal)] == [5]


async def test_the_dialog_never_mentions_how_long_it_has_been(workspaces, clock):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        first_time = shown_text(app.screen)
        await pilot.press("escape")
        record_checkin(ws.journal, 1, 1, now=clock.now - timedelta(days=40))
        await pilot.press("f4")
        await pilot.pause()
        after_a_gap = shown_text(app.screen)
    assert first_time == after_a_gap
    assert "Skipped days are fine." in first_time


async def test_trend_with_no_checkins_explains_and_invites(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trend(pilot, app)
        words = shown_text(screen)
        assert OSCILLATION_WORDS in words and QUESTION_WORDS in words
        assert EMPTY_WORDS in chart_text(screen)
        # a check-in made from the trend view shows up on it at once
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("4", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert EMPTY_WORDS not in chart_text(screen)
        assert "0 ┤" in chart_text(screen)


async def test_trend_with_one_checkin(workspaces, clock):
    ws = workspaces.solo()
    record_checkin(ws.journal, 2, 1, now=clock.now, note="never on the chart")
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trend(pilot, app)
        drawn = chart_text(screen)
        assert "0 ┤" in drawn and f"{clock.now.day} {clock.now:%b}" in drawn
        assert "never on the chart" not in drawn
        words = shown_text(screen)
        assert "not enough here yet" in words and QUESTION_WORDS in words


async def test_trend_with_two_thousand_checkins_and_a_resize(workspaces, clock):
    ws = workspaces.solo()
    checkins = many_checkins(ws.journal.space, clock.now, 2500)
    assert len(checkins) >= 2000
    add_checkins(ws.journal, checkins)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trend(pilot, app)
        wide = chart_text(screen).splitlines()
        assert (len(wide), len(wide[0])) == (screen.chart.size.height, screen.chart.size.width)
        assert any("\u2800" < ch <= "\u28ff" for ch in "".join(wide))  # the smoothed lines
        assert QUESTION_WORDS in shown_text(screen)
        assert not screen.has_class("narrow")

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.has_class("narrow")
        narrow = chart_text(screen).splitlines()
        assert (len(narrow), len(narrow[0])) == (screen.chart.size.height, screen.chart.size.width)
        assert len(narrow) < len(wide)
        assert any("\u2800" < ch <= "\u28ff" for ch in "".join(narrow))

        await pilot.press("t", "t")  # the last three months
        await pilot.pause()
        assert "the last three months" in shown_text(screen)
        assert len(screen._points) < 100


async def test_a_falling_line_points_gently_to_resources(workspaces, clock):
    ws = workspaces.solo()
    add_checkins(ws.journal, many_checkins(ws.journal.space, clock.now, 70, falling=True))
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trend(pilot, app)
        words = shown_text(screen)
        assert RESOURCES_WORDS in words and "not a judgement" in words
        for never in ("%", "streak", "score", "healed", "days in a row"):
            assert never not in words.lower()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ResourcesScreen)


async def test_save_the_chart_as_svg_and_never_replace_unasked(workspaces, clock):
    ws = workspaces.solo()
    add_checkins(ws.journal, many_checkins(ws.journal.space, clock.now, 40))
    record_checkin(ws.journal, 1, 1, now=clock.now, note="a private note")
    app = ReflectApp(ws)
    folder = ws.layout.root / "exports"
    async with app.run_test(size=SIZE) as pilot:
        await open_trend(pilot, app)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveExportScreen)
        target = dialog.chosen_path()
        assert target.parent == folder and target.suffix == ".svg"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TrendScreen)
        first = target.read_bytes()
        root = ET.fromstring(first)
        assert root.tag == f"{SVG}svg"
        assert len(list(root.iter(f"{SVG}polyline"))) == 2
        assert b"a private note" not in first
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700

        # the same name again: asked first; "Cancel" keeps the file as it was
        await pilot.press("t")  # a different span draws a different chart
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SaveExportScreen)
        assert target.read_bytes() == first
        await pilot.press("enter")
        await pilot.pause()
        await pilot.click("#confirm")
        await pilot.pause()
        assert isinstance(app.screen, TrendScreen)
        ET.fromstring(target.read_bytes())


async def test_save_the_checkins_as_csv_where_the_person_chooses(workspaces, clock, tmp_path):
    ws = workspaces.solo()
    record_checkin(ws.journal, 2, 3, now=clock.now, note='quiet, "close" evening 🙂')
    app = ReflectApp(ws)
    chosen = tmp_path / "elsewhere" / "mine.csv"
    chosen.parent.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await open_trend(pilot, app)
        await pilot.press("x")
        await pilot.pause()
        field = app.screen.query_one("#export-path", Input)
        field.value = str(tmp_path / "missing" / "mine.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveExportScreen)  # said in the dialog, nothing made
        assert "does not exist" in str(app.screen.query_one("#export-problem", Static).render())
        assert not (tmp_path / "missing").exists()
        field.value = str(chosen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TrendScreen)
    rows = list(csv.DictReader(io.StringIO(chosen.read_text(encoding="utf-8"), newline="")))
    assert [(r["connection"], r["distance"], r["note"]) for r in rows] == [("2", "3", 'quiet, "close" evening 🙂')]
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o600
    assert not (ws.layout.root / "exports").exists()


async def test_palette_and_keys_do_not_stack_screens(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await app.run_action("trend")
        await pilot.pause()
        depth = len(app.screen_stack)
        await pilot.press("f5")
        await pilot.pause()
        assert len(app.screen_stack) == depth
        await app.run_action("checkin")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("f4", "f5")
        await pilot.pause()
        assert len(app.screen_stack) == depth + 1


def plain_workspace_with_edited_checkins(data_dir, clock, change):
    """A solo journal without a passphrase whose check-ins table was hand-edited on disk."""
    import orjson

    from reflect.domain.profiles import Role
    from reflect.storage.records import CHECKINS_TABLE
    from reflect.storage.sealed import KdfParams
    from reflect.usecases.workspace import NewPerson, Workspace
    from tests.helpers import DEFAULT_PACKS

    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    [person] = ws.set_up([NewPerson("Robin", Role.HURT, None)])
    ws.open_without_passphrase()
    ws.settings.first_run_acknowledged = True
    ws.save_settings()
    record_checkin(ws.journal, 3, 1, now=clock.now, note="kept private words")
    path = ws.space_path(person.space)
    ws.close()
    fold_change_log(path)
    tables = orjson.loads(path.read_bytes())
    change(tables[CHECKINS_TABLE])
    path.write_bytes(orjson.dumps(tables))
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    ws.open_without_passphrase()
    return ws


async def test_a_checkin_dated_too_far_ahead_is_left_out_of_the_trend(data_dir, clock):
    def far_ahead(table):
        [record] = table.values()
        table["2"] = {**record, "id": "far1", "when": "9999-12-31T23:00:00-05:00", "note": "far private words"}

    ws = plain_workspace_with_edited_checkins(data_dir, clock, far_ahead)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trend(pilot, app)
        assert [p.connection for p in screen._points] == [3]
        words = shown_text(screen)
        assert "Some saved check-ins (1) could not be read" in words
        assert "far private words" not in words and "kept private words" not in words
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, SaveExportScreen)
        assert b"far private words" not in app.screen.data and b"kept private words" in app.screen.data
    ws.close()


async def test_a_checkins_table_that_cannot_be_read_is_said_plainly_on_the_trend(data_dir, clock):
    from reflect.usecases.checkins import UNREADABLE_TABLE

    def bad_key(table):
        table["x"] = dict(next(iter(table.values())))

    ws = plain_workspace_with_edited_checkins(data_dir, clock, bad_key)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trend(pilot, app)
        words = shown_text(screen)
        assert UNREADABLE_TABLE in words and "still in the data file" in words
        assert EMPTY_WORDS in chart_text(screen)
        assert "kept private words" not in words
    ws.close()


async def test_the_save_dialog_says_the_file_is_not_encrypted(workspaces, clock):
    from reflect.ui.screens.trend import NOT_ENCRYPTED_WORDS

    ws = workspaces.solo()
    record_checkin(ws.journal, 2, 1, now=clock.now)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_trend(pilot, app)
        for key in ("x", "e"):
            await pilot.press(key)
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, SaveExportScreen)
            words = shown_text(dialog)
            assert NOT_ENCRYPTED_WORDS in words
            assert "not encrypted" in words and "a partner who shares it" in words
            # a solo journal's file is not named after anyone
            assert dialog.chosen_path().name.startswith(f"reflect-checkins-{clock.now:%Y}")
            await pilot.press("escape")
            await pilot.pause()


async def test_in_a_couple_the_offered_export_name_says_whose_it_is(workspaces, clock):
    from tests.helpers import PASS_B

    ws = workspaces.couple()
    sam = ws.household.profiles[1]
    ws.unlock(sam, PASS_B)
    record_checkin(ws.journal, 2, 1, now=clock.now)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_trend(pilot, app)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveExportScreen)
        target = dialog.chosen_path()
        assert target.parent == ws.layout.root / "exports"
        assert target.name == f"reflect-checkins-sam-{clock.now:%Y-%m-%d}.csv"
        assert "not encrypted" in shown_text(dialog)
