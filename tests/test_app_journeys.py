"""Pilot tests for each journey a person takes through the app."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from reflect.domain.profiles import Role
from reflect.storage.settings import load_settings
from reflect.storage.sealed import KdfParams
from reflect.ui.app import ReflectApp
from reflect.ui.screens.first_run import FirstRunScreen
from reflect.ui.screens.home import HomeScreen
from reflect.ui.screens.journal import JournalScreen
from reflect.ui.screens.pause import PauseScreen
from reflect.ui.screens.section import SectionScreen
from reflect.ui.screens.write import WriteScreen
from reflect.usecases.workspace import NewPerson, Workspace
from tests.helpers import DEFAULT_PACKS, PASSPHRASE, SIZE, searched, shown_text

MARKUP = "I said [b]nothing[/b] and [@click=app.quit]left[/] 🙂"




async def write_to_first_prompt(pilot, app, text: str) -> None:
    await pilot.press("enter")  # open the first step of the path
    await pilot.pause()
    assert isinstance(app.screen, SectionScreen)
    await pilot.press("enter")  # write to its first question
    await pilot.pause()
    assert isinstance(app.screen, WriteScreen)
    app.screen.editor.insert(text)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_write_quit_reopen_and_find_it_as_typed(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await write_to_first_prompt(pilot, app, MARKUP)
        assert isinstance(app.screen, SectionScreen)
    ws.close()

    ws = workspaces.solo()
    [entry] = ws.journal.entries()
    assert entry.text == MARKUP
    first_section = ws.sections()[0][1]
    assert entry.prompt_id == first_section.prompts[0].id
    assert entry.prompt_text == first_section.prompts[0].text
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        assert MARKUP in shown_text(app.screen)
        # the path now marks the first step as explored
        await pilot.press("escape")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "explored" in str(home.path_list.get_option_at_index(0).prompt)


async def test_edit_an_entry(workspaces):
    ws = workspaces.solo()
    ws.write("first words")
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WriteScreen)
        app.screen.editor.move_cursor(app.screen.editor.document.end)
        app.screen.editor.insert(" and more")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        assert "first words and more" in shown_text(app.screen)
    [entry] = ws.journal.entries()
    assert entry.text == "first words and more"
    assert len(ws.journal.entries()) == 1


async def test_delete_needs_confirmation_and_can_be_undone(workspaces):
    ws = workspaces.solo()
    ws.write("keep me safe")
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("escape")  # the safe answer: nothing deleted
        await pilot.pause()
        assert len(ws.journal.entries()) == 1
        await pilot.press("d")
        await pilot.pause()
        await pilot.click("#confirm")
        await pilot.pause()
        assert ws.journal.entries() == []
        await pilot.press("u")
        await pilot.pause()
        assert [e.text for e in ws.journal.entries()] == ["keep me safe"]
        assert "keep me safe" in shown_text(app.screen)


async def test_search_star_and_tags(workspaces, clock):
    ws = workspaces.solo()
    ws.write("a walk by the river")
    clock.advance(hours=1)
    ws.write("a quiet dinner", tags=["evening"])
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        screen = app.screen
        assert screen.entry_list.option_count == 2
        await pilot.press("slash")
        await pilot.press(*"river")
        await searched(pilot)
        assert screen.entry_list.option_count == 1
        assert "river" in str(screen.entry_list.get_option_at_index(0).prompt)
        await pilot.press("enter")  # back to the list
        await pilot.press("s")
        await pilot.pause()
        assert [e.starred for e in ws.journal.entries() if "river" in e.text] == [True]
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("ctrl+a")
        await pilot.press(*"outside calm", "enter")
        await pilot.pause()
        river = next(e for e in ws.journal.entries() if "river" in e.text)
        assert river.tags == ("calm", "outside")


async def test_leaving_unsaved_words_keeps_a_draft(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.screen.editor.insert("half a thought")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#keep")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert ws.journal.entries() == []
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.editor.text == "half a thought"


async def test_pause_opens_from_the_writing_screen_and_saves_nothing(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    space = ws.journal.path
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        before = space.read_bytes() if space.exists() else None
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        phase = str(app.screen.query_one("#phase", Static).render())
        assert "Breathe" in phase
        await pilot.pause(0.5)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WriteScreen)
        assert (space.read_bytes() if space.exists() else None) == before


async def test_first_run_notice_until_acknowledged(workspaces):
    ws = workspaces.solo(acknowledged=False)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        text = app.screen.query_one("Markdown").source
        assert "not therapy" in text and "not a crisis service" in text and "adults" in text
        await pilot.press("escape")  # cannot be waved away without reading
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        await pilot.click("#understood")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert load_settings(ws.layout.settings_file).first_run_acknowledged
    ws.close()

    ws = workspaces.solo(acknowledged=False)
    ws.settings = load_settings(ws.layout.settings_file)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_resources_screen_is_offline_and_has_crisis_lines(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        source = app.screen.query_one("Markdown").source
        for needle in ("988", "116 123", "findahelpline.com", "iceeft.com", "trauma-informed"):
            assert needle in source


async def test_palette_has_main_actions_and_no_screenshot(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Screenshot" not in titles
        assert "Quit" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"journal")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)


@pytest.mark.parametrize("text", ["[b]x[/]", "[@click=app.quit]", "[/]", "a" * 5000, "🙂" * 100])
async def test_markup_like_text_is_shown_literally(workspaces, text):
    ws = workspaces.solo()
    ws.write(text)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        detail = app.screen.query_one("#detail-text", Static)
        assert str(detail.render()) == text


async def test_demo_mode_uses_a_throwaway_folder(tmp_path, monkeypatch):
    from reflect.usecases.demo import make_demo_folder, remove_demo_folder, seed_demo

    real_home = tmp_path / "real"
    monkeypatch.setenv("REFLECT_HOME", str(real_home))
    folder = make_demo_folder()
    try:
        with Workspace.open(folder, pack_dirs=[DEFAULT_PACKS]) as ws:
            seed_demo(ws)
            entries = ws.journal.entries()
            assert len(entries) >= 10
            assert any("[b]not bold[/b]" in e.text for e in entries)
            app = ReflectApp(ws, demo=True)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await pilot.click("#understood")
                await pilot.press("j")
                await pilot.pause()
                assert app.screen.entry_list.option_count == len(entries)
    finally:
        remove_demo_folder(folder)
    assert not folder.exists()
    assert not real_home.exists()


async def test_a_broken_pack_is_skipped_by_name_and_the_app_still_opens(data_dir, clock, tmp_path):
    packs = tmp_path / "packs"
    broken = packs / "broken"
    broken.mkdir(parents=True)
    (broken / "pack.md").write_text("---\nid: broken\n---\n", encoding="utf-8")
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS, packs], kdf=KdfParams.TEST)
    ws.set_up([NewPerson("Robin", Role.HURT, PASSPHRASE)])
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    ws.settings.first_run_acknowledged = True
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.path_list.option_count == 8
        messages = [n.message for n in app._notifications]
        assert any(str(broken) in m and "skipped" in m for m in messages)
    ws.close()


async def test_filter_by_step_and_tag(workspaces):
    ws = workspaces.solo()
    first, second = ws.sections()[0][1], ws.sections()[1][1]
    ws.write("about the body", prompt_id=first.prompts[0].id)
    ws.write("about safety", prompt_id=second.prompts[0].id, tags=["safety"])
    ws.write("free words", tags=["safety"])
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#section").value = second.id
        await searched(pilot)
        assert [str(o.prompt) for o in screen.entry_list.options][0].endswith("about safety")
        assert screen.entry_list.option_count == 1
        screen.query_one("#section").clear()
        screen.query_one("#tag").value = "safety"
        await searched(pilot)
        assert screen.entry_list.option_count == 2


async def test_tags_and_step_titles_with_brackets_are_shown_literally_in_the_filters(data_dir, clock, tmp_path):
    from textual.widgets import Select

    from tests.helpers import PACK_MD, SECTION_TWO, write_pack

    title = "Closeness [/] distance [and] more"
    packs = tmp_path / "packs"
    write_pack(packs / "odd", {"pack.md": PACK_MD, "01-odd.md": SECTION_TWO.replace("The second section", title)})
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS, packs], kdf=KdfParams.TEST)
    ws.set_up([NewPerson("Robin", Role.HURT, PASSPHRASE)])
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    ws.settings.first_run_acknowledged = True
    odd = next(s for _, s in ws.sections() if s.title == title)
    ws.write("in brackets", prompt_id=odd.prompts[0].id, tags=["[/]"])
    ws.write("plain words")
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, JournalScreen)
        for select_id, value, shown in (("#section", odd.id, title), ("#tag", "[/]", "#[/]")):
            select = screen.query_one(select_id, Select)
            select.focus()
            await pilot.press("enter")  # open the dropdown: every option is drawn
            await pilot.pause()
            assert select.expanded
            overlay_text = [str(o.prompt) for o in select.query_one("SelectOverlay", OptionList).options]
            assert shown in overlay_text
            await pilot.press("escape")
            await pilot.pause()
            select.value = value
            await searched(pilot)
            assert isinstance(app.screen, JournalScreen)
            label = select.query_one("SelectCurrent #label", Static).render()
            assert str(label) == shown
            assert [str(o.prompt) for o in screen.entry_list.options][0].endswith("in brackets")
            assert screen.entry_list.option_count == 1
            select.clear()
            await searched(pilot)
        assert screen.entry_list.option_count == 2
    ws.close()


async def test_an_unprotected_journal_opens_behind_the_path(data_dir, clock):
    from reflect.ui.screens.dialogs import ProblemScreen

    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    ws.set_up([NewPerson("Robin", Role.INDIVIDUAL, None)])
    ws.write("in the first step", prompt_id=ws.sections()[0][1].prompts[0].id)
    ws.lock()
    ws.settings.first_run_acknowledged = True
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and ws.is_unlocked
        assert "explored" in str(app.screen.path_list.get_option_at_index(0).prompt)
    ws.close()

    journal = data_dir / "spaces"
    [space_file] = list(journal.glob("*.json"))
    space_file.write_bytes(space_file.read_bytes()[:-20])
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    ws.settings.first_run_acknowledged = True
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ProblemScreen)
        assert not ws.is_unlocked
    ws.close()


async def test_a_notification_is_literal_wherever_it_is_raised(solo_app):
    """A name or tag in a notification is never read as markup, even where a call forgets to say so."""
    app = solo_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.notify(f"Saved for {MARKUP}")
        await pilot.pause()
        assert [(n.message, n.markup) for n in app._notifications] == [(f"Saved for {MARKUP}", False)]
