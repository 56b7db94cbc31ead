"""A section: its reading, its exercises, and its prompts to write to."""

from __future__ import annotations

from typing import TYPE_CHECKING

import re

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Header, Markdown, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from reflect.domain.content import LADDER, STARTERS, Audience, Pack, Prompt, Section
from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.ui.commands import STEP, bindings_for

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

SESSION_PREP_EXERCISE = "session-prep"
PREP_HINT = "Press p to prepare for a session."
LADDER_HINT = "Press l to open the ladder: its steps, and where it is now."
BUILDER_HINT = "Press b to build a sentence of your own."

LADDER_HEADING = "The steps a new ladder begins with, gentlest first"
NAMING_HEADING = "Ways to begin"
RECEIVING_HEADING = "Ways to receive it"

# Every ASCII punctuation character may be escaped in CommonMark, and escaping
# all of them is the one rule that keeps a list item from turning into a
# heading, a new number, a link or HTML, whatever the pack's author typed.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_ENDS_A_SENTENCE = ".!?…:;\"'”’)"


def literal_markdown(text: str) -> str:
    """``text`` as Markdown that shows exactly these words on one line."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def _starter(text: str) -> str:
    # A beginning that stops mid-sentence is meant to be finished by the reader.
    return text if text.rstrip().endswith(tuple(_ENDS_A_SENTENCE)) else f"{text} …"


def reading_markdown(section: Section, pack: Pack | None = None) -> str:
    """The reading, any exercises, and the pack's lists the section includes, as Markdown.

    The reading and exercises are Markdown by design; the ladder steps and
    starters are shown literally.
    """
    parts = [f"# {section.title}", section.reading]
    for exercise in section.exercises:
        parts.append(f"## Exercise: {exercise.title}")
        parts.append(exercise.text)
    if pack is not None and LADDER in section.includes and pack.ladder:
        parts.append(f"## {LADDER_HEADING}")
        parts.append(
            "\n".join(f"{number}. {literal_markdown(step.text)}" for number, step in enumerate(pack.ladder, start=1))
        )
    if pack is not None and STARTERS in section.includes:
        for heading, kind in ((NAMING_HEADING, "naming"), (RECEIVING_HEADING, "receiving")):
            starters = [s for s in pack.starters if s.kind == kind]
            if starters:
                parts.append(f"## {heading}")
                parts.append("\n".join(f"- {literal_markdown(_starter(s.text))}" for s in starters))
    return "\n\n".join(parts)


class SectionScreen(Screen[None]):
    """Read, then choose a prompt to write to."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    CSS_PATH = "section.tcss"
    AUTO_FOCUS = "#prompts"
    # One key, two faces (a): check_action shows whichever one applies now.
    BINDINGS = bindings_for(STEP)

    showing_all: var[bool] = var(False, init=False, bindings=True)
    """True when every prompt is listed, not only those that fit the person and the space."""

    prompt_list = getters.query_one("#prompts", OptionList)
    scope_line = getters.query_one("#scope", Static)

    def __init__(self, section: Section, pack: Pack | None = None) -> None:
        super().__init__()
        self.section = section
        self.pack = pack
        self.fitting: tuple[Prompt, ...] = section.prompts
        self.shared = False

    def compose(self) -> ComposeResult:
        self.fit_to_person()
        yield Header()
        with Horizontal():
            with VerticalScroll(id="reading", can_focus=True):
                yield Markdown(reading_markdown(self.section, self.pack))
            with Vertical(id="side"):
                yield Static("Questions to sit with", classes="screen-title")
                yield Static(
                    "Choose one to write to. There are no right answers, "
                    "and nothing here needs to be finished.",
                    classes="screen-intro",
                )
                if self.offers_session_prep:
                    yield Static(PREP_HINT, id="prep-hint", classes="screen-intro")
                if LADDER in self.section.includes:
                    yield Static(LADDER_HINT, id="ladder-hint", classes="screen-intro")
                if STARTERS in self.section.includes:
                    yield Static(BUILDER_HINT, id="builder-hint", classes="screen-intro")
                yield Static(id="scope")
                yield OptionList(id="prompts")
        yield SafetyFooter()

    def fit_to_person(self) -> None:
        """Find the pack if none was given, and the prompts that fit who is here, in which space."""
        workspace = self.app.workspace
        if self.pack is None:
            self.pack = next((pack for pack, section in workspace.sections() if section.id == self.section.id), None)
        self.shared = workspace.active_space is not None and workspace.active_space == workspace.household.shared_space
        person = workspace.current
        self.fitting = self.section.prompts_fitting(person.role if person else None, shared=self.shared)

    @property
    def has_more(self) -> bool:
        """True when some prompts are set aside as written for someone else."""
        return len(self.fitting) < len(self.section.prompts)

    @property
    def shown_prompts(self) -> tuple[Prompt, ...]:
        return self.section.prompts if self.showing_all or not self.has_more else self.fitting

    def on_mount(self) -> None:
        self.sub_title = self.section.title
        self.show_prompts()

    def watch_showing_all(self) -> None:
        self.show_prompts()

    def show_prompts(self) -> None:
        """List the prompts in pack order, keeping the highlighted one if it is still shown."""
        highlighted = self.prompt_list.highlighted_option
        options: list[Option | None] = []
        for prompt in self.shown_prompts:
            audience = ", ".join(a.label for a in prompt.audiences)
            options.append(
                Option(Content.assemble(prompt.text, "\n", (audience, "dim italic")), id=prompt.id)
            )
            options.append(None)  # a separator line between questions
        self.prompt_list.clear_options()
        self.prompt_list.add_options(options[:-1])
        if self.prompt_list.option_count:
            try:
                index = self.prompt_list.get_option_index(highlighted.id or "") if highlighted else 0
            except OptionDoesNotExist:
                index = 0
            self.prompt_list.highlighted = index
        self.scope_line.update(self.scope_text())
        self.scope_line.display = self.has_more

    def scope_text(self) -> str:
        """Which prompts are listed, and how to see the others."""
        if self.showing_all:
            return "Showing every question. Press a for fewer."
        if self.shared:
            return "Showing the questions for you both, together. Press a for all."
        return "Showing the questions written for you. Press a for all."

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "all_questions":
            return self.has_more and not self.showing_all
        if action == "fewer_questions":
            return self.has_more and self.showing_all
        if action == "session_prep":
            return self.offers_session_prep
        if action == "ladder":
            return LADDER in self.section.includes and bool(self.app.check_action("ladder", ()))
        if action == "sentence_builder":
            return STARTERS in self.section.includes and bool(self.app.check_action("sentence_builder", ()))
        return True

    @property
    def offers_session_prep(self) -> bool:
        """True in a step whose exercise is getting ready for a session, in one's own journal."""
        offered = any(e.id == SESSION_PREP_EXERCISE for e in self.section.exercises)
        return offered and bool(self.app.check_action("session_prep", ()))

    async def action_session_prep(self) -> None:
        await self.run_action("app.session_prep")

    async def action_ladder(self) -> None:
        await self.run_action("app.ladder")

    async def action_sentence_builder(self) -> None:
        await self.run_action("app.sentence_builder")

    def action_all_questions(self) -> None:
        self.showing_all = True

    def action_fewer_questions(self) -> None:
        self.showing_all = False

    @on(OptionList.OptionSelected, "#prompts")
    def write_to_prompt(self, event: OptionList.OptionSelected) -> None:
        from reflect.ui.screens.write import WriteScreen

        prompt = next((p for p in self.section.prompts if p.id == event.option.id), None)
        if prompt is None:
            return
        if self.app.workspace.together and Audience.TOGETHER in prompt.audiences:
            from reflect.ui.screens.couple import start_prompt_session

            start_prompt_session(self.app, prompt)  # each answers on their own, then the reveal
            return
        self.app.push_screen(WriteScreen(prompt=prompt))
