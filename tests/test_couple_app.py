"""Two partners at one screen, through the screens: together mode, a session, the curtain, the reveal."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from reflect.domain.sessions import RevealChoice, SessionExercise, Stage
from reflect.ui.commands import ReflectCommands
from reflect.ui.screens.couple import (
    AnswerScreen,
    ChoiceScreen,
    PickPersonScreen,
    RevealScreen,
    SafetyNoteScreen,
    SessionsScreen,
    kept_line,
)
from reflect.ui.screens.curtain import CurtainScreen
from reflect.ui.screens.hidden import HiddenScreen
from reflect.ui.screens.home import HomeScreen
from reflect.ui.screens.unlock import UnlockScreen
from reflect.usecases import couple_sessions as cs
from tests.helpers import (
    PASS_A,
    PASS_B,
    SMALL,
    both_here,
    lift,
    lift_and_prove,
    settle,
    shown_text,
    text_on_every_screen,
    type_passphrase,
)

PRIVATE_A = "ALEX-PRIVATE-CANARY-3141"
PRIVATE_B = "SAM-PRIVATE-CANARY-2718"
PENDING_A = "ALEX-PENDING-CANARY-1618"
ANSWER_A = "Alex: the walk on Sunday helped."
ANSWER_B = "Sam: hearing you laugh again."


def on_screen(app) -> str:
    """Every text any screen holds, and every notification."""
    notes = "\n".join(str(n.message) for n in app._notifications)
    return text_on_every_screen(app) + "\n" + notes


async def answer(pilot, text: str) -> None:
    await lift_and_prove(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AnswerScreen)
    screen.editor.insert(text)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def choose(pilot, button: str) -> None:
    await lift_and_prove(pilot)
    assert isinstance(pilot.app.screen, ChoiceScreen)
    await pilot.click(f"#{button}")
    await pilot.pause()


async def begin_first_question(pilot) -> None:
    """From the path: S, the first question, both safety notes, Alex writes first."""
    app = pilot.app
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(app.screen, SessionsScreen)
    await pilot.press("enter")
    await pilot.pause()
    for _ in range(2):
        await lift(pilot)
        assert isinstance(app.screen, SafetyNoteScreen)
        await pilot.click("#go-on")
        await pilot.pause()
    assert isinstance(app.screen, PickPersonScreen)
    await pilot.click("#person-0")
    await pilot.pause()


def the_session(app):
    (session,) = [s for s in cs._all_sessions(app.workspace.store(app.workspace.household.shared_space))]
    return session


async def test_both_answer_and_both_reveal(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await begin_first_question(pilot)
        curtain = app.screen
        assert isinstance(curtain, CurtainScreen) and curtain.to == "Alex" and curtain.away == "Sam"
        await answer(pilot, ANSWER_A)
        # Between turns: Alex's words are nowhere, and the curtain names Sam.
        assert isinstance(app.screen, CurtainScreen) and app.screen.to == "Sam"
        assert ANSWER_A not in on_screen(app)
        await answer(pilot, ANSWER_B)
        assert ANSWER_A not in on_screen(app) and ANSWER_B not in on_screen(app)
        await choose(pilot, "reveal")
        await choose(pilot, "reveal")
        await lift(pilot)  # "Together now"
        assert isinstance(app.screen, RevealScreen)
        text = on_screen(app)
        assert ANSWER_A in text and ANSWER_B in text
        shared = app.workspace.store(app.workspace.household.shared_space)
        authors = {e.author for e in shared.entries() if e.session_id}
        assert authors == {p.id for p in app.workspace.household.profiles}
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)


async def test_one_keeps_and_the_other_sees_one_neutral_line(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await begin_first_question(pilot)
        await answer(pilot, ANSWER_A)
        await answer(pilot, ANSWER_B)
        await choose(pilot, "keep")
        await choose(pilot, "reveal")
        await lift(pilot)
        assert isinstance(app.screen, RevealScreen)
        text = on_screen(app)
        assert ANSWER_B in text and ANSWER_A not in text
        assert kept_line("Alex") in text
        assert "why" not in shown_text(app.screen).lower()  # nothing asks why
        alex = app.workspace.household.profiles[0]
        session = the_session(app)
        kept = app.workspace.session.sealed_journal_of(alex.id).get(cs.answer_entry_id(session.id, alex.id))
        assert kept.text == ANSWER_A and kept.session_id == session.id


async def test_interrupted_by_a_lock_and_a_hide_then_resumed(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await begin_first_question(pilot)
        await answer(pilot, PENDING_A)
        assert isinstance(app.screen, CurtainScreen)
        await pilot.press("ctrl+l")  # the lock works behind the curtain
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and not app.workspace.is_unlocked
        assert PENDING_A not in on_screen(app)
        await both_here(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert "Alex has written. Next: Sam." in on_screen(app)
        assert PENDING_A not in on_screen(app)
        await pilot.press("enter")  # pick up where you left off
        await pilot.pause()
        await lift_and_prove(pilot)
        screen = app.screen
        assert isinstance(screen, AnswerScreen)
        screen.editor.insert("Sam, half way")
        await pilot.press("f12")  # hide while Sam types: his words are kept, nothing shows
        await pilot.pause()
        assert isinstance(app.screen, HiddenScreen)
        assert "Sam, half way" not in on_screen(app)
        await pilot.press("enter")
        await pilot.pause()
        await both_here(pilot)
        await pilot.press("s", "enter")
        await pilot.pause()
        await lift_and_prove(pilot)  # his passphrase first: his draft is his alone
        assert isinstance(app.screen, AnswerScreen)
        assert app.screen.editor.text == "Sam, half way"  # his own draft, back for him only
        app.screen.editor.insert(" and done.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await choose(pilot, "reveal")
        await choose(pilot, "reveal")
        await lift(pilot)
        text = on_screen(app)
        assert PENDING_A in text and "half way and done." in text


async def test_ended_answers_stay_in_their_writers_journal(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await begin_first_question(pilot)
        await answer(pilot, PENDING_A)
        await pilot.press("escape")  # at Sam's curtain: step back
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PickPersonScreen)
        await pilot.click("#person-1")  # Sam ends it; no reason is asked
        await pilot.pause()
        assert the_session(app).stage is Stage.ENDED
        assert PENDING_A not in on_screen(app)
        alex = app.workspace.household.profiles[0]
        app.lock_now()
        await pilot.pause()
        from tests.helpers import unlock_as

        await unlock_as(pilot, app, 0, PASS_A)
        mine = [e for e in app.workspace.store(alex.space).entries() if e.session_id]
        assert [e.text for e in mine] == [PENDING_A]


async def test_not_now_at_the_safety_note_begins_nothing_and_records_nothing(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await pilot.press("s", "enter")
        await pilot.pause()
        await lift(pilot)
        await pilot.click("#not-now")
        await pilot.pause()
        await lift(pilot)  # the second partner still sees the note: neither learns the other's choice
        assert isinstance(app.screen, SafetyNoteScreen)
        await pilot.click("#go-on")
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)
        assert not cs.has_begun_any(app.workspace)


async def test_together_from_the_path_and_leaving_together_locks(couple_app, unlock_as):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("b")
        await pilot.pause()
        assert app.workspace.active_space == app.workspace.household.shared_space
        await lift(pilot)
        await type_passphrase(pilot, PASS_B)
        assert app.workspace.together and isinstance(app.screen, HomeScreen)
        await app.run_action("leave_together")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and not app.workspace.is_unlocked


# --- The partner who wants to read the other's journal ---------------------


@pytest.fixture
def canaries(couple_ws):
    """Each partner's private journal holds a canary, and Alex has a pending answer."""
    ws = couple_ws
    alex, sam = ws.household.profiles
    ws.unlock(sam, PASS_B)
    ws.write(PRIVATE_B)
    ws.lock()
    ws.unlock(alex, PASS_A)
    ws.write(PRIVATE_A)
    ws.join(ws.open_for(sam, PASS_B))
    prompt = next(p for p in ws.find_section(ws.sections()[0][1].id).prompts)
    session = cs.begin(ws, SessionExercise("prompt", prompt.id, prompt.text), starter=alex.id)
    cs.save_answer(ws, session.id, alex.id, PENDING_A)
    revealed = cs.begin(ws, SessionExercise("prompt", "other", "Another question"), starter=alex.id)
    for person, words in ((alex.id, "shown words A"), (sam.id, "shown words B")):
        cs.save_answer(ws, revealed.id, person, words)
    for person in (alex.id, sam.id):
        cs.choose(ws, revealed.id, person, RevealChoice.REVEAL)
    cs.reveal(ws, revealed.id)
    ws.lock()
    return ws


@pytest.mark.slow
async def test_no_key_or_palette_command_leads_into_a_private_journal(canaries, seconds):
    from reflect.ui.app import ReflectApp

    app = ReflectApp(canaries, clock=seconds)
    secrets = (PRIVATE_A, PRIVATE_B, PENDING_A)

    def check(where: str) -> None:
        text = on_screen(app)
        for secret in secrets:
            assert secret not in text, where

    async def at(place: str) -> None:
        """Together, on ``place``: the path, the sessions list, a curtain, a reveal."""
        assert app.is_running  # a key that quit would make every later check vacuous
        if isinstance(app.screen, HiddenScreen):
            await pilot.press("enter")
            await pilot.pause()
        if not app.workspace.together:
            app.lock_now()  # whatever door a key led to, start again at the lock
            await pilot.pause()
            await both_here(pilot)
        app.reset_screens()
        await pilot.pause()
        await app.push_screen(HomeScreen())
        await pilot.pause()
        if place == "home":
            return
        await app.push_screen(SessionsScreen())
        await pilot.pause()
        if place == "sessions":
            return
        if place == "curtain":
            await pilot.press("enter")  # the open session: Sam's curtain
            await pilot.pause()
            assert isinstance(app.screen, CurtainScreen)
        elif place == "reveal":
            (revealed,) = [
                s for s in cs._all_sessions(app.workspace.store("shared")) if s.stage is Stage.REVEALED
            ]
            await app.push_screen(RevealScreen(cs.revealed(app.workspace, revealed.id)))
            await pilot.pause()

    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.pause()
        for place in ("home", "sessions", "curtain", "reveal"):
            await at(place)
            # Every key bound on this screen (the app's too), and the keys people try.
            bound = set(app.screen.active_bindings) - {"ctrl+q", "q"}
            for key in sorted(bound | {"escape", "enter", "tab"}):
                await at(place)
                check(f"{place} before {key}")
                await pilot.press(key)
                await settle(pilot)
                check(f"{place} after {key}")
                # and a second key, as someone trying an Escape chain would
                await pilot.press("escape")
                await settle(pilot)
                check(f"{place} after {key}, escape")
            await at(place)
            provider = ReflectCommands(app.screen)
            titles = [str(hit.text) for hit in [hit async for hit in provider.discover()]]
            if place == "curtain":
                assert set(titles) <= {"Help", "Pause and breathe", "Resources", "Lock", "Hide the screen"}
            else:
                assert "Journal" in titles  # the shared journal is offered, never a private one
            assert "Preferences" not in titles and "Session prep" not in titles and "Import" not in titles
            for title in titles:
                await at(place)
                hit = next(h for h in [h async for h in ReflectCommands(app.screen).discover()] if str(h.text) == title)
                app.call_next(hit.command)  # as the palette runs it: inside the app
                await settle(pilot)
                check(f"{place} palette {title}")
                await pilot.press("escape", "escape")
                await settle(pilot)
                check(f"{place} palette {title}, escape")
        # The same check sees a canary when it is on screen: Alex alone, in her own journal.
        app.lock_now()
        await pilot.pause()
        from tests.helpers import unlock_as

        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("j")
        await settle(pilot)
        assert PRIVATE_A in on_screen(app)


async def test_while_together_what_belongs_to_one_person_is_neither_bound_nor_offered(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        for action in ("preferences", "session_prep", "import_journal", "together"):
            assert not app.check_action(action, ())
        assert app.check_action("couple_sessions", ()) and app.check_action("journal", ())
        assert "p" not in app.screen.active_bindings  # Preferences, on the path
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("j")
        await pilot.pause()
        assert app.workspace.active_space == app.workspace.household.shared_space


async def test_the_private_door_has_no_both_of_us(couple_app, unlock_as):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("f6")  # to the shared space
        await pilot.pause()
        await pilot.press("f6")  # and from it to a private journal: whose?
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and app.screen.door == "private"
        assert not app.screen.query("#who-both")


async def test_the_safety_note_leads_to_the_lines_for_unsafe_relationships(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await pilot.press("s", "enter")
        await pilot.pause()
        await lift(pilot)
        assert isinstance(app.screen, SafetyNoteScreen)
        await pilot.click("#support")
        await settle(pilot)
        assert app.screen is app.get_screen("resources")
        assert app.screen.query_one("#resources").scroll_y > 0  # at the lines for unsafe relationships
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SafetyNoteScreen)  # back to the note, nothing chosen yet


async def test_alone_the_partner_reaches_no_pending_answer_of_the_other(canaries, seconds, unlock_as):
    """Sam alone, on every screen his keys reach: his journal, the shared space, its journal, the trend."""
    from reflect.ui.app import ReflectApp

    app = ReflectApp(canaries, clock=seconds)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 1, PASS_B)
        await pilot.press("j")
        await settle(pilot)
        assert PRIVATE_B in on_screen(app)  # his own words: the check sees what is there
        for key in ("escape", "f6", "j", "escape", "f5", "escape", "s", "b", "escape"):
            await pilot.press(key)
            await settle(pilot)
            text = on_screen(app)
            assert PENDING_A not in text and PRIVATE_A not in text, key


async def test_a_pause_while_a_passphrase_is_checked_loses_nothing(couple_app):
    import threading

    from reflect.ui.screens.pause import PauseScreen

    app = couple_app
    ws = app.workspace
    release, entered = threading.Event(), threading.Event()
    real_open_for = ws.open_for

    def slow_open_for(profile, passphrase, **kwargs):
        entered.set()
        release.wait(5)
        return real_open_for(profile, passphrase, **kwargs)

    ws.open_for = slow_open_for
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.click("#who-both")
        await pilot.click("#unlock")
        await pilot.pause()
        await lift(pilot)
        app.screen.query_one("#passphrase", Input).value = PASS_A
        await pilot.press("enter")
        for _ in range(100):  # the key derivation is under way
            if entered.is_set():
                break
            await pilot.pause(0.02)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, PauseScreen)  # nothing moves under the pause
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CurtainScreen) and app.screen.to == "Sam"


async def test_an_answer_can_be_changed_before_choosing(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await begin_first_question(pilot)
        await answer(pilot, ANSWER_A)
        await answer(pilot, ANSWER_B)
        await choose(pilot, "change")  # Alex, behind the curtain: her own answer again
        screen = app.screen
        assert isinstance(screen, AnswerScreen) and screen.editor.text == ANSWER_A
        screen.editor.insert(" And the tea.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)  # straight back to her choice, still her turn
        await pilot.click("#reveal")
        await pilot.pause()
        await choose(pilot, "reveal")
        await lift(pilot)
        assert ANSWER_A + " And the tea." in on_screen(app)


async def test_forgot_my_passphrase_with_both_of_us_chosen_asks_for_one_name(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.click("#who-both")
        await pilot.click("#recover")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert "Choose your own name above first" in shown_text(app.screen)
