"""Seams between the couple sessions and the two exercises: the safety note, a resumed try,
the F6 label and notifications behind a curtain."""

from __future__ import annotations

from reflect.domain.ladder import set_pace
from reflect.domain.sessions import SessionExercise
from reflect.ui.screens.couple import PickPersonScreen, SafetyNoteScreen, SessionsScreen
from reflect.ui.screens.curtain import CurtainScreen
from reflect.usecases import couple_sessions as cs
from reflect.usecases.ladder import LadderBook
from reflect.usecases.ladder_tries import begin_try
from tests.helpers import PASS_A, PASS_B, SMALL, lift, lift_and_prove


async def here_together(pilot, app):
    ws = app.workspace
    alex, sam = ws.household.profiles
    await pilot.pause()
    app.enter_together(ws.open_for(alex, PASS_A), ws.open_for(sam, PASS_B))
    await pilot.pause()
    return ws, alex, sam


async def test_the_sentence_builder_together_first_shows_each_the_safety_note(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await here_together(pilot, app)
        await app.run_action("sentence_builder")
        await pilot.pause()
        for _ in range(2):
            await lift(pilot)
            assert isinstance(app.screen, SafetyNoteScreen)
            await pilot.click("#go-on")
            await pilot.pause()
        assert isinstance(app.screen, PickPersonScreen)  # who speaks


async def test_not_today_at_the_note_leaves_the_sentence_builder(couple_app):
    from reflect.ui.screens.sentence import SentenceScreen

    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await here_together(pilot, app)
        await app.run_action("sentence_builder")
        await pilot.pause()
        for _ in range(2):
            await lift(pilot)
            await pilot.click("#not-now")
            await pilot.pause()
        assert not any(isinstance(s, SentenceScreen) for s in app.screen_stack)


async def test_after_a_first_session_no_note_before_the_sentence_builder(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        ws, alex, sam = await here_together(pilot, app)
        cs.begin(ws, SessionExercise(kind="prompt", ref="x", title="x"), starter=alex.id)
        await app.run_action("sentence_builder")
        await pilot.pause()
        assert isinstance(app.screen, PickPersonScreen)


async def test_the_ladders_first_try_together_shows_the_safety_note(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        ws, alex, sam = await here_together(pilot, app)
        book = LadderBook.for_workspace(ws)
        book.change(set_pace, alex, book.load().steps[1].id)
        await app.run_action("ladder")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("tab", "enter")  # we agree, with no stop word
        await pilot.pause()
        await lift(pilot)
        assert isinstance(app.screen, SafetyNoteScreen)
        assert cs.unfinished(ws) == []  # nothing begun before both have read it


async def test_a_try_resumed_from_the_sessions_list_asks_what_next_time(couple_app):
    from reflect.ui.screens.ladder_try import TryAnswerScreen

    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        ws, alex, sam = await here_together(pilot, app)
        book = LadderBook.for_workspace(ws)
        book.change(set_pace, alex, book.load().steps[1].id)
        begin_try(ws, book.load().steps[1].id, "", starter=alex.id)
        await app.run_action("couple_sessions")
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)
        await pilot.press("enter")  # the try, first in "pick up where you left off"
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen)
        await lift_and_prove(pilot)  # Alex's own turn: her passphrase first
        assert isinstance(app.screen, TryAnswerScreen)


def footer_labels(app) -> dict[str, str]:
    from textual.widgets._footer import FooterKey

    return {key.action: str(key.description) for key in app.screen.query(FooterKey)}


async def test_while_together_f6_is_not_called_space(couple_app, unlock_as):
    from reflect.ui.commands import ReflectCommands

    app = couple_app
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_as(pilot, app, 0, PASS_A)
        app.workspace.switch_space(app.workspace.household.shared_space)
        await pilot.pause()
        assert footer_labels(app).get("switch_space") == "Space"  # alone, F6 does switch
        app.lock_now()
        await pilot.pause()
        await here_together(pilot, app)
        await pilot.pause()
        label = footer_labels(app).get("switch_space")
        assert label and label != "Space"
        titles = [title for title, _, action in ReflectCommands(app.screen)._available() if action == "switch_space"]
        assert titles and "space" not in titles[0].lower()


async def test_a_notification_never_shows_over_a_curtain(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await here_together(pilot, app)
        app.notify("BEFORE-THE-CURTAIN-CANARY", timeout=60)
        await pilot.pause()
        assert "BEFORE-THE-CURTAIN-CANARY" in app.export_screenshot()
        app.push_screen(CurtainScreen("Sam", "Alex"))
        await pilot.pause()
        app.notify("UNDER-THE-CURTAIN-CANARY", timeout=60)
        await pilot.pause()
        await pilot.pause()
        picture = app.export_screenshot().replace("&#160;", " ")
        assert "Pass the keyboard to Sam" in picture
        assert "BEFORE-THE-CURTAIN-CANARY" not in picture
        assert "UNDER-THE-CURTAIN-CANARY" not in picture
