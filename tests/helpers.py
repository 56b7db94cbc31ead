"""What several test modules share: passphrases, openers and small Pilot steps.

Test modules import from here (or use the fixtures in conftest.py), never
from each other.
"""

from __future__ import annotations

import base64
import errno
import io
import os
import random
import shutil
import sys
from datetime import timedelta
from pathlib import Path

from reflect.domain.checkins import new_checkin
from reflect.domain.profiles import Role
from reflect.storage.sealed import KdfParams
from reflect.usecases.workspace import NewPerson, Workspace

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PACKS = PROJECT_ROOT / "prompts"
SIZE = (120, 40)
SMALL = (80, 24)
PASSPHRASE = "a long enough passphrase"
PASS_A = "alex's long passphrase"
PASS_B = "sam's other passphrase"
CLI_PASS_A = "alex passphrase here"
CLI_PASS_B = "sam passphrase here"


def open_fresh(data_dir, clock, *, acknowledged: bool = True) -> Workspace:
    """A data folder with nobody set up yet (cheap key derivation)."""
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    ws.settings.first_run_acknowledged = acknowledged
    return ws


def open_solo(data_dir, clock, *, acknowledged: bool = True) -> Workspace:
    """A passphrase-protected solo journal (Robin), unlocked, as after the unlock screen."""
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    if not ws.is_set_up:
        ws.set_up([NewPerson("Robin", Role.HURT, PASSPHRASE)])
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    ws.settings.first_run_acknowledged = acknowledged
    return ws


def open_couple(data_dir, clock) -> Workspace:
    """Alex and Sam, set up and locked: the app starts at the lock screen."""
    ws = open_fresh(data_dir, clock)
    ws.set_up([NewPerson("Alex", Role.HURT, PASS_A), NewPerson("Sam", Role.INVOLVED, PASS_B)])
    return ws


def shown_text(screen) -> str:
    """Everything the Static widgets on a screen are showing, as plain text."""
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in screen.query(Static))


def text_on_every_screen(app) -> str:
    """Everything any widget on any screen in the stack holds, as text."""
    from textual.widgets import Input, Markdown, OptionList, Static, TextArea

    parts = []
    for screen in app.screen_stack:
        for widget in screen.walk_children(with_self=True):
            if isinstance(widget, Static):
                parts.append(str(widget.render()))
            if isinstance(widget, Input):
                parts.append(widget.value)
            if isinstance(widget, TextArea):
                parts.append(widget.text)
            if isinstance(widget, Markdown):
                parts.append(widget.source)
            if isinstance(widget, OptionList):
                parts.extend(str(o.prompt) for o in widget.options)
    return "\n".join(parts)


async def unlock_as(pilot, app, index: int, passphrase: str) -> None:
    """At the lock screen: choose person ``index`` (a couple), type, press Unlock, wait."""
    from textual.widgets import Input

    from reflect.ui.screens.unlock import UnlockScreen

    assert isinstance(app.screen, UnlockScreen)
    buttons = list(app.screen.query("#who RadioButton"))
    if buttons:
        await pilot.click(f"#{buttons[index].id}")
    app.screen.query_one("#passphrase", Input).value = passphrase
    await pilot.click("#unlock")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def searched(pilot) -> None:
    """Let the journal's search worker finish and its rows be shown."""
    from textual.worker import WorkerCancelled

    for worker in [w for w in pilot.app.workers if w.group == "journal-search"]:
        try:
            await worker.wait()
        except WorkerCancelled:
            pass  # a newer search took its place; its rows are never shown
    await pilot.pause()


async def lift(pilot) -> None:
    """The curtain is down: the person named presses Enter."""
    from reflect.ui.screens.curtain import CurtainScreen

    assert isinstance(pilot.app.screen, CurtainScreen), type(pilot.app.screen).__name__
    await pilot.press("enter")
    await pilot.pause()


async def prove(pilot) -> None:
    """After the curtain before someone's own turn or choice: they type their own passphrase.

    The first person of the couple has PASS_A, the second PASS_B (as the fixtures set them up).
    """
    from reflect.ui.screens.together import PassphraseTurnScreen

    screen = pilot.app.screen
    assert isinstance(screen, PassphraseTurnScreen) and screen.verify is not None, type(screen).__name__
    ids = [p.id for p in pilot.app.workspace.household.profiles]
    await type_passphrase(pilot, (PASS_A, PASS_B)[ids.index(screen.profile.id)])


async def lift_and_prove(pilot) -> None:
    """The curtain names someone for their own turn or choice: they press Enter and type their passphrase."""
    await lift(pilot)
    await prove(pilot)


async def type_passphrase(pilot, passphrase: str) -> None:
    from textual.widgets import Input

    from reflect.ui.screens.together import PassphraseTurnScreen

    screen = pilot.app.screen
    assert isinstance(screen, PassphraseTurnScreen), type(screen).__name__
    screen.query_one("#passphrase", Input).value = passphrase
    await pilot.press("enter")
    await settle(pilot)


async def both_here(pilot) -> None:
    """At the lock screen: "Both of us", then Alex's and Sam's passphrases, each behind a curtain."""
    from reflect.ui.screens.home import HomeScreen
    from reflect.ui.screens.unlock import UnlockScreen

    app = pilot.app
    assert isinstance(app.screen, UnlockScreen)
    await pilot.pause()
    await pilot.click("#who-both")
    await pilot.click("#unlock")
    await pilot.pause()
    await lift(pilot)
    await type_passphrase(pilot, PASS_A)
    await lift(pilot)
    await type_passphrase(pilot, PASS_B)
    assert app.workspace.together
    assert isinstance(app.screen, HomeScreen)


async def write_free(pilot, app, text: str) -> None:
    """N, type, Ctrl+S: a free reflection saved through the screens."""
    from reflect.ui.screens.write import WriteScreen

    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, WriteScreen)
    app.screen.editor.insert(text)
    await pilot.press("ctrl+s")
    await pilot.pause()


def visible_footer_actions(app) -> set[str]:
    """The actions of the footer keys a person can see (not cut off at the right)."""
    from textual.widgets._footer import FooterKey

    return {key.action for key in app.screen.query(FooterKey) if key.region.width and key.region.right <= app.size.width}


def in_view(app, selector: str) -> bool:
    """The widget is on screen, inside every container that holds it (not scrolled away)."""
    widget = app.screen.query_one(selector)
    region = widget.region
    if not region.width or region.bottom > app.size.height or region.right > app.size.width:
        return False
    return all(region in ancestor.region for ancestor in widget.ancestors if hasattr(ancestor, "region") and ancestor is not app)


def forms_of(marker: str) -> list[bytes]:
    """The marker as it could appear in a file: plain, UTF-16, JSON-escaped, base64."""
    raw = marker.encode("utf-8")
    forms = [raw, marker.encode("utf-16-le"), marker.encode("unicode_escape")]
    for shift in range(3):
        forms.append(base64.b64encode(b"x" * shift + raw)[4:-4])
    return forms


def copy_data_folder(source: Path, into: Path) -> Path:
    """Copy a data folder kept in the repository, with the modes reflect gave it.

    Git keeps no 0600/0700 modes, so a fresh clone has the fixture at 0644/0755,
    which ``reflect check`` rightly calls readable by others.
    """
    shutil.copytree(source, into)
    into.chmod(0o700)
    for path in into.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    return into


def files_under(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob("*") if p.is_file()]


def write_pack(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write a pack folder; ``None``-free dict of file name to text or bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def run_cli(argv, capsys, monkeypatch, stdin: str = ""):
    """The command line, with ``stdin`` as its standard input; never a traceback."""
    from reflect.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


PACK_MD = """\
---
id: test-pack
title: A test pack
---
What this pack is for.

## Ladder step: sit-closer
Sitting a little closer than usual.

## Ladder step: hand-on-shoulder
A hand on a shoulder.

## Starter: hard-because
I want to be close to you and it's hard right now because

## Receiving: what-i-heard
What I heard is
"""

SECTION_ONE = """\
---
id: first
title: The first section
order: 1
summary: One line under the title.
---

A reading, with [b]markup-like[/b] text and [@click=app.quit]a link[/].

A second paragraph.

## Prompt: body-now
For: hurt partner

When your partner comes close, what does your body do first?

## Prompt: what-i-see
For: Involved, SOLO,  together

When your partner pulls away, what story do you tell yourself?

## Exercise: settle-first
Title: Settling before you talk

1. Sit where you can both see a window.
2. Breathe out slowly.
"""

SECTION_TWO = """\
---
id: second
title: The second section
order: 2
---
Another reading.

## Prompt: second-thoughts
For: solo
What do you notice?
"""


def many_checkins(space: str, end, days: int, *, falling: bool = False, seed: int = 7):
    """``days`` days of check-ins ending at ``end``, with noise and skipped days."""
    rng = random.Random(seed)
    made = []
    for days_ago in range(days, -1, -1):
        if rng.random() < 0.2:
            continue
        drift = (days - days_ago) / days
        connection = 5 - 4 * drift if falling else 1 + 3 * drift
        distance = 1 + 4 * drift if falling else 4 - 3 * drift
        made.append(
            new_checkin(
                max(0, round(rng.gauss(connection, 1))),
                max(0, round(rng.gauss(distance, 1))),
                space=space,
                now=end - timedelta(days=days_ago, minutes=rng.randrange(600)),
            )
        )
    return made


class OsWithFailure:
    """The ``os`` module as the atomic writer sees it, with one call failing like a full disk.

    ``succeed_first`` calls go through before the failures start.
    """

    def __init__(self, name: str, succeed_first: int = 0) -> None:
        self._name = name
        self._succeed_first = succeed_first
        self.calls = 0

    def __getattr__(self, attr: str):
        real = getattr(os, attr)
        if attr != self._name:
            return real

        def failing(*args, **kwargs):
            self.calls += 1
            if self.calls > self._succeed_first:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(*args, **kwargs)

        return failing


def keep_copy_of_space(space_file, into):
    """Copy a space as it is on disk (its file and its change log, if any) into folder ``into``."""
    import shutil
    from pathlib import Path

    from reflect.storage.changelog import log_path

    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    shutil.copy(space_file, into / "space")
    log = log_path(space_file)
    (into / "log").unlink(missing_ok=True)
    if log.exists():
        shutil.copy(log, into / "log")


def put_back_space(into, space_file):
    """Put a copy made by :func:`keep_copy_of_space` back over the space, log and all."""
    import shutil
    from pathlib import Path

    from reflect.storage.changelog import log_path

    into = Path(into)
    shutil.copy(into / "space", space_file)
    log = log_path(space_file)
    log.unlink(missing_ok=True)
    if (into / "log").exists():
        shutil.copy(into / "log", log)


def space_bytes(space_file):
    """A space's file and change log, byte for byte."""
    from reflect.storage.changelog import log_path

    log = log_path(space_file)
    return space_file.read_bytes(), (log.read_bytes() if log.exists() else None)


def fold_change_log(space_file):
    """Fold a closed plain space's change log into its file, so the file holds everything
    (for tests that read or hand-edit the file itself)."""
    import orjson

    from reflect.storage.space_store import SpaceStore

    space = orjson.loads(space_file.read_bytes())["_meta"]["space"]["space"]
    with SpaceStore.open(space_file, space=space, create=False) as store:
        store.compact()


def plain_body(tables: dict) -> bytes:
    """A plain snapshot body of raw ``tables`` as read from a file (``_layout`` and
    ``_older`` included, in file order), with the layout's head end made to match
    the bytes again, for tests that hand-edit a record and write the file back.

    Without it, an edit that changes the head part's length leaves the layout
    pointing elsewhere, and the file is then read as one JSON document, not as
    the head-first layout such a test means to try.
    """
    import orjson

    layout = tables.get("_layout")
    if layout is None:
        return orjson.dumps(tables)
    head = {name: table for name, table in tables.items() if name != "_older"}
    while True:
        start = orjson.dumps(head)[:-1]
        if layout["head"]["end"] == len(start):
            return start + b',"_older":' + orjson.dumps(tables.get("_older", {})) + b"}"
        layout["head"]["end"] = len(start)
