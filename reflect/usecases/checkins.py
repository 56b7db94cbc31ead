"""Use cases for check-ins: record one, read them back, hand them out as CSV.

Check-ins live in the ``checkins`` table of whichever space they belong to (a
person's private space, or the couple's shared one), so these functions take
the :class:`~reflect.usecases.journal.Journal` itself and never decide which space that is.

A record that cannot be read (a hand edit, a file from somewhere else) is
left out of what is shown and counted as a problem. It is never deleted: this
module only ever adds records, so the file keeps it until someone mends it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from reflect.domain.checkins import CheckIn, new_checkin
from reflect.storage.records import CHECKINS_TABLE, checkin_from_record, checkin_to_record

if TYPE_CHECKING:
    from reflect.usecases.journal import Journal

CSV_HEADER = ("date", "time", "connection", "distance", "note")
UNREADABLE_TABLE = "The saved check-ins could not be read as a list, so none of them can be shown."


def record_checkin(
    store: Journal,
    connection: int,
    distance: int,
    *,
    now: datetime,
    note: str = "",
    author: str = "",
) -> CheckIn:
    """Save a new check-in in ``store``'s space and return it.

    ``author`` is who checked in (a profile id): given in the shared space.

    A count or note the domain refuses raises ``ValueError`` with a sentence
    fit to show, and nothing is saved; a failed save raises the store's
    :class:`~reflect.storage.errors.SaveFailed`.
    """
    checkin = new_checkin(connection, distance, space=store.space, now=now, note=note, author=author)
    store.insert_record(CHECKINS_TABLE, checkin_to_record(checkin))
    return checkin


def add_checkins(store: Journal, checkins: Iterable[CheckIn]) -> int:
    """Add many check-ins in one save, skipping ids the space already has; return how many were added.

    Adding the same check-ins twice (an import run again, say) adds nothing
    the second time. Records that could not be read stay as they are.
    Every check-in must belong to ``store``'s space (``ValueError`` otherwise).
    """
    current = store.table_records(CHECKINS_TABLE)
    known = {r.get("id") for r in current if isinstance(r, dict)}
    added = []
    for checkin in checkins:
        if checkin.space != store.space:
            raise ValueError(f"check-in {checkin.id} belongs to another space")
        if checkin.id not in known:
            known.add(checkin.id)
            added.append(checkin_to_record(checkin))
    if added:
        store.replace_records(CHECKINS_TABLE, [*current, *added])
    return len(added)


def read_checkins(store: Journal) -> tuple[list[CheckIn], list[str]]:
    """Every readable check-in in the space, oldest first, and what was wrong with the rest.

    A record is left out when it is malformed, belongs to another space, or
    repeats an id already read (the first copy wins, so a record imported
    twice is shown once). When the table itself cannot be read, no check-in
    is returned and the one problem is :data:`UNREADABLE_TABLE`. Problems
    name records, never a note's words.
    """
    checkins: list[CheckIn] = []
    problems: list[str] = []
    seen: set[str] = set()
    try:
        saved = store.table_records(CHECKINS_TABLE)
    except (ValueError, TypeError, KeyError):
        # A hand edit can break the table itself (a record key that is not a
        # number). The error's own words may quote the file, so they are not passed on.
        return [], [UNREADABLE_TABLE]
    for record in saved:
        try:
            checkin = checkin_from_record(record)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        except (TypeError, KeyError):
            problems.append("A check-in could not be read.")
            continue
        if checkin.space != store.space:
            problems.append(f"Check-in {checkin.id[:12]} belongs to another space.")
        elif checkin.id in seen:
            problems.append(f"Check-in {checkin.id[:12]} is saved twice; the first copy is used.")
        else:
            seen.add(checkin.id)
            checkins.append(checkin)
    checkins.sort(key=lambda c: c.when)
    return checkins, problems


def load_checkins(store: Journal) -> list[CheckIn]:
    """Every readable check-in in the space, oldest first; unreadable records are skipped."""
    return read_checkins(store)[0]


def checkins_to_csv(
    checkins: Iterable[CheckIn], tz: tzinfo, *, name_of: Callable[[str], str] | None = None
) -> str:
    """The check-ins as CSV text, one row each, dated in the time zone ``tz``.

    The header is ``date,time,connection,distance,note``. With ``name_of``
    (the shared space), a last column ``who`` names the person who checked
    in (empty when that was not noted). Quoting is left to the csv module,
    so a note with commas, quotes or line breaks reads back exactly as written.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER + (("who",) if name_of else ()))
    for checkin in checkins:
        local = checkin.when.astimezone(tz)
        row = [
            local.date().isoformat(),
            local.strftime("%H:%M"),
            checkin.connection,
            checkin.distance,
            checkin.note,
        ]
        if name_of:
            row.append(name_of(checkin.author) if checkin.author else "")
        writer.writerow(row)
    return out.getvalue()
