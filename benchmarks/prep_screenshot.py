"""Build a session prep from the demo's sample data and photograph its HTML page in headless Chromium.

Run on demand, never by the test suite:

    PYTHONPATH=$PWD /work/venv/bin/python benchmarks/prep_screenshot.py [OUT.png]

It makes a throw-away data folder (a couple, so the shared space is there),
fills it with the demo's sample reflections and check-ins plus a few lines
meant to be misread as markup, builds a prep of the last four weeks with
every kind ticked, saves it, and asks Chromium for a screenshot of the page
(1000x1400). Chromium runs with networking in the background switched off and
a fresh profile; the page itself has a Content-Security-Policy that forbids
every fetch, so a screenshot that shows the chart proves it is inline.
Prints where the PNG and the two prep files are.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from reflect.usecases.checkins import add_checkins
from reflect.usecases.demo import sample_checkins
from reflect.usecases.demo_content import SAMPLE_ENTRIES
from reflect.domain.profiles import Role
from reflect.usecases.session_prep import PrepChoices, PrepItemKind, PrepSources, build_prep, last_weeks, save_prep
from reflect.storage.sealed import KdfParams
from reflect.usecases.workspace import NewPerson, Workspace

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
BRING_UP = (
    "The evening with the phone, and what I felt just then.\n"
    "Whether we can talk about the holidays <b>without</b> it turning into a fight.\n"
    "[b]This is not bold[/b] & neither is <script>alert('this')</script>."
)


def build(folder: Path) -> tuple[Path, Path]:
    """A couple's folder with sample writing; the prep of the first partner, saved."""
    ws = Workspace.open(folder / "data", pack_dirs=None, kdf=KdfParams.TEST)
    try:
        ws.set_up([NewPerson("Robin", Role.HURT, "robin passphrase"), NewPerson("Sam", Role.INVOLVED, "sam passphrase")])
        robin, sam = ws.household.profiles
        shared = ws.household.shared_space
        ws.unlock(sam, "sam passphrase")
        ws.write("SAM-PRIVATE: this must never appear in Robin's prep.")
        ws.write("SAM-SHARED: written by Sam in the shared space; not Robin's to take.", space=shared)
        ws.lock()
        ws.unlock(robin, "robin passphrase")
        now = ws.now()
        for sample in SAMPLE_ENTRIES:
            prompt_id = sample.get("prompt_id", "")
            if prompt_id and ws.find_prompt(prompt_id) is None:
                prompt_id = ""
            entry = ws.write(sample["text"], prompt_id=prompt_id, tags=sample.get("tags", ()))
            when = now - timedelta(days=int(sample.get("days_ago", 1)))
            ws.journal.update(replace(entry, created=when, updated=when, starred=bool(sample.get("starred"))))
        ws.write("In the shared space, Robin: can we keep Sunday mornings for a walk?", space=shared)
        add_checkins(ws.journal, sample_checkins(ws.journal.space, now))
        sources = PrepSources.from_workspace(ws)
        choices = PrepChoices(last_weeks(4, now.date()), frozenset(PrepItemKind), bring_up=BRING_UP)
        prep = build_prep(sources, choices, today=now.date())
        return save_prep(prep, folder / "exports" / "prep", private_folder=folder / "exports")
    finally:
        ws.close()


def screenshot(page: Path, out: Path) -> None:
    profile = tempfile.mkdtemp(prefix="reflect-chromium-")
    try:
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={out}",
                "--window-size=1000,1400",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "prep-screenshot.png").resolve()
    folder = Path(tempfile.mkdtemp(prefix="reflect-prep-"))
    markdown, page = build(folder)
    text = markdown.read_text() + page.read_text()
    leaks = [marker for marker in ("SAM-PRIVATE", "SAM-SHARED") if marker in text]
    screenshot(page, out)
    print(f"screenshot: {out}")
    print(f"prep files: {markdown} and {page} ({page.stat().st_size} bytes of HTML)")
    print("partner's words in the prep: " + (", ".join(leaks) if leaks else "none"))
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
