"""What a newcomer at 80x24 tripped over, each held by a test through the app at that size."""

from __future__ import annotations

from reflect.ui.app import ReflectApp
from reflect.ui.screens.setup import PersonFormScreen, RecoveryOfferScreen
from tests.helpers import PASSPHRASE, SMALL, in_view, visible_footer_actions


async def _the_form_filled_in(pilot, app) -> None:
    """Setup for one person, name and role chosen, both passphrases typed; focus on the last one."""
    await pilot.click("#just-me")
    await pilot.pause()
    assert isinstance(app.screen, PersonFormScreen)
    await pilot.press(*"Sam", "tab", "enter", "tab", *PASSPHRASE, "tab", *PASSPHRASE)
    await pilot.pause()


async def test_enter_after_the_last_passphrase_field_never_ticks_no_passphrase(workspaces):
    """Tab after the repeated passphrase lands on "Use no passphrase"; Enter there means Continue."""
    ws = workspaces.fresh()
    app = ReflectApp(ws)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await _the_form_filled_in(pilot, app)
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.focused.id == "no-passphrase"
        assert in_view(app, "#no-passphrase")
        box = app.screen.query_one("#no-passphrase")
        await pilot.press("enter")
        await pilot.pause()
        assert box.value is False
        assert isinstance(app.screen, RecoveryOfferScreen)  # went on, with the passphrase
    [sam] = ws.household.profiles
    assert sam.name == "Sam" and sam.protected


async def test_no_passphrase_is_ticked_only_in_sight(workspaces):
    """Even when the form was scrolled away from it, Space ticks the box and brings the warning into view."""
    ws = workspaces.fresh()
    app = ReflectApp(ws)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await _the_form_filled_in(pilot, app)
        await pilot.press("tab")
        await pilot.pause()
        app.screen.query_one(".dialog-body").scroll_home(animate=False)  # a mouse wheel, say
        await pilot.pause()
        assert not in_view(app, "#no-passphrase")
        await pilot.press("space")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#no-passphrase").value
        assert in_view(app, "#no-passphrase") and in_view(app, "#no-passphrase-warning")


async def test_the_journals_footer_offers_search_undo_export_and_prep_at_80x24(solo_app):
    """Even an empty journal shows where search, undo, export and session prep are."""
    from reflect.ui.screens.journal import JournalScreen

    app = solo_app
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        assert not app.workspace.journal.entries()
        wanted = {"focus_search", "undo", "app.export_space", "app.session_prep", "star", "tags", "delete", "back"}
        assert wanted <= visible_footer_actions(app)


async def test_typing_in_the_tag_dialog_adds_to_the_tags_it_has(solo_app):
    """The dialog opens with the cursor after the tags, nothing selected: typing adds a tag."""
    from reflect.ui.screens.dialogs import TagsScreen

    app = solo_app
    entry = app.workspace.write("A walk after work.", tags=["body", "evening"])
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagsScreen)
        field = app.screen.query_one("#tags")
        assert field.selection.is_empty and field.cursor_position == len(field.value)
        await pilot.press(*"walks", "enter")
        await pilot.pause()
        [saved] = app.workspace.journal.entries()
        assert saved.id == entry.id and saved.tags == ("body", "evening", "walks")
        said = " ".join(str(n.message) for n in app._notifications)
        assert "#walks" in said and "Before: #body #evening" in said
