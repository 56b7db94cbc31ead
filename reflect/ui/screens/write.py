"""Writing a reflection: to a prompt, freely, or editing one already saved.

Nothing typed is ever lost: every pause in typing keeps a draft in the
writer's own journal (a draft for the shared space too, so the partner never
reads unsent words), leaving with unsaved words asks what to do (keeping them is the
default), and a failed save leaves the words on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Static, TextArea

from reflect.domain.content import Prompt
from reflect.domain.display import shown
from reflect.domain.entries import Entry, normalise_tags
from reflect.storage.errors import StoreError
from reflect.usecases.journal import NotTheAuthor
from reflect.usecases.workspace import NotUnlocked
from reflect.ui.screens.dialogs import LeaveChoice, LeaveUnsavedScreen
from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.ui.commands import WRITING, bindings_for

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

DRAFT_DELAY_SECONDS = 2.0
DRAFT_WAITS_ALONE = "{name}'s draft from writing alone stays private. It comes back when {name} opens reflect alone."
"""While together: a draft kept alone is not opened here (nobody typed a passphrase for it)."""


def draft_key(writer: str, prompt: Prompt | None, entry: Entry | None) -> str:
    """Where a draft is kept: per person, so a shared space never hands one partner's
    unsent words to the other."""
    if entry is not None:
        return f"{writer}/edit:{entry.id}"
    if prompt is not None:
        return f"{writer}/prompt:{prompt.id}"
    return f"{writer}/free"


def parse_tags(text: str) -> tuple[str, ...]:
    return normalise_tags(text.replace(",", " ").split())


NOT_SAVED = "Not saved. Your words are still here; try again when you are ready."


class WriteScreen(Screen[None]):
    """A quiet place to write."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    CSS_PATH = "write.tcss"
    AUTO_FOCUS = "#text"
    BINDINGS = bindings_for(WRITING)

    editor = getters.query_one("#text", TextArea)
    tags_input = getters.query_one("#tags", Input)

    def __init__(
        self,
        *,
        prompt: Prompt | None = None,
        entry: Entry | None = None,
        held_text: str | None = None,
        space: str | None = None,
    ) -> None:
        super().__init__()
        self.prompt = prompt
        self.entry = entry
        # The space this screen writes in, fixed when it opens: switching space
        # or locking later can never send these words somewhere else.
        self.space = entry.space if entry is not None else space
        self.draft_key = ""
        self._held_text = held_text
        # The editor holds the text as it is shown: a control character in it
        # (from an import, say) appears as a placeholder, and saving keeps what is seen.
        self._saved_text = shown(entry.text) if entry else ""
        self._saved_tags = tuple(shown(t) for t in entry.tags) if entry else ()
        self._draft_timer: Timer | None = None
        self.writer = ""
        """Who writes here (a profile id), fixed when the screen opens; while together, asked."""

    @property
    def prompt_text(self) -> str:
        if self.entry is not None:
            return self.entry.prompt_text
        return self.prompt.text if self.prompt else ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="write"):
            if self.prompt_text:
                yield Static(Content(shown(self.prompt_text)), id="prompt")
            else:
                yield Static("Write whatever is here for you today.", id="prompt", classes="muted")
            yield TextArea(
                self._saved_text,
                id="text",
                soft_wrap=True,
                show_line_numbers=False,
                tab_behavior="focus",
                placeholder="Take your time. Ctrl+S saves; Esc goes back.",
            )
            yield Input(
                " ".join(self._saved_tags),
                id="tags",
                placeholder="Tags, separated by spaces (optional)",
                select_on_focus=False,  # Tab into the tags of an edit must not let typing replace them all
            )
            yield Static("", id="where", classes="muted")
            yield Static("", id="status", classes="muted")
        yield SafetyFooter()

    def on_mount(self) -> None:
        if self.space is None:
            self.space = self.app.workspace.active_space
        # Both here, in the shared space: who is writing is asked, never guessed.
        self.app.ask_who_is_writing(self._begin, cancelled=self.dismiss, changing=self.entry is not None)

    def _as_writer(self) -> None:
        """Both here: this screen's writer is the one writing, whatever another screen asked meanwhile."""
        workspace = self.app.workspace
        if self.writer and workspace.together:
            workspace.writing_as(self.writer)

    def _begin(self) -> None:
        workspace = self.app.workspace
        person = workspace.writer
        self.writer = person.id if person else ""
        if self.entry is not None and workspace.together:
            journal = workspace.store(self.space)
            if not journal.may_change(self.entry):
                name = workspace.name_of(self.entry.author)
                self.notify(NotTheAuthor(self.entry.author, name).user_message, markup=False, timeout=8)
                self.dismiss()
                return
        self.draft_key = draft_key(self.writer or "me", self.prompt, self.entry)
        doing = "editing a reflection" if self.entry else "a new reflection"
        where = shown(self.app.workspace.space_label(self.space))
        self.sub_title = f"{doing} · {where}"
        under = f", under {shown(person.name)}'s name" if workspace.together and person is not None else ""
        self.query_one("#where", Static).update(Content(f"Saving to {where}{under}."))
        if self._held_text is not None:
            self.editor.load_text(shown(self._held_text))
            self.editor.move_cursor(self.editor.document.end)
            self._status(
                "reflect could not keep these words as a draft when it locked, so it held "
                "them until you came back. Save them when you can."
            )
            return
        if self.entry is not None:  # editing: carry on from the end, not the start
            self.editor.move_cursor(self.editor.document.end)
        _, draft = self._journal_call(lambda _: self.app.workspace.drafts.get(self.space, self.draft_key))
        said = ""
        if draft and shown(draft) != self._saved_text:
            self.editor.load_text(shown(draft))
            self.editor.move_cursor(self.editor.document.end)
            said = "Your unsaved draft is back, just as you left it."
        # Both here: a draft its writer kept alone is never opened on the word of
        # "Who is writing?" (no passphrase). Say plainly that it is safe, not lost.
        _, waits = self._journal_call(lambda _: self.app.workspace.drafts.waits_alone(self.space, self.draft_key))
        if waits and person is not None:
            said = " ".join(
                part for part in (said, DRAFT_WAITS_ALONE.format(name=shown(person.name))) if part
            )
        if said:
            self._status(said)

    @property
    def has_unsaved_changes(self) -> bool:
        return (
            self.editor.text != self._saved_text
            or parse_tags(self.tags_input.value) != tuple(self._saved_tags)
        )

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(Content(text))

    def _journal_call(self, call, *, in_status: str = "") -> tuple[bool, object]:
        """Run a journal operation; say plainly if it fails, and keep the words.

        With ``in_status``, a failure is told in the status line, those words first,
        instead of a notice (at 80x24 a notice sat right over the status line).
        Returns ``(succeeded, result)``.
        """

        def say(problem: str) -> None:
            if in_status:
                self._status(f"{in_status} {problem}")
            else:
                self.notify(problem, severity="error", markup=False, timeout=10)

        try:
            self._as_writer()
            return True, call(self.app.workspace.store(self.space))
        except (StoreError, NotTheAuthor) as error:
            say(error.user_message)
        except NotUnlocked:
            pass  # locked meanwhile: drafts were kept by the lock itself
        except OSError:
            say("reflect could not write to its data folder." + ("" if in_status else " Your words are still here."))
        return False, None

    @on(TextArea.Changed, "#text")
    def schedule_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY_SECONDS, self.keep_draft)

    @property
    def unsaved_text(self) -> str | None:
        text = self.editor.text
        return text if text.strip() and text != self._saved_text else None

    def keep_draft(self) -> None:
        """Keep what is typed in the writer's own journal, so a crash loses nothing."""
        text = self.unsaved_text
        if text is not None:
            self._journal_call(lambda _: self.app.workspace.drafts.save(self.space, self.draft_key, text))

    def keep_draft_quietly(self) -> bool:
        """For locking: keep the draft without any message; False when it could not be kept."""
        text = self.unsaved_text
        if text is None:
            return True
        try:
            self._as_writer()
            self.app.workspace.drafts.save(self.space, self.draft_key, text)
        except (StoreError, OSError, NotUnlocked):
            return False
        return True

    def action_save(self) -> None:
        text = self.editor.text
        if not text.strip():
            self._status("There is nothing to save yet.")
            return
        tags = parse_tags(self.tags_input.value)
        workspace = self.app.workspace
        # A draft kept in the same space goes in the same save as the words; one
        # kept in the writer's private journal (for the shared space) is dropped after.
        same_place = workspace.drafts.lives_with(self.space)
        clearing = self.draft_key if same_place else None
        if self.entry is None:
            def save(journal):
                # One save holds the entry and drops its draft: a crash just
                # after can never leave a stale draft of the words saved.
                return workspace.write(
                    text,
                    prompt_id=self.prompt.id if self.prompt else "",
                    tags=tags,
                    space=self.space,
                    clearing_draft=clearing,
                )
        else:
            def save(journal):
                entry = self.entry.edited(text, workspace.now()).with_tags(tags, workspace.now())
                journal.update(entry, clearing_draft=clearing)
                return entry

        ok, saved = self._journal_call(save, in_status=NOT_SAVED)
        if not ok:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if not same_place:
            try:
                self._as_writer()
                workspace.drafts.clear(self.space, self.draft_key)
            except (StoreError, OSError, NotUnlocked):
                pass  # the words are saved; a leftover draft of them only comes back once
        self.entry = saved
        self._saved_text = saved.text
        self._saved_tags = saved.tags
        self.notify("Saved to your journal.", timeout=3)
        self.dismiss()

    def action_leave(self) -> None:
        if not self.has_unsaved_changes:
            self.dismiss()
            return
        self.app.push_screen(LeaveUnsavedScreen(), self._after_leave_choice)

    def _after_leave_choice(self, choice: LeaveChoice | None) -> None:
        if choice == LeaveChoice.KEEP_DRAFT:
            text = self.editor.text
            kept, _ = self._journal_call(lambda _: self.app.workspace.drafts.save(self.space, self.draft_key, text))
            if kept:
                self.dismiss()
        elif choice == LeaveChoice.DISCARD:
            self._journal_call(lambda _: self.app.workspace.drafts.clear(self.space, self.draft_key))
            self.dismiss()
        else:
            self.editor.focus()
