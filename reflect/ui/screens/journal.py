"""The journal: newest first; search, filter, open, edit, star, tag, delete and undo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from reflect.domain.display import shown
from reflect.domain.entries import Entry, EntryFilter
from reflect.storage.errors import StoreError
from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.ui.commands import JOURNAL, bindings_for
from reflect.usecases.exercise_journal import ExerciseRecord, matching, records_of

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

# Building thousands of list rows costs more than anyone reads; search narrows.
MAX_LISTED = 300
OLDER_OPENING = "Older reflections are still opening."
OLDER_OPENING_FOUND = "{found} so far. Older reflections are still opening, and are searched as they come in."
EXERCISE_ROW = "This was written by the {where}, and is changed there; here it is kept to read."


def entry_label(entry: Entry, author_name: str = "") -> Content:
    """One row of the list: star, date, who wrote it (in the shared space) and the first line."""
    star = ("★ ", "$text-warning") if entry.starred else ("  ", "")
    return Content.assemble(
        star,
        (f"{entry.created:%d %b %Y}  ", "dim"),
        (f"{shown(author_name)} · ", "$text-secondary") if author_name else "",
        shown(entry.title) or "(empty)",
    )


CHANGES = frozenset({"star", "tags", "delete"})
"""The journal's actions that change a reflection: only its author's, in the shared space."""


def record_label(record: ExerciseRecord) -> Content:
    return Content.assemble(
        "  ",
        (f"{record.created:%d %b %Y}  ", "dim"),
        ("Sentence · " if record.kind == "sentence" else "Ladder · ", "italic $text-muted"),
        shown(record.title) or "(empty)",
    )


class JournalScreen(Screen[None]):
    """Everything written in this space."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    class Deleted(Message):
        """A reflection was deleted: the app keeps it, so u can bring it back."""

        def __init__(self, entry: Entry) -> None:
            super().__init__()
            self.entry = entry

    class Restored(Message):
        """The last delete was undone: there is nothing left to undo."""

    CSS_PATH = "journal.tcss"
    AUTO_FOCUS = "#entries"
    BINDINGS = bindings_for(JOURNAL)

    entry_list = getters.query_one("#entries", OptionList)
    search_input = getters.query_one("#search", Input)

    def __init__(self) -> None:
        super().__init__()
        self._shown: list[Entry | ExerciseRecord] = []

    @property
    def journal(self):
        return self.app.workspace.journal

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder="Search (/)", id="search")
            yield Select[str]([], prompt="Any step", id="section")
            yield Select[str]([], prompt="Any tag", id="tag")
            yield Checkbox("Starred", id="starred")
        with Horizontal(id="body"):
            with Vertical(id="list-pane"):
                yield OptionList(id="entries")
                yield Static("", id="count", classes="muted")
            with VerticalScroll(id="detail", can_focus=True):
                yield Static("", id="detail-meta", classes="muted")
                yield Static("", id="detail-whose", classes="muted")
                yield Static("", id="detail-prompt")
                yield Static("", id="detail-text")
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = f"journal · {self.app.space_caption}"
        # Pack titles are shown literally. Text rather than Content, because
        # Select's type-to-search only reads str and Text prompts.
        sections = [(Text(shown(s.title)), s.id) for _, s in self.app.workspace.sections()]
        self.query_one("#section", Select).set_options(sections)
        self.refresh_entries()

    def on_screen_resume(self) -> None:
        # Screens are uncovered one by one while locking; nothing to show then.
        if self.app.workspace.is_unlocked:
            self.refresh_entries()

    def current_filter(self) -> EntryFilter:
        section = self.query_one("#section", Select).value
        tag = self.query_one("#tag", Select).value
        return EntryFilter(
            contains=self.search_input.value.strip(),
            section_id=section if isinstance(section, str) else "",
            tags=(tag,) if isinstance(tag, str) else (),
            starred_only=self.query_one("#starred", Checkbox).value,
        )

    def refresh_tags(self) -> None:
        select = self.query_one("#tag", Select)
        current = select.value
        tags = sorted({t for e in self.journal.entries() for t in e.tags})
        with self.prevent(Select.Changed):
            select.set_options([(Text(shown(f"#{t}")), t) for t in tags])
            if isinstance(current, str) and current in tags:
                select.value = current

    def refresh_entries(self, keep: str | None = None) -> None:
        if not self.journal.complete:
            self.refresh_while_opening(keep)
            return
        self.refresh_tags()
        flt = self.current_filter()
        found: list[Entry | ExerciseRecord] = list(self.journal.search(flt))
        exercises = matching(records_of(self.journal, self.app.workspace), flt)
        if exercises:
            found = sorted([*found, *exercises], key=lambda row: (row.created, row.id), reverse=True)
        highlighted = self.selected_row()
        keep = keep or (highlighted.id if highlighted else None)
        self._shown = found[:MAX_LISTED]
        self.entry_list.clear_options()
        self.entry_list.add_options(
            Option(record_label(row) if isinstance(row, ExerciseRecord) else entry_label(row, self.author_name(row)), id=row.id)
            for row in self._shown
        )
        total = len(self.journal.entries())
        if not total and not found:
            count = "Nothing here yet. Press n to write, or choose a step on the path."
        elif not total:
            count = ""
        elif not found:
            count = "Nothing matches. Try fewer words, or clear the filters."
        elif len(found) > len(self._shown):
            count = f"The newest {len(self._shown)} of {len(found)}. Search to find older ones."
        elif flt == EntryFilter():
            count = f"{total} reflection{'s' if total != 1 else ''}"
        else:
            reflections = sum(1 for row in found if isinstance(row, Entry))
            count = f"{reflections} of {total} reflection{'s' if total != 1 else ''}"
        self.query_one("#count", Static).update(count)
        if self._shown:
            index = next((i for i, e in enumerate(self._shown) if e.id == keep), 0)
            self.entry_list.highlighted = index
        self.show_detail(self.selected_row())

    def refresh_while_opening(self, keep: str | None = None) -> None:
        """The newest reflections while older ones are still being read, never passed off as all of them.

        Nothing here waits for the older ones: the list, the tags and any search
        cover what is read so far, one quiet line says so, and everything is
        shown again once the rest is in (:meth:`older_reflections_in`).
        """
        loaded = self.journal.newest_so_far(MAX_LISTED)
        tags = sorted({t for e in loaded for t in e.tags})
        select = self.query_one("#tag", Select)
        current = select.value
        with self.prevent(Select.Changed):
            select.set_options([(Text(shown(f"#{t}")), t) for t in tags])
            if isinstance(current, str) and current in tags:
                select.value = current
        flt = self.current_filter()
        found: list[Entry | ExerciseRecord] = [e for e in loaded if flt.matches(e)]
        exercises = matching(records_of(self.journal, self.app.workspace), flt)
        if exercises:
            found = sorted([*found, *exercises], key=lambda row: (row.created, row.id), reverse=True)
        self._show_rows(found, keep)
        if flt == EntryFilter():
            count = OLDER_OPENING
        else:
            reflections = sum(1 for row in found if isinstance(row, Entry))
            count = OLDER_OPENING_FOUND.format(found=f"{reflections} found" if reflections else "Nothing found")
        self.query_one("#count", Static).update(count)

    def _show_rows(self, found: list[Entry | ExerciseRecord], keep: str | None) -> None:
        highlighted = self.selected_row()
        keep = keep or (highlighted.id if highlighted else None)
        self._shown = found[:MAX_LISTED]
        self.entry_list.clear_options()
        self.entry_list.add_options(
            Option(record_label(row) if isinstance(row, ExerciseRecord) else entry_label(row, self.author_name(row)), id=row.id)
            for row in self._shown
        )
        if self._shown:
            index = next((i for i, e in enumerate(self._shown) if e.id == keep), 0)
            self.entry_list.highlighted = index
        self.show_detail(self.selected_row())

    def older_reflections_in(self) -> None:
        """Older reflections were read (see ``ReflectApp.read_older_reflections``): show everything."""
        if self.app.workspace.is_unlocked:
            self.refresh_entries()

    def selected_row(self) -> Entry | ExerciseRecord | None:
        index = self.entry_list.highlighted
        if index is None or not (0 <= index < len(self._shown)):
            return None
        return self._shown[index]

    def selected_entry(self) -> Entry | None:
        """The highlighted reflection; an exercise's row is only read here, so it says so."""
        row = self.selected_row()
        if isinstance(row, ExerciseRecord):
            where = "sentence builder" if row.kind == "sentence" else "touch ladder"
            self.notify(EXERCISE_ROW.format(where=where), timeout=5)
            return None
        return row

    @property
    def in_shared_space(self) -> bool:
        workspace = self.app.workspace
        return workspace.household.shared_space is not None and self.journal.space == workspace.household.shared_space

    def author_name(self, entry: Entry) -> str:
        """Who wrote ``entry``, by name, in the shared space (empty elsewhere, or when not noted)."""
        if not self.in_shared_space or not entry.author:
            return ""
        return self.app.workspace.name_of(entry.author) or "someone no longer here"

    def may_change(self, entry: Entry | ExerciseRecord | None) -> bool:
        if not isinstance(entry, Entry):
            return False
        if self.app.workspace.together and self.in_shared_space:
            return True  # both here: who is changing it is asked first (see _as_its_author)
        return self.journal.may_change(entry)

    def _as_its_author(self, entry: Entry, then) -> None:
        """Ask who is changing ``entry`` while both are here; only its author goes on to ``then()``."""

        def go() -> None:
            if not self.journal.may_change(entry):
                self.notify(self.journal_refusal(entry), markup=False, timeout=6)
                return
            then()

        self.app.ask_who_is_writing(go, changing=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A partner's shared reflection can be read, never changed: its keys are greyed out.
        # An exercise's row is changed on its own screen; its keys still say so when pressed.
        row = self.selected_row()
        if (
            action in CHANGES
            and self.app.workspace.is_unlocked
            and isinstance(row, Entry)
            and not self.may_change(row)
        ):
            return None
        return True

    def show_detail(self, entry: Entry | ExerciseRecord | None) -> None:
        from reflect.usecases import wording

        meta = self.query_one("#detail-meta", Static)
        prompt = self.query_one("#detail-prompt", Static)
        text = self.query_one("#detail-text", Static)
        whose = self.query_one("#detail-whose", Static)
        self.refresh_bindings()
        if entry is None:
            for widget in (meta, prompt, text, whose):
                widget.update("")
            whose.display = False
            return
        if isinstance(entry, ExerciseRecord):
            meta.update(Content(shown(f"{entry.created:%A %d %B %Y, %H:%M}")))
            prompt.update(Content(shown(entry.heading)))
            prompt.display = True
            text.update(Content(shown(entry.text)))
            whose.update("")
            whose.display = False
            return
        details = []
        if self.in_shared_space:
            name = self.author_name(entry)
            details.append(f"{name} wrote this" if name else "who wrote this was not noted")
        details.append(f"{entry.created:%A %d %B %Y, %H:%M}")
        if entry.updated != entry.created:
            details.append(f"edited {entry.updated:%d %B %Y, %H:%M}")
        if entry.starred:
            details.append("starred")
        if entry.tags:
            details.append(" ".join(f"#{t}" for t in entry.tags))
        meta.update(Content(shown(" · ".join(details))))
        prompt.update(Content(shown(entry.prompt_text)))
        prompt.display = bool(entry.prompt_text)
        text.update(Content(shown(entry.text)))
        hint = ""
        if not self.may_change(entry):
            hint = wording.NOT_THE_AUTHOR_HINT.format(name=shown(self.author_name(entry)) or wording.SOMEONE)
        elif self.in_shared_space and not entry.author:
            hint = wording.AUTHOR_NOT_NOTED
        whose.update(Content(hint))
        whose.display = bool(hint)

    @on(OptionList.OptionHighlighted, "#entries")
    def follow_highlight(self) -> None:
        self.show_detail(self.selected_row())

    @on(OptionList.OptionSelected, "#entries")
    def open_entry(self) -> None:
        from reflect.ui.screens.write import WriteScreen

        entry = self.selected_entry()
        if entry is None:
            return
        if not self.may_change(entry):
            # Read in full beside the list; the editor is only for its author.
            self.query_one("#detail").focus()
            self.notify(self.journal_refusal(entry), markup=False, timeout=6)
            return
        self.app.push_screen(WriteScreen(entry=entry))

    def journal_refusal(self, entry: Entry) -> str:
        from reflect.usecases import wording

        return wording.NOT_THE_AUTHOR.format(name=self.author_name(entry) or wording.SOMEONE)

    @on(Input.Changed, "#search")
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def filters_changed(self) -> None:
        self.refresh_entries()

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.entry_list.focus()

    def action_back(self) -> None:
        if self.search_input.has_focus:
            self.entry_list.focus()
        else:
            self.app.pop_screen()

    def action_focus_search(self) -> None:
        self.search_input.focus()

    def _store(self, call) -> bool:
        from reflect.usecases.journal import NotTheAuthor

        try:
            call()
        except StoreError as error:
            self.notify(error.user_message, severity="error", markup=False, timeout=10)
            return False
        except NotTheAuthor as refusal:
            self.notify(refusal.user_message, markup=False, timeout=8)
            return False
        return True

    def action_star(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        if not self.may_change(entry):
            self.notify(self.journal_refusal(entry), markup=False, timeout=6)
            return

        def star() -> None:
            if self._store(lambda: self.journal.update(entry.toggled_star())):
                self.refresh_entries(keep=entry.id)

        self._as_its_author(entry, star)

    def action_tags(self) -> None:
        from reflect.ui.screens.dialogs import TagsScreen

        entry = self.selected_entry()
        if entry is None:
            return
        if not self.may_change(entry):
            self.notify(self.journal_refusal(entry), markup=False, timeout=6)
            return

        def apply(tags: tuple[str, ...] | None) -> None:
            if tags is not None:
                updated = entry.with_tags(tags, self.app.workspace.now())
                if self._store(lambda: self.journal.update(updated)):
                    self.refresh_entries(keep=entry.id)

        self._as_its_author(entry, lambda: self.app.push_screen(TagsScreen(entry.tags), apply))

    def action_delete(self) -> None:
        from reflect.ui.screens.dialogs import ConfirmScreen

        entry = self.selected_entry()
        if entry is None:
            return
        if not self.may_change(entry):
            self.notify(self.journal_refusal(entry), markup=False, timeout=6)
            return

        def confirmed(yes: bool | None) -> None:
            if yes and self._store(lambda: self.journal.delete(entry.id)):
                self.post_message(self.Deleted(entry))
                self.refresh_entries()
                self.notify("Reflection deleted. Press u to undo.", timeout=8)

        self._as_its_author(
            entry,
            lambda: self.app.push_screen(
                ConfirmScreen(
                    "Delete this reflection?",
                    f"Written {entry.created:%d %B %Y}. You can undo this until you leave reflect.",
                    confirm_label="Delete",
                ),
                confirmed,
            ),
        )

    def action_undo(self) -> None:
        entry = self.app.last_deleted
        # A delete is undone in the space it was made in, never from another one.
        if entry is None or entry.space != self.journal.space:
            self.notify("There is nothing to undo here.", timeout=3)
            return
        if self._store(lambda: self.journal.restore(entry)):
            self.post_message(self.Restored())
            self.refresh_entries(keep=entry.id)
            # The "deleted, press u" notice must not come back once it is undone.
            self.app.clear_notifications()
            self.notify("Restored.", timeout=3)
