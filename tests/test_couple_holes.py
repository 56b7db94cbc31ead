"""Two holes found by a review playing the other partner at one keyboard.

1. A draft Alex kept alone in the shared space opened, while both were here,
   for whoever answered "Who is writing?" with Alex's name (no passphrase).
2. Esc at the curtain that hands Alex's unlocked session to Sam (B, "Both of
   us") gave Sam Alex's session: he wrote, and moved the ladder, as Alex.
"""

from __future__ import annotations

from reflect.ui.app import ReflectApp
from reflect.ui.screens.couple import PickPersonScreen
from reflect.ui.screens.curtain import CurtainScreen
from reflect.ui.screens.home import HomeScreen
from reflect.ui.screens.together import PassphraseTurnScreen
from reflect.ui.screens.unlock import UnlockScreen
from reflect.ui.screens.write import WriteScreen
from reflect.usecases.drafts import kept_key
from tests.helpers import PASS_A, PASS_B, SIZE, SMALL, both_here, lift, text_on_every_screen, unlock_as

ALONE_DRAFT = "ALEX SHARED DRAFT not ready 4c1e"
TOGETHER_DRAFT = "words Alex began with Sam here 9b02"


def together(ws, first, second):
    words = {ws.household.profiles[0].id: PASS_A, ws.household.profiles[1].id: PASS_B}
    ws.unlock(first, words[first.id])
    ws.join(ws.open_for(second, words[second.id]))
    assert ws.together
    return ws


# 1. drafts kept alone stay for alone


def test_a_draft_kept_alone_is_not_given_out_while_together(couple):
    ws, alex, sam = couple
    shared = ws.household.shared_space
    ws.unlock(alex, PASS_A)
    ws.drafts.save(shared, f"{alex.id}/free", ALONE_DRAFT)
    ws.lock()
    together(ws, alex, sam)
    ws.writing_as(alex.id)  # anyone at the keyboard can say so
    assert ws.drafts.get(shared, f"{alex.id}/free") is None
    assert ws.drafts.waits_alone(shared, f"{alex.id}/free")
    # A draft begun together is a draft of its own, and never writes over the one kept alone.
    ws.drafts.save(shared, f"{alex.id}/free", TOGETHER_DRAFT)
    assert ws.drafts.get(shared, f"{alex.id}/free") == TOGETHER_DRAFT
    ws.drafts.clear(shared, f"{alex.id}/free")  # saved or discarded together
    ws.lock()
    ws.unlock(alex, PASS_A)
    assert ws.drafts.get(shared, f"{alex.id}/free") == ALONE_DRAFT  # still there, for Alex alone


def test_alone_a_writer_gets_back_their_draft_from_together_and_nothing_is_lost(couple):
    ws, alex, sam = couple
    shared = ws.household.shared_space
    key = f"{alex.id}/free"
    ws.unlock(alex, PASS_A)
    ws.drafts.save(shared, key, ALONE_DRAFT)
    ws.lock()
    together(ws, alex, sam)
    ws.writing_as(alex.id)
    ws.drafts.save(shared, key, TOGETHER_DRAFT)
    ws.lock()
    ws.unlock(alex, PASS_A)
    assert ws.drafts.get(shared, key) == ALONE_DRAFT  # the one kept alone first
    ws.drafts.save(shared, key, ALONE_DRAFT + " more")
    ws.drafts.clear(shared, key)  # saved as a reflection
    assert ws.drafts.get(shared, key) == TOGETHER_DRAFT  # then the other, never dropped
    ws.drafts.save(shared, key, TOGETHER_DRAFT + " alone now")
    store = ws.store(alex.space)
    # Changed alone, it is kept alone: it does not show together again.
    assert store.get_draft(kept_key(shared, key, together=True)) is None
    assert store.get_draft(kept_key(shared, key)) == TOGETHER_DRAFT + " alone now"


async def _keep_alone_draft_and_lock(pilot, app) -> None:
    await unlock_as(pilot, app, 0, PASS_A)
    await pilot.press("f6", "n")
    await pilot.pause()
    assert isinstance(app.screen, WriteScreen)
    app.screen.editor.insert(ALONE_DRAFT)
    await pilot.press("escape")
    await pilot.pause()
    await pilot.click("#keep")  # "Keep as draft"
    await pilot.pause()
    assert not isinstance(app.screen, WriteScreen)
    await pilot.press("ctrl+l")
    await pilot.pause()


async def test_together_who_is_writing_never_opens_a_draft_kept_alone(couple_ws, seconds):
    """The review's steps: Alex keeps a shared draft alone; together, Sam presses N and picks Alex."""
    ws = couple_ws
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await _keep_alone_draft_and_lock(pilot, app)
        assert isinstance(app.screen, UnlockScreen)
        await both_here(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PickPersonScreen)
        await pilot.click("#person-0")  # "Alex", said by whoever is at the keyboard
        await pilot.pause()
        assert isinstance(app.screen, WriteScreen)
        assert ALONE_DRAFT not in app.screen.editor.text
        assert ALONE_DRAFT not in text_on_every_screen(app)
        assert "stays private" in text_on_every_screen(app)  # said plainly: kept, not lost
        await pilot.press("ctrl+l")
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)  # Alex alone again: the draft is there
        await pilot.press("f6", "n")
        await pilot.pause()
        assert isinstance(app.screen, WriteScreen)
        assert ALONE_DRAFT in app.screen.editor.text


# 2. stepping back once the keyboard was passed locks


async def _alex_alone_presses_b(pilot, app) -> None:
    await unlock_as(pilot, app, 0, PASS_A)
    assert app.workspace.is_unlocked and not app.workspace.together
    await pilot.press("b")
    await pilot.pause()
    assert isinstance(app.screen, CurtainScreen)


async def test_esc_at_the_curtain_to_the_partner_locks(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await _alex_alone_presses_b(pilot, app)
        await pilot.press("escape")  # whoever holds the keyboard now
        await pilot.pause()
        assert not app.workspace.is_unlocked
        assert isinstance(app.screen, UnlockScreen)
        assert not any(isinstance(s, HomeScreen) for s in app.screen_stack)


async def test_step_back_from_the_partners_passphrase_locks(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await _alex_alone_presses_b(pilot, app)
        await lift(pilot)
        assert isinstance(app.screen, PassphraseTurnScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.workspace.is_unlocked
        assert isinstance(app.screen, UnlockScreen)
