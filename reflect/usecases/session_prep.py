"""Session prep: a short page to bring to a therapy session, made from a chosen period.

A person chooses a period, what to take along and a few lines of what they
want to bring up; the prep is previewed, then saved as Markdown and as one
self-contained HTML page (the chart inline as SVG, no scripts, nothing
fetched from anywhere), both private files.

What a prep is made from is fixed by :class:`PrepSources`: the person's own
private space and the shared space, and nothing else. Drafts are never read.
From the shared space only the entries this person wrote go in (those that
carry their profile id as ``author``); shared entries written before authors
were recorded carry none and stay out, as does everything the partner wrote.

Each kind of thing a prep can hold is a :class:`PrepKind` in
:data:`PREP_KINDS`: a label, whether it applies, and how to gather it into a
:class:`PrepSection` of :class:`PrepItem`. The sentence builder's records and
the ladder's changes of pace will each one more kind (:data:`PrepItemKind`);
the screens and both file formats handle any kind.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from reflect.usecases.checkins import read_checkins
from reflect.domain.checkins import DIRECTION_WORDS, OSCILLATION_WORDS, CheckIn, TrendPoint, direction, trend
from reflect.domain.entries import Entry, newest_first
from reflect.domain.ladder import Ladder
from reflect.domain.sentences import HELP_LEAD, Sentence, joined
from reflect.usecases.exports import name_for_file, write_exports
from reflect.usecases.trend_picture import trend_svg

if TYPE_CHECKING:
    from reflect.usecases.workspace import Workspace

LAST_WEEKS = (1, 2, 4)
"""The periods offered first: the last one, two or four weeks."""
MAX_BRING_UP = 4000
NOT_ENCRYPTED_LINE = (
    "This file is not encrypted: anyone who can open this computer account, "
    "or the place you save it, can read it."
)


class PrepError(ValueError):
    """A choice that cannot make a prep; the message says what to change, plainly."""


class PrepItemKind(str, Enum):
    """What a prep can take along. Later: the sentence builder's records, the ladder's pace."""

    PRIVATE_ENTRIES = "private-entries"
    SHARED_ENTRIES = "shared-entries"
    CHECKINS = "checkins"
    SENTENCES = "sentences"
    LADDER = "ladder"


@dataclass(frozen=True)
class PrepPeriod:
    """From ``first`` to ``last``, both whole local days included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise PrepError("The first day comes after the last one. Swap them, or choose another period.")

    def holds(self, moment: datetime, tz: tzinfo) -> bool:
        """True when ``moment`` falls on one of the period's days in the zone ``tz``."""
        return self.first <= moment.astimezone(tz).date() <= self.last

    @property
    def words(self) -> str:
        """The period in words, e.g. "3 November to 30 November 2026"."""
        if self.first == self.last:
            return f"{self.first:%A} {self.first.day} {self.first:%B %Y}"
        first = f"{self.first.day} {self.first:%B}" + (f" {self.first.year}" if self.first.year != self.last.year else "")
        return f"{first} to {self.last.day} {self.last:%B %Y}"


def last_weeks(weeks: int, today: date) -> PrepPeriod:
    """The last ``weeks`` weeks, ending today (today included)."""
    if weeks < 1:
        raise PrepError("Choose at least one week.")
    return PrepPeriod(today - timedelta(days=7 * weeks - 1), today)


def parse_day(text: str, what: str) -> date:
    """A day typed as YYYY-MM-DD, or :class:`PrepError` naming ``what`` it was for."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PrepError(f"The {what} day should look like 2026-11-02 (year, month, day).") from None


def period_between(first: str, last: str) -> PrepPeriod:
    """The period between two typed days (see :func:`parse_day`)."""
    return PrepPeriod(parse_day(first, "first"), parse_day(last, "last"))


@dataclass(frozen=True)
class PrepSources:
    """Everything a prep may be made from, and nothing more.

    ``private_entries`` come from the person's own private space,
    ``shared_entries`` from the shared space (all of them: the kinds pick
    only the person's own), ``checkins`` from the private space.
    """

    person_id: str
    person_name: str
    tz: tzinfo
    private_entries: tuple[Entry, ...] = ()
    shared_entries: tuple[Entry, ...] = ()
    checkins: tuple[CheckIn, ...] = ()
    has_shared_space: bool = False
    sentences: tuple[Sentence, ...] = ()
    """The person's own sentences: all from their private space, and those they spoke in the shared one."""
    ladder: Ladder | None = None
    """The ladder this person sees (the couple's, or their own private one), if it has begun."""

    @classmethod
    def from_workspace(cls, workspace: Workspace) -> "PrepSources":
        """Read the unlocked person's private space and, when open, the shared space.

        No other space is ever read, whatever else might be open.
        """
        person = workspace.current
        if person is None:
            raise PrepError("Unlock first: a prep is made from your own journal.")
        shared_id = workspace.household.shared_space
        if shared_id is not None and workspace.active_space == shared_id:
            # Whoever holds the keyboard in the shared space may not be this person.
            raise PrepError("A prep is made from your own private journal. Open it first.")
        own = workspace.store(person.space)
        shared = workspace.store(shared_id) if shared_id and shared_id in workspace.open_spaces else None
        checkins, _ = read_checkins(own)
        from reflect.usecases.ladder import hurt_partners, saved_ladder
        from reflect.usecases.sentences import read_sentences

        sentences = list(read_sentences(own)[0])
        if shared is not None:
            sentences += [s for s in read_sentences(shared)[0] if s.speaker and s.speaker == person.id]
        hurt = hurt_partners(workspace.household)
        ladder = saved_ladder(shared, hurt) if shared is not None else saved_ladder(own, hurt)
        return cls(
            person_id=person.id,
            person_name=person.name,
            tz=workspace.now().tzinfo,
            private_entries=tuple(own.entries()),
            shared_entries=tuple(shared.entries()) if shared is not None else (),
            checkins=tuple(checkins),
            has_shared_space=shared is not None,
            sentences=tuple(sentences),
            ladder=ladder,
        )


@dataclass(frozen=True)
class PrepChoices:
    """What the person chose: when, what, and the lines they want to bring up."""

    period: PrepPeriod
    kinds: frozenset[PrepItemKind]
    starred_only: bool = False
    bring_up: str = ""


@dataclass(frozen=True)
class PrepItem:
    """One thing in a prep: a reflection, a check-in note, later a sentence or a change of pace."""

    when: datetime
    text: str
    prompt: str = ""
    tags: tuple[str, ...] = ()
    starred: bool = False


@dataclass(frozen=True)
class PrepSection:
    """One kind of thing, gathered for the period."""

    kind: PrepItemKind
    title: str
    items: tuple[PrepItem, ...] = ()
    facts: tuple[str, ...] = ()
    """Plain lines before the items (counts, the trend's words)."""
    chart: tuple[TrendPoint, ...] | None = None
    """Trend points to draw, when the section has a chart."""
    empty_words: str = "Nothing from this period."
    items_title: str = ""
    """A line before the items, when they need one (the check-ins' notes)."""


@dataclass(frozen=True)
class PrepKind:
    """How one kind of thing is offered and gathered."""

    kind: PrepItemKind
    label: str
    detail: str
    applies: Callable[[PrepSources], bool]
    gather: Callable[[PrepSources, PrepChoices], PrepSection]


def _entry_item(entry: Entry, tz: tzinfo) -> PrepItem:
    return PrepItem(
        when=entry.created.astimezone(tz),
        text=entry.text,
        prompt=entry.prompt_text,
        tags=entry.tags,
        starred=entry.starred,
    )


def _entries_in(entries: Sequence[Entry], sources: PrepSources, choices: PrepChoices) -> tuple[PrepItem, ...]:
    chosen = [
        e
        for e in entries
        if choices.period.holds(e.created, sources.tz) and (e.starred or not choices.starred_only)
    ]
    return tuple(_entry_item(e, sources.tz) for e in reversed(newest_first(chosen)))


def _gather_private(sources: PrepSources, choices: PrepChoices) -> PrepSection:
    return PrepSection(
        PrepItemKind.PRIVATE_ENTRIES,
        "From my private journal",
        _entries_in(sources.private_entries, sources, choices),
        empty_words="No private reflections from this period"
        + (" are starred." if choices.starred_only else "."),
    )


def _gather_shared(sources: PrepSources, choices: PrepChoices) -> PrepSection:
    mine = [e for e in sources.shared_entries if e.author and e.author == sources.person_id]
    return PrepSection(
        PrepItemKind.SHARED_ENTRIES,
        "What I wrote in our shared space",
        _entries_in(mine, sources, choices),
        empty_words="Nothing I wrote in the shared space from this period"
        + (" is starred." if choices.starred_only else "."),
    )


def _gather_checkins(sources: PrepSources, choices: PrepChoices) -> PrepSection:
    period, tz = choices.period, sources.tz
    chosen = [c for c in sources.checkins if period.holds(c.when, tz)]
    if not chosen:
        return PrepSection(PrepItemKind.CHECKINS, "My check-ins", empty_words="No check-ins in this period.")
    # The line is smoothed over everything before the period too, as in the
    # trend view; only the period's days are drawn.
    points = [p for p in trend(sources.checkins, tz=tz) if period.first <= p.date <= period.last]
    days = len(points)
    facts = (
        f"{len(chosen)} check-in{'s' if len(chosen) != 1 else ''} on {days} day{'s' if days != 1 else ''}.",
        f"Moments of connection counted: {sum(c.connection for c in chosen)}.",
        f"Moments of distance counted: {sum(c.distance for c in chosen)}.",
    )
    all_points = trend(sources.checkins, tz=tz)
    # The trend view's own words, without its pointer to a screen of the app.
    words = (DIRECTION_WORDS[direction(all_points, today=period.last)], OSCILLATION_WORDS)
    notes = tuple(
        PrepItem(when=c.when.astimezone(tz), text=c.note) for c in chosen if c.note.strip()
    )
    return PrepSection(
        PrepItemKind.CHECKINS,
        "My check-ins",
        notes,
        facts=facts + words,
        chart=tuple(points),
        empty_words="No notes with these check-ins.",
        items_title="Notes I wrote with them" if notes else "",
    )


def _own_words(sentence: Sentence) -> str:
    """A sentence as its speaker said it, and their own "that's it" or "not quite".

    What the partner said back is theirs, and stays out of this person's prep.
    """
    lines = [sentence.spoken.text]
    if sentence.would_help:
        lines.append(joined(HELP_LEAD, sentence.would_help))
    if sentence.reflection is not None:
        words = f" {sentence.reflection_words}" if sentence.reflection_words else ""
        lines.append(f"When it was received, I said: {sentence.reflection.label.lower()}.{words}")
    return "\n".join(lines)


def _gather_sentences(sources: PrepSources, choices: PrepChoices) -> PrepSection:
    chosen = sorted(
        (s for s in sources.sentences if choices.period.holds(s.created, sources.tz)), key=lambda s: s.created
    )
    return PrepSection(
        PrepItemKind.SENTENCES,
        "Sentences I built",
        tuple(PrepItem(when=s.created.astimezone(sources.tz), text=_own_words(s)) for s in chosen),
        empty_words="No sentences from this period.",
    )


def _gather_ladder(sources: PrepSources, choices: PrepChoices) -> PrepSection:
    ladder = sources.ladder
    if ladder is None:
        return PrepSection(PrepItemKind.LADDER, "The touch ladder", empty_words="The ladder has not begun.")
    where = "The ladder is resting for now." if ladder.paused else (
        f"Where the ladder is now: {ladder.pace.text}" if ladder.pace else "The ladder has not begun."
    )
    shown_kinds = {"pace", "pause", "resume", "try", "next"}
    items = tuple(
        PrepItem(when=e.at.astimezone(sources.tz), text=e.words)
        for e in ladder.log
        if e.kind in shown_kinds and choices.period.holds(e.at, sources.tz)
    )
    return PrepSection(
        PrepItemKind.LADDER,
        "The touch ladder",
        items,
        facts=(where,),
        empty_words="No changes of pace and no tries in this period.",
    )


PREP_KINDS: tuple[PrepKind, ...] = (
    PrepKind(
        PrepItemKind.PRIVATE_ENTRIES,
        "My private reflections",
        "What you wrote in your own journal in this period.",
        lambda sources: True,
        _gather_private,
    ),
    PrepKind(
        PrepItemKind.SHARED_ENTRIES,
        "Shared reflections I wrote",
        "Only what you wrote in the shared space, never your partner's words. "
        "Shared reflections from before reflect noted who wrote them are not included.",
        lambda sources: sources.has_shared_space,
        _gather_shared,
    ),
    PrepKind(
        PrepItemKind.CHECKINS,
        "My check-ins, with the chart",
        "How many moments of connection and of distance, the trend chart, and your notes.",
        lambda sources: True,
        _gather_checkins,
    ),
    PrepKind(
        PrepItemKind.SENTENCES,
        "Sentences I built",
        "Your sentences from the sentence builder, and whether they were heard as you meant them. "
        "Never what your partner said back.",
        lambda sources: bool(sources.sentences),
        _gather_sentences,
    ),
    PrepKind(
        PrepItemKind.LADDER,
        "The touch ladder",
        "Where the ladder is, and its changes of pace and tries in this period, in its own plain words.",
        lambda sources: sources.ladder is not None,
        _gather_ladder,
    ),
)


def kinds_for(sources: PrepSources) -> list[PrepKind]:
    """The kinds worth offering to this person now."""
    return [k for k in PREP_KINDS if k.applies(sources)]


@dataclass(frozen=True)
class SessionPrep:
    """A finished prep, ready to show or save."""

    person_name: str
    period: PrepPeriod
    made_on: date
    bring_up: str
    sections: tuple[PrepSection, ...] = field(default_factory=tuple)


def build_prep(sources: PrepSources, choices: PrepChoices, *, today: date) -> SessionPrep:
    """Gather what was chosen, in the order of :data:`PREP_KINDS`."""
    if len(choices.bring_up) > MAX_BRING_UP:
        raise PrepError(f"What you want to bring up is long; keep it under {MAX_BRING_UP} characters.")
    offered = kinds_for(sources)
    sections = tuple(k.gather(sources, choices) for k in offered if k.kind in choices.kinds)
    return SessionPrep(sources.person_name, choices.period, today, choices.bring_up.strip("\n"), sections)


# Markdown


def prep_markdown(prep: SessionPrep) -> str:
    """The prep as Markdown. Written words are kept exactly as they were typed."""
    lines = [f"# Session prep: {prep.period.words}", ""]
    if prep.person_name:
        lines += [f"For {prep.person_name}. Made on {prep.made_on.day} {prep.made_on:%B %Y}.", ""]
    lines += ["## What I want to bring up", ""]
    lines += [prep.bring_up.rstrip(), ""] if prep.bring_up.strip() else ["(Nothing written here yet.)", ""]
    for section in prep.sections:
        lines += [f"## {section.title}", ""]
        for fact in section.facts:
            lines += [fact, ""]
        if section.chart is not None:
            lines += ["(The chart is in the HTML page saved beside this file.)", ""]
        if not section.items:
            lines += [section.empty_words, ""]
        elif section.items_title:
            lines += [f"**{section.items_title}**", ""]
        for item in section.items:
            star = " ★" if item.starred else ""
            lines += [f"### {item.when:%A %d %B %Y, %H:%M}{star}", ""]
            if item.prompt:
                lines += [*(f"> {line}".rstrip() for line in item.prompt.splitlines()), ""]
            lines += [item.text.rstrip("\n"), ""]
            if item.tags:
                lines += ["Tags: " + " ".join(f"#{t}" for t in item.tags), ""]
    lines += ["---", "", NOT_ENCRYPTED_LINE, ""]
    return "\n".join(lines)


# HTML

_STYLE = """
:root { color-scheme: light; }
body { font-family: Georgia, 'Times New Roman', serif; color: #222; background: #fff;
       max-width: 46rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.5; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.3rem; color: #444; }
.byline, .meta, .footer, .empty { color: #666; font-size: 0.9rem; }
.bring-up { border-left: 4px solid #1f5f99; padding: 0.4rem 0.9rem; background: #f4f7fa; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.3rem 0; }
.prompt { font-style: italic; color: #444; margin: 0.2rem 0; white-space: pre-wrap; }
.item { break-inside: avoid; page-break-inside: avoid; }
.chart svg { width: 100%; height: auto; border: 1px solid #e3e3e3; }
.chart { break-inside: avoid; page-break-inside: avoid; margin: 1rem 0; }
.items-title { font-weight: bold; margin-top: 1.2rem; }
.footer { border-top: 1px solid #ccc; margin-top: 2.5rem; padding-top: 0.6rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  .bring-up { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""
# Nothing may load or run: no scripts, no fetches, only the inline style and
# the inline chart. This also guards against any markup that slipped through.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _inline_svg(points: Sequence[TrendPoint], subtitle: str) -> str:
    svg = trend_svg(points, subtitle=subtitle)
    # Inside HTML the XML declaration is not allowed; the <svg> element is.
    return svg[svg.index("<svg"):]


def prep_html(prep: SessionPrep) -> str:
    """The prep as one self-contained, print-friendly HTML page.

    Every written word goes through :func:`html.escape`; the chart is the
    inline SVG of :func:`reflect.usecases.trend_picture.trend_svg`, which holds only
    numbers and dates. No scripts, no external resources.
    """
    title = f"Session prep: {prep.period.words}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_esc(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_esc(title)}</h1>",
    ]
    if prep.person_name:
        out.append(
            f'<p class="byline">For {_esc(prep.person_name)}. Made on {prep.made_on.day} {prep.made_on:%B %Y}.</p>'
        )
    out.append("<h2>What I want to bring up</h2>")
    if prep.bring_up.strip():
        out.append(f'<div class="bring-up"><p class="text">{_esc(prep.bring_up.rstrip())}</p></div>')
    else:
        out.append('<p class="empty">(Nothing written here yet.)</p>')
    for section in prep.sections:
        out.append(f'<section class="{_esc(section.kind.value)}">')
        out.append(f"<h2>{_esc(section.title)}</h2>")
        for fact in section.facts:
            out.append(f"<p>{_esc(fact)}</p>")
        if section.chart is not None:
            out.append(f'<div class="chart">{_inline_svg(section.chart, prep.period.words)}</div>')
        if not section.items:
            out.append(f'<p class="empty">{_esc(section.empty_words)}</p>')
        elif section.items_title:
            out.append(f'<p class="items-title">{_esc(section.items_title)}</p>')
        for item in section.items:
            star = " ★" if item.starred else ""
            out.append('<div class="item">')
            out.append(f"<h3>{_esc(f'{item.when:%A %d %B %Y, %H:%M}')}{star}</h3>")
            if item.prompt:
                out.append(f'<p class="prompt">{_esc(item.prompt)}</p>')
            out.append(f'<p class="text">{_esc(item.text.rstrip())}</p>')
            if item.tags:
                out.append(f'<p class="meta">Tags: {_esc(" ".join("#" + t for t in item.tags))}</p>')
            out.append("</div>")
        out.append("</section>")
    out += [f'<p class="footer">Made with reflect. {_esc(NOT_ENCRYPTED_LINE)}</p>', "</body>", "</html>", ""]
    return "\n".join(out)


# Saving


def default_prep_stem(day: date, person: str = "") -> str:
    """The offered file name, without its ending: whose prep, and when it was made."""
    who = name_for_file(person)
    return f"reflect-session-prep-{who + '-' if who else ''}{day:%Y-%m-%d}"


def prep_paths(chosen: Path) -> tuple[Path, Path]:
    """The Markdown and HTML files for a chosen name (any .md or .html ending is dropped)."""
    chosen = Path(chosen)
    if chosen.suffix.lower() in (".md", ".html", ".htm"):
        chosen = chosen.with_suffix("")
    return chosen.with_name(chosen.name + ".md"), chosen.with_name(chosen.name + ".html")


def save_prep(prep: SessionPrep, chosen: Path, *, replace: bool = False, private_folder: Path | None = None) -> tuple[Path, Path]:
    """Write the prep as Markdown and HTML beside each other, both or neither, as private files.

    Raises :class:`reflect.usecases.exports.ExportExists` when either file is there and
    ``replace`` is false, and the other errors of
    :func:`reflect.usecases.exports.write_exports`.
    """
    markdown, page = prep_paths(chosen)
    write_exports(
        [(markdown, prep_markdown(prep).encode("utf-8")), (page, prep_html(prep).encode("utf-8"))],
        replace=replace,
        private_folder=private_folder,
    )
    return markdown, page
