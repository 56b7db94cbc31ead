"""Home: the guided path, and which sections you have explored."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.ui.widgets.stacked import Stacked, indented
from reflect.ui.commands import PATH, bindings_for

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp


OLDER_OPENING = "Older reflections are still opening, so some steps may be marked in a moment."


class HomeScreen(Screen[None]):
    """The path of sections from the packs, in order."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    CSS_PATH = "home.tcss"
    AUTO_FOCUS = "#path"
    BINDINGS = bindings_for(PATH)

    path_list = getters.query_one("#path", OptionList)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("The path", classes="screen-title")
        intro = (
            "Each step has a short reading and some questions to sit with. "
            "Go in any order, at your own pace, and come back whenever you like. "
            "Steps where you have written something are marked."
        )
        if self.app.workspace.together:
            intro = (
                "You are both here, so only the shared space is open. S shows the questions to answer "
                "together, each on your own first. Ctrl+L locks when you are done together."
            )
        elif self.app.workspace.household.is_couple:
            intro += " F6 goes to the shared space and back."  # a narrow footer may not show it
        yield Static(intro, classes="screen-intro")
        yield Static(OLDER_OPENING, id="older-opening", classes="muted")
        yield OptionList(id="path")
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.refresh_path()

    def on_screen_resume(self) -> None:
        # Screens are uncovered one by one while locking; nothing to show then.
        if self.app.workspace.is_unlocked:
            self.refresh_path()

    def refresh_path(self) -> None:
        workspace = self.app.workspace
        # Until the journal is open (it may still be loading) nothing is marked yet;
        # while its older reflections open, steps are marked from the newest ones,
        # and a quiet line says the marks are not all there yet.
        explored, whole = workspace.explored_so_far() if workspace.is_unlocked else (set(), True)
        self.query_one("#older-opening").display = not whole
        highlighted = self.path_list.highlighted
        self.path_list.clear_options()
        sections = workspace.sections()
        if not sections:
            self.path_list.add_option(
                Option(Content("No prompt packs could be loaded. Free writing (n) still works."), disabled=True)
            )
            return
        for number, (_, section) in enumerate(sections, start=1):
            mark = ("  explored", "$text-success") if section.id in explored else ("", "")
            # The summary keeps its 4-cell indent on the lines it wraps to.
            label = Stacked(
                Content.assemble((f"{number:>2}. ", "dim"), (section.title, "bold"), mark),
                indented(Content.styled(section.summary, "dim"), 4),
            )
            self.path_list.add_option(Option(label, id=section.id))
            self.path_list.add_option(None)
        self.path_list.highlighted = min(highlighted or 0, len(sections) - 1)

    def older_reflections_in(self) -> None:
        """Older reflections were read (see ``ReflectApp.read_older_reflections``): mark every step."""
        if self.app.workspace.is_unlocked:
            self.refresh_path()

    @on(OptionList.OptionSelected, "#path")
    def open_section(self, event: OptionList.OptionSelected) -> None:
        from reflect.ui.screens.section import SectionScreen

        found = next(((p, s) for p, s in self.app.workspace.sections() if s.id == event.option.id), None)
        if found is not None:
            pack, section = found
            self.app.push_screen(SectionScreen(section, pack))
