"""The curtain trusts nobody's Enter: a person's own answer, draft or choice waits for their passphrase.

Both are together; the curtain says "Pass the keyboard to Alex", and Sam
presses Enter. Sam must see nothing of Alex's (her pending answer, her
restored draft) and must not choose or change anything for her.
"""

from __future__ import annotations

from reflect.domain.sessions import SessionExercise
from reflect.ui.screens.couple import PROVE_IT, AnswerScreen, ChoiceScreen, SessionFlow, together_prompts
from reflect.ui.screens.curtain import CurtainScreen
from reflect.ui.screens.together import PassphraseTurnScreen
from reflect.usecases import couple_sessions as cs
from tests.helpers import PASS_A, PASS_B, SMALL, both_here, settle, shown_text, text_on_every_screen, type_passphrase

ANSWER_A = "ALEX-PENDING-ANSWER-CANARY-5772"
ANSWER_B = "SAM-PENDING-ANSWER-CANARY-4669"
DRAFT_A = "ALEX-HALF-TYPED-DRAFT-CANARY-1414"


def on_screen(app) -> str:
    notes = "\n".join(str(n.message) for n in app._notifications)
    return text_on_every_screen(app) + "\n" + notes


def begin_session(app):
    """A session on the first together question, Alex first, recorded through the use cases."""
    ws = app.workspace
    alex, sam = ws.household.profiles
    prompt, _ = together_prompts(app)[0]
    session = cs.begin(ws, SessionExercise(kind="prompt", ref=prompt.id, title=prompt.text), starter=alex.id)
    return ws, alex, sam, session


async def sam_lifts_alexs_curtain(pilot, app) -> None:
    """The curtain names Alex; Sam holds the keyboard and presses Enter."""
    assert isinstance(app.screen, CurtainScreen) and app.screen.to == "Alex"
    await pilot.press("enter")
    await settle(pilot)


async def test_sam_at_alexs_choice_curtain_sees_nothing_and_chooses_nothing(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        ws, alex, sam, session = begin_session(app)
        cs.save_answer(ws, session.id, alex.id, ANSWER_A)
        cs.save_answer(ws, session.id, sam.id, ANSWER_B)
        SessionFlow(app, session.id).step()
        await pilot.pause()
        await sam_lifts_alexs_curtain(pilot, app)
        # Nothing of Alex's, and no way to choose for her: only her passphrase is asked.
        assert not isinstance(app.screen, ChoiceScreen)
        assert ANSWER_A not in on_screen(app)
        assert isinstance(app.screen, PassphraseTurnScreen) and app.screen.profile.id == alex.id
        assert PROVE_IT in shown_text(app.screen)
        assert not app.screen.query("#reveal, #keep, #change")
        # Sam tries his own passphrase: still nothing, and it says so plainly.
        await type_passphrase(pilot, PASS_B)
        assert isinstance(app.screen, PassphraseTurnScreen)
        assert ANSWER_A not in on_screen(app)
        assert "That is not Alex's passphrase, so nothing is shown." in shown_text(app.screen)
        assert cs.find(ws, session.id).choices == ()
        # Esc: back to the curtain, still naming Alex.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen) and app.screen.to == "Alex"
        assert ANSWER_A not in on_screen(app)
        # Alex herself: her passphrase, then her answer and her choice.
        await pilot.press("enter")
        await settle(pilot)
        await type_passphrase(pilot, PASS_A)
        assert isinstance(app.screen, ChoiceScreen) and app.screen.person == alex.id
        assert ANSWER_A in shown_text(app.screen) and ANSWER_B not in on_screen(app)


async def test_sam_at_alexs_resumed_turn_sees_no_draft_and_writes_nothing(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        ws, alex, _, session = begin_session(app)
        cs.keep_draft(ws, session.id, alex.id, DRAFT_A)  # her half-typed answer, from another day
        SessionFlow(app, session.id).step()
        await pilot.pause()
        await sam_lifts_alexs_curtain(pilot, app)
        assert not isinstance(app.screen, AnswerScreen)
        assert DRAFT_A not in on_screen(app)
        assert isinstance(app.screen, PassphraseTurnScreen)
        await type_passphrase(pilot, "not anybody's passphrase")
        assert isinstance(app.screen, PassphraseTurnScreen) and DRAFT_A not in on_screen(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen) and app.screen.to == "Alex"
        await pilot.press("enter")
        await settle(pilot)
        await type_passphrase(pilot, PASS_A)
        assert isinstance(app.screen, AnswerScreen) and app.screen.editor.text == DRAFT_A
        assert cs.draft_of(ws, session.id, alex.id) == DRAFT_A


def test_only_a_persons_own_passphrase_proves_it_is_them(couple_ws):
    ws = couple_ws
    alex, sam = ws.household.profiles
    ws.unlock(alex, PASS_A)
    ws.join(ws.open_for(sam, PASS_B))
    assert cs.asks_passphrase(ws, alex.id) and cs.asks_passphrase(ws, sam.id)
    assert cs.is_their_passphrase(ws, alex.id, PASS_A) and cs.is_their_passphrase(ws, sam.id, PASS_B)
    assert not cs.is_their_passphrase(ws, alex.id, PASS_B)
    assert not cs.is_their_passphrase(ws, sam.id, PASS_A)
    assert not cs.is_their_passphrase(ws, alex.id, "")
    assert not cs.is_their_passphrase(ws, "somebody-else", PASS_A)
