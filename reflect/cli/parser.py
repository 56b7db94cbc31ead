"""The command line's parser: every command, option and help line."""

from __future__ import annotations

import argparse

from reflect import __version__
from reflect.cli import wording as messages


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
        "--demo",
        nargs="?",
        const="solo",
        default=None,
        choices=("solo", "couple"),
        metavar="couple",
        help="open the app on throw-away sample data: one person's journal, or with 'couple' "
        "two partners (Ana and Ben; their demo passphrases are shown on the lock screen)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    whose = argparse.ArgumentParser(add_help=False)
    whose.add_argument("--profile", metavar="NAME", default=None, help="whose journal (needed when two people use reflect)")
    whose.add_argument("--shared", action="store_true", help="the couple's shared space instead of the private journal")

    packs = commands.add_parser("packs", help="work with prompt packs", parents=[common])
    packs_commands = packs.add_subparsers(dest="packs_command", metavar="ACTION", required=True)
    validate = packs_commands.add_parser("validate", help="check a prompt pack", parents=[common])
    validate.add_argument("path", metavar="PATH", help="a pack folder (with a pack.md)")

    write = commands.add_parser(
        "write",
        help="add a reflection without opening the app",
        description="Add a reflection. With no TEXT, it is read from standard input after the "
        "passphrase line; on a terminal, type it and end with Ctrl+D. " + messages.ARGV_WARNING,
        parents=[common, whose],
    )
    write.add_argument("--prompt", metavar="ID", default="", help="the prompt this answers")
    write.add_argument("--tag", metavar="TAG", action="append", default=[], help="a tag (repeatable)")
    write.add_argument(
        "text",
        nargs="?",
        metavar="TEXT",
        help="the text (better left out: then it is read from standard input, unseen by other programs)",
    )

    listing = commands.add_parser("list", help="print reflections, newest first", parents=[common, whose])
    listing.add_argument("-n", type=int, default=None, metavar="N", help="at most N entries")
    listing.add_argument(
        "--contains",
        default="",
        metavar="TEXT",
        help="only entries containing TEXT (" + messages.ARGV_WARNING_SHORT + ")",
    )
    listing.add_argument("--tag", metavar="TAG", action="append", default=[], help="only entries with TAG")
    listing.add_argument("--json", action="store_true", help="print JSON records")

    checkin = commands.add_parser(
        "checkin",
        help="count moments of connection and of distance, since the last check-in or today",
        parents=[common, whose],
    )
    checkin.add_argument("--connection", metavar="N", default="0", help="moments of genuine connection (0-99, default 0)")
    checkin.add_argument("--distance", metavar="M", default="0", help="moments of profound distance (0-99, default 0)")
    checkin.add_argument(
        "--note",
        metavar="TEXT",
        default="",
        help="a few words, if you like; '-' reads them from standard input after the passphrase line ("
        + messages.ARGV_WARNING_SHORT
        + ")",
    )

    export = commands.add_parser(
        "export", help="export your reflections (md, json) or check-ins (csv)", parents=[common, whose]
    )
    export.add_argument(
        "--format",
        required=True,
        choices=("md", "json", "csv"),
        help="md: reflections to read; json: everything, to keep or import; csv: check-ins",
    )
    export.add_argument("-o", "--output", metavar="PATH", default=None, help="write to PATH (default: print)")
    export.add_argument("--force", action="store_true", help="replace PATH if it already exists")

    profiles = commands.add_parser("profiles", help="the people who use reflect here", parents=[common])
    profile_commands = profiles.add_subparsers(dest="profiles_command", metavar="ACTION", required=True)
    add = profile_commands.add_parser(
        "add", help="add a person (the second one makes a couple)", parents=[common]
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=("hurt", "involved", "individual"))
    add.add_argument(
        "--no-passphrase",
        action="store_true",
        help="one person only: keep the journal unencrypted (anyone using this account could read it)",
    )
    profile_commands.add_parser("list", help="who uses reflect here", parents=[common])
    change = profile_commands.add_parser("passphrase", help="change a passphrase", parents=[common])
    change.add_argument("name", metavar="NAME")

    commands.add_parser("check", help="verify every data file; change nothing", parents=[common])

    importing = commands.add_parser(
        "import",
        help="bring back a JSON export, or a journal from jrnl or Day One (importing twice adds nothing)",
        parents=[common, whose],
    )
    importing.add_argument(
        "path",
        metavar="PATH",
        help="a file made by `reflect export --format json`, by `jrnl --export json`, "
        "or Day One's JSON export (the zip or its Journal.json)",
    )

    return parser
