"""Session prep, without a terminal: what a prep holds, for which days, and what it never holds."""

from __future__ import annotations

import re
import stat
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from reflect.usecases.checkins import record_checkin
from reflect.domain.checkins import new_checkin
from reflect.domain.entries import new_entry
from reflect.domain.profiles import Role
from reflect.usecases.exports import ExportExists
from reflect.usecases.session_prep import (
    PREP_KINDS,
    PrepChoices,
    PrepError,
    PrepItemKind,
    PrepPeriod,
    PrepSources,
    build_prep,
    default_prep_stem,
    kinds_for,
    last_weeks,
    period_between,
    prep_html,
    prep_markdown,
    save_prep,
)
from reflect.storage.sealed import KdfParams
from reflect.usecases.workspace import NewPerson, Workspace
from tests.helpers import DEFAULT_PACKS

PASS_A = "alex's long passphrase"
PASS_B = "sam's other passphrase"
SAM_PRIVATE = "CANARY-sam-private-7f3e"
SAM_SHARED = "CANARY-sam-shared-91ab"
OLD_SHARED = "CANARY-unauthored-shared-22cd"
ALL = frozenset(PrepItemKind)
UTC = timezone.utc


def couple(data_dir, clock) -> Workspace:
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    ws.set_up([NewPerson("Alex", Role.HURT, PASS_A), NewPerson("Sam", Role.INVOLVED, PASS_B)])
    return ws


@pytest.fixture
def written(data_dir, clock):
    """Both partners have written privately and in the shared space; Alex is unlocked."""
    ws = couple(data_dir, clock)
    alex, sam = ws.household.profiles
    shared = ws.household.shared_space
    ws.unlock(sam, PASS_B)
    ws.write(f"{SAM_PRIVATE} in Sam's own journal")
    record_checkin(ws.journal, 1, 1, now=clock(), note=f"{SAM_PRIVATE} check-in note")
    ws.write(f"{SAM_SHARED} written by Sam", space=shared)
    # A shared entry from before authors were recorded: it names nobody.
    ws.store(shared).add(new_entry(f"{OLD_SHARED} from long ago", space=shared, now=clock()))
    ws.lock()
    ws.unlock(alex, PASS_A)
    ws.write("Alex: the walk on Sunday <script>alert(1)</script> & [b]not bold[/b]", tags=["walks"])
    ws.write("Alex in the shared space, about the calendar", space=shared)
    record_checkin(ws.journal, 3, 1, now=clock(), note="a quiet <b>evening</b>")
    yield ws
    ws.close()


def full_choices(today: date, **changes) -> PrepChoices:
    return replace(PrepChoices(last_weeks(2, today), ALL, bring_up="The phone, again.\n<i>and</i> the holidays"), **changes)


def every_prep_file(ws, tmp_path, choices) -> str:
    sources = PrepSources.from_workspace(ws)
    prep = build_prep(sources, choices, today=ws.now().date())
    md, page = save_prep(prep, tmp_path / "out" / "prep", private_folder=tmp_path / "out")
    return md.read_text() + page.read_text() + prep_markdown(prep) + prep_html(prep)


def test_a_prep_holds_what_was_chosen_and_nothing_of_the_partner(written, tmp_path):
    text = every_prep_file(written, tmp_path, full_choices(written.now().date()))
    assert "Alex: the walk on Sunday" in text
    assert "Alex in the shared space, about the calendar" in text
    assert "The phone, again." in text
    for canary in (SAM_PRIVATE, SAM_SHARED, OLD_SHARED, "CANARY"):
        assert canary not in text


def test_no_prep_is_made_while_the_shared_space_is_active(written, tmp_path):
    """Whoever holds the keyboard in the shared space may not be the person who unlocked."""
    written.switch_space(written.household.shared_space)
    with pytest.raises(PrepError):
        every_prep_file(written, tmp_path, full_choices(written.now().date()))


def test_drafts_are_never_taken(written, tmp_path):
    written.journal.save_draft("free", "DRAFT-canary-not-finished")
    text = every_prep_file(written, tmp_path, full_choices(written.now().date()))
    assert "DRAFT-canary" not in text


def test_only_the_chosen_kinds_go_in(written, tmp_path):
    today = written.now().date()
    text = every_prep_file(written, tmp_path, full_choices(today, kinds=frozenset({PrepItemKind.SHARED_ENTRIES})))
    assert "about the calendar" in text
    assert "walk on Sunday" not in text and "quiet" not in text and "<svg" not in text
    text = every_prep_file(written, tmp_path / "2", full_choices(today, kinds=frozenset({PrepItemKind.CHECKINS})))
    assert "<svg" in text and "a quiet &lt;b&gt;evening&lt;/b&gt;" in text and "walk on Sunday" not in text


def test_starred_only_takes_the_starred_reflections(written, tmp_path):
    today = written.now().date()
    own = written.journal
    starred = own.search(flt=__import__("reflect.domain.entries", fromlist=["EntryFilter"]).EntryFilter())[0]
    own.update(starred.toggled_star())
    written.write("Alex, not starred, second one")
    text = every_prep_file(written, tmp_path, full_choices(today, starred_only=True))
    assert "walk on Sunday" in text and "not starred, second one" not in text


def test_the_period_decides_which_days_go_in(written, clock, tmp_path):
    own = written.journal
    today = clock().date()
    for days_ago, words in ((6, "six days ago"), (13, "thirteen days ago"), (14, "fourteen days ago"), (40, "long ago")):
        when = clock() - timedelta(days=days_ago)
        own.add(new_entry(f"Alex {words}", space=own.space, now=when))
        record_checkin(own, 2, 2, now=when, note=f"note {words}")
    one = every_prep_file(written, tmp_path / "1", full_choices(today, period=last_weeks(1, today)))
    assert "six days ago" in one and "thirteen" not in one
    two = every_prep_file(written, tmp_path / "2", full_choices(today, period=last_weeks(2, today)))
    assert "thirteen days ago" in two and "fourteen days ago" not in two and "long ago" not in two
    between = every_prep_file(
        written, tmp_path / "3",
        full_choices(today, period=period_between(str(today - timedelta(days=40)), str(today - timedelta(days=14)))),
    )
    assert "long ago" in between and "fourteen days ago" in between and "six days ago" not in between
    assert "walk on Sunday" not in between


def test_periods_are_whole_days_and_say_so():
    today = date(2026, 11, 30)
    assert last_weeks(1, today) == PrepPeriod(date(2026, 11, 24), today)
    assert last_weeks(4, today).first == date(2026, 11, 3)
    assert last_weeks(4, today).words == "3 November to 30 November 2026"
    assert PrepPeriod(date(2025, 12, 30), date(2026, 1, 2)).words == "30 December 2025 to 2 January 2026"
    period = PrepPeriod(today, today)
    assert period.holds(datetime(2026, 11, 30, 23, 59, tzinfo=UTC), UTC)
    assert not period.holds(datetime(2026, 12, 1, 0, 0, tzinfo=UTC), UTC)
    with pytest.raises(PrepError, match="comes after"):
        period_between("2026-11-30", "2026-11-01")
    with pytest.raises(PrepError, match="should look like 2026-11-02"):
        period_between("yesterday", "2026-11-01")


def test_check_ins_are_summed_and_drawn_for_the_period_only(written, clock, tmp_path):
    own = written.journal
    record_checkin(own, 5, 0, now=clock() - timedelta(days=30), note="outside")
    sources = PrepSources.from_workspace(written)
    prep = build_prep(sources, full_choices(clock().date(), kinds=frozenset({PrepItemKind.CHECKINS})), today=clock().date())
    [section] = prep.sections
    assert "1 check-in on 1 day." in section.facts
    assert "Moments of connection counted: 3." in section.facts
    assert [p.date for p in section.chart] == [clock().date()]
    assert [i.text for i in section.items] == ["a quiet <b>evening</b>"]


def test_the_html_page_is_self_contained_escaped_and_printable(written, tmp_path):
    sources = PrepSources.from_workspace(written)
    prep = build_prep(sources, full_choices(written.now().date()), today=written.now().date())
    _, saved = save_prep(prep, tmp_path / "prep", private_folder=tmp_path)
    page = saved.read_text()
    assert page == prep_html(prep) and page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [b]not bold[/b]" in page
    assert "&lt;i&gt;and&lt;/i&gt; the holidays" in page
    assert not re.search(r"(src|href)\s*=", page, re.IGNORECASE)
    assert "url(" not in page and "@import" not in page
    assert "<?xml" not in page and "<svg" in page
    assert "@media print" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "not encrypted" in page


def test_saved_files_are_private_and_never_replaced_unasked(written, tmp_path):
    sources = PrepSources.from_workspace(written)
    prep = build_prep(sources, full_choices(written.now().date()), today=written.now().date())
    folder = tmp_path / "exports"
    md, page = save_prep(prep, folder / default_prep_stem(date(2026, 11, 2), "Alex"), private_folder=folder)
    assert md.name == "reflect-session-prep-alex-2026-11-02.md" and page.suffix == ".html"
    for path in (md, page):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    md.write_text("kept")
    with pytest.raises(ExportExists):
        save_prep(prep, folder / "reflect-session-prep-alex-2026-11-02.html", private_folder=folder)
    assert md.read_text() == "kept"
    save_prep(prep, md, replace=True, private_folder=folder)
    assert "Alex: the walk" in md.read_text()


def test_shared_entries_carry_their_author_from_now_on(written):
    shared = written.store(written.household.shared_space)
    alex, sam = written.household.profiles
    authors = {e.text.split()[0]: e.author for e in shared.entries()}
    assert authors["Alex"] == alex.id and authors[SAM_SHARED] == sam.id and authors[OLD_SHARED] == ""
    assert all(e.author == "" for e in written.journal.entries())


def test_one_person_is_not_offered_the_shared_kind(workspace):
    workspace.write("alone")
    sources = PrepSources.from_workspace(workspace)
    assert [k.kind for k in kinds_for(sources)] == [PrepItemKind.PRIVATE_ENTRIES, PrepItemKind.CHECKINS]
    assert {k.kind for k in PREP_KINDS} == set(PrepItemKind)


def test_an_empty_prep_still_reads_plainly(workspace):
    workspace.open_without_passphrase()
    sources = PrepSources.from_workspace(workspace)
    prep = build_prep(sources, PrepChoices(last_weeks(1, date(2026, 11, 2)), ALL), today=date(2026, 11, 2))
    text = prep_markdown(prep)
    assert "No private reflections from this period." in text and "No check-ins in this period." in text
    assert "(Nothing written here yet.)" in prep_html(prep)


def test_check_ins_in_another_space_are_not_read(written, clock):
    shared = written.store(written.household.shared_space)
    from reflect.usecases.checkins import add_checkins

    add_checkins(shared, [new_checkin(9, 9, space=shared.space, now=clock(), note="SHARED-checkin-canary")])
    sources = PrepSources.from_workspace(written)
    assert all("SHARED-checkin" not in c.note for c in sources.checkins)
