"""Every sentence the command line says to a person, in one place.

Plain words: what happened and what to do. Never any journal text.
"""

NO_TEXT = "There was no text to save. Type it after the command, or pipe it in."
SAVED = "Saved."
NO_ENTRIES = "No reflections yet."
NO_MATCHES = "Nothing matches that search."
UNKNOWN_PROMPT = "There is no prompt with the id '{prompt_id}'. `reflect packs validate` lists problems with packs; the prompt ids are in the pack's files."
PACK_OK = "ok: {sections} sections, {prompts} prompts"
BAD_COUNT = "-n needs a whole number of 1 or more."
DEMO_FOLDER = "Demo mode: using a throw-away folder ({path}). Nothing you write here is kept."
INTERRUPTED = "Stopped. Nothing was changed after the last save."
NOT_A_TERMINAL_APP = (
    "reflect needs a terminal to open. For scripts, use `reflect write`, `reflect list` "
    "or `reflect export`; `reflect --help` lists them."
)
PACK_SKIPPED = "A prompt pack was skipped because it has problems: {path}. `reflect packs validate {path}` shows them."
UNEXPECTED = (
    "Something went wrong that reflect did not expect ({kind}). Your saved reflections are untouched. "
    "If it keeps happening, `reflect check` verifies the data files."
)
CHECK_OK = "All data files are sound ({count} checked)."
CHECK_PROBLEMS = "Some data files have problems. Nothing was changed."
CHECK_BACKUPS = "Backups you can restore from (copy one over the damaged file while reflect is closed):"
CHECK_NO_BACKUPS = "There are no backups in {path}."
