"""The command line: one ``main(argv) -> int`` exit point.

Commands that scripts use (``write``, ``list``, ``packs validate``) never
import Textual, so they start quickly. Every sentence shown to a person comes
from :mod:`reflect.cli.wording`; no traceback ever reaches the screen.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
from pathlib import Path

from reflect.cli import wording as messages
from reflect.cli.parser import build_parser
from reflect.cli.terminal import (
    READ_FROM_STDIN,
    CommandError,
    err,
    escape_unsafe_in_json,
    new_passphrase,
    out,
    read_passphrase,
    read_text,
)
from reflect.domain.display import shown
from reflect.paths import resolve_data_dir

DEBUG_ENV = "REFLECT_DEBUG"


def run() -> None:
    """The ``reflect`` command (its console script and ``python -m reflect``):
    :func:`main`, then the process ends with its exit code.

    What is still alive then is moved out of the cyclic collector's sight
    first (``gc.freeze``), so the full collection the interpreter makes as it
    ends skips it: that collection only finds what the system takes back
    anyway, and it was 9 ms of a 200 ms ``reflect write`` (issue 12). The end
    is otherwise as usual: output flushed, files closed, locks let go,
    ``atexit`` run. Nothing reflect keeps needs the collector to be closed:
    every file is closed where it is used.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run reflect with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _collector_paused(args.command in ("list", "write")):
            return _dispatch(args)
    except CommandError as error:
        err(error.message)
        return error.code
    except KeyboardInterrupt:
        err(messages.INTERRUPTED)
        return 130
    except BrokenPipeError:
        # Whatever read the output stopped reading (`reflect check | head`): end quietly.
        _quiet_stdout()
        return 1
    except Exception as error:  # the last line of defence: never a traceback
        from reflect.storage.errors import StoreError

        from reflect.domain.profiles import ProfileError

        if isinstance(error, StoreError):
            err(error.user_message)
            return 1
        if isinstance(error, ProfileError):
            err(str(error))
            return 1
        if isinstance(error, OSError):
            where = error.filename or "the data folder"
            err(messages.OS_PROBLEM.format(where=where, reason=error.strerror or type(error).__name__))
            return 1
        if os.environ.get(DEBUG_ENV):
            raise
        err(messages.UNEXPECTED.format(kind=type(error).__name__))
        return 1


@contextlib.contextmanager
def _collector_paused(pause: bool):
    """No cyclic garbage collection while a short command runs, when ``pause``.

    ``reflect write`` and ``reflect list`` are over in a moment. Most of what
    they make is the modules they import, and the collector walked those
    again and again while they were made (22 collections in one `list -n`,
    9 with this pause: 2-3 ms of its start-up) without finding anything to free:
    reference counting frees what they make as usual, and whole journals are
    read with collection off already (:func:`reflect.storage.records.gc_paused`).
    Collection is as it was once the command returns.
    """
    was_on = gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _quiet_stdout() -> None:
    """Point standard output at nothing, so Python's own last flush cannot complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _dispatch(args: argparse.Namespace) -> int:
    chosen = getattr(args, "data_dir", None)
    if chosen is not None and not chosen.strip():
        raise CommandError(messages.EMPTY_DATA_DIR, 2)
    data_dir = resolve_data_dir(chosen)
    if args.command == "packs":
        return _validate_pack(Path(args.path))
    if data_dir.exists() and not data_dir.is_dir():
        raise CommandError(messages.DATA_DIR_NOT_A_FOLDER.format(path=data_dir))
    if args.command == "write":
        return _write(data_dir, args)
    if args.command == "list":
        return _list(data_dir, args)
    if args.command == "checkin":
        return _checkin(data_dir, args)
    if args.command == "export":
        return _export(data_dir, args)
    if args.command == "profiles":
        return _profiles(data_dir, args)
    if args.command == "check":
        return _check(data_dir)
    if args.command == "import":
        return _import(data_dir, args)
    return _open_app(data_dir, demo=args.demo)


def _validate_pack(path: Path) -> int:
    from reflect.usecases.catalogue import check_pack

    pack, problems, summary = check_pack(path)
    for problem in problems:
        out(str(problem))
    if pack is None or problems:
        return 1
    out(summary)
    return 0


def _write(data_dir: Path, args: argparse.Namespace) -> int:
    from reflect.usecases.data_folder import DataFolder

    folder = DataFolder.open(data_dir)
    with contextlib.ExitStack() as closing:
        closing.callback(folder.release)
        quick, chosen = _open_to_write(folder, args)
        if quick is not None:
            closing.callback(quick.close)
        else:
            # The whole journal is needed: the usual unlock (and its imports).
            from reflect.usecases.catalogue import Catalogue
            from reflect.usecases.workspace import Workspace

            workspace = Workspace(folder, Catalogue.for_folder(folder.layout.root))
            closing.callback(workspace.session.lock)
            if chosen is not None:
                _unlocked(workspace, *chosen)
            else:
                _unlock(workspace, args)
        unsealed = not folder.is_set_up
        if unsealed and args.text is None:
            err(messages.NOBODY_SET_UP_YET)  # before the words are typed, not once they are on disk
        # The passphrase, when one is needed, was the first line of standard input.
        text = args.text if args.text is not None else read_text(messages.TYPE_THE_TEXT)
        if not text.strip():
            err(messages.NO_TEXT)
            return 1
        # Loaded here, not first: a sealed journal's quick write loads it while its key is derived.
        from reflect.usecases.journal import UnknownPrompt, write_reflection

        try:
            if quick is not None:
                catalogue = None
                if args.prompt:
                    from reflect.usecases.catalogue import Catalogue

                    catalogue = Catalogue.for_folder(folder.layout.root)
                write_reflection(quick, catalogue, text, now=folder.now, prompt_id=args.prompt, tags=args.tag)
            else:
                workspace.write(text, prompt_id=args.prompt, tags=args.tag)
        except UnknownPrompt as error:
            err(messages.UNKNOWN_PROMPT.format(prompt_id=error.prompt_id))
            return 1
        if unsealed and args.text is not None:
            err(messages.SAVED_WITHOUT_PASSPHRASE)
    out(messages.SAVED)
    return 0


def _open_to_write(folder, args: argparse.Namespace):
    """A lone person's own journal, ready to take one entry without being opened
    whole (see :mod:`reflect.usecases.quick_write`), or ``None``. Also returns
    the person and passphrase when they were asked for here (so that the usual
    unlock uses them), else ``None``."""
    from reflect.usecases.quick_write import open_to_write

    household = folder.household
    if args.profile or args.shared or not folder.is_set_up or len(household.profiles) != 1:
        return None, None
    profile = household.profiles[0]
    passphrase = read_passphrase(messages.PASSPHRASE_PROMPT.format(name=profile.name)) if profile.protected else None
    return open_to_write(folder, profile, passphrase), (profile, passphrase)


def _list(data_dir: Path, args: argparse.Namespace) -> int:
    if args.n is not None and args.n < 1:
        err(messages.BAD_COUNT)
        return 2
    entries, chosen, folder = _newest_from_head(data_dir, args)
    if entries is None and chosen is None:
        entries = _search_quickly(folder, args)
    if entries is None:
        from reflect.domain.entries import EntryFilter, normalise_tags
        from reflect.usecases.catalogue import Catalogue
        from reflect.usecases.workspace import Workspace

        workspace = Workspace(folder, Catalogue(()))
        with workspace:
            flt = EntryFilter(contains=args.contains, tags=normalise_tags(args.tag))
            if chosen is not None:
                _unlocked(workspace, *chosen)  # the passphrase was asked for already
                entries = workspace.search(flt)
            else:
                entries = workspace.search(flt) if _unlock(workspace, args) else []
    # Shared reflections name who wrote them, as the app's journal does.
    names = {p.id: p.name for p in folder.household.profiles}
    if args.n is not None:
        entries = entries[: args.n]
    if args.json:
        from reflect.usecases.exports import reflection_records

        records = json.dumps(reflection_records(entries), ensure_ascii=False, indent=2)
        out(escape_unsafe_in_json(records))
        return 0
    if not entries:
        out(messages.NO_MATCHES if (args.contains or args.tag) else messages.NO_ENTRIES)
        return 0
    for start in range(0, len(entries), 500):  # one print per 500 entries: far quicker than one each
        chunk = entries[start : start + 500]
        out("\n".join(_format_entry(e, names.get(e.author, "") if e.author else "") for e in chunk))
    return 0


def _newest_from_head(data_dir: Path, args: argparse.Namespace):
    """``list -n N`` with no other filter, for a lone person's own journal: the
    newest entries read from the head of the journal, without its older
    entries (see :mod:`reflect.usecases.quick_list`). Returns the entries or
    ``None``, the person and passphrase when they were asked for here (so that
    the usual unlock uses them), and the data folder, opened without the lock."""
    from reflect.usecases.data_folder import DataFolder

    folder = DataFolder.open(data_dir, take_lock=False)
    household = folder.household
    if (
        args.n is None
        or args.contains
        or args.tag
        or args.profile
        or args.shared
        or not folder.is_set_up
        or len(household.profiles) != 1
    ):
        return None, None, folder
    from reflect.usecases.quick_list import newest_entries

    profile = household.profiles[0]
    passphrase = read_passphrase(messages.PASSPHRASE_PROMPT.format(name=profile.name)) if profile.protected else None
    return newest_entries(folder, profile, passphrase, args.n), (profile, passphrase), folder


def _search_quickly(folder, args: argparse.Namespace):
    """``list --contains WORD`` for a lone person's own journal without a
    passphrase: the journal read once, entries built only for the matches (see
    :mod:`reflect.usecases.quick_search`); ``None`` when the usual way is needed."""
    household = folder.household
    if not args.contains or args.profile or args.shared or not folder.is_set_up or len(household.profiles) != 1:
        return None
    from reflect.domain.entries import EntryFilter, normalise_tags
    from reflect.usecases.quick_search import entries_containing

    flt = EntryFilter(contains=args.contains, tags=normalise_tags(args.tag))
    return entries_containing(folder, household.profiles[0], flt, ending=True)


def _checkin(data_dir: Path, args: argparse.Namespace) -> int:
    from reflect.usecases.checkins import record_checkin
    from reflect.usecases.workspace import Workspace

    counts = {}
    for option in ("connection", "distance"):
        value = getattr(args, option).strip()
        if not (value.isascii() and value.isdigit()):
            err(messages.BAD_MOMENTS.format(option=option, value=value[:20]))
            return 2
        counts[option] = int(value)
    with Workspace.open(data_dir, pack_dirs=()) as workspace:
        _unlock(workspace, args)
        note = read_text(messages.TYPE_THE_NOTE) if args.note == READ_FROM_STDIN else args.note
        note = note.strip()
        try:
            record_checkin(
                workspace.journal,
                counts["connection"],
                counts["distance"],
                now=workspace.now(),
                note=note,
                author=workspace.author_in(workspace.journal.space),
            )
        except ValueError as error:
            err(str(error))
            return 2
    out(messages.CHECKIN_SAVED)
    return 0


def _export(data_dir: Path, args: argparse.Namespace) -> int:
    from reflect.usecases import exports, ladder
    from reflect.usecases.workspace import Workspace

    # The packs are read only for Markdown, which names each reflection's step.
    with Workspace.open(data_dir, take_lock=False, pack_dirs=None if args.format == "md" else ()) as workspace:
        tz = workspace.now().tzinfo
        step_titles = workspace.step_titles() if args.format == "md" else {}
        if _unlock(workspace, args):
            journal = workspace.journal
            authors = workspace.authors_in(journal.space)
            hurt = ladder.hurt_partners(workspace.household)
            text, skipped = exports.export_space(journal, args.format, tz, step_titles, authors, hurt=hurt)
        else:
            text, skipped = exports.export_records(args.format, [], [], tz, step_titles), 0
    if skipped:
        err(messages.CHECKINS_SKIPPED.format(count=skipped))
    if args.output is None:
        if args.format == "json":
            text = escape_unsafe_in_json(text)
        elif sys.stdout.isatty():
            text = shown(text)  # a file or a pipe gets the text exactly; a terminal gets it safely
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    path = Path(args.output).expanduser()
    try:
        exports.write_export(path, text.encode("utf-8"), replace=args.force, data_folder=data_dir)
    except exports.ExportInDataFolder:
        err(messages.EXPORT_IN_DATA_FOLDER.format(path=path, exports=exports.exports_dir(data_dir)))
        return 1
    except exports.ExportExists:
        err(messages.EXPORT_EXISTS.format(path=path))
        return 1
    except exports.ExportFolderMissing:
        err(messages.EXPORT_NO_FOLDER.format(folder=path.parent))
        return 1
    except IsADirectoryError:
        err(messages.EXPORT_IS_FOLDER.format(path=path))
        return 1
    except OSError as error:
        err(messages.EXPORT_FAILED.format(path=path, reason=error.strerror or type(error).__name__))
        return 1
    out(messages.EXPORT_WRITTEN.format(path=path))
    err(messages.EXPORT_NOT_ENCRYPTED)
    return 0


def _unlock(workspace, args: argparse.Namespace) -> bool:
    """Open the space a command works on: whose (--profile) and which (--shared).

    Returns False when there is nothing to open yet (a read-only command on a
    folder nobody has written in); raises CommandError with a plain message
    when the choice is unclear.
    """
    household = workspace.household
    if args.profile and not workspace.is_set_up:
        raise CommandError(messages.NO_PROFILES)
    if args.profile:
        profile = household.find(args.profile)
        if profile is None:
            names = ", ".join(p.name for p in household.profiles)
            raise CommandError(messages.UNKNOWN_PROFILE.format(name=args.profile, names=names))
    elif len(household.profiles) == 1:
        profile = household.profiles[0]
    else:
        raise CommandError(messages.WHOSE_JOURNAL)
    if not workspace.is_set_up and not workspace.space_path(profile.space).exists() and getattr(
        args, "command", ""
    ) in ("list", "export"):
        return False
    passphrase = read_passphrase(messages.PASSPHRASE_PROMPT.format(name=profile.name)) if profile.protected else None
    _unlocked(workspace, profile, passphrase)
    if args.shared:
        if household.shared_space is None:
            raise CommandError(messages.NO_SHARED_SPACE)
        if household.shared_space in workspace.unavailable:
            raise CommandError(workspace.unavailable[household.shared_space])
        workspace.switch_space(household.shared_space)
    return True


def _unlocked(workspace, profile, passphrase) -> None:
    """Unlock, then say (on standard error) what the person must know about what was opened, and go on."""
    workspace.unlock(profile, passphrase)
    notice = workspace.session.take_notice()
    if notice:
        err(notice)
    if workspace.household.shared_space and workspace.session.folder.writable:
        from reflect.storage.errors import StoreError
        from reflect.usecases.couple_sessions import settle

        try:
            settle(workspace)  # answers of together sessions that ended come home, as at the app's unlock
        except (StoreError, OSError):
            pass  # still pending in the writer's own space: settled at a later unlock


def _profiles(data_dir: Path, args: argparse.Namespace) -> int:
    from reflect.domain.profiles import parse_role
    from reflect.usecases.workspace import Workspace

    # Listing only reads the household file, which every save replaces whole,
    # so it is safe beside a running app; adding or changing a person is not.
    reading = args.profiles_command == "list"
    with Workspace.open(data_dir, pack_dirs=(), take_lock=not reading) as workspace:
        household = workspace.household
        if reading:
            if not workspace.is_set_up:
                out(messages.NO_PROFILES)
                return 0
            for profile in household.profiles:
                lock = "passphrase" if profile.protected else "no passphrase"
                out(f"{profile.name}  ({profile.role.label}; {lock})")
            if household.shared_space:
                out(messages.SHARED_SPACE_LINE)
                out(messages.NAMES_AS_LISTED)
            return 0
        if args.profiles_command == "passphrase":
            profile = household.find(args.name) if workspace.is_set_up else None
            if profile is None or not profile.protected:
                raise CommandError(messages.NO_SUCH_PROTECTED_PROFILE.format(name=args.name))
            current = read_passphrase(messages.PASSPHRASE_PROMPT.format(name=profile.name))
            _unlocked(workspace, profile, current)
            change = workspace.change_passphrase(new_passphrase(profile.name), current=current)
            out(change.message)
            return 0
        role = parse_role(args.role)
        if args.no_passphrase:
            err(messages.NO_PASSPHRASE_WARNING)
            passphrase = None
        else:
            passphrase = new_passphrase(args.name)
        partner = None
        if workspace.is_set_up and len(household.profiles) == 1:
            first = household.profiles[0]
            partner = read_passphrase(
                messages.PARTNER_PASSPHRASE_PROMPT.format(name=first.name),
                messages.PARTNER_PASSPHRASE_MISSING.format(name=first.name),
            )
        profile = workspace.add_profile(args.name, role, passphrase, partner_passphrase=partner)
    out(messages.PROFILE_ADDED.format(name=profile.name))
    return 0


def _import(data_dir: Path, args: argparse.Namespace) -> int:
    from reflect.usecases.imports import ImportRefused, import_into, import_report, import_warnings, read_import
    from reflect.usecases.workspace import Workspace

    try:
        contents = read_import(Path(args.path).expanduser())
    except ImportRefused as refused:
        raise CommandError(refused.user_message) from None
    with Workspace.open(data_dir, pack_dirs=()) as workspace:
        _unlock(workspace, args)
        store = workspace.journal
        result = import_into(store, contents, author=workspace.author_in(store.space))
    for line in import_report(result):
        out(line)
    for line in import_warnings(result):
        err(line)
    return 0


def _check(data_dir: Path) -> int:
    from reflect.usecases.folder_check import check_data_folder

    if not data_dir.exists():
        out(messages.CHECK_NOTHING.format(path=data_dir))
        return 0
    report = check_data_folder(data_dir)
    if report.sound:
        out(messages.CHECK_OK.format(count=len(report.checked)))
    else:
        out(messages.CHECK_PROBLEMS)
        for problem in report.problems:
            out(f"- {problem}")
    if report.couple:
        out(messages.CHECK_ROLES_NOT_HERE)
    by_path = {backup.path: backup for backup in report.found_backups}
    restore = [by_path[path] for path in report.backups if path in by_path]
    others = [backup for backup in report.found_backups if backup not in restore]
    if restore:
        out(messages.CHECK_BACKUPS)
        for backup in restore:
            out(_backup_line(backup))
    if others:
        out(messages.CHECK_OTHER_BACKUPS if restore or not report.sound else messages.CHECK_FOUND_BACKUPS)
        for backup in others:
            out(_backup_line(backup))
    if not report.found_backups:
        out(messages.CHECK_NO_BACKUPS.format(path=data_dir / "backups"))
    return 0 if report.sound else 1


def _backup_line(backup) -> str:
    when = f"{backup.taken:%d %B %Y, %H:%M}" if backup.taken else "at an unknown time"
    damaged = messages.CHECK_BACKUP_DAMAGED if not backup.sound else ""
    return messages.CHECK_BACKUP_LINE.format(
        name=backup.path.name, original=backup.original.name, when=when, damaged=damaged
    )


def _format_entry(entry, author_name: str = "") -> str:
    """One entry as ``reflect list`` prints it: a line saying when (and by whom,
    starred, tags, id), the prompt, the text indented, and a blank line."""
    star = " *" if entry.starred else ""
    tags = f"  #{' #'.join(entry.tags)}" if entry.tags else ""
    by = f"  by {author_name}" if author_name else ""
    prompt = f"\n  > {entry.prompt_text}" if entry.prompt_text else ""
    text = "".join([f"\n  {line}" for line in entry.text.splitlines()])
    when = entry.created.isoformat(" ", "minutes")[:16]  # 2025-06-01 20:00 (then its offset, cut off)
    return f"{when}{by}{star}{tags}  ({entry.id[:8]}){prompt}{text}\n"


def _open_app(data_dir: Path, *, demo: str | None) -> int:
    """Open the app; ``demo`` ("solo" or "couple") opens it on throw-away sample data instead."""
    if not (sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()):
        err(messages.NOT_A_TERMINAL_APP)
        return 1
    from reflect.usecases.workspace import Workspace

    demo_dir = None
    if demo:
        from reflect.usecases.demo import make_demo_folder, remove_demo_folder, seed_demo, seed_demo_couple

        demo_dir = data_dir = make_demo_folder()
    try:
        with Workspace.open(data_dir) as workspace:
            demo_passphrases: dict[str, str] = {}
            if demo == "couple":
                demo_passphrases = seed_demo_couple(workspace)
            elif demo:
                seed_demo(workspace)
            from reflect.ui.app import ReflectApp

            app = ReflectApp(workspace, demo=bool(demo), demo_passphrases=demo_passphrases, handle_signals=True)
            app.run()
        for found in workspace.found_at_close:  # a file removed or replaced while the app had it open
            err(found)
    finally:
        if demo_dir is not None:
            remove_demo_folder(demo_dir)
    return app.return_code or 0
