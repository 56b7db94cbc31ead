"""The command line: one ``main(argv) -> int`` exit point.

Commands that scripts use (``write``, ``list``, ``packs validate``) never
import Textual, so they start quickly. Every sentence shown to a person comes
from :mod:`reflect.messages`; no traceback ever reaches the screen.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from reflect import __version__, messages
from reflect.paths import resolve_data_dir

DEBUG_ENV = "REFLECT_DEBUG"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the data folder (default: $REFLECT_HOME, else your user data folder)",
    )

    parser = argparse.ArgumentParser(
        prog="reflect",
        description="A private companion for rebuilding closeness after infidelity. "
        "Run with no command to open the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"reflect {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="open the app on throw-away sample data"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    packs = commands.add_parser("packs", help="work with prompt packs", parents=[common])
    packs_commands = packs.add_subparsers(dest="packs_command", metavar="ACTION", required=True)
    validate = packs_commands.add_parser("validate", help="check a prompt pack", parents=[common])
    validate.add_argument("path", metavar="PATH", help="a pack folder (with a pack.md)")

    write = commands.add_parser(
        "write", help="add a reflection without opening the app", parents=[common]
    )
    write.add_argument("--prompt", metavar="ID", default="", help="the prompt this answers")
    write.add_argument("--tag", metavar="TAG", action="append", default=[], help="a tag (repeatable)")
    write.add_argument("text", nargs="?", metavar="TEXT", help="the text (default: read standard input)")

    listing = commands.add_parser("list", help="print reflections, newest first", parents=[common])
    listing.add_argument("-n", type=int, default=None, metavar="N", help="at most N entries")
    listing.add_argument("--contains", default="", metavar="TEXT", help="only entries containing TEXT")
    listing.add_argument("--tag", metavar="TAG", action="append", default=[], help="only entries with TAG")
    listing.add_argument("--json", action="store_true", help="print JSON records")

    return parser


def main(argv: list[str] | None = None) -> int:
    """Run reflect with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        _err(messages.INTERRUPTED)
        return 130
    except Exception as error:  # the last line of defence: never a traceback
        from reflect.storage.errors import StoreError

        if isinstance(error, StoreError):
            _err(error.user_message)
            return 1
        if os.environ.get(DEBUG_ENV):
            raise
        _err(messages.UNEXPECTED.format(kind=type(error).__name__))
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    if args.command == "packs":
        return _validate_pack(Path(args.path))
    if args.command == "write":
        return _write(data_dir, args)
    if args.command == "list":
        return _list(data_dir, args)
    return _open_app(data_dir, demo=args.demo)


def _out(text: str) -> None:
    print(text)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _validate_pack(path: Path) -> int:
    from reflect.content.packs import summarise, validate_path

    pack, problems = validate_path(path)
    for problem in problems:
        _out(str(problem))
    if pack is None or problems:
        return 1
    _out(summarise(pack))
    return 0


def _write(data_dir: Path, args: argparse.Namespace) -> int:
    from reflect.workspace import UnknownPrompt, Workspace

    text = args.text if args.text is not None else sys.stdin.read()
    if not text.strip():
        _err(messages.NO_TEXT)
        return 1
    with Workspace.open(data_dir) as workspace:
        try:
            workspace.write(text, prompt_id=args.prompt, tags=args.tag)
        except UnknownPrompt as error:
            _err(messages.UNKNOWN_PROMPT.format(prompt_id=error.prompt_id))
            return 1
    _out(messages.SAVED)
    return 0


def _list(data_dir: Path, args: argparse.Namespace) -> int:
    from reflect.domain.entries import EntryFilter, normalise_tags
    from reflect.storage.records import entry_to_record
    from reflect.workspace import Workspace

    if args.n is not None and args.n < 1:
        _err(messages.BAD_COUNT)
        return 2
    with Workspace.open(data_dir, take_lock=False, pack_dirs=()) as workspace:
        flt = EntryFilter(contains=args.contains, tags=normalise_tags(args.tag))
        entries = workspace.search(flt)
    if args.n is not None:
        entries = entries[: args.n]
    if args.json:
        _out(json.dumps([entry_to_record(e) for e in entries], ensure_ascii=False, indent=2))
        return 0
    if not entries:
        _out(messages.NO_MATCHES if (args.contains or args.tag) else messages.NO_ENTRIES)
        return 0
    for entry in entries:
        _out(_format_entry(entry))
    return 0


def _format_entry(entry) -> str:
    star = " *" if entry.starred else ""
    tags = f"  #{' #'.join(entry.tags)}" if entry.tags else ""
    head = f"{entry.created:%Y-%m-%d %H:%M}{star}{tags}  ({entry.id[:8]})"
    lines = [head]
    if entry.prompt_text:
        lines.append(f"  > {entry.prompt_text}")
    lines.extend(f"  {line}" for line in entry.text.splitlines())
    lines.append("")
    return "\n".join(lines)


def _open_app(data_dir: Path, *, demo: bool) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        _err(messages.NOT_A_TERMINAL_APP)
        return 1
    from reflect.workspace import Workspace

    demo_dir = None
    if demo:
        from reflect.demo import make_demo_folder, remove_demo_folder, seed_demo

        demo_dir = data_dir = make_demo_folder()
    try:
        with Workspace.open(data_dir) as workspace:
            workspace.journal  # open (and check) the journal before the screen takes over
            if demo:
                seed_demo(workspace)
            from reflect.ui.app import ReflectApp

            ReflectApp(workspace, demo=demo).run()
    finally:
        if demo_dir is not None:
            remove_demo_folder(demo_dir)
    return 0
