"""Reading prompt packs from their folders; the format is ``prompts/README.md``.

A pack is used only when it has no problems at all. Reflections point at
prompt ids, so a pack read halfway could quietly leave them pointing nowhere;
the people who write packs get every problem at once instead, each as
``file:line: message``.

Whatever bytes a file holds, these functions return problems, never raise.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reflect.domain.ladder import MAX_STEP_CHARS
from reflect.domain.content import (
    INCLUDES,
    LADDER,
    STARTERS,
    Audience,
    Exercise,
    LadderStep,
    Pack,
    PackLoad,
    PackProblem,
    Prompt,
    Section,
    SentenceStarter,
)
from reflect.domain.display import UNSAFE

PACK_FILE = "pack.md"
MAX_FILE_BYTES = 256 * 1024
MAX_SHORT_TEXT = 1_000
MAX_LONG_TEXT = 20_000
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")

PACK_HEADERS = {"id": True, "title": True}
SECTION_HEADERS = {"id": True, "title": True, "order": True, "summary": False, "includes": False}

PROMPT = "Prompt"
EXERCISE = "Exercise"
LADDER_STEP = "Ladder step"
STARTER = "Starter"
RECEIVING = "Receiving"
BLOCK_KINDS = {kind.casefold(): kind for kind in (PROMPT, EXERCISE, LADDER_STEP, STARTER, RECEIVING)}
PACK_BLOCKS = (LADDER_STEP, STARTER, RECEIVING)
SECTION_BLOCKS = (PROMPT, EXERCISE)

AUDIENCE_WORDS = {
    "solo": Audience.SOLO,
    "hurt partner": Audience.HURT,
    "hurt": Audience.HURT,
    "involved partner": Audience.INVOLVED,
    "involved": Audience.INVOLVED,
    "together": Audience.TOGETHER,
}
AUDIENCE_HINT = "use solo, hurt partner, involved partner or together"
INCLUDES_HINT = "use ladder, starters, or both separated by a comma"

NOT_A_PACK = "not a prompt pack: expected a folder with a pack.md"

_HEADING = re.compile(r"##(?:[ \t]|$)")
_HEADING_PARTS = re.compile(r"##\s*(?P<kind>[^:]*?)\s*:\s*(?P<id>.*?)\s*")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")
# Tabs are fine in text; other control characters are not text someone typed,
# and some of them would steer the terminal rather than show.
_CONTROL = UNSAFE  # the same characters the display rule replaces


def load_pack(folder: Path) -> tuple[Pack | None, list[PackProblem]]:
    """Read the pack in ``folder``: the pack, or ``None`` and every problem found."""
    pack, problems, _ = _load_pack(Path(folder))
    return pack, problems


def load_packs(folders: Iterable[Path]) -> PackLoad:
    """Load every pack found in ``folders``, each a folder of pack folders.

    Folders that do not exist are ignored. A pack with a problem, or with the
    id of a pack already loaded, is skipped and named; the others still load.
    """
    load = PackLoad()
    seen_folders: set[Path] = set()
    owners: dict[str, str] = {}
    for parent in folders:
        for folder in _pack_folders(Path(parent), load):
            key = _resolved(folder) or folder
            if key in seen_folders:
                continue
            seen_folders.add(key)
            pack, problems, id_line = _load_pack(folder)
            if pack is not None and pack.id in owners:
                problems = [
                    PackProblem(
                        str(folder / PACK_FILE),
                        id_line,
                        f'pack id "{pack.id}" is already used by {owners[pack.id]}',
                    )
                ]
                pack = None
            if pack is None:
                load.problems.extend(problems)
                load.skipped.append(str(folder))
                continue
            owners[pack.id] = str(folder)
            load.packs.append(pack)
    load.packs.sort(key=lambda pack: (pack.title.casefold(), pack.id))
    return load


def validate_path(path: Path) -> tuple[Pack | None, list[PackProblem]]:
    """Check the pack named on the command line: a pack folder or its pack.md."""
    path = Path(path)
    try:
        if path.is_dir() and os.path.lexists(path / PACK_FILE):
            return load_pack(path)
        if path.name == PACK_FILE and path.is_file():
            return load_pack(path.parent)
        if not os.path.lexists(path):
            return None, [PackProblem(str(path), 1, "no such file or folder")]
    except OSError as error:
        return None, [PackProblem(str(path), 1, f"cannot be read: {_reason(error)}")]
    return None, [PackProblem(str(path), 1, NOT_A_PACK)]


def summarise(pack: Pack) -> str:
    """The one line ``reflect packs validate`` prints for a good pack."""
    return f"ok: {len(pack.sections)} sections, {pack.prompt_count} prompts"


@dataclass
class _Report:
    """The problems found in one file, each at its 1-based line."""

    path: str
    problems: list[PackProblem] = field(default_factory=list)

    def __call__(self, line: int, message: str) -> None:
        self.problems.append(PackProblem(self.path, line, message))

    def sorted(self) -> list[PackProblem]:
        return sorted(self.problems, key=lambda problem: problem.line)


@dataclass
class _Block:
    """One ``## Kind: id`` block and the numbered lines under it."""

    kind: str
    id: str
    line: int
    usable: bool
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _File:
    """One file split into its header, the text before any block, and blocks."""

    headers: dict[str, tuple[str, int]]
    header_end: int
    intro: list[tuple[int, str]]
    blocks: list[_Block]


_PackParts = tuple[str, str, str, tuple[LadderStep, ...], tuple[SentenceStarter, ...]]
"""What pack.md says: id, title, description, ladder steps and starters."""


class _Ids:
    """Ids already claimed in a pack: they must be unique across all its files."""

    def __init__(self) -> None:
        self._claimed: dict[str, str] = {}

    def claim(self, id_: str, what: str, where: str, report: _Report, line: int) -> None:
        if id_ in self._claimed:
            report(line, f'id "{id_}" is already used by {self._claimed[id_]}')
        else:
            self._claimed[id_] = f"the {what} at {where}:{line}"


def _load_pack(folder: Path) -> tuple[Pack | None, list[PackProblem], int]:
    """``load_pack``, plus the line of pack.md's ``id:`` for later complaints."""
    pack_path = folder / PACK_FILE
    if not os.path.lexists(pack_path):
        return None, [PackProblem(str(pack_path), 1, "pack.md is missing: every pack needs one")], 1
    root = _resolved(folder)
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError as error:
        return None, [PackProblem(str(folder), 1, f"cannot be read: {_reason(error)}")], 1
    section_names = [
        name
        for name in names
        if name.endswith(".md")
        and name != PACK_FILE
        and name.casefold() != "readme.md"
        and not name.startswith(".")  # editor lock files, macOS "._" forks
    ]

    problems: list[PackProblem] = []
    ids = _Ids()

    report = _Report(str(pack_path))
    parsed = _parse_file(pack_path, root, PACK_HEADERS, PACK_BLOCKS, report)
    pack_parts = _pack_parts(parsed, report, ids) if parsed else None
    problems.extend(report.sorted())
    id_line = parsed.headers.get("id", ("", 1))[1] if parsed else 1

    sections: list[tuple[int, str, Section]] = []
    for name in section_names:
        report = _Report(str(folder / name))
        parsed_section = _parse_file(folder / name, root, SECTION_HEADERS, SECTION_BLOCKS, report)
        section = _section(parsed_section, name, report, ids, pack_parts) if parsed_section else None
        if section is not None:
            sections.append((section.order, name, section))
        problems.extend(report.sorted())

    if not section_names:
        problems.append(PackProblem(str(pack_path), 1, "pack has no sections: add a section file next to pack.md"))
    if problems or pack_parts is None:
        return None, problems, id_line

    pack_id, title, description, ladder, starters = pack_parts
    sections.sort(key=lambda item: (item[0], item[1]))
    pack = Pack(
        id=pack_id,
        title=title,
        description=description,
        sections=tuple(section for _, _, section in sections),
        ladder=ladder,
        starters=starters,
        source=str(folder),
    )
    return pack, [], id_line


def _pack_folders(parent: Path, load: PackLoad) -> list[Path]:
    """The pack folders directly inside ``parent``; none if it does not exist."""
    try:
        if not parent.is_dir():
            return []
        children = sorted(os.scandir(parent), key=lambda entry: entry.name)
        return [
            parent / child.name
            for child in children
            if not child.name.startswith(".")
            and child.is_dir()
            and os.path.lexists(parent / child.name / PACK_FILE)
        ]
    except OSError as error:
        load.problems.append(PackProblem(str(parent), 1, f"cannot be read: {_reason(error)}"))
        return []


def _parse_file(
    path: Path,
    root: Path | None,
    allowed_headers: dict[str, bool],
    allowed_blocks: tuple[str, ...],
    report: _Report,
) -> _File | None:
    lines = _read_lines(path, root, report)
    if lines is None:
        return None
    if not any(line.strip() for line in lines):
        report(1, "the file is empty")
        return None
    for number, line in enumerate(lines, start=1):
        found = _CONTROL.search(line)
        if found:
            report(number, f"this line has a control character (U+{ord(found.group()):04X}); a pack is plain text")
            break
    header = _read_header(lines, allowed_headers, report)
    if header is None:
        return None
    headers, header_end = header
    intro, blocks = _read_blocks(lines, header_end, allowed_blocks, report)
    return _File(headers, header_end, intro, blocks)


def _read_lines(path: Path, root: Path | None, report: _Report) -> list[str] | None:
    """The file's lines without line endings, or ``None`` with a problem."""
    resolved = _resolved(path)
    if resolved is None or root is None or not resolved.is_relative_to(root):
        report(1, "the file links to somewhere outside the pack folder; skipped")
        return None
    try:
        # O_NONBLOCK: opening a named pipe that happens to end in .md must not hang.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                report(1, "the file is not a plain file")
                return None
            if info.st_size > MAX_FILE_BYTES:
                report(1, "the file is larger than 256 KiB")
                return None
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        report(1, f"the file cannot be read: {_reason(error)}")
        return None
    if len(data) > MAX_FILE_BYTES:
        report(1, "the file is larger than 256 KiB")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        report(len(_split_lines(before)), "the file is not UTF-8 text (the first bad byte is on this line); save it as UTF-8")
        return None
    return _split_lines(text)


def _split_lines(text: str) -> list[str]:
    # Only real line endings count: str.splitlines() would also split on form
    # feeds and Unicode separators and put every line number after them out.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _read_header(
    lines: list[str], allowed: dict[str, bool], report: _Report
) -> tuple[dict[str, tuple[str, int]], int] | None:
    """The ``name: value`` header between the first two ``---`` lines.

    Returns the headers (name -> value, line) and the index of the closing line.
    """
    if lines[0].strip() != "---":
        report(1, 'the file does not start with a header: its first line should be "---"')
        return None
    end = next((index for index in range(1, len(lines)) if lines[index].strip() == "---"), None)
    if end is None:
        report(1, 'the header is not closed: add a "---" line after it')
        return None
    expected = ", ".join(allowed)
    headers: dict[str, tuple[str, int]] = {}
    for index in range(1, end):
        number = index + 1
        raw = lines[index].strip()
        if not raw:
            continue
        written, colon, value = raw.partition(":")
        name = written.strip().casefold()
        if not colon or not name:
            report(number, f'a header line is "name: value", not "{_clip(raw)}"')
        elif name not in allowed:
            report(number, f'unknown header "{_clip(written.strip())}" (expected {expected})')
        elif name in headers:
            report(number, f'header "{name}" appears twice (first on line {headers[name][1]})')
        else:
            headers[name] = (value.strip(), number)
    for name, needed in allowed.items():
        if needed and not headers.get(name, ("", 0))[0]:
            line = headers[name][1] if name in headers else 1
            report(line, f'the header needs a "{name}:" line with a value')
    return headers, end


def _read_blocks(
    lines: list[str], header_end: int, allowed: tuple[str, ...], report: _Report
) -> tuple[list[tuple[int, str]], list[_Block]]:
    """Split the text after the header into the intro and its ``## `` blocks."""
    intro: list[tuple[int, str]] = []
    blocks: list[_Block] = []
    for index in range(header_end + 1, len(lines)):
        number, line = index + 1, lines[index]
        if _HEADING.match(line):
            blocks.append(_read_heading(line, number, allowed, report))
        elif blocks:
            blocks[-1].lines.append((number, line))
        else:
            intro.append((number, line))
    return intro, blocks


def _read_heading(line: str, number: int, allowed: tuple[str, ...], report: _Report) -> _Block:
    parts = _HEADING_PARTS.fullmatch(line.rstrip())
    if parts is None or not parts["kind"]:
        report(number, f'a "## " line starts a block: write "## Kind: id", such as "## {allowed[0]}: my-id"')
        return _Block("", "", number, usable=False)
    written_kind, id_ = parts["kind"], parts["id"]
    kind = BLOCK_KINDS.get(" ".join(written_kind.split()).casefold(), "")
    usable = True
    if not kind:
        report(number, f'unknown block "{_clip(written_kind)}" (expected {_or(allowed)})')
        usable = False
    elif kind not in allowed:
        where = "pack.md" if kind in PACK_BLOCKS else "a section file"
        report(number, f'a "{kind}" block belongs in {where}, not here')
        usable = False
    if not id_:
        report(number, f'"## {written_kind}:" needs an id after the colon')
        usable = False
    elif not ID_PATTERN.fullmatch(id_):
        report(number, _bad_id(id_))
        usable = False
    return _Block(kind, id_, number, usable)


def _pack_parts(
    parsed: _File, report: _Report, ids: _Ids
) -> _PackParts | None:
    """What pack.md says: id, title, description, ladder steps and starters."""
    pack_id = _header_id(parsed, report)
    title = parsed.headers.get("title", ("", 0))[0]
    description = _text(parsed.intro, "the description", MAX_LONG_TEXT, report, parsed.header_end + 1)
    ladder: list[LadderStep] = []
    starters: list[SentenceStarter] = []
    for block in parsed.blocks:
        if not block.usable:
            continue
        ids.claim(block.id, block.kind.lower(), PACK_FILE, report, block.line)
        what = f'{block.kind.lower()} "{block.id}"'
        text = _text(block.lines, what, MAX_SHORT_TEXT, report, block.line, required=True)
        if text and not _fits_one_line(text, what, report, block.line):
            continue
        if block.kind == LADDER_STEP:
            ladder.append(LadderStep(block.id, text))
        else:
            kind = "receiving" if block.kind == RECEIVING else "naming"
            starters.append(SentenceStarter(block.id, text, kind))
    kinds = {s.kind for s in starters}
    if starters and kinds != {"naming", "receiving"}:
        missing = "Receiving" if "receiving" not in kinds else "Starter"
        report(
            next(b.line for b in parsed.blocks if b.kind in (STARTER, RECEIVING)),
            f'the sentence builder needs both kinds of beginning: add at least one "## {missing}:" block',
        )
    if not pack_id or not title:
        return None
    return pack_id, title, description, tuple(ladder), tuple(starters)


MAX_LINE_BLOCK_CHARS = MAX_STEP_CHARS
"""A ladder step or a beginning is one line people choose from a list (and a step can be renamed to
at most this many characters on the ladder screen)."""


def _fits_one_line(text: str, what: str, report: _Report, line: int) -> bool:
    """Ladder steps and sentence beginnings are single lines of at most :data:`MAX_LINE_BLOCK_CHARS`."""
    if "\n" in text:
        report(line, f"{what} should be one line; join its lines, or split it into two blocks")
        return False
    if len(text) > MAX_LINE_BLOCK_CHARS:
        report(line, f"{what} is longer than {MAX_LINE_BLOCK_CHARS} characters; people choose it from a list")
        return False
    return True


def _section(
    parsed: _File,
    name: str,
    report: _Report,
    ids: _Ids,
    pack_parts: _PackParts | None,
) -> Section | None:
    """The section a parsed file describes, or ``None`` once a problem is reported.

    ``pack_parts`` is what pack.md holds, when it could be read, so that a
    section asking to show the ladder or the starters finds some to show.
    """
    section_id = _header_id(parsed, report)
    if section_id:
        ids.claim(section_id, "section", name, report, parsed.headers["id"][1])
    title = parsed.headers.get("title", ("", 0))[0]
    order = _order(parsed, report)
    includes = _includes(parsed, report, pack_parts)
    reading = _text(parsed.intro, "the reading", MAX_LONG_TEXT, report, parsed.header_end + 1)
    if not reading:
        report(parsed.header_end + 1, "the section has no reading: write it under the header")

    prompts: list[Prompt] = []
    exercises: list[Exercise] = []
    for block in parsed.blocks:
        if not block.usable:
            continue
        ids.claim(block.id, block.kind.lower(), name, report, block.line)
        if block.kind == PROMPT:
            prompt = _prompt(block, section_id, report)
            if prompt:
                prompts.append(prompt)
        else:
            exercise = _exercise(block, report)
            if exercise:
                exercises.append(exercise)
    if not any(block.kind == PROMPT for block in parsed.blocks):
        report(1, 'the section has no prompts: add at least one "## Prompt: id" block')

    if report.problems or not section_id or not title or order is None:
        return None
    summary = parsed.headers.get("summary", ("", 0))[0]
    return Section(section_id, title, order, reading, tuple(prompts), tuple(exercises), summary, includes)


def _prompt(block: _Block, section_id: str, report: _Report) -> Prompt | None:
    found = _field(block, "for")
    if found is None:
        report(block.line, f'prompt "{block.id}" has no "For:" line')
        _text(block.lines, f'prompt "{block.id}"', MAX_SHORT_TEXT, report, block.line, required=True)
        return None
    value, line, rest = found
    audiences = _audiences(value, line, report)
    text = _text(rest, f'prompt "{block.id}"', MAX_SHORT_TEXT, report, block.line, required=True)
    if not audiences or not text:
        return None
    return Prompt(block.id, text, audiences, section_id)


def _exercise(block: _Block, report: _Report) -> Exercise | None:
    found = _field(block, "title")
    if found is None:
        report(block.line, f'exercise "{block.id}" has no "Title:" line')
        return None
    title, line, rest = found
    if not title:
        report(line, f'exercise "{block.id}" has an empty "Title:" line')
    text = _text(rest, f'exercise "{block.id}"', MAX_LONG_TEXT, report, block.line, required=True)
    if not title or not text:
        return None
    return Exercise(block.id, title, text)


def _field(block: _Block, name: str) -> tuple[str, int, list[tuple[int, str]]] | None:
    """A ``Name: value`` line as the first non-blank line of a block.

    Returns the value, its line, and the lines after it.
    """
    for position, (number, line) in enumerate(block.lines):
        if not line.strip():
            continue
        written, colon, value = line.partition(":")
        if colon and written.strip().casefold() == name:
            return value.strip(), number, block.lines[position + 1 :]
        return None
    return None


def _audiences(value: str, line: int, report: _Report) -> tuple[Audience, ...]:
    audiences: list[Audience] = []
    unknown = False
    for part in value.split(","):
        word = " ".join(part.split()).casefold()
        if not word:
            continue
        audience = AUDIENCE_WORDS.get(word)
        if audience is None:
            report(line, f'unknown audience "{_clip(part.strip())}" in "For:" ({AUDIENCE_HINT})')
            unknown = True
        elif audience not in audiences:
            audiences.append(audience)
    if not audiences and not unknown:
        report(line, f'"For:" names nobody ({AUDIENCE_HINT})')
    return () if unknown else tuple(audiences)


def _header_id(parsed: _File, report: _Report) -> str:
    value, line = parsed.headers.get("id", ("", 0))
    if value and not ID_PATTERN.fullmatch(value):
        report(line, _bad_id(value))
        return ""
    return value


def _includes(
    parsed: _File,
    report: _Report,
    pack_parts: _PackParts | None,
) -> tuple[str, ...]:
    """The ``includes:`` header: which of the pack's lists to show after the reading."""
    value, line = parsed.headers.get("includes", ("", 0))
    includes: list[str] = []
    for part in value.split(","):
        word = " ".join(part.split()).casefold()
        if not word:
            continue
        if word not in INCLUDES:
            report(line, f'unknown "{_clip(part.strip())}" in "includes:" ({INCLUDES_HINT})')
        elif word not in includes:
            includes.append(word)
    if pack_parts is not None:
        ladder, starters = pack_parts[3], pack_parts[4]
        if LADDER in includes and not ladder:
            report(line, '"includes: ladder", but pack.md has no "## Ladder step:" blocks')
        if STARTERS in includes and not starters:
            report(line, '"includes: starters", but pack.md has no "## Starter:" or "## Receiving:" blocks')
    return tuple(includes)


def _order(parsed: _File, report: _Report) -> int | None:
    value, line = parsed.headers.get("order", ("", 0))
    if not value:
        return None
    if not _WHOLE_NUMBER.fullmatch(value):
        report(line, f'order must be a whole number, such as 3, not "{_clip(value)}"')
        return None
    return int(value)


def _text(
    lines: list[tuple[int, str]],
    what: str,
    limit: int,
    report: _Report,
    line: int,
    required: bool = False,
) -> str:
    """The text of some lines, without blank lines around it, within ``limit``.

    ``line`` is where to point when the text is missing.
    """
    kept = list(lines)
    while kept and not kept[0][1].strip():
        kept.pop(0)
    while kept and not kept[-1][1].strip():
        kept.pop()
    text = "\n".join(written for _, written in kept)
    if required and not text:
        report(line, f"{what} has no text")
    elif len(text) > limit:
        report(kept[0][0], f"{what} is {len(text):,} characters; the limit is {limit:,}")
    return text


def _bad_id(value: str) -> str:
    return (
        f'"{_clip(value)}" is not a valid id: use lower-case letters, digits and hyphens, '
        "starting with a letter or digit, at most 60 characters"
    )


def _or(kinds: tuple[str, ...]) -> str:
    return ", ".join(kinds[:-1]) + " or " + kinds[-1]


def _clip(text: str, limit: int = 40) -> str:
    """User text quoted in a message: printable and short."""
    shown = "".join(char if char.isprintable() else "?" for char in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None
