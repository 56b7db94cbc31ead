"""Snapshots of the ladder (the hurt partner's view and the involved partner's) and the sentence builder.

A fixed clock and fixed steps; cursors held still. Regenerate with
``--snapshot-update`` only after looking at the new pictures.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from reflect.domain.ladder import set_pace, suggest_step
from reflect.usecases.ladder import LadderBook
from tests.helpers import PASS_A, PASS_B, SIZE, SMALL, unlock_as

SIZES = pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "120x40"])


def steady(screen) -> None:
    for widget in screen.query(Input):
        widget.cursor_blink = False


@SIZES
def test_the_ladder_as_the_hurt_partner_sees_it(solo_app, snap_compare, size):
    ws = solo_app.workspace
    person = ws.current
    book = LadderBook.for_workspace(ws)
    steps = book.load().steps
    book.change(set_pace, person, steps[3].id)
    book.change(set_pace, person, steps[2].id)
    book.change(suggest_step, person, "Making tea for each other")

    async def open_ladder(pilot) -> None:
        await pilot.pause()
        await solo_app.run_action("ladder")
        await pilot.pause()

    assert snap_compare(solo_app, terminal_size=size, run_before=open_ladder)


@SIZES
def test_the_ladder_as_the_involved_partner_sees_it(couple_app, snap_compare, size):
    ws = couple_app.workspace
    alex, sam = ws.household.profiles

    async def as_sam(pilot) -> None:
        await pilot.pause()
        await unlock_as(pilot, couple_app, 0, PASS_A)
        book = LadderBook.for_workspace(ws)
        book.change(set_pace, alex, book.load().steps[1].id)
        book.change(suggest_step, sam, "Walking side by side")
        couple_app.lock_now()
        await pilot.pause()
        await unlock_as(pilot, couple_app, 1, PASS_B)
        couple_app.clear_notifications()
        await couple_app.run_action("ladder")
        await pilot.pause()

    assert snap_compare(couple_app, terminal_size=size, run_before=as_sam)


@SIZES
def test_the_sentence_builder_with_a_sentence_taking_shape(solo_app, snap_compare, size):
    async def build(pilot) -> None:
        await pilot.pause()
        await solo_app.run_action("sentence_builder")
        await pilot.pause()
        steady(solo_app.screen)
        await pilot.press("enter", *"I still check [b]your[/b] phone in my head", "enter", *"hearing it is not about me")
        await pilot.pause()

    assert snap_compare(solo_app, terminal_size=size, run_before=build)
