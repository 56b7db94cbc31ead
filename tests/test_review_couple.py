"""Found by playing two people at one keyboard: keys pressed in a hurry never choose for anyone."""

from __future__ import annotations

from reflect.ui.screens.couple import ChoiceScreen
from reflect.ui.screens.together import PassphraseTurnScreen
from tests.helpers import SMALL, both_here, lift_and_prove, prove, settle
from tests.test_couple_app import ANSWER_A, ANSWER_B, answer, begin_first_question, the_session


async def test_a_double_enter_at_the_curtain_does_not_choose_to_show(couple_app):
    """Enter lifts the curtain; a second Enter (a hurried or held key) must not
    make the choice to show, unseen, for the person whose turn it is."""
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await begin_first_question(pilot)
        await answer(pilot, ANSWER_A)
        await answer(pilot, ANSWER_B)
        await pilot.press("enter", "enter")  # the curtain before the first choice, then once more
        await settle(pilot)
        assert isinstance(app.screen, PassphraseTurnScreen)  # an empty passphrase proves nobody
        await prove(pilot)
        await pilot.press("enter")  # a hurried or held key, once her choice is on screen
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        assert the_session(app).choices == ()


async def test_keeping_an_answer_can_be_chosen_with_the_keyboard(couple_app):
    """Tab reaches every button of the choice (the curtain screens let only the
    safety keys through, and Tab was not among them: only a mouse could keep)."""
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await begin_first_question(pilot)
        await answer(pilot, ANSWER_A)
        await answer(pilot, ANSWER_B)
        await lift_and_prove(pilot)  # the curtain lifts for the first choice; her passphrase
        assert isinstance(app.screen, ChoiceScreen)
        for _ in range(4):  # Tab along the buttons to "Keep it for myself"
            if app.focused is not None and app.focused.id == "keep":
                break
            await pilot.press("tab")
            await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        (first, choice), = the_session(app).choices
        assert choice.value == "keep"


async def test_the_speaker_can_say_not_quite_with_the_keyboard(couple_app):
    """After the receiving step, Shift+Tab reaches "Not quite" (it was mouse-only)."""
    from reflect.domain.sentences import Reflection
    from reflect.ui.screens.sentence_together import ReflectBackScreen
    from reflect.usecases.sentences import read_sentences
    from tests.helpers import PASS_A, PASS_B

    app, ws = couple_app, couple_app.workspace
    alex, sam = ws.household.profiles
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        app.enter_together(ws.open_for(alex, PASS_A), ws.open_for(sam, PASS_B))
        await pilot.pause()
        await app.run_action("sentence_builder")
        await pilot.pause()
        for _ in range(2):  # their first together exercise: each reads the safety note alone
            await pilot.press("enter")
            await pilot.pause()
            await pilot.click("#go-on")
            await pilot.pause()
        await pilot.click("#person-1")  # Sam speaks
        await pilot.pause()
        await pilot.press("enter")  # the curtain
        await settle(pilot)
        await prove(pilot)
        await pilot.press("enter", *"I am ashamed", "enter", "enter")
        await pilot.pause()
        await pilot.click("#pass")
        await pilot.pause()
        await pilot.press("enter")  # the curtain: Alex takes the keyboard
        await settle(pilot)
        await prove(pilot)
        await pilot.press("enter", *"you feel ashamed", "enter")
        await pilot.pause()
        await pilot.press("enter")  # the curtain: back to Sam
        await settle(pilot)
        await prove(pilot)
        assert isinstance(app.screen, ReflectBackScreen)
        app.screen.query_one("#thats-it").focus()
        await pilot.press("shift+tab", "enter")  # from "That's it" to "Not quite"
        await pilot.pause()
        found, _ = read_sentences(ws.store(ws.household.shared_space))
        assert [s.reflection for s in found] == [Reflection.NOT_QUITE]
