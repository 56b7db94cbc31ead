"""The sentence builder: choose a beginning, finish it, see it whole, then keep it or pass it on.

Alone, the sentence is saved in the speaker's own private journal. Passing
it across to a partner (the curtain, a receiving line, "that's it" or "not
quite") is done by :mod:`reflect.ui.screens.sentence_together` when both
partners are here; this screen only builds the sentence and shows it whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from dataclasses import replace

from reflect.domain.content import SentenceStarter
from reflect.domain.display import shown
from reflect.domain.profiles import Profile
from reflect.domain.sentences import (
    HELP_LEAD,
    MAX_ENDING_CHARS,
    Sentence,
    SentenceRefused,
    build_sentence,
    joined,
    naming_starters,
)
from reflect.storage.errors import StoreError
from reflect.ui.commands import SENTENCE, bindings_for
from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.usecases.session import NotUnlocked
from reflect.usecases.sentences import pack_starters, save_sentence

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

KEPT_PRIVATELY = "Kept in your private journal. Only you can read it."
WILL_BE_KEPT = "It will be kept in your private journal, where only you can read it."
TO_PASS_IT = " To pass a sentence to your partner, open the builder when you are both here (b on the path)."


class SentenceScreen(Screen[None]):
    """Build one honest sentence, in your own words."""

    if TYPE_CHECKING:
        app = getters.app(ReflectApp)

    CSS_PATH = "sentence.tcss"
    AUTO_FOCUS = "#starters"
    BINDINGS = bindings_for(SENTENCE)

    starter_list = getters.query_one("#starters", OptionList)
    ending_input = getters.query_one("#ending", Input)
    help_input = getters.query_one("#would-help", Input)

    def __init__(self) -> None:
        super().__init__()
        self.starters: tuple[SentenceStarter, ...] = ()
        self.speaker: Profile | None = None
        """Who is saying it: the one unlocked, or, both here, the one who chose to speak."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="builder"):
            yield Static("Say what is hard, in one sentence", classes="screen-title")
            yield Static(
                "Choose a beginning, then finish it in your own words. Short is fine. "
                "Unfinished is fine.",
                classes="screen-intro",
            )
            yield OptionList(id="starters")
            yield Static("Finish it in your own words:", classes="field-label")
            yield Input(id="ending", max_length=MAX_ENDING_CHARS, placeholder="… in your own words")
            yield Static(f"If you like, a second line: \u201c{HELP_LEAD} …\u201d", classes="field-label")
            yield Input(id="would-help", max_length=MAX_ENDING_CHARS, placeholder="(you can leave this empty)")
            yield Static("Your sentence so far:", classes="field-label")
            yield Static(id="preview", markup=False)
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = f"the sentence builder · {self.app.space_caption}"
        self.starters = naming_starters(pack_starters(self.app.workspace))
        self.starter_list.add_options(Option(Content(shown(s.text) + " \u2026"), id=s.id) for s in self.starters)
        if self.starters:
            self.starter_list.highlighted = 0
        self.show_preview()
        workspace = self.app.workspace
        if workspace.together:
            from reflect.ui.screens.couple import NOT_TODAY, before_first_together

            def go(go_on: bool) -> None:
                if go_on:
                    self.ask_who_speaks()
                elif self.app.screen is self:
                    self.app.notify(NOT_TODAY, timeout=8)
                    self.app.pop_screen()

            before_first_together(self.app, go)
        else:
            self.speaker = workspace.current

    @property
    def listener(self) -> Profile | None:
        return next((p for p in self.app.workspace.people_here if self.speaker and p.id != self.speaker.id), None)

    def ask_who_speaks(self) -> None:
        """Both here: who would like to say something? The other looks away while it is written."""
        from reflect.ui.screens.couple import PickPersonScreen
        from reflect.ui.screens.hand_over import hand_keyboard_to
        from reflect.ui.screens.sentence_together import hand_over, waiting_to_be_received

        people = {p.id: p for p in self.app.workspace.people_here}
        try:
            waiting = waiting_to_be_received(self.app)
        except (StoreError, NotUnlocked):
            waiting = []
        if waiting:
            # A sentence passed across before, not yet received: that comes first.
            sentence = waiting[0]
            listener = next((p for p in people if p != sentence.speaker), None)
            if listener is not None:
                self.notify("A sentence is waiting to be received. Here it is again.", timeout=5)
                hand_over(self.app, sentence, listener, done=self.close_after)
                return

        def chosen(person: str | None) -> None:
            if person is None or person not in people:
                self.app.pop_screen()
                return
            self.speaker = people[person]
            self.sub_title = f"the sentence builder · {self.speaker.name}"
            other = self.listener
            # The speaker proves it is them: the sentence goes out under their name.
            hand_keyboard_to(
                self.app, person, other.id if other else None, ready_to_write,
                note="Next: your passphrase, then your sentence, written on your own.",
            )

        def ready_to_write(ready: bool | None) -> None:
            # Stepped back: leave the builder. (Never return the pop's awaitable from
            # here: this runs in the builder's own handler, which would wait for itself.)
            if not ready and self.app.screen is self:
                self.app.pop_screen()

        self.app.push_screen(
            PickPersonScreen(
                "Who would like to say something?",
                "The other looks away while it is written, then reads only that sentence.",
                [(p.id, p.name) for p in people.values()],
            ),
            chosen,
        )

    @property
    def chosen_starter(self) -> SentenceStarter | None:
        index = self.starter_list.highlighted
        if index is None or not (0 <= index < len(self.starters)):
            return None
        return self.starters[index]

    def sentence_text(self) -> str:
        starter = self.chosen_starter
        if starter is None:
            return ""
        text = joined(starter.text, self.ending_input.value or "\u2026")
        if self.help_input.value.strip():
            text += "\n" + joined(HELP_LEAD, self.help_input.value)
        return text

    def show_preview(self) -> None:
        self.query_one("#preview", Static).update(Content(shown(self.sentence_text())))

    @on(OptionList.OptionHighlighted, "#starters")
    @on(Input.Changed)
    def changed(self, event) -> None:
        self.show_preview()
        if isinstance(event, Input.Changed):
            # On a small screen the sentence taking shape stays in view while typing.
            self.query_one("#preview", Static).scroll_visible(animate=False)

    @on(OptionList.OptionSelected, "#starters")
    def to_ending(self) -> None:
        self.ending_input.focus()

    @on(Input.Submitted, "#ending")
    def to_help(self) -> None:
        self.help_input.focus()

    @on(Input.Submitted, "#would-help")
    def submitted(self) -> None:
        self.action_see_sentence()

    def build(self) -> Sentence | None:
        workspace = self.app.workspace
        person = self.speaker
        starter = self.chosen_starter
        if person is None or starter is None:
            return None
        together = workspace.together and workspace.household.shared_space is not None
        try:
            return build_sentence(
                starter,
                self.ending_input.value,
                self.help_input.value,
                space=workspace.household.shared_space if together else person.space,
                speaker=person.id if together else "",
                now=workspace.now(),
            )
        except SentenceRefused as refusal:
            self.notify(str(refusal), markup=False, timeout=5)
            self.ending_input.focus()
            return None

    def action_see_sentence(self) -> None:
        sentence = self.build()
        if sentence is None:
            return

        def chosen(choice: str | None) -> None:
            if choice == "keep":
                self.keep_privately(sentence)
            elif choice == "pass":
                from reflect.ui.screens.sentence_together import pass_across

                self.ending_input.value = ""
                self.help_input.value = ""
                pass_across(self.app, sentence, done=self.close_after)

        listener = self.listener
        together = self.app.workspace.together and listener is not None
        self.app.push_screen(
            SentencePreviewScreen(
                sentence,
                can_pass=together,
                partner=listener.name if listener else "",
                couple=self.app.workspace.household.is_couple,
            ),
            chosen,
        )

    def close_after(self) -> None:
        """Back to where the builder was opened from, once the exchange is over or set aside."""
        while self.app.screen is not self and len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        if self.app.screen is self:
            self.app.pop_screen()

    def keep_privately(self, sentence: Sentence) -> None:
        workspace = self.app.workspace
        person = self.speaker
        if person is None:
            return
        # Kept privately: in the speaker's own journal, with no author (it is theirs).
        sentence = replace(sentence, space=person.space, speaker="")
        try:
            if workspace.together:
                journal = workspace.session.sealed_journal_of(person.id)
            else:
                journal = workspace.store(person.space)
            save_sentence(journal, sentence)
        except (StoreError, ValueError, NotUnlocked) as error:
            self.notify(getattr(error, "user_message", str(error)), severity="error", markup=False, timeout=10)
            return
        self.ending_input.value = ""
        self.help_input.value = ""
        self.notify(KEPT_PRIVATELY, timeout=5)
        self.app.pop_screen()


class SentencePreviewScreen(ModalScreen[str | None]):
    """The whole sentence, before it is kept."""

    BINDINGS = [Binding("escape", "change", "Change it")]

    def __init__(self, sentence: Sentence, *, can_pass: bool = False, partner: str = "", couple: bool = False) -> None:
        super().__init__()
        self.sentence = sentence
        self.can_pass = can_pass
        self.partner = partner
        self.couple = couple

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Your sentence, whole:", classes="muted")
            yield Static(Content(shown(self.sentence.text)), id="whole-sentence")
            yield Static(WILL_BE_KEPT + (TO_PASS_IT if self.couple else "") if not self.can_pass else
                         f"Pass it across and {shown(self.partner)} reads only this sentence, "
                         "then answers with a receiving line.", classes="muted", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Change it", id="change")
                if self.can_pass:
                    yield Button("Pass it across", id="pass", variant="primary")
                yield Button("Keep it privately", id="keep", variant="default" if self.can_pass else "primary")

    def on_mount(self) -> None:
        # Together, passing it across is what the builder was opened for.
        self.query_one("#pass" if self.can_pass else "#keep", Button).focus()

    @on(Button.Pressed)
    def choose(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "change" else event.button.id)

    def action_change(self) -> None:
        self.dismiss(None)
