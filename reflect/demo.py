"""Demo mode: a throw-away data folder filled with sample reflections."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from reflect.demo_content import SAMPLE_ENTRIES
from reflect.paths import ensure_private_dir
from reflect.workspace import Workspace


def make_demo_folder() -> Path:
    """A fresh private temporary folder; the caller removes it afterwards."""
    return ensure_private_dir(Path(tempfile.mkdtemp(prefix="reflect-demo-")))


def remove_demo_folder(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def seed_demo(workspace: Workspace) -> None:
    """Fill an empty workspace with the sample entries, dated in the past."""
    now = workspace.now()
    for sample in SAMPLE_ENTRIES:
        prompt_id = sample.get("prompt_id", "")
        if prompt_id and workspace.find_prompt(prompt_id) is None:
            prompt_id = ""
        entry = workspace.write(sample["text"], prompt_id=prompt_id, tags=sample.get("tags", ()))
        when = now - timedelta(days=int(sample.get("days_ago", 1)))
        entry = replace(entry, created=when, updated=when, starred=bool(sample.get("starred")))
        workspace.journal.update(entry)
    workspace.settings.first_run_acknowledged = False
