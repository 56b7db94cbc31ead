"""The touch ladder: its steps, where it is now, and a calm way for the hurt partner to move it.

The partner who was hurt sees every key: a step further (asked once more,
gently), a step back, a pause, editing the steps, the suggestions waiting for
them, and a try. Anyone else sees where the ladder is, the questions that go
with waiting, and one key to suggest a step. Nothing on this screen counts
days or tries, shows a percentage or names a "next goal". The rules live in
:mod:`reflect.domain.ladder`; this screen offers only what they allow, and
the domain refuses the rest anyway.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from reflect.domain.content import LADDER, Audience, Prompt, Section
from reflect.domain.display import shown
from reflect.domain.ladder import (
    Ladder,
    PaceRefused,
    add_step,
    answer_suggestion,
    ladder_from_pack,
    move_step,
    next_time,
    pause,
    record_try,
    remove_step,
    rename_step,
    resume,
    set_pace,
    suggest_step,
)
from reflect.domain.profiles import Profile, Role
from reflect.domain.sessions import SessionRefused
from reflect.storage.errors import StoreError
from reflect.ui.commands import LADDER as LADDER_PLACE
from reflect.ui.commands import bindings_for
from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.ui.widgets.stacked import Stacked, indented
from reflect.usecases.ladder import LadderBook, LadderUnreadable, pack_steps

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

HURT_ONLY = frozenset({
    "step_further", "step_back", "pause_ladder", "resume_ladder", "add_step", "rename_step",
    "remove_step", "move_step_up", "move_step_down", "try_step",
})
HERE_MARK = "\u25cf "
RECENT_CHANGES = 4


def ladder_section(workspace) -> Section | None:
    """The step of the path that shows the ladder, for the questions beside it."""
    return next((s for _, s in workspace.sections() if LADDER in s.includes), None)


class LadderScreen(Screen[None]):
    """The steps, where the ladder is, and what this person may do with it."""

    if TYPE_CHECKING:
        app = getters.app(ReflectApp)

    CSS_PATH = "ladder.tcss"
    AUTO_FOCUS = "#steps"
    BINDINGS = bindings_for(LADDER_PLACE)

    step_list = getters.query_one("#steps", OptionList)
    question_list = getters.query_one("#questions", OptionList)

    def __init__(self) -> None:
        super().__init__()
        self.book: LadderBook | None = None
        self.ladder: Ladder = Ladder(steps=())
        self.problem = ""
        self.questions: tuple[Prompt, ...] = ()
        self.acting: Profile | None = None
        """Both here and both hurt: whose limit the keys move (asked when the screen opens)."""

    # who is here, and what they may do

    @property
    def person(self) -> Profile | None:
        """Who acts on the ladder: the one unlocked, or, both here, the partner who was hurt."""
        workspace = self.app.workspace
        if workspace.together:
            if self.acting is not None:
                return self.acting
            return next((p for p in workspace.people_here if p.role is Role.HURT), workspace.current)
        return workspace.current

    def ask_whose_limit(self) -> None:
        """Both here and both hurt: each sets their own limit, so the screen asks whose it is for now."""
        from reflect.ui.screens.couple import PickPersonScreen

        people = {p.id: p for p in self.app.workspace.people_here}

        def chosen(person: str | None) -> None:
            self.acting = people.get(person or "") or next(iter(people.values()))
            self.show()

        self.app.push_screen(
            PickPersonScreen(
                "Whose limit is it, for now?",
                "You each set your own limit. The ladder goes with the gentler of the two.",
                [(p.id, p.name) for p in people.values()],
            ),
            chosen,
        )

    @property
    def tries_together(self) -> bool:
        """A couple agrees a try with both at the screen; one person alone keeps their own."""
        workspace = self.app.workspace
        return not workspace.household.is_couple or workspace.together

    @property
    def moves_ladder(self) -> bool:
        """True for a hurt partner with a ladder that can be read and saved."""
        person = self.person
        return (
            self.book is not None and not self.problem and person is not None and person.role is Role.HURT
        )

    def name_of(self, person_id: str) -> str:
        found = self.app.workspace.household.find(person_id)
        return found.name if found else ""

    @property
    def where_it_lives(self) -> str:
        """The header's words: the space the ladder is kept in.

        A couple's ladder lives in their shared space, even when one of them
        opens it from their own journal: the header never names a private
        journal for the couple's ladder.
        """
        workspace = self.app.workspace
        if self.book is None or self.book.space == workspace.active_space:
            return self.app.space_caption
        kept = workspace.space_label(self.book.space)
        return f"demo · {kept}" if getattr(self.app, "demo", False) else kept

    @property
    def hurt_names(self) -> str:
        names = [p.name for p in self.app.workspace.household.profiles if p.role is Role.HURT]
        return " and ".join(names) or "the partner who was hurt"

    # building the screen

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="ladder-pane"):
                yield Static(id="where", markup=False)
                yield OptionList(id="steps")
                yield Static(id="ladder-hint", classes="muted", markup=False)
            with Vertical(id="ladder-side"):
                yield Static(id="side-title", classes="screen-title", markup=False)
                yield Static(id="side-intro", classes="screen-intro", markup=False)
                yield OptionList(id="questions")
                yield Static(id="lately", classes="muted", markup=False)
        yield SafetyFooter()

    def on_mount(self) -> None:
        workspace = self.app.workspace
        if workspace.household.is_couple:
            from reflect.ui.screens.ladder_try import settle_and_say

            settle_and_say(self.app)
        self.book = LadderBook.for_workspace(workspace)
        self.sub_title = f"the touch ladder · {self.where_it_lives}"
        section = ladder_section(workspace)
        if section is not None:
            person = self.person
            shared = workspace.active_space == workspace.household.shared_space
            self.questions = section.prompts_fitting(person.role if person else None, shared=shared)
        self.load()
        self.show()
        here = workspace.people_here if workspace.together else ()
        if len(here) == 2 and all(p.role is Role.HURT for p in here) and self.book is not None:
            self.ask_whose_limit()

    def on_screen_resume(self) -> None:
        if self.app.workspace.is_unlocked and self.is_mounted:
            self.reload()

    def reload(self) -> None:
        self.load()
        self.show()

    def load(self) -> None:
        if self.book is None:
            self.ladder = ladder_from_pack(pack_steps(self.app.workspace))
            return
        try:
            self.ladder = self.book.load()
            self.problem = ""
        except LadderUnreadable as problem:
            self.problem = str(problem)
            self.ladder = ladder_from_pack(pack_steps(self.app.workspace))

    def show(self) -> None:
        ladder = self.ladder
        pace = ladder.pace
        pace_index = ladder.index_of(pace.id) if pace else None
        highlighted = self.step_list.highlighted
        options = []
        for index, step in enumerate(ladder.steps):
            here = pace is not None and step.id == pace.id
            beyond = pace_index is None or index > pace_index
            words = Content(shown(step.text))
            if here:
                label = Stacked(
                    Content.styled(f"{HERE_MARK}where the ladder is", "italic $text-accent"),
                    indented(words.stylize("bold"), 2),
                )
            else:
                label = indented(words.stylize("dim") if beyond else words, 2)
            options.append(Option(label, id=step.id))
        self.step_list.clear_options()
        self.step_list.add_options(options)
        if options:
            if highlighted is None:
                highlighted = pace_index if pace_index is not None else 0
            self.step_list.highlighted = min(highlighted, len(options) - 1)
        self.query_one("#where", Static).update(self.where_words())
        self.query_one("#ladder-hint", Static).update(self.hint_words())
        self.show_side()
        self.refresh_bindings()

    def where_words(self) -> str:
        ladder, person = self.ladder, self.person
        if self.problem:
            return self.problem
        if self.book is None:
            return (
                "These are the steps the pack suggests, gentlest first. The ladder itself belongs "
                "to the partner who was hurt: they keep it, and they set its pace."
            )
        if ladder.paused:
            words = "The ladder is resting for now."
        elif ladder.pace is None:
            words = "The ladder has not begun."
        else:
            words = f"The ladder is at: {ladder.pace.text}"
        if self.moves_ladder and person is not None:
            own = ladder.limit_of(person.id)
            others = [p for p in (ladder.hurt or {p for p, _ in ladder.limits}) if p != person.id]
            whose = f"{person.name}'s own limit" if self.acting is not None else "Your own limit"
            if self.acting is not None or (others and own != ladder.pace):
                words += f"\n{whose}: {own.text if own else 'not begun'}. The ladder goes with the gentler one."
        return words

    def hint_words(self) -> str:
        if self.problem:
            return ""
        if self.book is None:
            return "The questions beside the steps are for you, whenever you like."
        if self.moves_ladder:
            if self.ladder.paused:
                return "Resting is part of the ladder. Press Space to open it again, whenever you like."
            return (
                "Enter sets the pace at a step. Going back a step is part of the ladder, "
                "never a failure. \u201cNone yet\u201d is a fine answer too."
            )
        return (
            f"Only {self.hurt_names} moves the ladder. Nothing here asks for more; "
            "waiting without pressing is a real way of caring."
        )

    def show_side(self) -> None:
        title = self.query_one("#side-title", Static)
        intro = self.query_one("#side-intro", Static)
        if self.moves_ladder:
            title.update("Questions to sit with")
            waiting = " Suggested steps are waiting for your choice (s)." if self.ladder.suggestions else ""
            intro.update("Choose one to write to." + waiting)
        else:
            title.update("While you wait")
            mine = [s for s in self.ladder.suggestions if self.person and s.by == self.person.id]
            waiting = f" Your suggestion waits for {self.hurt_names}'s choice." if mine else ""
            intro.update(
                "Choose one to write to. You can also suggest a step (s)." + waiting
                if self.book is not None and not self.problem
                else "Choose one to write to."
            )
        highlighted = self.question_list.highlighted
        self.question_list.clear_options()
        options: list[Option | None] = []
        for question in self.questions:
            options += [Option(Content(shown(question.text)), id=question.id), None]
        self.question_list.add_options(options[:-1])
        if self.questions:
            self.question_list.highlighted = min(highlighted or 0, len(self.questions) - 1)
        lately = self.query_one("#lately", Static)
        changes = [e for e in self.ladder.log if e.kind not in ("suggested",)][-RECENT_CHANGES:]
        lately.display = self.moves_ladder and bool(changes)
        if changes:
            lines = [f"{e.at:%d %b}  {e.words}" for e in reversed(changes)]
            lately.update(Content(shown("Lately:\n" + "\n".join(lines))))

    # what may be done here

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in HURT_ONLY:
            if not self.moves_ladder:
                return False
            if action == "pause_ladder":
                return not self.ladder.paused
            if action == "resume_ladder":
                return self.ladder.paused
            if action == "try_step":
                return not self.ladder.paused and self.ladder.pace is not None
            return True
        if action == "suggestions":
            return self.book is not None and not self.problem
        return True

    def highlighted_step(self):
        index = self.step_list.highlighted
        if index is None or not (0 <= index < len(self.ladder.steps)):
            return None
        return self.ladder.steps[index]

    def apply(self, rule, *args, said: bool = True, **kwargs) -> bool:
        """One change through the rules; what happened is said in the ladder's own words."""
        if self.book is None:
            return False
        before = len(self.ladder.log)
        try:
            self.ladder = self.book.change(rule, *args, **kwargs)
        except PaceRefused as refusal:
            self.notify(str(refusal), markup=False, timeout=6)
            return False
        except LadderUnreadable as problem:
            self.problem = str(problem)
        except (StoreError, ValueError) as error:
            self.notify(getattr(error, "user_message", str(error)), severity="error", markup=False, timeout=10)
            self.load()
        else:
            if said and len(self.ladder.log) > before:
                self.notify(self.ladder.log[-1].words, markup=False, timeout=5)
        self.show()
        return True

    def own_index(self) -> int | None:
        person = self.person
        return self.ladder.index_of(dict(self.ladder.limits).get(person.id)) if person else None

    def move_to(self, index: int | None) -> None:
        """Set this person's limit at a step (or back to not begun); going further is asked once more."""
        from reflect.ui.screens.dialogs import ConfirmScreen

        person = self.person
        if not self.moves_ladder or person is None:
            return
        step = self.ladder.steps[index] if index is not None else None
        own = self.own_index()
        further = index is not None and (own is None or index > own)
        if not further:
            self.apply(set_pace, person, step.id if step else None)
            return

        def chosen(yes: bool | None) -> None:
            if yes:
                self.apply(set_pace, person, step.id)

        # Together, the question names whose pace it is, so the right person answers.
        question = "Move the ladder to this step?"
        if self.app.workspace.together:
            question = f"{person.name}, move the ladder to this step?"
        self.app.push_screen(
            ConfirmScreen(
                f"{question}\n{step.text}",
                "Only if it feels possible now. You can come back a step at any time, without a reason.",
                confirm_label="Yes, this step",
            ),
            chosen,
        )

    @on(OptionList.OptionSelected, "#steps")
    def pace_here(self) -> None:
        if self.moves_ladder:
            self.move_to(self.step_list.highlighted)

    @on(OptionList.OptionSelected, "#questions")
    def write_to_question(self, event: OptionList.OptionSelected) -> None:
        from reflect.ui.screens.write import WriteScreen

        prompt = next((q for q in self.questions if q.id == event.option.id), None)
        if prompt is None:
            return
        if self.app.workspace.together and Audience.TOGETHER in prompt.audiences:
            # Both here: a together question is a couple session, each answer sealed until both wrote.
            from reflect.ui.screens.couple import start_prompt_session

            start_prompt_session(self.app, prompt, done=self.reload)
            return
        self.app.push_screen(WriteScreen(prompt=prompt))

    def action_step_further(self) -> None:
        own = self.own_index()
        target = 0 if own is None else own + 1
        if target >= len(self.ladder.steps):
            self.notify("This is the last step on the ladder. You can add your own (a).", timeout=5)
            return
        self.move_to(target)

    def action_step_back(self) -> None:
        own = self.own_index()
        if own is None:
            self.notify("The ladder is at its start.", timeout=4)
            return
        self.move_to(own - 1 if own > 0 else None)

    def action_pause_ladder(self) -> None:
        if self.person is not None:
            self.apply(pause, self.person)

    def action_resume_ladder(self) -> None:
        if self.person is not None:
            self.apply(resume, self.person)

    def action_add_step(self) -> None:
        from reflect.ui.screens.exercise_dialogs import AskTextScreen

        step = self.highlighted_step()

        def added(text: str | None) -> None:
            if text is not None and self.person is not None:
                self.apply(add_step, self.person, text, after=step.id if step else None)

        self.app.push_screen(
            AskTextScreen("A step of your own", "It goes after the highlighted step.", confirm_label="Add it"),
            added,
        )

    def action_rename_step(self) -> None:
        from reflect.ui.screens.exercise_dialogs import AskTextScreen

        step = self.highlighted_step()
        if step is None:
            return

        def renamed(text: str | None) -> None:
            if text is not None and self.person is not None:
                self.apply(rename_step, self.person, step.id, text)

        self.app.push_screen(AskTextScreen("New words for this step", value=step.text), renamed)

    def action_remove_step(self) -> None:
        from reflect.ui.screens.dialogs import ConfirmScreen

        step = self.highlighted_step()
        if step is None:
            return

        def removed(yes: bool | None) -> None:
            if yes and self.person is not None:
                self.apply(remove_step, self.person, step.id)

        pace = self.ladder.pace
        detail = (
            "The ladder is at this step now; it will be at the gentler step before it."
            if pace is not None and pace.id == step.id
            else "Tries of this step stay in the ladder's notes."
        )
        self.app.push_screen(ConfirmScreen(f"Take this step off the ladder?\n{step.text}", detail,
                                           confirm_label="Take it off"), removed)

    def _move(self, offset: int) -> None:
        step = self.highlighted_step()
        if step is None or self.person is None:
            return
        index = self.ladder.index_of(step.id) or 0
        if self.apply(move_step, self.person, step.id, offset, said=False):
            self.step_list.highlighted = max(0, min(len(self.ladder.steps) - 1, index + offset))

    def action_move_step_up(self) -> None:
        self._move(-1)

    def action_move_step_down(self) -> None:
        self._move(1)

    def action_suggestions(self) -> None:
        from reflect.ui.screens.exercise_dialogs import AskTextScreen, SuggestionsScreen

        person = self.person
        if self.book is None or self.problem or person is None:
            return
        if self.moves_ladder and self.ladder.suggestions:
            def answered(answer) -> None:
                if answer is not None:
                    self.apply(answer_suggestion, person, answer.suggestion_id, accept=answer.accept)

            names = {p.id: p.name for p in self.app.workspace.household.profiles}
            self.app.push_screen(SuggestionsScreen(self.ladder.suggestions, names), answered)
            return

        def suggested(text: str | None) -> None:
            if text is not None:
                self.apply(suggest_step, person, text, said=False)
                if self.moves_ladder:
                    self.notify("Your suggestion waits on the ladder, like any other.", timeout=4)
                else:
                    self.notify(f"Thank you. It waits for {self.hurt_names}'s choice.", markup=False, timeout=5)

        detail = (
            "It waits for your own choice, like any suggested step."
            if self.moves_ladder
            else f"It waits for {self.hurt_names}'s choice. Nothing asks them to answer, or when."
        )
        self.app.push_screen(AskTextScreen("Suggest a step", detail, confirm_label="Suggest it"), suggested)

    def action_try_step(self) -> None:
        from reflect.ui.screens.exercise_dialogs import TryScreen

        pace = self.ladder.pace
        if not self.check_action("try_step", ()) or pace is None:
            return
        workspace = self.app.workspace
        if not self.tries_together:
            self.notify(
                "A try is agreed with both of you at the screen. On the path, press b when you are both here.",
                timeout=6,
            )
            return
        if workspace.household.is_couple:
            from reflect.ui.screens.ladder_try import resume_try
            from reflect.usecases import couple_sessions as cs
            from reflect.usecases.ladder_tries import TRY_KIND

            try:
                waiting = cs.unfinished(workspace, kind=TRY_KIND)
            except (SessionRefused, StoreError):
                waiting = []
            if waiting:
                self.notify("A try is waiting for how it felt. Here it is again.", timeout=4)
                resume_try(self.app, waiting[0].id, done=self.reload)
                return

        def agreed(agreement) -> None:
            if agreement is None or self.person is None:
                return
            if workspace.household.is_couple:
                from reflect.ui.screens.ladder_try import start_try

                start_try(self.app, agreement.step_id, agreement.stop_signal, starter=self.person.id,
                          done=self.reload)
                return
            session_id = uuid.uuid4().hex
            if self.apply(record_try, agreement.step_id, session_id, by=self.person.id,
                          stop_signal=agreement.stop_signal, said=False):
                if self.ladder.find_try(session_id) is not None:
                    self.after_try(session_id)

        self.app.push_screen(TryScreen(self.ladder.within_pace(), pace.id), agreed)

    def after_try(self, session_id: str) -> None:
        """Alone: how it felt and what next time, in the person's own journal."""
        from reflect.ui.screens.exercise_dialogs import AfterTryScreen

        tried = self.ladder.find_try(session_id)
        person = self.person
        if tried is None or person is None:
            return
        signal = f" The stop signal: {tried.stop_signal}." if tried.stop_signal else ""
        self.notify(f"Agreed, and written down.{signal} Take your time.", markup=False, timeout=6)
        step_text = tried.words.removeprefix("A try: ")

        def felt(after) -> None:
            if after is None:
                self.notify("The try is noted on the ladder. How it felt can wait.", timeout=5)
                return
            picked = f"Next time: {after.next_time.label.lower()}." if after.next_time is not None else ""
            text = "\n".join(part for part in (after.felt.strip(), picked) if part)
            try:
                self.app.workspace.write(
                    f"{step_text}\n{text}", prompt_id=self._after_try_prompt(), space=person.space
                )
            except StoreError as error:
                self.notify(error.user_message, severity="error", markup=False, timeout=10)
                return
            if after.next_time is not None:
                self.apply(next_time, person, session_id, after.next_time, said=True)

        self.app.push_screen(AfterTryScreen(step_text, moves_pace=True), felt)

    def _after_try_prompt(self) -> str:
        section = ladder_section(self.app.workspace)
        found = next((p for p in section.prompts if p.id == "ladder-after-try"), None) if section else None
        return found.id if found else ""
