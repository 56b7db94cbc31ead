"""Prompt packs read from plain-text folders: see ``prompts/README.md``.

Nothing here imports textual or rich: the command line and the app share it.
"""

from reflect.content.packs import load_pack, load_packs, summarise, validate_path

__all__ = ["load_pack", "load_packs", "summarise", "validate_path"]
