"""The journal: newest first; search, filter, open, edit, star, tag, delete and undo."""

from __future__ import annotations

import heapq
import weakref
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reflect.domain.display import shown
from reflect.domain.entries import Entry, EntryFilter
from reflect.storage.errors import StoreError
from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.ui.commands import JOURNAL, bindings_for
from reflect.usecases.exercise_journal import ExerciseRecord, matching, records_of

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp
    from reflect.usecases.journal import SearchSnapshot

# Building thousands of list rows costs more than anyone reads; search narrows.
MAX_LISTED = 300
# A search shows this many rows (a tall terminal's screenful) as soon as they
# are found, then the rest of the list and the count.
FIRST_ROWS = 50
STILL_LOOKING = "Still looking through older reflections…"
OLDER_OPENING = "Older reflections are still opening."
ANY_TAG = "Any tag"
TAGS_SO_FAR = "Tags so far"
"""The tag list's prompt while older reflections are still opening: it holds the newest ones' tags."""
OLDER_OPENING_FOUND = "{found} so far. Older reflections are still opening, and are searched as they come in."
EXERCISE_ROW = "This was written by the {where}, and is changed there; here it is kept to read."


NOTHING_TO_UNDO = "There is no delete to undo here. (u undoes a delete; t changes tags again.)"


def tags_changed(before: tuple[str, ...], after: tuple[str, ...]) -> str:
    """The notice after a tag change: the tags now, and what they were (u undoes deletes only)."""

    def listed(tags: tuple[str, ...]) -> str:
        return " ".join(f"#{tag}" for tag in tags) if tags else "none"

    return f"Tags now: {shown(listed(after))}. Before: {shown(listed(before))}."


def entry_label(entry: Entry, author_name: str = "") -> Content:
    """One row of the list: star, date, who wrote it (in the shared space) and the first line."""
    star = ("★ ", "$text-warning") if entry.starred else ("  ", "")
    return Content.assemble(
        star,
        (f"{entry.created:%d %b %Y}  ", "dim"),
        (f"{shown(author_name)} · ", "$text-secondary") if author_name else "",
        shown(entry.title) or "(empty)",
    )


def _rows(entries: Iterator[Entry], exercises: list[ExerciseRecord]) -> Iterator[Entry | ExerciseRecord]:
    """Reflections and exercise rows together, newest first, as they are asked for."""
    if not exercises:
        return entries
    key = lambda row: (row.created, row.id)  # noqa: E731
    return heapq.merge(entries, sorted(exercises, key=key, reverse=True), key=key, reverse=True)


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

    class Found(Message):
        """Rows a search found in the background, for the query numbered ``ticket``.

        ``rows`` go at ``start`` in the list (0: they replace it). ``count`` is
        every row found, or None while older ones are still being looked at;
        ``total`` is how many reflections the journal held when the search began.
        """

        def __init__(
            self,
            ticket: int,
            rows: list[Entry | ExerciseRecord],
            start: int,
            count: int | None,
            reflections: int,
            total: int,
        ) -> None:
            super().__init__()
            self.ticket = ticket
            self.rows = rows
            self.start = start
            self.count = count
            self.reflections = reflections
            self.total = total

    CSS_PATH = "journal.tcss"
    AUTO_FOCUS = "#entries"
    BINDINGS = bindings_for(JOURNAL)

    entry_list = getters.query_one("#entries", OptionList)
    search_input = getters.query_one("#search", Input)

    def __init__(self) -> None:
        super().__init__()
        self._shown: list[Entry | ExerciseRecord] = []
        # Every query gets the next number; rows found for an older one are dropped.
        self._ticket = 0
        self._total = 0
        self._tags_of: tuple[weakref.ref, list[str]] | None = None
        """The journal's tags, and the search snapshot (the journal as it was) they were gathered from."""

    @property
    def journal(self):
        return self.app.workspace.journal

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder="Search (/)", id="search")
            yield Select[str]([], prompt="Any step", id="section")
            yield Select[str]([], prompt=ANY_TAG, id="tag")
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
        # Every reflection's tags, gathered again only when the journal changed: at
        # 100,000 reflections each gathering holds the screen a moment.
        snapshot = self.journal.search_snapshot()
        known = self._tags_of
        if known is not None and known[0]() is snapshot:
            tags = known[1]
        else:
            tags = sorted({t for e in self.journal.entries() for t in e.tags})
            self._tags_of = (weakref.ref(snapshot), tags)
        with self.prevent(Select.Changed):
            select.prompt = ANY_TAG  # every reflection's tags (see refresh_while_opening)
            select.set_options([(Text(shown(f"#{t}")), t) for t in tags])
            if isinstance(current, str) and current in tags:
                select.value = current

    def refresh_entries(self, keep: str | None = None) -> None:
        """Show what the filters find now, at once (after a change, or coming back)."""
        if not self.journal.complete:
            self.refresh_while_opening(keep)
            return
        self.refresh_tags()
        flt = self.current_filter()
        if flt.contains:
            # Words are looked for in every reflection: in the worker, as while typing,
            # so a star or an edit never holds the screen while 100,000 are searched.
            self.start_search()
            return
        self._ticket += 1  # a search still running in the background is out of date
        snapshot = self.journal.search_snapshot()
        exercises = self.exercise_rows(flt)
        found = list(_rows(snapshot.matching(flt), exercises))
        self._total = len(snapshot)
        self.show_rows(found[:MAX_LISTED], 0, len(found), len(found) - len(exercises), flt, keep)
        self.prepare_search(snapshot)

    @work(thread=True, exclusive=True, exit_on_error=False, group="journal-search")
    def prepare_search(self, snapshot: SearchSnapshot) -> None:
        """Fold the journal's text for searching before anyone types (the first search's slow part)."""
        snapshot.prepare()

    def start_search(self) -> None:
        """Look for what the filters say in a worker: typing never waits for the journal."""
        if not self.journal.complete:
            self.refresh_while_opening()  # what is read so far, and says so
            return
        self._ticket += 1
        flt = self.current_filter()
        self.search_in_background(self._ticket, flt, self.journal.search_snapshot(), self.exercise_rows(flt))

    def exercise_rows(self, flt: EntryFilter) -> list[ExerciseRecord]:
        return matching(records_of(self.journal, self.app.workspace), flt)

    @work(thread=True, exclusive=True, exit_on_error=False, group="journal-search")
    def search_in_background(
        self, ticket: int, flt: EntryFilter, snapshot: SearchSnapshot, exercises: list[ExerciseRecord]
    ) -> None:
        """Post the rows found, newest first, a screenful at a time; the last post has the count.

        Reads only ``snapshot`` (taken on the main thread), never the journal.
        Each post adds at most FIRST_ROWS rows, so that showing them is a small
        step for the screen too.
        """
        worker = get_current_worker()
        rows = _rows(snapshot.matching(flt), exercises)
        total = len(snapshot)
        start = 0
        chunk = list(islice(rows, FIRST_ROWS))
        while len(chunk) == FIRST_ROWS and start + len(chunk) < MAX_LISTED:
            if worker.is_cancelled:
                return
            self.post_message(self.Found(ticket, chunk, start, None, 0, total))
            start += len(chunk)
            chunk = list(islice(rows, min(FIRST_ROWS, MAX_LISTED - start)))
        count = start + len(chunk)
        for count, _row in enumerate(rows, start=count + 1):  # noqa: B007 (the count is what is kept)
            if count % 1024 == 0 and worker.is_cancelled:
                return
        if not worker.is_cancelled:
            self.post_message(self.Found(ticket, chunk, start, count, count - len(exercises), total))

    @on(Found)
    def rows_found(self, message: Found) -> None:
        if message.ticket != self._ticket or not self.app.workspace.is_unlocked:
            return  # an older query's rows (a newer one is on its way), or locked meanwhile
        self._total = message.total
        self.show_rows(message.rows, message.start, message.count, message.reflections, self.current_filter())

    def show_rows(
        self,
        rows: list[Entry | ExerciseRecord],
        start: int,
        count: int | None,
        reflections: int,
        flt: EntryFilter,
        keep: str | None = None,
    ) -> None:
        """Put ``rows`` in the list at ``start`` (0: instead of what was there) and say how many were found."""
        if start:
            self._shown.extend(rows)
            self.entry_list.add_options(self.option_for(row) for row in rows)
        else:
            highlighted = self.selected_row()
            keep = keep or (highlighted.id if highlighted else None)
            self._shown = list(rows)
            self.entry_list.clear_options()
            self.entry_list.add_options(self.option_for(row) for row in rows)
        total = self._total
        if count is None:
            line = STILL_LOOKING
        elif not total and not count:
            line = "Nothing here yet. Press n to write, or choose a step on the path."
        elif not total:
            line = ""
        elif not count:
            line = "Nothing matches. Try fewer words, or clear the filters."
        elif count > len(self._shown):
            line = f"The newest {len(self._shown)} of {count}. Search to find older ones."
        elif flt == EntryFilter():
            line = f"{total} reflection{'s' if total != 1 else ''}"
        else:
            line = f"{reflections} of {total} reflection{'s' if total != 1 else ''}"
        self.query_one("#count", Static).update(line)
        if start:
            return
        if self._shown:
            index = next((i for i, e in enumerate(self._shown) if e.id == keep), 0)
            self.entry_list.highlighted = index
        self.show_detail(self.selected_row())

    def option_for(self, row: Entry | ExerciseRecord) -> Option:
        label = record_label(row) if isinstance(row, ExerciseRecord) else entry_label(row, self.author_name(row))
        return Option(label, id=row.id)

    def refresh_while_opening(self, keep: str | None = None) -> None:
        """The newest reflections while older ones are still being read, never passed off as all of them.

        Nothing here waits for the older ones: the list, the tags and any search
        cover what is read so far, one quiet line says so, and everything is
        shown again once the rest is in (:meth:`older_reflections_in`).
        """
        self._ticket += 1  # a search still running in the background is out of date
        loaded = self.journal.newest_so_far(MAX_LISTED)
        tags = sorted({t for e in loaded for t in e.tags})
        select = self.query_one("#tag", Select)
        current = select.value
        with self.prevent(Select.Changed):
            # Only the newest reflections' tags are known yet: never offered as every tag.
            select.prompt = TAGS_SO_FAR
            select.set_options([(Text(shown(f"#{t}")), t) for t in tags])
            if isinstance(current, str) and current in tags:
                select.value = current
        flt = self.current_filter()
        exercises = self.exercise_rows(flt)
        found = list(_rows((e for e in loaded if flt.matches(e)), exercises))
        reflections = len(found) - len(exercises)
        self.show_rows(found[:MAX_LISTED], 0, len(found), reflections, flt, keep)
        if flt == EntryFilter():
            line = OLDER_OPENING
        else:
            line = OLDER_OPENING_FOUND.format(found=f"{reflections} found" if reflections else "Nothing found")
        self.query_one("#count", Static).update(line)

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
        self.start_search()

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
            if tags is not None and tags != entry.tags:
                updated = entry.with_tags(tags, self.app.workspace.now())
                if self._store(lambda: self.journal.update(updated)):
                    self.refresh_entries(keep=entry.id)
                    # u undoes a delete only; saying what the tags were keeps nothing lost unseen.
                    self.notify(tags_changed(entry.tags, tags), markup=False, timeout=8)

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
            self.notify(NOTHING_TO_UNDO, timeout=4)
            return

        def restore() -> None:
            if self.app.last_deleted is not entry:
                return  # undone meanwhile (or locked): nothing left to put back
            if self._store(lambda: self.journal.restore(entry)):
                self.post_message(self.Restored())
                self.refresh_entries(keep=entry.id)
                # The "deleted, press u" notice must not come back once it is undone.
                self.app.clear_notifications()
                self.notify("Restored.", timeout=3)

        # Both here in the shared space: who is undoing is asked, as for the delete
        # itself, and only the reflection's author puts it back. Never guessed.
        self._as_its_author(entry, restore)
