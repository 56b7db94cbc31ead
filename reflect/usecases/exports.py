"""Handing a person's data back to them: Markdown to read, JSON to keep, files to save.

Nothing here decides where a file goes. The person chooses the path; the
only default is the ``exports`` folder inside the data folder, which only
this computer account can open. Exports are not encrypted, though: partners
who share the account can both open them, so in a couple the default file
name says whose it is. Files are written whole (never half a file) and
private (0600), and an existing file is only replaced when the caller says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

import orjson

from reflect.domain.checkins import CheckIn
from reflect.domain.entries import Entry, newest_first
from reflect.domain.display import shown
from reflect.domain.ladder import Ladder
from reflect.domain.sentences import Sentence
from reflect.paths import ensure_private_dir
from reflect.storage.atomic import atomic_write_many
from reflect.storage.exercise_records import ladder_to_record, sentence_to_record
from reflect.storage.records import checkin_to_record, entry_to_record

EXPORT_FORMAT = "reflect-export"
EXPORT_VERSION = 1
EXPORTS_FOLDER = "exports"
SPACE_EXPORT_FORMATS = ("md", "json", "csv")
"""md: the reflections, sentences and the ladder's notes to read; json: everything, to keep or
import; csv: the check-ins (the one kind of record that is a table of numbers)."""
# Long enough for any real name, short enough to leave the date readable.
MAX_NAME_IN_FILE = 40


class ExportExists(FileExistsError):
    """The chosen file is already there and replacing it was not asked for."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"already exists: {path}")
        self.path = path


class ExportFolderMissing(FileNotFoundError):
    """The folder of the chosen file does not exist."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no such folder: {path.parent}")
        self.path = path


class ExportInDataFolder(PermissionError):
    """The chosen file is inside the data folder, where reflect keeps its own files."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            13,
            "that place is inside reflect's own data folder, where only the exports folder "
            "can hold a copy",
            str(path),
        )
        self.path = path


def refuse_data_folder(path: Path, data_folder: Path | None) -> None:
    """Raise :class:`ExportInDataFolder` for a path inside ``data_folder`` but not in its exports folder.

    An export must never replace reflect's own files (a sealed space, the
    profiles, the settings), whatever name is typed.
    """
    if data_folder is None:
        return
    where = Path(path).expanduser().resolve()
    root = Path(data_folder).expanduser().resolve()
    if where.is_relative_to(root) and not where.is_relative_to(root / EXPORTS_FOLDER):
        raise ExportInDataFolder(Path(path))


def save_problem(error: OSError, path: Path, *, what: str = "The file could not be written") -> str:
    """The sentence a save dialog shows when writing ``path`` failed (not for :class:`ExportExists`)."""
    from reflect.usecases import wording

    if isinstance(error, ExportFolderMissing):
        return wording.SAVE_FOLDER_MISSING.format(folder=path.parent)
    if isinstance(error, IsADirectoryError):
        return wording.SAVE_IS_A_FOLDER
    return wording.SAVE_NOT_WRITTEN.format(what=what, reason=error.strerror or "unknown reason")


def exports_dir(data_root: Path) -> Path:
    """Where exports go unless the person chooses elsewhere (not created here)."""
    return Path(data_root) / EXPORTS_FOLDER


def name_for_file(name: str) -> str:
    """A display name made safe inside a file name: its words, lower case, joined by hyphens.

    Letters and digits of any script are kept; everything else (slashes,
    dots, spaces, brackets) separates words. May be empty.
    """
    words = re.findall(r"[^\W_]+", name.casefold())
    return "-".join(words)[:MAX_NAME_IN_FILE].strip("-")


def default_export_name(day: date, suffix: str, *, person: str = "") -> str:
    """The offered file name for check-ins saved on ``day``, naming ``person`` when given.

    ``person`` is a display name; it is passed through :func:`name_for_file`.
    """
    who = name_for_file(person)
    return f"reflect-checkins-{who + '-' if who else ''}{day:%Y-%m-%d}.{suffix}"


def default_space_export_name(day: date, suffix: str, *, person: str = "", shared: bool = False) -> str:
    """The offered file name for a whole space saved on ``day``: whose, which space, when."""
    who = name_for_file(person)
    kind = "shared" if shared else "journal"
    return f"reflect-{kind}-{who + '-' if who else ''}{day:%Y-%m-%d}.{suffix}"


def export_records(
    fmt: str,
    entries: Sequence[Entry],
    checkins: Sequence[CheckIn],
    tz: tzinfo,
    step_titles: Mapping[str, str] | None = None,
    authors: Mapping[str, str] | None = None,
    *,
    sentences: Sequence[Sentence] = (),
    ladder: Ladder | None = None,
    space: str = "",
) -> str:
    """A space's records as the text of one export format (see :data:`SPACE_EXPORT_FORMATS`).

    ``step_titles`` (section id to title) lets the Markdown name each reflection's step.
    ``authors`` (profile id to name) is given for the shared space: the
    Markdown says who wrote each reflection and each part of a sentence, and
    the CSV who made each check-in.
    """
    from reflect.usecases.checkins import checkins_to_csv

    if fmt == "md":
        return journal_markdown(entries, step_titles, authors=authors, sentences=sentences, ladder=ladder)
    if fmt == "json":
        return lossless_export_json(entries, checkins, sentences=sentences, ladder=ladder, space=space).decode("utf-8")
    if fmt == "csv":
        name_of = (lambda person: authors.get(person, "")) if authors is not None else None
        return checkins_to_csv(checkins, tz, name_of=name_of)
    raise ValueError(f"unknown export format {fmt!r}")


def export_space(
    store,
    fmt: str,
    tz: tzinfo,
    step_titles: Mapping[str, str] | None = None,
    authors: Mapping[str, str] | None = None,
    hurt: frozenset[str] = frozenset(),
) -> tuple[str, int]:
    """Everything in ``store``'s space as one export, and how many check-ins could not be read.

    The command line and the app both export through here. Check-ins that
    cannot be read are left out (and counted); they stay in the data file.
    ``hurt`` (:func:`reflect.usecases.ladder.hurt_partners`) says whose limits
    set the ladder's pace, so the export says where it is as the screen does.
    """
    from reflect.usecases.checkins import read_checkins
    from reflect.usecases.ladder import saved_ladder
    from reflect.usecases.sentences import read_sentences

    entries = store.entries()
    checkins, problems = read_checkins(store)
    # A sentence that cannot be read is left out too; it stays in the data file.
    sentences, _ = read_sentences(store)
    ladder = saved_ladder(store, hurt)
    skipped = len(problems) if fmt != "md" else 0
    text = export_records(
        fmt, entries, checkins, tz, step_titles, authors, sentences=sentences, ladder=ladder, space=store.space
    )
    return text, skipped


def write_export(
    path: Path,
    data: bytes,
    *,
    replace: bool = False,
    private_folder: Path | None = None,
    data_folder: Path | None = None,
) -> None:
    """Write ``data`` to ``path`` atomically, as a private (0600) file.

    Nothing is written inside ``data_folder`` (by default the folder that
    holds ``private_folder``) except in its exports folder: that raises
    :class:`ExportInDataFolder`, before any question about replacing.

    Raises :class:`ExportExists` when the file is there and ``replace`` is
    false, and :class:`ExportFolderMissing` when its folder is missing. Only
    ``private_folder`` (the exports folder) is ever created, with mode 0700;
    any other folder must already exist, so a typing slip cannot scatter
    folders around. Other failures are the ``OSError`` of the write.
    """
    write_exports([(Path(path), data)], replace=replace, private_folder=private_folder, data_folder=data_folder)


def _data_folder(private_folder: Path | None, data_folder: Path | None) -> Path | None:
    """The data folder to keep exports out of: given, or the one holding the exports folder."""
    if data_folder is not None:
        return data_folder
    if private_folder is not None and Path(private_folder).name == EXPORTS_FOLDER:
        return Path(private_folder).parent
    return None


def write_exports(
    files: Sequence[tuple[Path, bytes]],
    *,
    replace: bool = False,
    private_folder: Path | None = None,
    data_folder: Path | None = None,
) -> None:
    """Write several files with the rules of :func:`write_export`, all of them or none.

    Every file is checked before any is written, so a name that is taken
    stops the whole save with :class:`ExportExists` and nothing changes.
    """
    checked = []
    for path, data in files:
        path = Path(path)
        refuse_data_folder(path, _data_folder(private_folder, data_folder))
        if path.is_dir():
            raise IsADirectoryError(f"is a folder: {path}")
        if path.exists() and not replace:
            raise ExportExists(path)
        if not path.parent.is_dir():
            if private_folder is None or path.parent != Path(private_folder):
                raise ExportFolderMissing(path)
        checked.append((path, data))
    for path, _ in checked:
        if not path.parent.is_dir():
            ensure_private_dir(path.parent)
    atomic_write_many(checked)


def reflection_records(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """Reflections as the JSON records ``reflect list --json`` prints (the stored form)."""
    return [entry_to_record(e) for e in entries]


def lossless_export(
    entries: Iterable[Entry],
    checkins: Iterable[CheckIn],
    *,
    sentences: Iterable[Sentence] = (),
    ladder: Ladder | None = None,
    space: str = "",
) -> dict[str, Any]:
    """Everything needed to rebuild the journal, its check-ins and its exercises, oldest first.

    ``sentences`` and ``ladder`` are written only when there are some, in
    the records the space keeps them in. Drafts are left out: they are
    unfinished and belong to the machine they were typed on.
    """
    export: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "entries": [entry_to_record(e) for e in reversed(newest_first(list(entries)))],
        "checkins": [checkin_to_record(c) for c in sorted(checkins, key=lambda c: c.when)],
    }
    ordered = sorted(sentences, key=lambda s: s.created)
    if ordered:
        export["sentences"] = [sentence_to_record(s) for s in ordered]
    if ladder is not None:
        export["ladder"] = ladder_to_record(ladder, space)
    return export


def lossless_export_json(
    entries: Iterable[Entry],
    checkins: Iterable[CheckIn],
    *,
    sentences: Iterable[Sentence] = (),
    ladder: Ladder | None = None,
    space: str = "",
) -> bytes:
    """:func:`lossless_export` as indented UTF-8 JSON, ending with a newline."""
    data = lossless_export(entries, checkins, sentences=sentences, ladder=ladder, space=space)
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


def journal_markdown(
    entries: Sequence[Entry],
    step_titles: Mapping[str, str] | None = None,
    *,
    authors: Mapping[str, str] | None = None,
    sentences: Sequence[Sentence] = (),
    ladder: Ladder | None = None,
) -> str:
    """The reflections as a Markdown document to read, newest first.

    Each one is headed by when it was written (in the time zone it was
    written in), then the step of the path it belongs to (from
    ``step_titles``, section id to title), the prompt it answered as a
    quotation, the words as they were typed, and its tags. With ``authors``
    (the shared space), each also says who wrote it. The whole
    document passes through :func:`shown`: a file is read with ``cat``, so
    no terminal escape typed or imported into a reflection reaches it.
    """
    step_titles = step_titles or {}
    lines = ["# Your reflections", ""]
    ordered = newest_first(list(entries))
    if not ordered:
        lines += ["Nothing has been written yet.", ""]
    for entry in ordered:
        star = " ★" if entry.starred else ""
        lines += [f"## {entry.created:%A %d %B %Y, %H:%M}{star}", ""]
        if authors is not None:
            name = authors.get(entry.author, "") if entry.author else ""
            lines += [f"*Written by {name}*" if name else "*Who wrote this was not noted*", ""]
        if entry.updated != entry.created:
            lines += [f"*Edited {entry.updated:%d %B %Y, %H:%M}*", ""]
        if step_titles.get(entry.section_id):
            lines += [f"From the step: *{step_titles[entry.section_id]}*", ""]
        if entry.prompt_text:
            lines += [*(f"> {line}".rstrip() for line in entry.prompt_text.splitlines()), ""]
        lines += [entry.text.rstrip("\n"), ""]
        if entry.tags:
            lines += ["Tags: " + " ".join(f"#{t}" for t in entry.tags), ""]
    lines += _exercises_markdown(sentences, ladder, authors or {})
    return shown("\n".join(lines))


def _exercises_markdown(sentences: Sequence[Sentence], ladder: Ladder | None, names: Mapping[str, str]) -> list[str]:
    """The sentences, then the ladder (its steps, where it is, its notes), after the reflections."""
    from reflect.usecases.exercise_journal import sentence_words

    lines: list[str] = []
    if sentences:
        lines += ["# Sentences", ""]
        for sentence in sorted(sentences, key=lambda s: s.created, reverse=True):
            lines += [f"## {sentence.created:%A %d %B %Y, %H:%M}", ""]
            for line in sentence_words(sentence, names).splitlines():
                lines.append(line)
            lines.append("")
    if ladder is not None:
        lines += ["# The touch ladder", ""]
        pace = ladder.pace
        if ladder.paused:
            lines += ["The ladder is resting for now.", ""]
        lines += [f"Where it is: {pace.text}" if pace else "The ladder has not begun.", ""]
        lines += ["Its steps, gentlest first:", ""]
        lines += [f"- {step.text}" for step in ladder.steps] + [""]
        if ladder.log:
            lines += ["## Its notes", ""]
            for event in ladder.log:
                signal = f" (stop signal: {event.stop_signal})" if event.stop_signal else ""
                lines.append(f"- {event.at:%d %B %Y, %H:%M}: {event.words}{signal}")
            lines.append("")
    return lines
