"""`reflect --demo couple`: two invented partners on throw-away data, opened at the lock screen."""

from __future__ import annotations

import pytest

from reflect.cli.parser import build_parser
from reflect.storage.sealed import KdfParams
from reflect.ui.app import ReflectApp
from reflect.ui.screens.journal import JournalScreen
from reflect.ui.screens.unlock import UnlockScreen
from reflect.usecases.checkins import load_checkins
from reflect.usecases.demo import make_demo_folder, remove_demo_folder, seed_demo_couple
from reflect.usecases.demo_content import COUPLE_PRIVATE, DEMO_COUPLE
from reflect.usecases.workspace import Workspace
from tests.helpers import DEFAULT_PACKS, SIZE, SMALL, in_view, shown_text, text_on_every_screen, unlock_as


def test_the_demo_option_takes_an_optional_kind():
    parser = build_parser()
    assert parser.parse_args(["--demo"]).demo == "solo"
    assert parser.parse_args(["--demo", "couple"]).demo == "couple"
    assert parser.parse_args([]).demo is None
    assert "couple" in parser.format_help()


@pytest.fixture
def demo_couple(tmp_path, monkeypatch):
    monkeypatch.setenv("REFLECT_HOME", str(tmp_path / "real"))
    folder = make_demo_folder()
    ws = Workspace.open(folder, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    passphrases = seed_demo_couple(ws)
    yield ws, passphrases
    ws.close()
    remove_demo_folder(folder)
    assert not folder.exists()
    assert not (tmp_path / "real").exists()


def test_the_demo_couple_has_private_and_authored_shared_writing(demo_couple):
    ws, passphrases = demo_couple
    assert not ws.is_unlocked
    ana, ben = ws.household.profiles
    assert (ana.name, ana.role.value, ben.name, ben.role.value) == ("Ana", "hurt", "Ben", "involved")
    assert passphrases == {name: passphrase for name, _, passphrase in DEMO_COUPLE}
    ws.unlock(ana, passphrases["Ana"])
    private = ws.store(ana.space).entries()
    assert {e.text for e in private} == {s["text"] for s in COUPLE_PRIVATE["Ana"]}
    shared = ws.store("shared").entries()
    assert {e.author for e in shared} == {ana.id, ben.id}
    assert {c.author for c in load_checkins(ws.store("shared"))} == {ana.id, ben.id}
    assert load_checkins(ws.store(ana.space))
    ws.lock()
    ws.unlock(ben, passphrases["Ben"])
    assert {e.text for e in ws.store(ben.space).entries()} == {s["text"] for s in COUPLE_PRIVATE["Ben"]}


async def test_the_demo_couple_opens_at_a_lock_screen_that_shows_the_demo_passphrases(demo_couple):
    ws, passphrases = demo_couple
    app = ReflectApp(ws, demo=True, demo_passphrases=passphrases)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#understood")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        words = shown_text(app.screen)
        assert "ana demo passphrase" in words and "ben demo passphrase" in words
        await unlock_as(pilot, app, 1, passphrases["Ben"])
        assert "demo" in app.space_caption
        await pilot.press("f6", "j")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        rows = [str(app.screen.entry_list.get_option_at_index(i).prompt) for i in range(app.screen.entry_list.option_count)]
        assert any("Ana · " in row for row in rows) and any("Ben · " in row for row in rows)
        # Ana's private journal is nowhere on Ben's screens.
        everything = text_on_every_screen(app)
        assert not any(s["text"][:40] in everything for s in COUPLE_PRIVATE["Ana"])


async def test_the_ordinary_demo_shows_no_passphrases(tmp_path, monkeypatch):
    from reflect.usecases.demo import seed_demo

    monkeypatch.setenv("REFLECT_HOME", str(tmp_path / "real"))
    folder = make_demo_folder()
    try:
        with Workspace.open(folder, pack_dirs=[DEFAULT_PACKS]) as ws:
            seed_demo(ws)
            assert ReflectApp(ws, demo=True).demo_note == ""
    finally:
        remove_demo_folder(folder)


def test_the_demo_couple_has_a_revealed_session_and_one_waiting_for_ben(demo_couple):
    from reflect.domain.sessions import Stage
    from reflect.usecases import couple_sessions
    from reflect.usecases.demo_content import COUPLE_SESSIONS

    ws, passphrases = demo_couple
    ana, ben = ws.household.profiles
    ws.unlock(ana, passphrases["Ana"])
    sessions = [s for s in couple_sessions._all_sessions(ws.store("shared")) if s.exercise.kind == "prompt"]
    stages = sorted(s.stage.value for s in sessions)
    assert stages == sorted([Stage.REVEALED.value, Stage.ANSWERING.value])
    waiting = next(s for s in sessions if s.stage is Stage.ANSWERING)
    assert waiting.answered == frozenset({ana.id})
    assert couple_sessions.next_turn(waiting) == ben.id
    shared_texts = {e.text for e in ws.store("shared").entries()}
    revealed = next(s for s in COUPLE_SESSIONS if s["revealed"])
    assert set(revealed["answers"].values()) <= shared_texts
    # Ana's pending answer is sealed in her own journal, never in the shared space.
    pending = next(s for s in COUPLE_SESSIONS if not s["revealed"])["answers"]["Ana"]
    assert pending not in shared_texts
    ws.lock()
    ws.unlock(ben, passphrases["Ben"])
    assert pending not in {e.text for e in ws.store(ben.space).entries()}


def test_the_demo_couple_has_a_ladder_with_changes_and_one_try(demo_couple):
    from reflect.domain.sessions import Stage
    from reflect.usecases import couple_sessions
    from reflect.usecases.demo_content import DEMO_LADDER
    from reflect.usecases.ladder import LadderBook

    ws, passphrases = demo_couple
    ana, ben = ws.household.profiles
    ws.unlock(ben, passphrases["Ben"])
    ws.switch_space("shared")
    ladder = LadderBook.for_workspace(ws).load()
    kinds = [event.kind for event in ladder.log]
    assert kinds.count("try") == 1 and len(kinds) >= 4
    assert DEMO_LADDER["own_step"] in [step.text for step in ladder.steps]
    assert [s.text for s in ladder.suggestions] == [DEMO_LADDER["suggested"]]
    assert ladder.pace is not None and not ladder.paused
    (tried,) = ladder.tries()
    session = couple_sessions.find(ws, tried.session_id)
    assert session.stage is Stage.REVEALED  # how it felt, shown to both
    shared_texts = " ".join(e.text for e in ws.store("shared").entries())
    assert all(words in shared_texts for words in DEMO_LADDER["felt"].values())


async def test_the_demo_welcomes_at_its_first_door_and_says_welcome_back_only_after_a_lock(demo_couple):
    """Before: "Welcome back" to someone who had never been there."""
    ws, passphrases = demo_couple
    app = ReflectApp(ws, demo=True, demo_passphrases=passphrases)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#understood")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        words = shown_text(app.screen)
        assert "Welcome to the demo" in words and "Welcome back" not in words
        await unlock_as(pilot, app, 0, passphrases["Ana"])
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert "Welcome back" in shown_text(app.screen)


async def test_the_demo_couples_door_shows_unlock_at_80x24(demo_couple):
    """Who is here, the demo's passphrases, the field and Unlock: all on one 80x24 screen."""
    ws, passphrases = demo_couple
    app = ReflectApp(ws, demo=True, demo_passphrases=passphrases)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.click("#understood")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert in_view(app, "#unlock") and in_view(app, "#who") and in_view(app, "#demo-note")
        await pilot.press("enter", "tab", *"not it")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert "did not open" in str(app.screen.query_one("#problem").render())
        assert in_view(app, "#unlock") and in_view(app, "#passphrase")
