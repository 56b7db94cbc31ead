"""The section screen: the pack's lists it includes, the prompts that fit, and what stays in view."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets._markdown import MarkdownBulletList, MarkdownH2, MarkdownOrderedList, MarkdownParagraph

from reflect.domain.content import Audience, Pack, Section
from reflect.domain.profiles import Role
from reflect.storage.sealed import KdfParams
from reflect.ui.app import ReflectApp
from reflect.ui.screens.home import HomeScreen
from reflect.ui.screens.section import (
    LADDER_HEADING,
    NAMING_HEADING,
    RECEIVING_HEADING,
    SectionScreen,
    literal_markdown,
)
from reflect.usecases.workspace import NewPerson, Workspace
from tests.helpers import PASSPHRASE
from tests.helpers import write_pack
from tests.helpers import PASS_A, PASS_B

SIZE = (120, 40)


def pack_and_section(ws: Workspace, section_id: str) -> tuple[Pack, Section]:
    return next((pack, section) for pack, section in ws.sections() if section.id == section_id)


async def open_section(pilot, section_id: str) -> SectionScreen:
    """Choose a section on the path, as a person would."""
    await pilot.pause()
    home = pilot.app.screen
    assert isinstance(home, HomeScreen)
    home.path_list.highlighted = home.path_list.get_option_index(section_id)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SectionScreen)
    return screen


def paragraphs(widget) -> str:
    return " ".join(str(p.render()) for p in widget.query(MarkdownParagraph))


def headings(screen) -> list[str]:
    return [str(h.render()) for h in screen.query(MarkdownH2)]


def list_items(screen, kind) -> list[list[str]]:
    """The text of each item, for every list of ``kind`` in the reading."""
    return [[paragraphs(item) for item in lst.query_children(Horizontal)] for lst in screen.query(kind)]


def shown_prompt_ids(screen: SectionScreen) -> list[str]:
    options = screen.prompt_list.options
    return [option.id for option in options if option.id]


async def test_the_touch_ladder_section_shows_the_pack_s_steps_in_order(workspaces):
    ws = workspaces.solo()
    pack, _ = pack_and_section(ws, "touch-ladder")
    async with ReflectApp(ws).run_test(size=SIZE) as pilot:
        screen = await open_section(pilot, "touch-ladder")

        assert LADDER_HEADING in headings(screen)
        assert [step.text for step in pack.ladder] in list_items(screen, MarkdownOrderedList)
        assert NAMING_HEADING not in headings(screen)


async def test_the_naming_section_shows_the_starters_and_the_receiving_beginnings(workspaces):
    ws = workspaces.solo()
    pack, _ = pack_and_section(ws, "naming-difficulty")
    async with ReflectApp(ws).run_test(size=SIZE) as pilot:
        screen = await open_section(pilot, "naming-difficulty")

        assert headings(screen)[-2:] == [NAMING_HEADING, RECEIVING_HEADING]
        naming, receiving = list_items(screen, MarkdownBulletList)[-2:]
        for shown, kind in ((naming, "naming"), (receiving, "receiving")):
            assert [item.removesuffix(" …") for item in shown] == [s.text for s in pack.starters if s.kind == kind]
        # a beginning that stops mid-sentence is marked as one to finish
        assert naming[0] == "I want to be close to you and it's hard right now because …"
        assert LADDER_HEADING not in headings(screen)


async def test_a_section_opened_without_its_pack_still_finds_it(workspaces):
    ws = workspaces.solo()
    pack, section = pack_and_section(ws, "touch-ladder")
    async with ReflectApp(ws).run_test(size=SIZE) as pilot:
        await pilot.pause()
        pilot.app.push_screen(SectionScreen(section))
        await pilot.pause()

        assert [step.text for step in pack.ladder] in list_items(pilot.app.screen, MarkdownOrderedList)


TRICKY = [
    "# not a heading",
    "2. not a new number",
    "- not a bullet",
    "> not a quote",
    "[b]literal[/b] and [@click=app.quit]x[/] and <i>html</i>",
    "*stars* _under_ `tick` ~~strike~~ www.example.com &amp; \\ back",
    "1986. The year we met",
]


async def test_list_items_are_shown_exactly_as_written_whatever_they_hold(tmp_path, clock):
    ladder = "".join(f"\n## Ladder step: step-{n}\n{text}\n" for n, text in enumerate(TRICKY))
    starters = "".join(f"\n## Starter: begin-{n}\n{text}\n" for n, text in enumerate(TRICKY))
    # The sentence builder needs a receiving beginning too (the validator asks for both kinds).
    starters += "\n## Receiving: heard\nWhat I heard is\n"
    section = (
        "---\nid: only\ntitle: Only\norder: 1\nincludes: ladder, starters\n---\nA reading.\n\n"
        "## Prompt: one\nFor: solo\nWhat now?\n"
    )
    write_pack(
        tmp_path / "packs" / "tricky",
        {"pack.md": "---\nid: tricky\ntitle: Tricky\n---\nWords.\n" + ladder + starters, "01-only.md": section},
    )
    ws = Workspace.open(tmp_path / "data", now=clock, pack_dirs=[tmp_path / "packs"], kdf=KdfParams.TEST)
    ws.set_up([NewPerson("Robin", Role.HURT, PASSPHRASE)])
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    ws.settings.first_run_acknowledged = True
    assert [p.id for p in ws.all_packs] == ["tricky"]
    async with ReflectApp(ws).run_test(size=SIZE) as pilot:
        screen = await open_section(pilot, "only")

        assert list_items(screen, MarkdownOrderedList) == [TRICKY]
        starters_shown, receiving_shown = list_items(screen, MarkdownBulletList)
        assert [item.removesuffix(" …") for item in starters_shown] == TRICKY
        assert receiving_shown == ["What I heard is …"]
        assert headings(screen) == [LADDER_HEADING, NAMING_HEADING, RECEIVING_HEADING]
    ws.close()


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=80))
def test_literal_markdown_is_one_list_item_of_exactly_the_words(text: str) -> None:
    words = " ".join(text.split())
    tokens = MarkdownIt("gfm-like").parse(f"1. {literal_markdown(text)}\n2. next")

    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(items) == 2
    if words:
        [inline] = [t for t in tokens if t.type == "inline" and t.content != "next"]
        assert {child.type for child in inline.children} <= {"text", "text_special"}
        assert "".join(child.content for child in inline.children) == words


async def test_a_hurt_partner_alone_sees_the_questions_for_them_until_asking_for_all(workspaces):
    ws = workspaces.solo()
    _, section = pack_and_section(ws, "touch-ladder")
    async with ReflectApp(ws).run_test(size=SIZE) as pilot:
        screen = await open_section(pilot, "touch-ladder")
        by_id = {p.id: p for p in section.prompts}

        shown = shown_prompt_ids(screen)
        assert shown == ["ladder-where-now", "ladder-step-back", "ladder-own-steps"]
        for prompt_id in shown:
            assert Audience.INVOLVED not in by_id[prompt_id].audiences
        assert screen.active_bindings["a"].binding.description == "All questions"

        await pilot.press("a")
        await pilot.pause()
        assert shown_prompt_ids(screen) == [p.id for p in section.prompts]
        assert "for the partner who caused the hurt" in str(screen.prompt_list.get_option("ladder-waiting").prompt)
        assert screen.active_bindings["a"].binding.description == "Fewer questions"

        await pilot.press("a")
        await pilot.pause()
        assert shown_prompt_ids(screen) == shown


async def test_the_highlighted_question_stays_put_when_showing_all(workspaces):
    ws = workspaces.solo()
    async with ReflectApp(ws).run_test(size=SIZE) as pilot:
        screen = await open_section(pilot, "touch-ladder")
        await pilot.press("down")
        await pilot.pause()
        assert screen.prompt_list.highlighted_option.id == "ladder-step-back"

        await pilot.press("a")
        await pilot.pause()
        assert screen.prompt_list.highlighted_option.id == "ladder-step-back"


async def test_the_involved_partner_sees_their_own_questions(workspaces):
    ws = workspaces.couple()
    ws.unlock(ws.household.find("Sam"), PASS_B)
    async with ReflectApp(ws).run_test(size=SIZE) as pilot:
        screen = await open_section(pilot, "naming-difficulty")

        assert shown_prompt_ids(screen) == ["hard-for-me-too", "hearing-without-defending", "acting-close"]


async def test_in_the_shared_space_the_questions_for_both_together_are_shown(workspaces):
    ws = workspaces.couple()
    ws.unlock(ws.household.find("Alex"), PASS_A)
    ws.switch_space(ws.household.shared_space)
    _, section = pack_and_section(ws, "touch-ladder")
    async with ReflectApp(ws).run_test(size=SIZE) as pilot:
        screen = await open_section(pilot, "touch-ladder")

        shown = shown_prompt_ids(screen)
        assert shown == [p.id for p in section.prompts if Audience.TOGETHER in p.audiences]
        assert shown == ["ladder-after-try", "ladder-own-steps"]
        assert "for you both" in str(screen.scope_line.render())


async def test_when_no_question_fits_every_one_is_shown_and_no_key_offered(workspaces):
    ws = workspaces.solo()
    _, touch = pack_and_section(ws, "touch-ladder")
    only_involved = tuple(p for p in touch.prompts if p.audiences == (Audience.INVOLVED,))
    assert only_involved
    async with ReflectApp(ws).run_test(size=SIZE) as pilot:
        await pilot.pause()
        pilot.app.push_screen(SectionScreen(Section("odd", "Odd", 1, "A reading.", only_involved)))
        await pilot.pause()
        screen = pilot.app.screen

        assert shown_prompt_ids(screen) == [p.id for p in only_involved]
        assert "a" not in screen.active_bindings
        assert not screen.scope_line.display


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_heading_stays_in_view_while_the_questions_scroll(workspaces, size):
    ws = workspaces.solo()
    async with ReflectApp(ws).run_test(size=size) as pilot:
        screen = await open_section(pilot, "own-support")
        await pilot.press("a", "end")  # every question, the last one highlighted
        await pilot.pause()
        assert screen.prompt_list.highlighted == screen.prompt_list.option_count - 1

        title, intro, scope = screen.query("#side > Static").results(Static)
        assert scope is screen.scope_line
        assert str(title.render()) == "Questions to sit with"
        for widget in (title, intro, scope):
            assert screen.region.contains_region(widget.region)
            assert screen.get_widget_at(widget.region.x, widget.region.y)[0] is widget
        list_region = screen.prompt_list.region
        assert screen.region.contains_region(list_region)
        assert list_region.y > scope.region.y


async def test_the_pane_with_the_keyboard_is_outlined(workspaces):
    ws = workspaces.solo()
    async with ReflectApp(ws).run_test(size=SIZE) as pilot:
        screen = await open_section(pilot, "touch-ladder")
        reading = screen.query_one("#reading")
        prompts = screen.query_one("#prompts", OptionList)
        assert pilot.app.focused is prompts
        reading_resting, prompts_focused = reading.styles.border_top, prompts.styles.border_top

        await pilot.press("tab")
        await pilot.pause()
        assert pilot.app.focused is reading
        reading_focused, prompts_resting = reading.styles.border_top, prompts.styles.border_top

        assert reading_focused[0] and prompts_focused[0]  # both panes have a border to colour
        assert reading_focused[1] != reading_resting[1]
        assert prompts_focused[1] != prompts_resting[1]
