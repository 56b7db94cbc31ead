"""Snapshots of the curtain and of the reveal, at 80x24 and 120x40.

The couple (Alex and Sam) is set up through the workspace with the fixed
clock; both come in through the screens ("Both of us"). Regenerate after a
deliberate change with ``--snapshot-update`` and look at the pictures first.
"""

from __future__ import annotations

import pytest

from reflect.domain.sessions import RevealChoice, SessionExercise
from reflect.ui.app import ReflectApp
from reflect.ui.screens.couple import RevealScreen
from reflect.ui.screens.curtain import CurtainScreen
from reflect.usecases import couple_sessions as cs
from tests.helpers import PASS_A, PASS_B, SIZE, SMALL
from tests.helpers import both_here

QUESTION = SessionExercise("prompt", "snapshot-question", "What did you notice this week that you were glad of?")
ALEX_WORDS = "The way you waited for me at the door, [b]without[/b] asking anything."
SAM_WORDS = "That you laughed at dinner.\nIt felt like before, a little."


@pytest.fixture
def revealed_app(couple_ws, seconds):
    """A session on one question: Alex revealed hers, Sam kept his."""
    ws = couple_ws
    alex, sam = ws.household.profiles
    ws.unlock(alex, PASS_A)
    ws.join(ws.open_for(sam, PASS_B))
    session = cs.begin(ws, QUESTION, starter=alex.id)
    cs.save_answer(ws, session.id, alex.id, ALEX_WORDS)
    cs.save_answer(ws, session.id, sam.id, SAM_WORDS)
    cs.choose(ws, session.id, alex.id, RevealChoice.REVEAL)
    cs.choose(ws, session.id, sam.id, RevealChoice.KEEP)
    cs.reveal(ws, session.id)
    ws.lock()
    return ReflectApp(ws, clock=seconds), session.id


@pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "120x40"])
def test_the_curtain(couple_app, snap_compare, size):
    app = couple_app

    async def at_the_curtain(pilot) -> None:
        await both_here(pilot)
        app.push_screen(CurtainScreen("Sam", "Alex", note="Next: your answer, written on your own."))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=at_the_curtain)


@pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "120x40"])
def test_the_reveal_side_by_side_with_one_kept(revealed_app, snap_compare, size):
    app, session_id = revealed_app

    async def at_the_reveal(pilot) -> None:
        await both_here(pilot)
        app.clear_notifications()
        app.push_screen(RevealScreen(cs.revealed(app.workspace, session_id)))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=at_the_reveal)
