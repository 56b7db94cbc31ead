"""A section: its reading, its exercises, and its prompts to write to."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from reflect.domain.content import Section


def reading_markdown(section: Section) -> str:
    """The reading and any exercises, as Markdown (pack text is Markdown by design)."""
    parts = [f"# {section.title}", section.reading]
    for exercise in section.exercises:
        parts.append(f"## Exercise: {exercise.title}")
        parts.append(exercise.text)
    return "\n\n".join(parts)


class SectionScreen(Screen[None]):
    """Read, then choose a prompt to write to."""

    CSS_PATH = "section.tcss"
    AUTO_FOCUS = "#prompts"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("n", "app.free_write", "Write freely", show=False),
    ]

    prompt_list = getters.query_one("#prompts", OptionList)

    def __init__(self, section: Section) -> None:
        super().__init__()
        self.section = section

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with VerticalScroll(id="reading", can_focus=True):
                yield Markdown(reading_markdown(self.section))
            with VerticalScroll(id="side"):
                yield Static("Questions to sit with", classes="screen-title")
                yield Static(
                    "Choose one to write to. There are no right answers, "
                    "and nothing here needs to be finished.",
                    classes="screen-intro",
                )
                yield OptionList(id="prompts")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.section.title
        options: list[Option | None] = []
        for prompt in self.section.prompts:
            audience = ", ".join(a.label for a in prompt.audiences)
            options.append(
                Option(Content.assemble(prompt.text, "\n", (audience, "dim italic")), id=prompt.id)
            )
            options.append(None)  # a separator line between questions
        self.prompt_list.add_options(options[:-1])
        if self.section.prompts:
            self.prompt_list.highlighted = 0

    @on(OptionList.OptionSelected, "#prompts")
    def write_to_prompt(self, event: OptionList.OptionSelected) -> None:
        from reflect.ui.screens.write import WriteScreen

        prompt = next((p for p in self.section.prompts if p.id == event.option.id), None)
        if prompt is not None:
            self.app.push_screen(WriteScreen(prompt=prompt))
